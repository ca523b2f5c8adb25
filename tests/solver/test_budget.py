"""The solver's time budget: a game too large to enumerate gives a bounded, honest answer."""

from __future__ import annotations

import time

from game.model.expand import expand_game
from game.scenario.load import load_scenario
from game.scenario.library import resolve
from game.solver.search.pure import pure_pbe_search, pure_pbe_solve
from game.solver.solve import solve
from game.solver.structure import Structure


def _campaign(scenario: str, rounds: int):
    return expand_game(load_scenario(resolve(scenario)), rounds=rounds)


def test_the_pure_search_stops_within_twice_its_budget_and_says_so():
    structure = Structure(_campaign("public-threat", 3))   # 255 nodes: far too many to list
    start = time.monotonic()
    _, truncated = pure_pbe_search(structure, seconds=0.3)
    assert truncated
    assert time.monotonic() - start < 0.6 + 1.5   # twice the budget, plus slack for the load


def test_a_search_within_its_budget_is_the_full_enumeration():
    structure = Structure(_campaign("public-threat", 1))
    families, truncated = pure_pbe_search(structure, seconds=30)
    assert not truncated
    full = pure_pbe_solve(structure)
    assert ({tuple(sorted(f.base.items())) for f in families}
            == {tuple(sorted(f.base.items())) for f in full})
    assert all(f.complete for f in families)
    assert sum(f.count for f in families) == sum(f.count for f in full)


def test_a_solve_cut_short_is_marked_incomplete_with_a_note():
    game = _campaign("public-threat", 3)
    start = time.monotonic()
    result = solve(game, seconds=0.3)
    assert time.monotonic() - start < 10
    assert not result.complete
    assert any("pure equilibria" in note for note in result.notes)


def test_the_mixed_search_of_a_large_campaign_neither_recurses_too_deep_nor_overruns():
    """Brinkmanship over three rounds has thousands of information sets: the search walks the
    ones with nothing to choose in a loop (it used to hit Python's recursion limit)."""
    from game.solver.search.mixed import mixed_pbe_solve

    structure = Structure(_campaign("brinkmanship", 3))
    assert len(structure.game.infosets) > 3000
    start = time.monotonic()
    _, truncated = mixed_pbe_solve(structure, max_leaves=200_000, seconds=0.5)
    assert truncated
    assert time.monotonic() - start < 0.5 * 2 + 3

