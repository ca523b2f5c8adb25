"""Pilot tests: every shipped scenario played to the debrief against a seeded bot."""

from __future__ import annotations

import pytest

from game.scenario.library import shipped
from game.tui.app import make_app
from game.tui.screens.briefing import BriefingScreen
from game.tui.screens.debrief import DebriefScreen
from game.tui.screens.decision import DecisionScreen
from game.tui.screens.outcome import OutcomeScreen
from game.tui.screens.picker import PickerScreen
from tests.tui.helpers import fast_solver, screen_text, solved, to_decision, wait_ready

SCENARIOS = [entry.id for entry in shipped()]


@pytest.mark.parametrize("scenario", SCENARIOS)
async def test_play_every_scenario_to_the_debrief(scenario):
    app = make_app(scenario, seed=7, solver=fast_solver)
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_ready(pilot, BriefingScreen)
        await solved(pilot)
        briefing = app.screen
        driver = briefing.driver
        await pilot.press("enter")
        await wait_ready(pilot, DecisionScreen)
        moves = 0
        while isinstance(app.screen, DecisionScreen):
            screen = app.screen
            assert screen.legal == driver.view().legal_actions
            assert "1. " in screen_text(app)
            await pilot.press("1")
            await pilot.pause()
            moves += 1
            assert moves < 60
        assert isinstance(app.screen, OutcomeScreen)
        assert driver.finished
        state = driver.final_state()
        assert state.is_terminal
        assert state.current.outcome in screen_text(app)
        await pilot.press("enter")
        await wait_ready(pilot, DebriefScreen)
        text = screen_text(app)
        assert "THE EQUILIBRIA" in text
        assert "YOUR DECISIONS" in text
        if state.game.rounds > 1:
            assert "round" in text


async def test_picker_filters_by_concept_and_opens_a_briefing():
    app = make_app(solver=fast_solver)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot, PickerScreen)
        table = app.screen.query_one("DataTable")
        everything = table.row_count
        await pilot.press("slash", *"audience")
        await pilot.pause()
        assert 0 < table.row_count < everything
        await pilot.press("enter")   # back to the table
        await pilot.press("enter")   # open the highlighted scenario
        await wait_ready(pilot, BriefingScreen)
        assert "audience-costs" in app.screen.spec.concepts


@pytest.mark.parametrize("typed", ["audience costs", "Audience-Costs", "credibility of threats",
                                   "subgame perfection"])
async def test_the_picker_filter_matches_concept_names_with_spaces(typed):
    app = make_app(solver=fast_solver)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot, PickerScreen)
        table = app.screen.query_one("DataTable")
        everything = table.row_count
        await pilot.press("slash", *typed)
        await pilot.pause()
        assert 0 < table.row_count < everything, typed


async def test_help_and_glossary_open_and_close():
    from game.tui.screens.dialogs import GlossaryDialog, HelpDialog

    app = make_app(solver=fast_solver)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpDialog)
        await pilot.press("escape")
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, GlossaryDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)


async def test_exam_mode_hides_the_values():
    app = make_app("public-threat", seed=1, exam=True, solver=fast_solver, role="challenger")
    async with app.run_test(size=(100, 32)) as pilot:
        await solved(pilot)
        await pilot.press("enter")
        await wait_ready(pilot, DecisionScreen)
        text = screen_text(app)
        assert "hidden (exam mode)" in text
        assert "What State B believes about you" in text


async def test_panels_show_values_outside_exam_mode():
    app = make_app("public-threat", seed=1, solver=fast_solver, role="challenger")
    async with app.run_test(size=(100, 32)) as pilot:
        await solved(pilot)
        await pilot.press("enter")
        await wait_ready(pilot, DecisionScreen)
        text = screen_text(app)
        assert "Worth to you" in text and "Risk of disaster" in text


async def test_what_if_resolves_at_a_new_value():
    from fractions import Fraction

    from game.bots.equilibrium import preferred_equilibrium
    from game.model.expand import expand_game
    from game.model.expr import format_fraction
    from game.tui.screens.whatif import WhatIfScreen
    from game.tui.session import load

    spec, game = load("public-threat")
    app = make_app(solver=fast_solver)
    async with app.run_test(size=(100, 32)) as pilot:
        await app.push_screen(WhatIfScreen(spec, game))
        await pilot.pause()
        await app.workers.wait_for_complete()   # the game as played, for the comparison
        await pilot.pause()
        await pilot.press("enter", *"1/2", "enter")    # the list first: Enter picks p
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = screen_text(app)
        assert "At p = 1/2" in text
        assert "What moved in the refined equilibrium, and why" in text
        # each outcome of the refined equilibrium: as played -> at the new value
        before = preferred_equilibrium(fast_solver(game)).outcomes
        moved = expand_game(spec, {**game.values, "p": Fraction(1, 2)})
        after = preferred_equilibrium(fast_solver(moved)).outcomes
        assert before != after
        for label in before:
            assert (f"{label}: {format_fraction(before[label])} -> "
                    f"{format_fraction(after.get(label, Fraction(0)))}") in text
        assert "(tried 1/2)" in str(app.screen.query_one("#params").get_option_at_index(0).prompt)
        await pilot.press(*"/0", "enter")
        await pilot.pause()
        assert "not an exact number" in screen_text(app) or "between" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, WhatIfScreen)


