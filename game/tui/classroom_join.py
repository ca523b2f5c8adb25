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
        self.connection.set_handler(lambda m: self.call_from_thread(self.on_server, m))

    def _show(self, driver: RemoteDriver) -> None:
        from game.tui.screens.decision import DecisionScreen

        if driver is not self.driver:
            return
        screen = DecisionScreen(self.spec, self.game, driver, None)
        while len(self.screen_stack) > 3:
            self.pop_screen()
        if len(self.screen_stack) > 2:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def _wait(self, text: str) -> None:
        if self.driver is not None:
            return
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.waiting.say(text)

    def on_server(self, message: dict) -> None:
        """A server message (on the app's thread)."""
        kind = message.get("type")
        if kind == "state":
            if self.driver is not None and self.driver.round == message["round"]:
                self.driver.update(message)
                return
            self.driver = RemoteDriver(self.spec, self.game, self.connection, message)
            # leave the last outcome on screen a moment (and let its widgets finish mounting)
            driver = self.driver
            self.set_timer(0.8 if len(self.screen_stack) > 2 else 0.01,
                           lambda: self._show(driver))
        elif kind in ("waiting", "paused", "resumed", "ended", "disconnected", "error"):
            text = {"waiting": "You join the next round.", "paused": "The instructor paused "
                    "the session.", "resumed": "The session continues.",
                    "ended": "The session is over. Thank you!", "disconnected":
                    "The connection closed. Rejoin with --token "
                    f"{self.connection.token} to take your seat back.",
                    "error": message.get("message", "")}[kind]
            if kind in ("ended", "disconnected", "waiting"):
                self.driver = None
                self.set_timer(0.8, lambda: self._wait(text))
            else:
                self.notify(text)


__all__ = ["ClassroomJoinApp", "WaitingScreen"]
