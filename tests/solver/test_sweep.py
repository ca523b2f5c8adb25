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


@pytest.mark.parametrize(("name", "parameter", "values", "base", "expected"), [
    # models.md 8.1: the threat to fight is credible iff fighting costs B less than conceding.
    ("deterrence-baseline", "k_D", (F(1, 2), F(3, 2)), {}, {F(1)}),
    # models.md 1.3: State B resists iff the posterior is at most mu* = 1/(-w_D) = 1/2, so the
    # bluffing equilibrium gives way to pooling where the prior p reaches mu*.
    ("public-threat", "p", (F(1, 4), F(3, 4)), {}, {F(1, 2)}),
    # models.md 4.3: r_S = (3 - 1)/(3 + 1) = 1/2 and r_H = (3 - 1)/(3 - 0) = 2/3.
    ("perfect-deterrence", "p_def", (F(1, 10), F(3, 5), F(9, 10)), {}, {F(1, 2), F(2, 3)}),
    # models.md 2.4, tying hands: the Low type locks itself in once a > |W_L| = 2.
    ("signal-choice", "a", (F(1), F(3)), {}, {F(2)}),
    # models.md 2.4, sunk costs (a = 0): separation needs m in [(1-q)V_L, (1-q)(V_H - W_H)].
    ("signal-choice", "m", (F(1, 4), F(1), F(7, 4)), {"a": F(0)}, {F(3, 4), F(3, 2)}),
    # The limited rung is credible iff (1-r)(-k_l) + r(-k_h) >= -1: k_l <= (1 - r k_h)/(1 - r).
    ("escalation-ladder", "k_l", (F(1, 5), F(4, 5)), {}, {F(10, 19)}),
    # models.md 8.2: Chicken needs w > 0 > -l > -c; with c < l keeping straight is dominant
    # (no swerve, a certain crash), so the regime changes exactly at c = l = 1.
    ("chicken", "c", (F(1, 2), F(3, 2)), {}, {F(1)}),
    # ... while s* = w/(w + c - l) moves smoothly with w: no threshold inside the Chicken range.
    ("chicken", "w", (F(1, 2), F(3, 2), F(5)), {}, set()),
])
def test_regime_maps_show_the_formulas_thresholds(name, parameter, values, base, expected):
    spec = load_scenario(SCENARIOS / f"{name}.yaml")
    result = Sweeper(spec, base).sweep([(parameter, values)])
    assert {t.low for t in result.thresholds if t.exact} == expected
    assert all(t.exact for t in result.thresholds)


def test_chain_store_regime_map_shows_the_kreps_wilson_thresholds():
    """models.md 6.3: with k markets left, the entrant stays out iff the reputation exceeds
    b^k, and a Weak incumbent fights for sure iff it is at least b^(k-1). Over two markets
    (b = 1/2) the regimes change exactly at delta = b^2 = 1/4 and delta = b = 1/2; with
    b = 1/3, at 1/9 and 1/3."""
    spec = load_scenario(SCENARIOS / "chain-store.yaml")
    for b, grid_values, expected in [
            (F(1, 2), (F(1, 10), F(3, 10), F(3, 5)), {F(1, 4), F(1, 2)}),
            (F(1, 3), (F(1, 20), F(1, 5), F(1, 2)), {F(1, 9), F(1, 3)})]:
        result = Sweeper(spec, {"b": b}, rounds=2).sweep([("delta", grid_values)])
        assert all(point.complete for point in result.points)
        assert {t.low for t in result.thresholds if t.exact} == expected
        assert all(t.exact for t in result.thresholds)
        # Above b nobody enters at all; below b^2 the first entrant enters.
        assert result.points[-1].regime == ("pure: stayed out / stayed out",)


def test_chain_store_first_of_three_markets_is_contested_below_b_cubed():
    """The shipped three-market campaign: the first entrant's threshold is b^3 = 1/8."""
    spec = load_scenario(SCENARIOS / "chain-store.yaml")
    result = Sweeper(spec, seconds=60).sweep([("delta", (F(1, 10), F(3, 20)))])
    assert all(point.complete for point in result.points)
    assert [t.low for t in result.thresholds if t.exact] == [F(1, 8)]
