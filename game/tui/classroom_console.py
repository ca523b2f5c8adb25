"""Provides `InstructorConsole`: the server and the instructor's screen in one process.

The room's server runs on the app's own asyncio loop. The screen shows the roster and who is
connected, who the round is waiting for, progress, and the class's choices per information
set so far; keys start, pause, resume, advance the slowest (bots move for them), swap a bot in
for the selected student and back, end, and open the class debrief.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
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


class InstructorConsole(App[None]):
    """Runs a classroom session and shows it."""

    TITLE = "Deterrence: instructor console"
    CSS_PATH = ["styles/app.tcss", "styles/console.tcss"]
    BINDINGS = [
        Binding("s", "command('start')", "Start"),
        Binding("p", "command('pause')", "Pause"),
        Binding("r", "command('resume')", "Resume"),
        Binding("a", "command('advance')", "Advance slowest"),
        Binding("w", "swap(True)", "Bot in"),
        Binding("u", "swap(False)", "Bot out"),
        Binding("d", "debrief", "Debrief"),
        Binding("e", "command('end')", "End"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(self, room, store, host: str = "127.0.0.1", port: int = 0,
                 result=None) -> None:
        super().__init__()
        self.room, self.store, self.host, self.port = room, store, host, port
        self.result = result
        self.server: ClassroomServer | None = None

    def compose(self) -> ComposeResult:
        yield SafeHeader()
        yield Static("", markup=False, id="info", classes="panel")
        with Horizontal(id="tables"):
            yield DataTable(id="roster", cursor_type="row")
            yield DataTable(id="choices")
        yield Footer()

    async def on_mount(self) -> None:
        self.query_one("#roster", DataTable).add_columns("student", "connected", "bot")
        self.query_one("#choices", DataTable).add_columns("information set", "choices so far")
        self.server = ClassroomServer(self.room, self.store, host=self.host, port=self.port)
        await self.server.start()
        self.set_interval(0.5, self.refresh_status)
        self.refresh_status()

    async def on_unmount(self) -> None:
        if self.server is not None:
            await self.server.stop()

    def refresh_status(self) -> None:
        from textual.css.query import NoMatches

        try:
            info = self.query_one("#info", Static)
            roster = self.query_one("#roster", DataTable)
            choices = self.query_one("#choices", DataTable)
        except NoMatches:
            return   # the timer fired while the app was shutting down or a dialog replaced it
        room = self.room
        status = room.status()
        state = "ended" if status["ended"] else "paused" if status["paused"] else \
            "running" if status["started"] else "waiting to start (s)"
        waiting = ", ".join(status["waiting_for"][:12]) or "nobody"
        info.update(
            f"Join: deterrence join {self.host}:{self.server.port} --code {room.config.code} "
            f"--name LABEL\nInstructor token: {room.config.instructor_token}\n"
            f"Round {status['round']} of {status['rounds']} - {state} - "
            f"{status['pairs_done']}/{status['pairs']} pairs done - waiting for: {waiting}")
        rows = [(p["name"], "yes" if p["connected"] else "no", "bot" if p["bot"] else "")
                for p in status["participants"]]
        if roster.row_count != len(rows) or any(
                tuple(roster.get_row_at(i)) != row for i, row in enumerate(rows)):
            cursor = roster.cursor_row
            roster.clear()
            for row in rows:
                roster.add_row(*row)
            if rows:
                roster.move_cursor(row=min(cursor, len(rows) - 1))
        choices.clear()
        for infoset, counts in sorted(status["aggregates"].items()):
            total = sum(counts.values())
            shares = ", ".join(f"{a} {100 * n / total:.0f}%" for a, n in sorted(counts.items()))
            choices.add_row(infoset, f"{shares} (n={total})")

    async def action_command(self, command: str, label: str | None = None) -> None:
        import time

        from game.classroom.protocol import Instructor

        message = Instructor(type="instructor", token=self.room.config.instructor_token,
                             command=command, label=label)
        replies = self.room.handle("console", message, time.time())
        for conn, reply in replies:
            if conn == "console" and reply.get("type") == "error":
                self.notify(reply["message"], severity="warning")
        await self.server._flush(replies)
        self.refresh_status()

    async def action_swap(self, on: bool) -> None:
        roster = self.query_one("#roster", DataTable)
        if not roster.row_count:
            return
        name = str(roster.get_row_at(roster.cursor_row)[0])
        await self.action_command("swap" if on else "unswap", name)

    def action_debrief(self) -> None:
        from game.classroom.report import analyse, render

        events = self.store.events() if self.store is not None else []
        if not any(e["kind"] == "move" for e in events):
            self.notify("No decisions yet.")
            return
        self.push_screen(DebriefDialog(render(analyse(events, self.room.game, self.result))))


__all__ = ["DebriefDialog", "InstructorConsole"]
