"""Provides `InstructorConsole`: the server and the instructor's screen in one process.

With several rooms, a table lists them (code, name, round, state, students, pairs done, a
storing problem); the highlighted room is the one the rest of the screen shows and the keys
act on (`tab` moves to the table, `n` goes to the next room).

The room's server runs on the app's own asyncio loop. The screen is made to be projected: it
shows the roster and who is connected, who the round is waiting for, progress, and the class's
choices per information set in the completed rounds only (live counts would tell the class
which types are in play), never a token unless the instructor asks (`t` shows the instructor
token, `i` gives the selected student a new seat token, each in a dialog that closes with any
key). Keys start, pause, resume, advance the slowest (bots move for them), swap a bot in for
the selected student and back, remove (`k`) the selected student, end (`e`, confirmed), and
open the class debrief of the completed rounds.
"""

from __future__ import annotations

import time

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from game.classroom.server import ClassroomServer
from game.tui.header import SafeHeader


class DebriefDialog(ModalScreen[None]):
    """The class debrief as text (the same as `deterrence report`)."""

    BINDINGS = [Binding("escape,q", "dismiss", "Close")]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(self.text, markup=False, id="debrief")
        yield Footer()


class SecretDialog(ModalScreen[None]):
    """A token, shown on request; any key hides it again."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="panel"):
            yield Static(self.text + "\n\n(any key hides it)", markup=False, id="secret")

    def on_key(self, event) -> None:
        event.stop()
        self.dismiss(None)


class AskDialog(ModalScreen[bool]):
    """A yes/no question: y confirms, n or Escape cancels."""

    BINDINGS = [Binding("y", "answer(True)", "Yes"), Binding("n,escape", "answer(False)", "No")]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="panel"):
            yield Static(self.question + "\n\ny: yes    n: no", markup=False, id="question")
        yield Footer()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class InstructorConsole(App[None]):
    """Runs a classroom session and shows it (see the module docstring)."""

    TITLE = "Deterrence: instructor console"
    CSS_PATH = ["styles/app.tcss", "styles/console.tcss"]
    CSS = "#rooms { height: auto; max-height: 12; }"
    BINDINGS = [
        Binding("s", "command('start')", "Start"),
        Binding("p", "command('pause')", "Pause"),
        Binding("r", "command('resume')", "Resume"),
        Binding("a", "command('advance')", "Advance slowest"),
        Binding("w", "swap(True)", "Bot in"),
        Binding("u", "swap(False)", "Bot out"),
        Binding("k", "kick", "Remove"),
        Binding("i", "reissue", "New token"),
        Binding("t", "show_token", "Instructor token"),
        Binding("d", "debrief", "Debrief"),
        Binding("e", "end", "End"),
        Binding("n", "next_room", "Next room", show=False),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(self, rooms, stores, host: str = "127.0.0.1", port: int = 0,
                 results=None, limits=None) -> None:
        super().__init__()
        many = isinstance(rooms, list)
        self.rooms = rooms if many else [rooms]
        self.stores = stores if many else [stores]
        self.results = results if many else [results]
        self.host, self.port = host, port
        self.limits = limits
        self.current = 0
        """The room the screen shows and the keys act on."""
        self.server: ClassroomServer | None = None

    @property
    def room(self):
        return self.rooms[self.current]

    @property
    def store(self):
        return self.stores[self.current]

    @property
    def result(self):
        return self.results[self.current]

    def compose(self) -> ComposeResult:
        yield SafeHeader()
        if len(self.rooms) > 1:
            yield DataTable(id="rooms", cursor_type="row")
        yield Static("", markup=False, id="info", classes="panel")
        with Horizontal(id="tables"):
            yield DataTable(id="roster", cursor_type="row")
            yield DataTable(id="choices")
        yield Footer()

    async def on_mount(self) -> None:
        from game.classroom.host import debriefs

        self.query_one("#roster", DataTable).add_columns("student", "connected", "bot")
        self.query_one("#choices", DataTable).add_columns("information set",
                                                          "choices in completed rounds")
        if len(self.rooms) > 1:
            self.query_one("#rooms", DataTable).add_columns(
                "room", "code", "round", "state", "students", "pairs done", "storing")
        self.server = ClassroomServer(self.rooms, self.stores, host=self.host, port=self.port,
                                      limits=self.limits,
                                      debrief=debriefs(self.rooms, self.results),
                                      report=self._store_problem)
        await self.server.start()
        self.set_interval(0.5, self.refresh_status)
        self.refresh_status()

    async def on_unmount(self) -> None:
        if self.server is not None:
            await self.server.stop()

    def _store_problem(self, problem: str | None) -> None:
        if problem is None:
            self.notify("The session database can be written again.")
        else:
            self.notify(f"{problem}: moves are refused (students are told) and retried.",
                        severity="error", timeout=10)

    def screen_text(self) -> str:
        """Everything the main screen shows as text (what a projector shows)."""
        info = str(self.query_one("#info", Static).content)
        cells = []
        for table_id in ("#rooms", "#roster", "#choices")[0 if len(self.rooms) > 1 else 1:]:
            table = self.query_one(table_id, DataTable)
            cells += [str(c.label) for c in table.columns.values()]
            cells += [str(v) for i in range(table.row_count) for v in table.get_row_at(i)]
        return "\n".join([info, *cells])

    def refresh_status(self) -> None:
        from textual.css.query import NoMatches

        try:
            info = self.query_one("#info", Static)
            roster = self.query_one("#roster", DataTable)
            choices = self.query_one("#choices", DataTable)
        except NoMatches:
            return   # the timer fired while the app was shutting down or a dialog replaced it
        if len(self.rooms) > 1:
            self._refresh_rooms()
        room = self.room
        status = room.status()
        state = _state(status)
        waiting = ", ".join(status["waiting_for"][:12]) or "nobody"
        problem = (f"\n! {status['store_problem']}: moves are refused and retried"
                   if status["store_problem"] else "")
        title = f"Room {room.config.name} - " if room.config.name else ""
        info.update(
            f"{title}Join: deterrence join {self.host}:{self.server.port} --code "
            f"{room.config.code} --name LABEL\n"
            f"Round {status['round']} of {status['rounds']} - {state} - "
            f"{status['pairs_done']}/{status['pairs']} pairs done - waiting for: {waiting}"
            f"{problem}")
        rows = [(p["name"], "removed" if p["removed"] else "yes" if p["connected"] else "no",
                 "bot" if p["bot"] else "") for p in status["participants"]]
        _set_rows(roster, rows)
        choices.clear()
        for infoset, counts in sorted(status["aggregates"].items()):
            total = sum(counts.values())
            shares = ", ".join(f"{a} {100 * n / total:.0f}%" for a, n in sorted(counts.items()))
            choices.add_row(infoset, f"{shares} (n={total})")

    def _refresh_rooms(self) -> None:
        """The rooms table: one row per room (no token, no live choices)."""
        table = self.query_one("#rooms", DataTable)
        rows = []
        for room in self.rooms:
            status = room.status()
            joined = [p for p in status["participants"] if not p["removed"]]
            rows.append((room.config.name or "-", room.config.code,
                         f"{status['round']}/{status['rounds']}", _state(status),
                         f"{sum(p['connected'] for p in joined)}/{len(joined)} connected",
                         f"{status['pairs_done']}/{status['pairs']}",
                         "! refused" if status["store_problem"] else "ok"))
        _set_rows(table, rows)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The highlighted row of the rooms table is the room on screen."""
        if event.data_table.id == "rooms" and 0 <= event.cursor_row < len(self.rooms) and \
                event.cursor_row != self.current:
            self.current = event.cursor_row
            self.query_one("#roster", DataTable).clear()
            self.refresh_status()

    def action_next_room(self) -> None:
        """Shows the next room (and makes the keys act on it)."""
        if len(self.rooms) > 1:
            self.query_one("#rooms", DataTable).move_cursor(
                row=(self.current + 1) % len(self.rooms))

    async def action_command(self, command: str, label: str | None = None) -> list:
        from game.classroom.protocol import Instructor

        message = Instructor(type="instructor", token=self.room.config.instructor_token,
                             command=command, label=label)
        replies = await self.server.command("console", message, time.monotonic())
        for conn, reply in replies:
            if conn == "console" and reply.get("type") == "error":
                self.notify(reply["message"], severity="warning")
        self.refresh_status()
        return replies

    def _selected(self) -> str | None:
        roster = self.query_one("#roster", DataTable)
        if not roster.row_count:
            return None
        return str(roster.get_row_at(roster.cursor_row)[0])

    async def action_swap(self, on: bool) -> None:
        name = self._selected()
        if name is not None:
            await self.action_command("swap" if on else "unswap", name)

    def action_end(self) -> None:
        """Ends the session for everyone, once confirmed (a stray key ends nothing)."""
        async def answer(yes: bool | None) -> None:
            if yes:
                await self.action_command("end")

        self.push_screen(AskDialog(f"End the session for everyone now, in round "
                                   f"{self.room.round} of {self.room.config.rounds}?"), answer)

    def action_kick(self) -> None:
        """Removes the selected student, once confirmed: a bot finishes their game and they
        sit out the later rounds; their token stops working."""
        name = self._selected()
        if name is None:
            return

        async def answer(yes: bool | None) -> None:
            if yes:
                await self.action_command("kick", name)

        self.push_screen(AskDialog(f"Remove {name} from the session? A bot finishes their "
                                   "game; they cannot rejoin."), answer)

    async def action_reissue(self) -> None:
        """Gives the selected student a new seat token (the old one stops working) and shows
        it in a dialog, to tell the student."""
        name = self._selected()
        if name is None:
            return
        for conn, reply in await self.action_command("reissue", name):
            if conn == "console" and reply.get("type") == "ok":
                self.push_screen(SecretDialog(
                    f"New seat token for {name}: {reply['token']}\nRejoin with: --name "
                    f"'{name}' --token {reply['token']}"))

    def action_show_token(self) -> None:
        """Shows the instructor token until a key is pressed."""
        self.push_screen(SecretDialog(f"Instructor token: {self.room.config.instructor_token}"))

    def action_debrief(self) -> None:
        """The class debrief of the completed rounds (all of them once the session is over)."""
        from game.classroom.report import analyse, render

        events = self.store.events() if self.store is not None else []
        if not self.room.ended:
            events = [e for e in events if e.get("round", 0) < self.room.round]
        if not any(e["kind"] == "move" for e in events):
            self.notify("No completed round yet.")
            return
        self.push_screen(DebriefDialog(render(analyse(events, self.room.game, self.result))))


def _state(status: dict) -> str:
    return "ended" if status["ended"] else "paused" if status["paused"] else \
        "running" if status["started"] else "waiting to start (s)"


def _set_rows(table: DataTable, rows: list[tuple]) -> None:
    """Shows `rows` in the table when they changed, keeping the cursor where it was."""
    if table.row_count == len(rows) and all(
            tuple(table.get_row_at(i)) == row for i, row in enumerate(rows)):
        return
    cursor = table.cursor_row
    table.clear()
    for row in rows:
        table.add_row(*row)
    if rows:
        table.move_cursor(row=min(max(cursor, 0), len(rows) - 1))


__all__ = ["AskDialog", "DebriefDialog", "InstructorConsole", "SecretDialog"]
