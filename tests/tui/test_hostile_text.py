"""A scenario's text is shown as written on every screen of the game, never read as markup.

The hostile copy of a shipped scenario (tests/cli/test_hostile.py) appends escape codes, NUL
bytes and rich markup with a stray closing tag (`[/]`) to every text; each screen must paint
it as text (stand-ins for the controls) instead of crashing on a MarkupError.
"""

from __future__ import annotations

import pytest

from game.tui.app import make_app
from game.tui.screens.briefing import BriefingScreen
from game.tui.screens.debrief import DebriefScreen
from game.tui.screens.decision import DecisionScreen
from game.tui.screens.drawing import DrawingScreen
from game.tui.screens.equilibria import EquilibriaScreen
from game.tui.screens.guided import GuidedScreen
from game.tui.screens.outcome import OutcomeScreen
from game.tui.screens.picker import PickerScreen
from game.tui.screens.whatif import WhatIfScreen
from tests.cli.test_hostile import FORBIDDEN, hostile_text
from tests.tui.helpers import fast_solver, painted, solved, wait_ready

MARKUP = "[link=http://example.invalid]x[/link][/]"


def _hostile(tmp_path, scenario: str):
    path = tmp_path / f"{scenario}.yaml"
    path.write_text(hostile_text(scenario), encoding="utf-8")
    return path


def _shown(app) -> str:
    text = painted(app)
    for char in FORBIDDEN:
        assert char not in text, f"{char!r} was painted"
    return text


async def _open(pilot, key: str, screen_type) -> str:
    await pilot.press(key)
    await wait_ready(pilot, screen_type)
    text = _shown(pilot.app)
    await pilot.press("escape")
    await wait_ready(pilot, DebriefScreen)
    return text


@pytest.mark.parametrize("opponent", ["equilibrium", "human"])
async def test_every_screen_paints_markup_from_the_file_as_text(opponent, tmp_path):
    path = _hostile(tmp_path, "public-threat")
    app = make_app(str(path), role="challenger", opponent=opponent, seed=5,
                   solver=fast_solver)
    async with app.run_test(size=(110, 60)) as pilot:
        await wait_ready(pilot, BriefingScreen)
        await solved(pilot)
        assert MARKUP in _shown(app)            # summary, payoff table, tree
        await pilot.press("enter")
        moves = 0
        while not isinstance(app.screen, OutcomeScreen):
            await pilot.pause()
            if isinstance(app.screen, DecisionScreen):
                assert MARKUP in _shown(app)    # the stage's title and text, the buttons
                await pilot.press("1")
                moves += 1
            else:                               # hot-seat: the privacy screen between turns
                _shown(app)
                await pilot.press("enter")
            assert moves < 10
        assert MARKUP in _shown(app)
        await pilot.press("enter")
        await wait_ready(pilot, DebriefScreen)
        assert MARKUP in _shown(app)
        assert MARKUP in await _open(pilot, "l", EquilibriaScreen)
        assert MARKUP in await _open(pilot, "d", DrawingScreen)
        await _open(pilot, "w", WhatIfScreen)


async def test_guided_backward_induction_paints_markup_as_text(tmp_path):
    path = _hostile(tmp_path, "escalation-ladder")
    app = make_app(str(path), seed=5, solver=fast_solver)
    async with app.run_test(size=(110, 50)) as pilot:
        await wait_ready(pilot, BriefingScreen)
        await solved(pilot)
        await pilot.press("b")
        await wait_ready(pilot, GuidedScreen)
        assert MARKUP in _shown(app)
        await pilot.press("1")
        await pilot.pause()
        assert MARKUP in _shown(app)


async def test_the_scenario_list_shows_a_hostile_title_as_text(tmp_path):
    _hostile(tmp_path, "public-threat")
    app = make_app(solver=fast_solver, library=tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_ready(pilot, PickerScreen)
        for _ in range(100):
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            if app.screen.query_one("DataTable").row_count:
                break
        assert "The Public Threat" in _shown(app)
