"""Provides `ClassroomJoinApp`: `deterrence join` in Textual, the play screens fed by a server.

Each round of the session opens the usual decision screen (then the outcome screen) with a
`RemoteDriver`; between rounds a waiting screen says what is happening.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Static

from game.tui.classroom_driver import ClassroomConnection, RemoteDriver
from game.tui.header import SafeHeader


class WaitingScreen(Screen[None]):
    """Between rounds: who you are, what the class is waiting for."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        yield SafeHeader()
        yield Static(self.text, markup=False, id="waiting", classes="panel")
        yield Footer()

    def say(self, text: str) -> None:
        self.text = text
        if self.is_mounted:
            self.query_one("#waiting", Static).update(text)


class NameScreen(Screen[str]):
    """Asks for the participant label (the browser entry, where there is no --name)."""

    def compose(self) -> ComposeResult:
        yield SafeHeader()
        yield Static("Your name or label for this class session:", classes="panel")
        yield Input(placeholder="label", id="name", max_length=40)
        yield Static("", id="problem", markup=False)
        yield Footer()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        import re

        name = event.value.strip()
        if not re.fullmatch(r"[\w .\-]{1,40}", name):
            self.query_one("#problem", Static).update(
                "Letters, digits, spaces, dots and dashes only (up to 40).")
            return
        self.dismiss(name)


class BeliefDialog(ModalScreen[dict | None]):
    """Before a decision: the probability the student puts on each of the opponent's types."""

    BINDINGS = [Binding("escape", "skip", "Skip")]

    def __init__(self, types: list[str], names: list[str]) -> None:
        super().__init__()
        self.types, self.names = types, names

    def compose(self) -> ComposeResult:
        with Vertical(classes="panel"):
            yield Static("Before you choose: how likely is each type of the other side? "
                         "(percentages; the last one fills up to 100)", markup=False)
            for name in self.names[:-1]:
                yield Input(placeholder=f"{name} (%)", type="integer", max_length=3)
            yield Static("", id="problem", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        index = inputs.index(event.input)
        if index + 1 < len(inputs):
            inputs[index + 1].focus()
            return
        try:
            shares = [int(i.value or "0") / 100 for i in inputs]
        except ValueError:
            shares = [-1.0]
        if any(not 0 <= p <= 1 for p in shares) or sum(shares) > 1:
            self.query_one("#problem", Static).update("Each between 0 and 100, together at "
                                                      "most 100.")
            return
        beliefs = dict(zip(self.types, shares))
        beliefs[self.types[-1]] = max(0.0, 1 - sum(shares))
        self.dismiss(beliefs)

    def action_skip(self) -> None:
        self.dismiss(None)


class ClassroomJoinApp(App[None]):
    """A student's seat in a classroom session."""

    TITLE = "Deterrence: classroom"
    CSS_PATH = "styles/app.tcss"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True)]

    def __init__(self, connection: ClassroomConnection, spec=None, game=None,
                 loader=None) -> None:
        """`loader(welcome) -> game` loads the session's game once joined when `game` is
        None (the browser entry asks for the name first)."""
        super().__init__()
        self.loader = loader
        self.connection = connection
        self.spec, self.game = spec, game
        self.driver: RemoteDriver | None = None
        self.waiting = WaitingScreen("")
        from game.tui.session import PlaySettings

        self.settings = PlaySettings(exam=True)   # the play screens read it; no live values

    def on_mount(self) -> None:
        if self.connection.welcome is None:
            self.push_screen(NameScreen(), self._named)
            return
        self._joined()

    def _named(self, name: str | None) -> None:
        self.connection.name = name or ""
        self.run_worker(self._connect, thread=True)

    def _connect(self) -> None:
        try:
            self.connection.start()
        except ConnectionError as error:
            self.call_from_thread(self._failed, str(error))
            return
        self.call_from_thread(self._joined)

    def _failed(self, problem: str) -> None:
        from game.tui.classroom_driver import ClassroomConnection

        self.notify(f"Could not join: {problem}", severity="error")
        old = self.connection
        self.connection = ClassroomConnection(old.url, old.code, "", None)
        self.push_screen(NameScreen(), self._named)

    def _joined(self) -> None:
        welcome = self.connection.welcome or {}
        if self.game is None:
            try:
                self.game = self.loader(welcome)
                self.spec = self.game.spec
            except Exception as error:  # noqa: BLE001 - shown, not a crash
                self.push_screen(WaitingScreen(f"Cannot load the session's scenario here: "
                                               f"{error}"))
                return
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
        self.set_timer(0.3, self._ask_pending)

    def _maybe_ask_belief(self, message: dict) -> None:
        """When the host elicits beliefs, ask once per decision (an information set in a
        round), then send the answer before the student's move."""
        types = message.get("ask_belief")
        if not types or not message.get("your_turn"):
            return
        key = (message["round"], message["infoset"])
        asked = getattr(self, "_asked", set())
        if key in asked:
            return
        asked.add(key)
        self._asked = asked
        role = message["role"]
        names = [self.spec.type_of(1 - role, t).name if self.spec is not None else t
                 for t in types]

        self._belief_question = (message["round"], types, names)

    def _ask_pending(self) -> None:
        """Shows the belief question over the decision screen, once it is on screen."""
        from game.tui.screens.decision import DecisionScreen

        question = getattr(self, "_belief_question", None)
        if question is None or not isinstance(self.screen, DecisionScreen) or \
                not self.screen.is_mounted:
            return
        self._belief_question = None
        round_, types, names = question

        def send(beliefs: dict | None) -> None:
            if beliefs:
                self.connection.send({"type": "belief", "round": round_, "beliefs": beliefs})

        self.push_screen(BeliefDialog(types, names), send)

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
            self._maybe_ask_belief(message)
            if self.driver is not None and self.driver.round == message["round"]:
                self.driver.update(message)
                self.set_timer(0.3, self._ask_pending)
                return
            self.driver = RemoteDriver(self.spec, self.game, self.connection, message)
            # leave the last outcome on screen a moment (and let its widgets finish mounting)
            driver = self.driver
            self.set_timer(0.8 if len(self.screen_stack) > 2 else 0.4,
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
