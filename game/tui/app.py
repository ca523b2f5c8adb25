"""Provides `DeterrenceApp`, the Textual game, and `make_app`, its factory (used by tests).

Screens compose and route; the engine (through `game.tui.driver`) decides. The flow is
picker -> briefing -> decisions -> outcome -> debrief; `?` shows the help and `g` the glossary
everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from textual.app import App
from textual.binding import Binding

from game.tui.session import PlaySettings, SolveCache, Solver


class DeterrenceApp(App[None]):
    """The teaching game in the terminal."""

    TITLE = "Deterrence"
    SUB_TITLE = "a teaching game about credibility, commitment and costly signals"
    CSS_PATH = "styles/app.tcss"
    BINDINGS = [
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("g", "glossary", "Glossary"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
    ]

    def __init__(self, settings: PlaySettings | None = None, solver: Solver | None = None,
                 ) -> None:
        super().__init__()
        self.settings = settings or PlaySettings()
        self.cache = SolveCache(solver)
        self.current_scenario: str | None = None
        self.concept: str | None = None

    def on_mount(self) -> None:
        from game.tui.screens.picker import PickerScreen

        self.push_screen(PickerScreen())
        if self.settings.scenario:
            self.open_scenario(self.settings.scenario)

    # -- routing ------------------------------------------------------------------------
    def open_scenario(self, name: str, role: int | None = None) -> bool:
        """Loads a scenario and shows its briefing; shows the problems dialog if it is broken."""
        from game.tui.screens.briefing import BriefingScreen

        loaded = self.load_scenario(name, retry=lambda: self.open_scenario(name, role))
        if loaded is None:
            return False
        spec, game = loaded
        seat = role
        if seat is None and self.settings.role:
            try:
                seat = game.player_index(self.settings.role)
            except KeyError:
                seat = 0
        self.current_scenario = name
        self.push_screen(BriefingScreen(name, spec, game, seat or 0))
        return True

    def load_scenario(self, name: str, retry: Callable[[], object] | None = None):
        """Reads a scenario file (again) and starts solving it in the background at once;
        returns (spec, game), or None after showing the file's located problems in a dialog
        (where, with `retry`, `r` calls it: the file was not open yet)."""
        from game.scenario.errors import ScenarioError, ScenarioProblem
        from game.tui.screens.dialogs import ProblemsDialog
        from game.tui.session import load

        settings = self.settings
        def again(reload: bool | None) -> None:
            if reload and retry is not None:
                retry()

        try:
            spec, game = load(name, settings.values, settings.rounds)
        except ScenarioError as error:
            self.push_screen(ProblemsDialog(error.problems, retry is not None), again)
            return None
        except (OSError, UnicodeDecodeError) as error:
            problem = ScenarioProblem(1, 1, "", f"The file cannot be read: {error}.", name)
            self.push_screen(ProblemsDialog([problem], retry is not None), again)
            return None
        self.start_solve(game)
        return spec, game

    def start_solve(self, game) -> None:
        """Solves `game` in an app-level worker (it outlives the screens), so the bot, the live
        panels and the debrief find the result in the cache, or wait for this same solve."""
        cache = self.cache
        if cache.get(game) is None and not cache.running(game):
            self.run_worker(lambda: cache.solve(game), thread=True, group="presolve",
                            exit_on_error=False)

    def action_help(self) -> None:
        """Shows the keys and what each panel means."""
        from game.tui.screens.dialogs import HelpDialog

        if not isinstance(self.screen, HelpDialog):
            self.push_screen(HelpDialog())

    def action_glossary(self) -> None:
        """Shows the concepts (the current scenario's first)."""
        from game.tui.screens.dialogs import GlossaryDialog

        if isinstance(self.screen, GlossaryDialog):
            return
        spec = getattr(self.screen, "spec", None)
        self.push_screen(GlossaryDialog(tuple(getattr(spec, "concepts", ()) or ())))


def make_app(scenario: str | None = None, *, role: str | None = None,
             own_type: str | None = None, opponent: str = "equilibrium",
             rounds: int | None = None, seed: int | None = None, exam: bool = False,
             values: dict[str, Fraction] | None = None, solver: Solver | None = None,
             library=None) -> DeterrenceApp:
    """Builds the app (Posting's `make_posting` pattern): what `deterrence play` runs."""
    settings = PlaySettings(scenario=scenario, role=role, own_type=own_type, opponent=opponent,
                            rounds=rounds, seed=seed, exam=exam, values=dict(values or {}),
                            library=library)
    return DeterrenceApp(settings, solver)
