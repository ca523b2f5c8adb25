"""Regime maps and exact thresholds (the formulas of models.md), and the Stern-Brocot search."""

from __future__ import annotations

from fractions import Fraction as F
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from game.scenario.load import load_scenario
from game.solver.sweep import Sweeper, grid, parse_range, simplest_between

SCENARIOS = Path(__file__).parents[2] / "scenarios"

fractions = st.fractions(min_value=-5, max_value=5, max_denominator=60)


@given(fractions, fractions)
def test_simplest_between_is_inside_and_has_the_least_denominator(a, b):
    if a == b:
        return
    low, high = min(a, b), max(a, b)
    found = simplest_between(low, high)
    assert low < found < high
    for q in range(1, found.denominator):
        # No fraction with a smaller denominator lies strictly inside.
        first = (low * q).__floor__() + 1
        assert F(first, q) >= high


def test_grid_and_ranges():
    assert grid(F(0), F(1), F(1, 4)) == (0, F(1, 4), F(1, 2), F(3, 4), 1)
    assert grid(F(0), F(1), F(2, 5)) == (0, F(2, 5), F(4, 5), 1)
    assert parse_range("0:10:1/2") == (0, 10, F(1, 2))
    for bad in ("0:1", "a:1:1", "0:1:0", "1:0:1", "0:1:1e-9"):
        with pytest.raises(ValueError):
            parse_range(bad)


def _thresholds(name: str, parameter: str, values):
    spec = load_scenario(SCENARIOS / f"{name}.yaml")
    result = Sweeper(spec).sweep([(parameter, values)])
    return result, [t for t in result.thresholds if t.exact]


def test_brinkmanship_thresholds_are_the_formulas():
    # models.md 3.4: A threatens at q* = 1/3 iff p <= 9/17. With Soft indifferent at 1/3, "no
    # threat" is also an equilibrium once the next rung (q = 1/2) is unacceptable:
    # (1 - p) + p(-6) < -2 iff p > 3/7.
    result, exact = _thresholds("brinkmanship", "p", grid(F(1, 10), F(9, 10), F(1, 5)))
    assert [t.low for t in exact] == [F(3, 7), F(9, 17)]
    last = exact[-1]
    assert last.after == ("pure: Defiance succeeds",)
    assert any("Compliance" in family for family in last.before)


def test_signal_strength_pooling_needs_a_prior_of_one_half():
    # models.md (beer-quiche): pooling needs Pr(strong) >= 1/2; below it, the hybrid.
    result, exact = _thresholds("signal-strength", "s", grid(F(1, 10), F(9, 10), F(1, 5)))
    assert {t.low for t in exact} == {F(1, 2)}
    regimes = result.regimes()
    assert any(family.startswith("semi-separating") for family in regimes[0])
    assert all(family.startswith("pooling") for family in regimes[-1])
