"""Provides `WhatIfScreen`: change one parameter, re-solve in a worker, compare outcomes."""

from __future__ import annotations

from fractions import Fraction

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.worker import Worker, WorkerState

from game.model.expr import format_fraction
from game.tui.header import SafeHeader

ZERO = Fraction(0)


def _labels(*outcome_maps: dict) -> list[str]:
    """Every outcome label of the maps, in alphabetical order (the same on every run)."""
    return sorted({label for outcomes in outcome_maps for label in outcomes})


class WhatIfScreen(Screen[None]):
    """Pick a parameter, type a value, Enter: the equilibria at the new value."""

    BINDINGS = [Binding("escape", "back", "Back")]
    CSS_PATH = "../styles/whatif.tcss"

    def __init__(self, spec, game) -> None:
        super().__init__()
        self.spec = spec
        self.game = game
        self.values = dict(game.values)
        self.baseline = None
        """The refined equilibrium's outcome probabilities at the game's own values."""
        self.baseline_equilibrium = None
        """The refined equilibrium itself at the game's own values."""

    def compose(self) -> ComposeResult:
        yield SafeHeader()
        with Horizontal():
            yield OptionList(*[f"{p.name} = {format_fraction(self.values.get(p.name, p.value))}"
                               for p in self.spec.parameters], id="params")
            with Vertical(id="right"):
                yield Input(placeholder="new value (exact: 3, 1/4, 0.5), Enter to re-solve",
                            id="value")
                yield Static(self.intro(), markup=False, id="answer", classes="panel")
                yield self.make_chart()
        yield Footer(show_command_palette=False)

    def make_chart(self):
        try:
            from textual_plotext import PlotextPlot
        except ImportError:  # pragma: no cover - the dependency is locked
            return Static("", markup=False, id="chart")
        return PlotextPlot(id="chart")

    def intro(self) -> str:
        if not self.spec.parameters:
            return "This scenario has no parameters to change."
        return ("Choose a parameter on the left (arrows, then Enter), type a new value, press "
                "Enter. The game is solved again: what moved in the refined equilibrium "
                "(strategies and beliefs, and why), and its outcome probabilities against the "
                "game as played.")

    def on_mount(self) -> None:
        self.title = f"{self.spec.title}: what if?"
        if self.spec.parameters:
            self.query_one("#params", OptionList).highlighted = 0
            self.query_one("#params", OptionList).focus()
        cache, game = self.app.cache, self.game   # the game as played: solved already, as a rule
        solved = cache.get(game)
        if solved is not None:
            self.show_baseline(solved)
        else:
            self.run_worker(lambda: cache.solve(game), thread=True, group="baseline",
                            exit_on_error=False)

    def parameter(self):
        index = self.query_one("#params", OptionList).highlighted
        if index is None or not self.spec.parameters:
            return None
        return self.spec.parameters[index]

    @on(OptionList.OptionSelected, "#params")
    def _picked(self) -> None:
        """A parameter chosen: type its new value."""
        parameter = self.parameter()
        value = self.query_one("#value", Input)
        if parameter is not None:
            value.placeholder = (f"new value of {parameter.name} (exact: 3, 1/4, 0.5), Enter "
                                 "to re-solve")
        value.focus()

    @on(Input.Submitted, "#value")
    def _submitted(self, event: Input.Submitted) -> None:
        from game.model.expr import ExprError, evaluate
        from game.scenario.exprparse import ExpressionSyntaxError, parse_expression

        parameter = self.parameter()
        answer = self.query_one("#answer", Static)
        if parameter is None:
            return
        try:
            value = evaluate(parse_expression(event.value.strip()), {})
        except (ExpressionSyntaxError, ExprError, ValueError, ZeroDivisionError):
            answer.update(f"{event.value!r} is not an exact number (try 3, -1/2 or 0.25).")
            return
        if parameter.minimum is not None and value < parameter.minimum or \
                parameter.maximum is not None and value > parameter.maximum:
            answer.update(f"{parameter.name} must lie between "
                          f"{format_fraction(parameter.minimum) if parameter.minimum is not None else '-inf'}"
                          f" and {format_fraction(parameter.maximum) if parameter.maximum is not None else 'inf'}.")
            return
        self.resolve(parameter.name, value)

    def resolve(self, name: str, value: Fraction) -> None:
        """Re-solves at the new value in a worker."""
        from game.model.expand import expand_game

        values = {**self.values, name: value}
        self.query_one("#answer", Static).update(f"Solving at {name} = {format_fraction(value)}...")
        spec, rounds, cache = self.spec, self.game.rounds, self.app.cache

        def work():
            game = expand_game(spec, values, rounds=rounds)
            return name, value, cache.solve(game)

        self.run_worker(work, thread=True, exclusive=True, group="whatif", exit_on_error=False)

    @on(Worker.StateChanged)
    def _done(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "baseline" and event.state == WorkerState.SUCCESS:
            self.show_baseline(event.worker.result)
            return
        if event.worker.group != "whatif":
            return
        answer = self.query_one("#answer", Static)
        if event.state == WorkerState.ERROR:
            answer.update(f"The game cannot be solved there: {event.worker.error}")
        elif event.state == WorkerState.SUCCESS:
            name, value, result = event.worker.result
            self.show(name, value, result)

    def show_baseline(self, result) -> None:
        """The refined equilibrium of the game as played: the reference for every what-if."""
        from game.bots.equilibrium import preferred_equilibrium

        preferred = preferred_equilibrium(result) if result.equilibria else None
        if preferred is None:
            return
        self.baseline = dict(preferred.outcomes)
        self.baseline_equilibrium = preferred
        key = ", ".join(f"{n} {label}" for n, label in enumerate(_labels(self.baseline), 1))
        self.query_one("#answer", Static).update(f"{self.intro()}\n\nThe refined equilibrium "
                                                 f"as played, outcomes numbered: {key}.")
        self.plot({"as played": self.baseline}, "Outcome probabilities, refined equilibrium, "
                  "as played")

    def show(self, name: str, value: Fraction, result) -> None:
        from game.bots.equilibrium import preferred_equilibrium

        was = format_fraction(self.values.get(name, ZERO))
        now = format_fraction(value)
        lines = [f"At {name} = {now} (played at {was}): {len(result.equilibria)} "
                 f"equilibri{'um' if len(result.equilibria) == 1 else 'a'}."]
        for number, eq in enumerate(result.equilibria, start=1):
            outcomes = ", ".join(f"{label} {format_fraction(p)}" for label, p in
                                 sorted(eq.outcomes.items(), key=lambda kv: (-kv[1], kv[0])))
            lines.append(f"{number}. {eq.kind}: {outcomes}")
        preferred = preferred_equilibrium(result) if result.equilibria else None
        if preferred is not None and self.baseline is not None:
            lines += ["", f"The refined equilibrium's outcomes, as played -> at {name} = {now}:"]
            for number, label in enumerate(_labels(self.baseline, preferred.outcomes), 1):
                before = self.baseline.get(label, ZERO)
                after = preferred.outcomes.get(label, ZERO)
                change = "same" if before == after else ("up" if after > before else "down")
                lines.append(f"  {number} {label}: {format_fraction(before)} -> "
                             f"{format_fraction(after)} ({change})")
        if preferred is not None and self.baseline_equilibrium is not None:
            from game.tui.teach.regime import regime_changes

            moved = regime_changes(self.spec, self.game, self.baseline_equilibrium,
                                   result.game, preferred)
            block = ["What moved in the refined equilibrium, and why (last moves first):"
                     if moved else "The refined equilibrium's strategies and beliefs did "
                     "not move.", *moved, ""]
            lines[1:1] = block
        self.query_one("#answer", Static).update("\n".join(lines))
        index = self.query_one("#params", OptionList).highlighted
        if index is not None:
            self.query_one("#params", OptionList).replace_option_prompt_at_index(
                index, f"{name} = {was} (tried {now})")
        if preferred is None:
            return
        series = {f"{name} = {now}": preferred.outcomes}
        if self.baseline is not None:
            series = {"as played": self.baseline, **series}
        self.plot(series, f"Outcome probabilities, refined equilibrium: as played and at "
                  f"{name} = {now}")

    def plot(self, series: dict[str, dict], title: str) -> None:
        """Bars per outcome, one per series (side by side when there are two)."""
        chart = self.query_one("#chart")
        if not hasattr(chart, "plt"):
            return
        labels = _labels(*series.values())
        positions = list(range(1, len(labels) + 1))   # numbered as in the text above
        plt = chart.plt
        plt.clear_data()
        if len(series) == 1:
            (values,) = series.values()
            plt.bar(positions, [float(values.get(k, ZERO)) for k in labels])
        else:
            plt.multiple_bar(positions, [[float(v.get(k, ZERO)) for k in labels]
                                         for v in series.values()], labels=list(series))
        plt.xticks(positions, [f"{n} {label}" if len(labels) <= 3 else str(n)
                               for n, label in zip(positions, labels)])
        quarters = [0, 0.25, 0.5, 0.75, 1]
        plt.yticks(quarters, ["0", "1/4", "1/2", "3/4", "1"])    # fractions, as everywhere
        plt.ylim(0, 1)
        plt.title(title)
        chart.refresh()

    def action_back(self) -> None:
        self.app.pop_screen()
