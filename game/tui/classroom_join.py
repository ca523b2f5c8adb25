"""Provides `ClassroomJoinApp`: `deterrence join` in Textual, the play screens fed by a server.

Joined, the student reads the briefing while the class waits; each round of the session opens
the usual decision screen (first with the briefing for the student's role and type, shown
again on `b`), with the live panels computed here from what the student may know; its outcome
stays until the next round starts or the student presses Enter. At the end come the student's
own summary and the class debrief. A lost connection is retried by itself ("Reconnecting..."
in the header), a pause is said in the header.
"""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding
from textual.worker import Worker, WorkerState

from game.classroom.briefing import briefing_text, summary_text
from game.tui.classroom_driver import ClassroomConnection, RemoteDriver
from game.tui.classroom_screens import (
    BeliefDialog,
    BriefingDialog,
    ClassroomDecisionScreen,
    ClassroomOutcomeScreen,
    EntryScreen,
    SummaryScreen,
    WaitingScreen,
)


class ClassroomJoinApp(App[None]):
    """A student's seat in a classroom session (see the module docstring)."""

    TITLE = "Deterrence: classroom"
    CSS_PATH = "styles/app.tcss"
    BINDINGS = [Binding("b", "briefing", "Briefing"),
                Binding("ctrl+q", "quit", "Quit", priority=True)]

    def __init__(self, connection: ClassroomConnection, spec=None, game=None,
                 loader=None) -> None:
        """`loader(welcome) -> game` loads the session's game once joined when `game` is
        None (the browser entry asks for the code and the name first)."""
        super().__init__()
        self.loader = loader
        self.connection = connection
        self.spec, self.game = spec, game
        self.result = None
        self.equilibrium_index: int | None = None
        self.driver: RemoteDriver | None = None
        self.waiting = WaitingScreen()
        self.state: dict | None = None
        """The latest state message (the student's role and type this round)."""
        self.ended: dict | None = None
        self.debrief: str | None = None
        self.link_state = "connected"
        """"connected", "reconnecting" or "lost"."""
        self.briefed = False
        self._belief_question: tuple | None = None
        self._asked: set[tuple] = set()
        from game.tui.session import PlaySettings

        self.settings = PlaySettings()   # the play screens read it

    # -- joining ------------------------------------------------------------------------
    def on_mount(self) -> None:
        if self.connection.welcome is None:
            c = self.connection
            self.push_screen(EntryScreen(c.code, c.name, c.token or ""))
            return
        self._joined()

    def on_entry_screen_submitted(self, event: EntryScreen.Submitted) -> None:
        old = self.connection
        self.connection = ClassroomConnection(old.url, event.code, event.name, event.token,
                                              first_delay=old.first_delay)
        connection = self.connection

        def connect() -> None:
            try:
                connection.start()
            except ConnectionError as error:
                self.call_from_thread(self._failed, str(error))
                return
            self.call_from_thread(self._joined)

        self.run_worker(connect, thread=True)

    def _failed(self, problem: str) -> None:
        if isinstance(self.screen, EntryScreen):
            self.screen.problem(f"Could not join: {problem}")

    def _joined(self) -> None:
        welcome = self.connection.welcome or {}
        if self.game is None:
            try:
                self.game = self.loader(welcome)
                self.spec = self.game.spec
            except Exception as error:  # noqa: BLE001 - shown, not a crash
                self.waiting.say(f"Cannot load the session's scenario here: {error}")
                self._base(self.waiting)
                return
        self.sub_title = welcome.get("scenario", "")
        self._base(self.waiting)
        self.waiting.say(self._hello("Waiting for the instructor to start..."),
                         briefing_text(welcome, self.game))
        game = self.game
        self.run_worker(lambda: _solve(game), thread=True, group="solve", exit_on_error=False)
        self.connection.set_handler(self._from_connection)

    def _from_connection(self, message: dict) -> None:
        """A server message, from the connection's thread; dropped once the app has stopped
        (so that no callback is left pending on a closed loop)."""
        if self.is_running:
            self.call_from_thread(self.on_server, message)

    def _hello(self, then: str) -> str:
        return (f"You joined as {self.connection.name}.\nYour seat token (to rejoin): "
                f"{self.connection.token}\n\n{then}")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The game is solved here: the live panels can show it."""
        if event.worker.group != "solve" or event.state != WorkerState.SUCCESS:
            return
        self.result, self.equilibrium_index = event.worker.result
        if self.driver is not None:
            self.driver.use_result(self.result, self.equilibrium_index)
            screen = self.screen
            if isinstance(screen, ClassroomDecisionScreen) and not self.driver.finished:
                screen.result = self.result
                screen.refresh_view()

    # -- the stack: [default, waiting, one screen of the round or the end, dialogs] --------
    def _base(self, waiting: WaitingScreen) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(waiting)

    def _put(self, screen) -> None:
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.push_screen(screen)

    def _show_waiting(self, text: str) -> None:
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.waiting.say(text, briefing_text(self.connection.welcome or {}, self.game,
                                             self.state))

    # -- the server ---------------------------------------------------------------------
    def on_server(self, message: dict) -> None:
        """A server message, or the connection's own (on the app's thread)."""
        kind = message.get("type")
        if kind == "state":
            self._on_state(message)
        elif kind == "waiting":
            if self.driver is None:
                self._show_waiting(self._hello("You join the next round."))
        elif kind == "paused":
            self.sub_title = "Paused by the instructor"
            self.notify("The instructor paused the session.")
        elif kind == "resumed":
            self.sub_title = (self.connection.welcome or {}).get("scenario", "")
            self.notify("The session continues.")
        elif kind == "reconnecting":
            self.link_state = "reconnecting"
            self.sub_title = f"Reconnecting (attempt {message['attempt']})..."
            if message["attempt"] == 1:
                self.notify("The connection was lost; reconnecting by itself...",
                            severity="warning")
        elif kind == "rejoined":
            self.link_state = "connected"
            self.sub_title = (self.connection.welcome or {}).get("scenario", "")
            self.notify("Reconnected.")
        elif kind in ("disconnected", "removed", "replaced"):
            self.link_state = "lost"
            self.driver = None
            self._show_waiting(f"{message.get('message', 'The connection is lost')}.\n"
                               f"Rejoin with: --token {self.connection.token}")
        elif kind == "ended":
            self.ended = message
            if self._outcome_showing():
                self.notify(f"{message['message']} Press Enter for your summary.",
                            timeout=15)
            else:
                self._show_summary()
        elif kind == "debrief":
            self.debrief = message["text"]
            for screen in self.screen_stack:
                if isinstance(screen, SummaryScreen):
                    screen.show_debrief(self.debrief)
        elif kind == "closed":
            if self.ended is None and self.link_state != "lost":
                self._show_waiting("The session has closed.")
        elif kind == "error":
            self.notify(message.get("message", ""), severity="warning")

    def _on_state(self, message: dict) -> None:
        self.state = message
        self._maybe_ask_belief(message)
        if self.driver is not None and self.driver.round == message["round"]:
            self.driver.update(message)
            self.set_timer(0.3, self._ask_pending)
            return
        self.driver = RemoteDriver(self.spec, self.game, self.connection, message,
                                   self.result, self.equilibrium_index)
        driver = self.driver
        self.set_timer(0.3, lambda: self._show(driver))   # the screens finish mounting

    def _outcome_showing(self) -> bool:
        return any(isinstance(s, ClassroomOutcomeScreen) for s in self.screen_stack)

    def _show(self, driver: RemoteDriver) -> None:
        if driver is not self.driver:
            return
        self._put(ClassroomDecisionScreen(self.spec, self.game, driver, self.result))
        if not self.briefed:   # before the first decision: the briefing with role and type
            self.briefed = True
            self.push_screen(BriefingDialog(self._briefing()), self._after_dialog)
        else:
            self.set_timer(0.3, self._ask_pending)

    def _after_dialog(self, _=None) -> None:
        """A dialog over the decision screen closed: show what changed meanwhile (the screen
        does not redraw under a dialog), then the belief question if one waits."""
        screen = self.screen
        if isinstance(screen, ClassroomDecisionScreen) and screen.is_mounted:
            if screen.driver.finished:
                screen.finish()
                return
            screen.refresh_view()
        self._ask_pending()

    def _show_summary(self) -> None:
        self.driver = None
        self._put(SummaryScreen(summary_text(self.ended), self.debrief))

    def after_outcome(self) -> None:
        """Enter on an outcome: the summary once the session is over, else the waiting."""
        if self.ended is not None:
            self._show_summary()
        else:
            self.driver = None
            self._show_waiting(self._hello("Waiting for the other pairs to finish this "
                                           "round..."))

    def _briefing(self) -> str:
        return briefing_text(self.connection.welcome or {}, self.game, self.state)

    def action_briefing(self) -> None:
        """Shows the briefing (role and type of the current round once it has begun)."""
        if self.connection.welcome is None or isinstance(self.screen, BriefingDialog):
            return
        self.push_screen(BriefingDialog(self._briefing()), self._after_dialog)

    # -- beliefs ------------------------------------------------------------------------
    def _maybe_ask_belief(self, message: dict) -> None:
        """When the host elicits beliefs, ask once per decision, then send the answer (with
        the decision's id) before the student's move."""
        types = message.get("ask_belief")
        if not types or not message.get("your_turn"):
            return
        key = (message["round"], message["decision"])
        if key in self._asked:
            return
        self._asked.add(key)
        role = message["role"]
        names = [self.spec.type_of(1 - role, t).name if self.spec is not None else t
                 for t in types]
        self._belief_question = (message["round"], message["decision"], types, names)

    def _ask_pending(self) -> None:
        """Shows the belief question over the decision screen, once it is on screen."""
        question = self._belief_question
        if question is None or not isinstance(self.screen, ClassroomDecisionScreen) or \
                not self.screen.is_mounted:
            return
        self._belief_question = None
        round_, decision, types, names = question

        def send(beliefs: dict | None) -> None:
            if beliefs:
                self.connection.send({"type": "belief", "round": round_,
                                      "decision": decision, "beliefs": beliefs})
            self._after_dialog()

        self.push_screen(BeliefDialog(types, names), send)


def _solve(game):
    """The game's solve for the live panels, and the equilibrium they assume."""
    from game.solver.solve import solve
    from game.tui.debrief_text import preferred_index

    result = solve(game)
    return result, preferred_index(result)


__all__ = ["ClassroomJoinApp", "WaitingScreen"]
