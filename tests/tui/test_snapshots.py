"""SVG snapshots of every screen (plain `def`: snap_compare runs its own loop; 100x32; seed 7).

Fixtures are copies under tests/tui/fixtures, so editing the shipped scenarios does not move
these pictures. Review every diff as a UI change; regenerate with `--snapshot-update`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from game.tui.app import make_app
from game.tui.screens.briefing import BriefingScreen
from tests.tui.helpers import fast_solver, solved

FIXTURES = Path(__file__).parent / "fixtures"
THREAT = str(FIXTURES / "public-threat.yaml")
SIZE = (100, 32)


@pytest.fixture(autouse=True)
def no_glossary(monkeypatch):
    """The glossary (seeds/concepts.yaml) is edited independently: keep it out of pictures."""
    monkeypatch.setattr("game.tui.session.glossary", lambda: {})


LADDER = str(FIXTURES / "escalation-ladder.yaml")
CHICKEN = str(FIXTURES / "chicken.yaml")


def app_for(scenario: str | None = THREAT, role: str = "challenger", seed: int = 7,
            **options):
    return make_app(scenario, seed=seed, solver=fast_solver, library=FIXTURES, role=role,
                    **options)


def steps(*keys: str):
    """A run_before that waits for the solve, then presses keys, settling after each."""
    async def run(pilot) -> None:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if isinstance(pilot.app.screen, BriefingScreen):
            await solved(pilot)
        for key in keys:
            if key.startswith("scroll-end"):   # no animation: a pressed End key scrolls
                target = key.partition(":")[2] or "#debrief"              # smoothly
                pilot.app.screen.query_one(target).scroll_end(animate=False)
                await pilot.pause()
                continue
            await pilot.press(key)
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.pause()
        for field in pilot.app.screen.query(Input):   # a blinking cursor is drawn or not by
            field.cursor_blink = False                # the clock: hold it on for the picture
        await pilot.pause()
    return run


class TestPlayScreens:
    def test_picker(self, snap_compare):
        assert snap_compare(app_for(None), run_before=steps(), terminal_size=SIZE)

    def test_briefing(self, snap_compare):
        assert snap_compare(app_for(), run_before=steps(), terminal_size=SIZE)

    def test_decision(self, snap_compare):
        assert snap_compare(app_for(), run_before=steps("enter"), terminal_size=SIZE)

    def test_decision_exam(self, snap_compare):
        assert snap_compare(app_for(exam=True), run_before=steps("enter", "1"),
                            terminal_size=SIZE)

    def test_outcome(self, snap_compare):
        assert snap_compare(app_for(), run_before=steps("enter", "1", "1"), terminal_size=SIZE)

    def test_debrief(self, snap_compare):
        assert snap_compare(app_for(), run_before=steps("enter", "1", "1", "enter"),
                            terminal_size=SIZE)

    def test_campaign_debrief(self, snap_compare):
        assert snap_compare(make_app(str(FIXTURES / "chain-store.yaml"), seed=7, solver=fast_solver, role="incumbent", rounds=2),
                            run_before=steps("enter", *["1"] * 4, "enter", "scroll-end"),
                            terminal_size=SIZE)


class TestNewPanelsAndScreens:
    """The panels and screens of issue 15 (their own fixtures, so each picture is stable)."""

    def test_decision_own_belief(self, snap_compare):
        """As State B: your belief about State A with the Bayes arithmetic."""
        assert snap_compare(app_for(role="defender", seed=1), run_before=steps("enter"),
                            terminal_size=(100, 40))

    def test_decision_against_hawk(self, snap_compare):
        """Worth and risk under the equilibrium and against the hawk's model."""
        assert snap_compare(app_for(role="defender", opponent="hawk"),
                            run_before=steps("enter", "scroll-end:#right"),
                            terminal_size=(100, 40))

    def test_decision_risk_per_action_80_columns(self, snap_compare):
        """The ladder's last rung at 80 columns: escalating is a certain catastrophe."""
        assert snap_compare(make_app(LADDER, seed=1, solver=fast_solver, library=FIXTURES,
                                     role="challenger"),
                            run_before=steps("enter", "1", "scroll-end:#right"),
                            terminal_size=(80, 32))

    def test_predict_dialog(self, snap_compare):
        assert snap_compare(app_for(exam=True), run_before=steps("enter", "1"),
                            terminal_size=SIZE)

    def test_briefing_80_columns(self, snap_compare):
        assert snap_compare(app_for(), run_before=steps(), terminal_size=(80, 32))

    def test_debrief_80_columns(self, snap_compare):
        assert snap_compare(app_for(), run_before=steps("enter", "1", "1", "enter"),
                            terminal_size=(80, 32))

    def test_equilibria_screen(self, snap_compare):
        assert snap_compare(app_for(), run_before=steps("enter", "1", "1", "enter", "l"),
                            terminal_size=SIZE)

    def test_drawing_screen(self, snap_compare):
        assert snap_compare(app_for(), run_before=steps("enter", "1", "1", "enter", "d"),
                            terminal_size=SIZE)

    def test_strategic_form(self, snap_compare):
        """Chicken's simultaneous stage as a matrix, best replies marked (end of the drawing)."""
        assert snap_compare(app_for(CHICKEN, role="row"),
                            run_before=steps("enter", "1", "enter", "d",
                                             "scroll-end:#drawing"),
                            terminal_size=SIZE)

    def test_guided_screen(self, snap_compare):
        assert snap_compare(app_for(LADDER), run_before=steps("b", "1"), terminal_size=SIZE)


class TestDialogs:
    def test_help(self, snap_compare):
        assert snap_compare(app_for(None), run_before=steps("question_mark"),
                            terminal_size=SIZE)

    def test_privacy(self, snap_compare):
        assert snap_compare(app_for(opponent="human"), run_before=steps("enter"),
                            terminal_size=SIZE)

    def test_problems(self, snap_compare, monkeypatch):
        monkeypatch.chdir(Path(__file__).parent)   # a relative path, the same on every machine
        assert snap_compare(app_for("broken/broken.yaml"), run_before=steps(),
                            terminal_size=SIZE)

    def test_what_if(self, snap_compare):
        assert snap_compare(app_for(), run_before=steps("enter", "1", "1", "enter", "w",
                                                        "enter", *"1/2", "enter"),
                            terminal_size=SIZE)

    def test_confirm(self, snap_compare):
        assert snap_compare(app_for(), run_before=steps("enter", "n"), terminal_size=SIZE)
