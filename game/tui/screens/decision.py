"""Provides `DecisionScreen`: the story, the legal actions on number keys, and live panels."""

from __future__ import annotations

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
                yield Static("", markup=False, id="belief", classes="panel")
                yield Static("", markup=False, id="risk", classes="panel")
                yield Static("", markup=False, id="values", classes="panel")
                yield Static("", markup=False, id="scoreboard", classes="panel")
        yield Footer()

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
        """Re-reads the driver's view and updates every panel."""
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
                button.label = labels[number - 1]
                button.display = True
            else:
                button.display = False

    def render_insight(self, seat: int, insight) -> None:
        exam = self.app.settings.exam
        other = self.spec.players[1 - seat].name
        belief = self.query_one("#belief", Static)
        risk = self.query_one("#risk", Static)
        values = self.query_one("#values", Static)
        if insight is None:
            belief.update("Their belief: not shown (the game is still being solved).")
            risk.update("Risk: not shown.")
            values.update("Worth: not shown.")
            return
        if len(self.spec.players[seat].types) < 2:
            belief.update(f"What {other} believes about you:\nnothing to learn: you have "
                          "one type.")
        elif insight.belief is None:
            belief.update(f"What {other} believes about you:\noff the path: the equilibrium "
                          "never makes your moves, so Bayes' rule says nothing.")
        else:
            parts = "\n".join(f"  {name}: {format_fraction(p)} ({float(p):.0%})"
                              for name, p in insight.belief.items())
            belief.update(f"What {other} believes about you:\n{parts}")
        if insight.risk is None:
            risk.update("Risk of disaster: " + ("none marked in this scenario." if
                                                 not self._has_disaster() else "undefined here."))
        else:
            risk.update(f"Risk of disaster from here:\n  {format_fraction(insight.risk)} "
                        f"({float(insight.risk):.0%})")
        if exam:
            values.update("Worth: hidden (exam mode).")
        elif not insight.values or not self.legal:
            values.update("Worth: shown when you move.")
        else:
            best = max(insight.values.values())
            rows = [f"  {n}. {format_fraction(insight.values[a])}"
                    + ("  best" if insight.values[a] == best else "")
                    for n, a in enumerate(self.legal, start=1) if a in insight.values]
            values.update("Worth to you (expected):\n" + "\n".join(rows)
                          + f"\n  assuming {insight.equilibrium}")

    def _has_disaster(self) -> bool:
        return any(getattr(n, "disaster", False) for n in self.spec.nodes.values())

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
        if action == "choose":
            return bool(parameters) and 1 <= int(parameters[0]) <= len(self.legal)
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
        """Plays the legal action with this number (the engine judges it)."""
        if not 1 <= number <= len(self.legal):
            return
        self.driver.submit(self.legal[number - 1])
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
        self.app.push_screen(PrivacyDialog(self.spec.players[self.driver.seat].name),
                             lambda _: self.refresh_view())