async def test_debrief_cycles_through_the_equilibria():
    app = make_app("perfect-deterrence", seed=2, solver=fast_solver)
    async with app.run_test(size=(100, 32)) as pilot:
        await to_decision(pilot)
        while isinstance(app.screen, DecisionScreen):
            await pilot.press("1")
            await pilot.pause()
        await pilot.press("enter")
        await wait_ready(pilot, DebriefScreen)
        first = app.screen.index
        await pilot.press("e")
        await pilot.pause()
        assert app.screen.index != first
        assert "compared with your play" in screen_text(app)


async def test_the_mouse_chooses_an_action_too():
    app = make_app("deterrence-baseline", seed=1, solver=fast_solver, role="challenger")
    async with app.run_test(size=(80, 24)) as pilot:
        await solved(pilot)
        await pilot.press("enter")
        await wait_ready(pilot, DecisionScreen)
        driver = app.screen.driver
        before = len(driver.state.steps)
        assert await pilot.click(".action")
        await pilot.pause()
        assert len(driver.state.steps) > before


async def test_an_impossible_equilibrium_number_falls_back_to_random_and_says_so():
    app = make_app("public-threat", opponent="equilibrium:99", seed=1, solver=fast_solver)
    async with app.run_test(size=(100, 32)) as pilot:
        await solved(pilot)
        assert "playing a random opponent" in screen_text(app)
        assert app.screen.driver.opponent_name == "random"


async def test_a_game_the_opponent_ends_before_your_first_move_goes_to_the_outcome():
    """As the defender of the escalation ladder, the equilibrium challenger keeps the status
    quo: the game is over before the student has a move, so the outcome (and the debrief)
    follow at once instead of an empty decision screen."""
    app = make_app("escalation-ladder", role="defender", seed=0, solver=fast_solver)
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_ready(pilot, BriefingScreen)
        await solved(pilot)
        driver = app.screen.driver
        assert driver.finished and not any(step.actor == driver.humans[0]
                                           for step in driver.view().history)
        await pilot.press("enter")
        await wait_ready(pilot, OutcomeScreen)
        assert driver.final_state().current.outcome in screen_text(app)
        assert "before you had a move" in screen_text(app)
        await pilot.press("enter")
        await wait_ready(pilot, DebriefScreen)
        assert "THE EQUILIBRIA" in screen_text(app)


def test_a_campaign_too_large_to_solve_gets_a_random_opponent_and_says_why():
    import time

    from game.tui.screens.briefing import build_opponent
    from game.tui.session import LARGE_GAME, default_solver, load

    _, game = load("public-threat", rounds=3)
    assert len(game.nodes) > LARGE_GAME
    start = time.monotonic()
    result = default_solver(game)   # the shorter budget of a large game
    assert time.monotonic() - start < 15
    assert not result.complete
    if not result.equilibria:
        bot, note = build_opponent("equilibrium", game, result, seed=1)
        assert "too large to enumerate" in note and "random opponent" in note
        assert bot is not None


async def test_a_game_can_be_abandoned_for_the_scenario_list_once_confirmed():
    from game.tui.screens.dialogs import ConfirmDialog

    app = make_app("public-threat", seed=7, solver=fast_solver)
    async with app.run_test(size=(100, 32)) as pilot:
        await to_decision(pilot)
        await pilot.press("n")
        await wait_ready(pilot, ConfirmDialog)
        await pilot.press("n")                     # no: the game goes on
        await wait_ready(pilot, DecisionScreen)
        await pilot.press("n")
        await wait_ready(pilot, ConfirmDialog)
        await pilot.press("y")
        await wait_ready(pilot, PickerScreen)


async def test_a_match_without_a_seed_shows_one_that_replays_it():
    async def play(seed):
        app = make_app("signal-choice", seed=seed, solver=fast_solver, opponent="qre:2")
        async with app.run_test(size=(100, 32)) as pilot:
            await solved(pilot)
            await pilot.press("enter")
            await pilot.pause()
            while isinstance(app.screen, DecisionScreen):
                await pilot.press("1")
                await pilot.pause()
            await wait_ready(pilot, OutcomeScreen)
            driver = app.screen.driver
            assert f"Seed {driver.seed}: --seed {driver.seed}" in screen_text(app)
            return driver.seed, driver.final_state().steps

    drawn, steps = await play(None)
    assert drawn is not None
    assert await play(drawn) == (drawn, steps)
