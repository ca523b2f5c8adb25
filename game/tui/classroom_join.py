"""Provides `ClassroomJoinApp`: `deterrence join` in Textual, the play screens fed by a server.

Each round of the session opens the usual decision screen (then the outcome screen) with a
`RemoteDriver`; between rounds a waiting screen says what is happening.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from game.tui.classroom_driver import ClassroomConnection, RemoteDriver


class WaitingScreen(Screen[None]):
    """Between rounds: who you are, what the class is waiting for."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self.text, markup=False, id="waiting", classes="panel")
        yield Footer()

    def say(self, text: str) -> None:
        self.text = text
        if self.is_mounted:
            self.query_one("#waiting", Static).update(text)


class ClassroomJoinApp(App[None]):
    """A student's seat in a classroom session."""

    TITLE = "Deterrence: classroom"
    CSS = ".panel { border: round $primary; padding: 0 1; height: auto; }"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True)]

    def __init__(self, connection: ClassroomConnection, spec, game) -> None:
        super().__init__()
        self.connection = connection
        self.spec, self.game = spec, game
        self.driver: RemoteDriver | None = None
        self.waiting = WaitingScreen("")
        from game.tui.session import PlaySettings

        self.settings = PlaySettings(exam=True)   # the play screens read it; no live values

    def on_mount(self) -> None:
        welcome = self.connection.welcome or {}
        self.sub_title = welcome.get("scenario", "")
        self.waiting.say(f"You joined as {self.connection.name}.\n"
                         f"Your seat token (to rejoin): {self.connection.token}\n\n"
                         "Waiting for the instructor to start...")
        self.push_screen(self.waiting)
        self.connection.on_message = lambda m: self.call_from_thread(self.on_server, m)

    def on_server(self, message: dict) -> None:
        """A server message (on the app's thread)."""
        kind = message.get("type")
        if kind == "state":
            if self.driver is not None and self.driver.round == message["round"]:
                self.driver.update(message)
                return
            from game.tui.screens.decision import DecisionScreen

            self.driver = RemoteDriver(self.spec, self.game, self.connection, message)
            while len(self.screen_stack) > 2:
                self.pop_screen()
            self.push_screen(DecisionScreen(self.spec, self.game, self.driver, None))
        elif kind in ("waiting", "paused", "resumed", "ended", "disconnected", "error"):
            text = {"waiting": "You join the next round.", "paused": "The instructor paused "
                    "the session.", "resumed": "The session continues.",
                    "ended": "The session is over. Thank you!", "disconnected":
                    "The connection closed. Rejoin with --token "
                    f"{self.connection.token} to take your seat back.",
                    "error": message.get("message", "")}[kind]
            if kind in ("ended", "disconnected", "waiting"):
                while len(self.screen_stack) > 2:
                    self.pop_screen()
                self.waiting.say(text)
            else:
                self.notify(text)


__all__ = ["ClassroomJoinApp", "WaitingScreen"]
