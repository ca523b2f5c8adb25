"""Provides `DecisionScreen`: the story, the legal actions on number keys, and live panels."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Static
from textual.worker import Worker, WorkerState

from game.model.expr import format_fraction
from game.model.tree import NATURE
from game.tui.header import SafeHeader


class DecisionScreen(Screen[None]):
    """One decision at a time; the driver (the engine) judges every move."""

    BINDINGS = [
        Binding("1", "choose(1)", "Choose", key_display="1-9"),
        *[Binding(str(n), f"choose({n})", f"Action {n}", show=False) for n in range(2, 10)],
        Binding("r", "reload", "Reload"),
        Binding("n", "new", "New game"),
    ]
    CSS_PATH = "../styles/decision.tcss"

    class DriverUpdated(Message):
        """The driver has news (a remote opponent moved); posted from any thread."""

    def __init__(self, spec, game, driver, result=None) -> None:
        super().__init__()
        self.spec = spec
        self.game = game
        self.driver = driver
        self.result = result
        self.events_log: list[str] = []
        self.shown_seat = driver.seat
        self.legal: tuple[str, ...] = ()

    def compose(self) -> ComposeResult:
        yield SafeHeader()
        with Horizontal(id="main"):
            with VerticalScroll(id="left"):
                yield Static("", markup=False, id="story", classes="panel")
                with Vertical(id="actions"):
                    for number in range(1, 10):
                        yield Button("", name=str(number), classes="action", compact=True)
                yield Static("", markup=False, id="history", classes="panel")
            with VerticalScroll(id="right"):
                yield Static("", markup=False, id="own", classes="panel")
                yield Static("", markup=False, id="belief", classes="panel")
                yield Static("", markup=False, id="risk", classes="panel")
                yield Static("", markup=False, id="values", classes="panel")
                yield Static("", markup=False, id="scoreboard", classes="panel")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.title = self.spec.title
        self.driver.attach(lambda: self.post_message(self.DriverUpdated()))
        self.take_events()
        if self.driver.finished:   # the opponent's moves ended the game before you had one
            self.call_later(self.finish)
            return
        if len(self.driver.humans) > 1:
            self.privacy()
        else:
            self.refresh_view()
        if self.result is None and hasattr(self.driver, "use_result") and \
                hasattr(self.app, "cache"):
            cache, game = self.app.cache, self.game   # the solve the app started: join it
            self.run_worker(lambda: cache.solve(game), thread=True, group="late-solve",
                            exit_on_error=False)

    @on(Worker.StateChanged)
    def _solved(self, event: Worker.StateChanged) -> None:
        """A solve that finished after the match began: the live panels can show it now."""
        from game.tui.debrief_text import preferred_index

        if event.worker.group != "late-solve" or event.state != WorkerState.SUCCESS:
            return
        self.result = event.worker.result
        self.driver.use_result(self.result, preferred_index(self.result))
        if not self.driver.finished and not isinstance(self.app.screen, ModalScreen):
            self.refresh_view()

    # -- rendering ------------------------------------------------------------------------
    def take_events(self) -> None:
        for event in self.driver.drain_events():
            prefix = f"R{event.round} " if self.game.rounds > 1 else ""
            self.events_log.append(prefix + event.text)

    def refresh_view(self) -> None:
        """Re-reads the driver's view and updates every panel (one repaint for all)."""
        with self.app.batch_update():
            self._refresh_view()

    def _refresh_view(self) -> None:
        driver, spec = self.driver, self.spec
        view = driver.view()
        seat = view.player
        stage = spec.nodes.get(view.stage)
        me = spec.players[seat]
        header = f"{me.name}"
        if len(me.types) > 1:
            header += f" (your type: {spec.type_of(seat, view.own_type).name})"
        if self.game.rounds > 1:
            header += f"  -  round {view.round} of {self.game.rounds}"
        title = getattr(stage, "title", "") or view.stage
        text = " ".join((getattr(stage, "text", "") or "").split())
        self.query_one("#story", Static).update(f"{header}\n\n{title}\n{text}")
        self.legal = view.legal_actions if view.my_turn else ()
        self.show_actions([f"{n}. {spec.action_label(view.stage, a)}"
                           for n, a in enumerate(self.legal, start=1)])
        lines = ["Public history:"]
        for step in view.history:
            if step.actor == NATURE:
                who = "Chance"
            else:
                who = "You" if step.actor == seat else spec.players[step.actor].name
            what = "(chose; hidden until you choose)" if step.concealed else \
                spec.action_label(step.stage, step.action)
            prefix = f"R{step.round} " if self.game.rounds > 1 else ""
            lines.append(f"  {prefix}{who}: {what}")
        if len(lines) == 1:
            lines.append("  (nothing yet: you move first)")
        if not view.my_turn and not view.finished:
            lines.append(f"  Waiting for {spec.players[1 - seat].name}...")
        self.query_one("#history", Static).update("\n".join(lines))
        insight = self.driver.insight(seat)   # hot-seat: the player now at the keyboard's
        self.render_insight(seat, insight)
        self.render_scoreboard(view, insight)
        self.refresh_bindings()

    def show_actions(self, labels: list[str]) -> None:
        """Shows one button per legal action (the nine buttons are mounted once)."""
        for number, button in enumerate(self.query(".action").results(Button), start=1):
            if number <= len(labels):
                button.label = Text(labels[number - 1])   # a file's label is not markup
                button.display = True
            else:
                button.display = False

    def render_insight(self, seat: int, insight) -> None:
        """The live panels: your belief (with its Bayes arithmetic), theirs about you, and the
        risk and worth of each action under the equilibrium and against the opponent."""
        from game.tui.teach import panels

        exam = self.app.settings.exam
        spec = self.spec
        own = self.query_one("#own", Static)
        own.update(panels.own_belief(spec, seat, insight, exam))
        own.display = len(spec.players[1 - seat].types) > 1
        self.query_one("#belief", Static).update(panels.belief_about_you(spec, seat, insight,
                                                                          exam))
        risk = self.query_one("#risk", Static)
        risk.update(panels.risk_panel(spec, self.legal, insight, exam))
        risk.display = not exam
        self.query_one("#values", Static).update(panels.worth_panel(spec, self.legal, insight,
                                                                     exam))

    def render_scoreboard(self, view, insight=None) -> None:
        board = self.query_one("#scoreboard", Static)
        lines = ["Log:"] + [f"  {line}" for line in self.events_log[-8:]]
        if self.game.rounds > 1:
            head = [f"Campaign: round {view.round} of {self.game.rounds}"]
            if insight is not None and insight.track:
                head.append("Your reputation (their belief after each round):")
                for number, belief in enumerate(insight.track, start=1):
                    text = "off the path" if belief is None else ", ".join(
                        f"{name} {format_fraction(p)}" for name, p in belief.items())
                    head.append(f"  round {number}: {text}")
            lines = head + lines
        board.update("\n".join(lines) if self.events_log or self.game.rounds > 1 else "Log: (empty)")

    # -- actions --------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "choose":   # every digit answers: a number with no action says so
            return True
        if action in ("reload", "new"):   # a local game only: in a classroom the server owns it
            return getattr(self.app, "current_scenario", None) is not None
        return True

    @on(DriverUpdated)
    def _driver_updated(self) -> None:
        self.take_events()
        if self.driver.finished:
            self.finish()
        elif not isinstance(self.app.screen, ModalScreen):
            self.refresh_view()

    def finish(self) -> None:
        """The game is over: show the outcome."""
        from game.tui.screens.outcome import OutcomeScreen

        self.app.switch_screen(OutcomeScreen(self.spec, self.game, self.driver, self.result,
                                             self.events_log))

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.has_class("action") and event.button.name:
            self.action_choose(int(event.button.name))

    def action_choose(self, number: int) -> None:
        """Plays the legal action with this number (the engine judges it); in exam mode, first
        asks what the opponent will answer when it answers this move."""
        if not self.legal:
            self.notify("It is not your move yet.", severity="warning")
            return
        if not 1 <= number <= len(self.legal):
            count = len(self.legal)
            self.notify(f"There is no action {number} here: choose "
                        + ("1." if count == 1 else f"1 to {count}."), severity="warning")
            return
        action = self.legal[number - 1]
        if self.app.settings.exam and self.ask_prediction(action):
            return
        self.play(action)

    def ask_prediction(self, action: str) -> bool:
        """Exam mode: when the opponent answers this move next, asks what it will do (then
        plays the move); False when there is nothing to predict."""
        from game.tui.screens.dialogs import PredictDialog

        node = self.driver.state.current if hasattr(self.driver, "state") else None
        predictions = getattr(self.driver, "predictions", None)
        if node is None or predictions is None or len(self.driver.humans) != 1:
            return False
        child = self.game.nodes[node.children[node.actions.index(action)]]
        if child.player != 1 - node.player:
            return False
        spec = self.spec
        labels = [spec.action_label(child.stage, a) for a in child.actions]
        question = (f"You chose {spec.action_label(node.stage, action)}. What will "
                    f"{spec.players[child.player].name} do now?")

        def answer(choice: int | None) -> None:
            if choice is not None:
                predictions.append((child.id, child.actions[choice]))
            self.play(action)

        self.app.push_screen(PredictDialog(question, labels), answer)
        return True

    def play(self, action: str) -> None:
        """Submits the move and shows what follows."""
        self.driver.submit(action)
        self.take_events()
        if self.driver.finished:
            self.finish()
            return
        if len(self.driver.humans) > 1 and self.driver.seat != self.shown_seat:
            self.shown_seat = self.driver.seat
            self.privacy()
        else:
            self.refresh_view()

    def action_reload(self) -> None:
        """Reloads the scenario file; asks before restarting with it (no keeps this game)."""
        from game.tui.screens.dialogs import ConfirmDialog

        name = self.app.current_scenario
        loaded = self.app.load_scenario(name)
        if loaded is None:
            return               # the problems dialog is up; this game goes on
        spec, game = loaded
        changed = "Its moves and payoffs are as before" if game == self.game else \
            "Its moves or payoffs have changed"
        question = (f"Reloaded {spec.title}. {changed}.\n\nRestart with the reloaded file? "
                    "The game in progress ends. No keeps playing it as it is.")

        def answer(restart: bool | None) -> None:
            if restart:
                from game.tui.screens.briefing import BriefingScreen

                seat = self.driver.humans[0] if len(self.driver.humans) == 1 else 0
                self.app.switch_screen(BriefingScreen(name, spec, game, seat))

        self.app.push_screen(ConfirmDialog(question, yes="Restart", no="Keep playing"), answer)

    def action_new(self) -> None:
        """Abandons this game for the scenario list, once confirmed."""
        from game.tui.screens.dialogs import ConfirmDialog

        def answer(abandon: bool | None) -> None:
            if abandon:
                self.app.pop_screen()

        self.app.push_screen(ConfirmDialog("Abandon this game and go back to the scenario "
                                           "list? Nothing of it is kept.", yes="Abandon",
                                           no="Keep playing"), answer)

    def privacy(self) -> None:
        """Hot-seat: hide everything until the next player is alone."""
        from game.tui.screens.dialogs import PrivacyDialog

        self.legal = ()
        for panel in ("#story", "#history", "#belief", "#risk", "#values", "#scoreboard"):
            self.query_one(panel, Static).update("")
        self.show_actions([])
        player = self.spec.players[self.driver.seat]
        self.app.push_screen(PrivacyDialog(player.name, len(player.types) > 1),
                             lambda _: self.refresh_view())
