"""Provides `OutcomeScreen`: what happened, both types revealed, the payoffs."""

from __future__ import annotations

from fractions import Fraction

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from game.model.expr import format_fraction
from game.tui.header import SafeHeader


class OutcomeScreen(Screen[None]):
    """The end of the match."""

    BINDINGS = [
        Binding("enter", "debrief", "Debrief"),
        Binding("a", "again", "Again"),
        Binding("s", "switch_side", "Switch side"),
        Binding("r", "debrief(True)", "Reload"),
        Binding("n", "new", "New"),
    ]

    def __init__(self, spec, game, driver, result, log: list[str]) -> None:
        super().__init__()
        self.spec = spec
        self.game = game
        self.driver = driver
        self.result = result
        self.events_log = log

    def compose(self) -> ComposeResult:
        yield SafeHeader()
        with VerticalScroll():
            yield Static(self.text(), markup=False, id="outcome", classes="panel")
        yield Static("Press Enter for the debrief: what the theory predicts, and why. "
                     "a plays again, s switches side.", classes="status")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.title = f"{self.spec.title}: outcome"

    def text(self) -> str:
        spec = self.spec
        view = self.driver.view()
        stage = spec.nodes.get(view.stage)
        lines = [f"Outcome: {view.outcome}"]
        story = " ".join((getattr(stage, "text", "") or "").split())
        if story:
            lines.append(story)
        humans = self.driver.humans
        if len(humans) == 1 and not any(step.actor == humans[0] for step in view.history):
            lines.append("The game ended before you had a move to make.")
        if self.game.rounds > 1:
            lines.append("")
            lines.append("Scoreboard (each round's payoffs; running totals in brackets):")
            totals = [Fraction(0)] * len(spec.players)
            scores = view.round_payoffs or ()
            for number, part in enumerate(view.outcome.split(" / "), start=1):
                line = f"  round {number}: {part}"
                if number <= len(scores):
                    totals = [t + p for t, p in zip(totals, scores[number - 1])]
                    line += "  -  " + ", ".join(
                        f"{_short(spec, i, humans)} {format_fraction(p)} [{format_fraction(t)}]"
                        for i, (p, t) in enumerate(zip(scores[number - 1], totals)))
                lines.append(line)
            if scores and tuple(totals) != tuple(view.payoffs or ()):
                lines.append("  (the payoffs below weigh later rounds by the discount factor)")
        lines.append("")
        for index, player in enumerate(spec.players):
            type_text = ""
            if len(player.types) > 1 and view.types is not None:
                type_text = f", type {spec.type_of(index, view.types[index]).name}"
            who = " (you)" if index in humans and len(humans) == 1 else ""
            payoff = format_fraction(view.payoffs[index]) if view.payoffs else "?"
            lines.append(f"{player.name}{who}{type_text}: payoff {payoff}")
        lines.append("")
        lines.append("What happened:")
        lines += [f"  {line}" for line in self.events_log]
        if len(humans) > 1:
            lines += ["", "Hot-seat: two players shared this terminal, one for each side."]
        elif self.driver.opponent_description:
            lines.append("")
            lines.append(f"Your opponent: {self.driver.opponent_description}")
        from game.tui.teach.panels import grade_predictions

        graded = grade_predictions(self.game, self.result, getattr(self.driver,
                                                                   "equilibrium_index", None),
                                   self.driver.final_state(),
                                   getattr(self.driver, "predictions", ()))
        if graded:
            lines += ["", *graded]
        seed = getattr(self.driver, "seed", None)
        if seed is not None:
            lines.append(f"Seed {seed}: --seed {seed} (same side, same opponent) replays "
                         "these draws.")
        return "\n".join(lines)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        local = getattr(self.app, "current_scenario", None) is not None
        if action == "debrief" and parameters and parameters[0]:   # reload: local games only
            return local
        if action in ("again", "switch_side"):
            return local
        return True

    def action_again(self) -> None:
        """The same scenario again, on the same side."""
        from game.tui.screens.debrief import play_again

        play_again(self, self.spec, self.game, self.driver, switch=False)

    def action_switch_side(self) -> None:
        """The same scenario again, on the other side."""
        from game.tui.screens.debrief import play_again

        play_again(self, self.spec, self.game, self.driver, switch=True)

    def action_debrief(self, reload: bool = False) -> None:
        """Shows the debrief (`reload`: after reading the scenario file again)."""
        from game.tui.screens.debrief import DebriefScreen

        self.app.switch_screen(DebriefScreen(self.spec, self.game, self.driver, self.result,
                                             reload=reload))

    def action_new(self) -> None:
        """Back to the scenario list."""
        self.app.pop_screen()


def _short(spec, index: int, humans) -> str:
    """'you' for the one human player, else the player's name."""
    return "you" if len(humans) == 1 and index == humans[0] else spec.players[index].name
