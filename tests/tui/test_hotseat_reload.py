"""Hot-seat privacy, reloading an edited scenario file, and the problems dialog."""

from __future__ import annotations

from pathlib import Path

from game.scenario.library import resolve
from game.tui.app import make_app
from game.tui.screens.briefing import BriefingScreen
from game.tui.screens.decision import DecisionScreen
from game.tui.screens.dialogs import PrivacyDialog, ProblemsDialog
from game.tui.screens.outcome import OutcomeScreen
from tests.tui.helpers import fast_solver, painted, solved, wait_ready


async def test_hot_seat_privacy_screen_hides_the_other_players_type():
    app = make_app("perfect-deterrence", opponent="human", seed=3, solver=fast_solver)
    async with app.run_test(size=(100, 32)) as pilot:
        await solved(pilot)
        driver = app.screen.driver
        assert driver.humans == (0, 1)
        assert "your type" not in painted(app).lower()
        await pilot.press("enter")
        await wait_ready(pilot, PrivacyDialog)
        spec = driver.spec
        types = driver.state.types()
        turns = 0
        while not driver.finished:
            assert isinstance(app.screen, PrivacyDialog)
            seat = driver.seat
            screen = painted(app)
            assert "your type" not in screen.lower(), "the privacy screen must hide the type"
            assert f"Pass the keyboard to {spec.players[seat].name}" in app.screen.player_name \
                or spec.players[seat].name == app.screen.player_name
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, DecisionScreen)
            own = spec.type_of(seat, types[seat]).name
            shown = painted(app)
            assert f"your type: {own}" in shown
            other = spec.players[1 - seat]
            hidden = spec.type_of(1 - seat, types[1 - seat]).name
            if len(other.types) > 1 and hidden != own:   # nothing names the other's type
                assert f"type: {hidden}" not in shown
            if app.screen.result is not None or driver.result is not None:
                assert "believes about" in shown   # the live panels, for this player
            await pilot.press("1")
            await pilot.pause()
            turns += 1
            if driver.finished:
                break
            if driver.seat != seat:
                await wait_ready(pilot, PrivacyDialog)
        assert turns >= 2
        await wait_ready(pilot, OutcomeScreen)


SCENARIO = resolve("public-threat").read_text(encoding="utf-8")


async def test_reload_shows_problems_then_the_fixed_file(tmp_path: Path):
    path = tmp_path / "threat.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    app = make_app(str(path), solver=fast_solver)
    async with app.run_test(size=(100, 32)) as pilot:
        await solved(pilot)
        assert app.screen.spec.title == "The Public Threat"
        path.write_text(SCENARIO.replace("  p:\n    value: 1/3", "  p:\n    value: 7/3"),
                        encoding="utf-8")
        await pilot.press("r")
        await wait_ready(pilot, ProblemsDialog)
        assert app.screen.problems, "the dialog lists the located problems"
        assert any("threat.yaml" in problem.format() for problem in app.screen.problems)
        await pilot.press("escape")
        await wait_ready(pilot, BriefingScreen)
        path.write_text(SCENARIO.replace("title: The Public Threat", "title: The Edited Threat"),
                        encoding="utf-8")
        await pilot.press("r")
        await solved(pilot)
        assert isinstance(app.screen, BriefingScreen)
        assert app.screen.spec.title == "The Edited Threat"


async def test_a_broken_file_opens_the_problems_dialog_not_a_traceback(tmp_path: Path):
    path = tmp_path / "broken.yaml"
    path.write_text(SCENARIO.replace("root: threat", "root: nowhere"), encoding="utf-8")
    app = make_app(str(path), solver=fast_solver)
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_ready(pilot, ProblemsDialog)
        assert any("nowhere" in p.format() for p in app.screen.problems)
