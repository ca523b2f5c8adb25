"""Cross-checks against Gambit (pygambit 16.7), run when the optional `oracle` group is installed.

`uv sync --group oracle` (pygambit compiles from source, about four minutes), then
`uv run --group oracle pytest -m oracle`. Each equilibrium of each shipped scenario is written
as a behaviour profile on the exported .efg game, and Gambit's exact arithmetic must find no
agent with a profitable deviation at any information set reached with positive probability;
for equilibria that reach every information set, `agent_max_regret()` must be exactly zero.
"""

from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path

import pytest

from game.scenario.efg import game_to_efg
from tests.solver.helpers import solve_scenario

gbt = pytest.importorskip("pygambit")

pytestmark = pytest.mark.oracle

SCENARIOS = sorted(p.stem for p in (Path(__file__).parents[2] / "scenarios").glob("*.yaml"))


def _gambit_profile(result, eq):
    game = result.game
    efg = gbt.read_efg(io.StringIO(game_to_efg(game)))
    profile = efg.mixed_behavior_profile(rational=True)
    by_label = {}
    for player in efg.players:
        for infoset in player.infosets:
            by_label.setdefault(infoset.label, []).append(infoset)
    for infoset in game.infosets:
        (target,) = by_label[infoset.label]
        for action, p in zip(target.actions, eq.behaviour[infoset.id]):
            profile[action] = gbt.Rational(p.numerator, p.denominator)
    return efg, profile


@pytest.mark.parametrize("name", SCENARIOS)
def test_gambit_finds_no_profitable_deviation(name):
    result = solve_scenario(name)
    for eq in result.equilibria:
        efg, profile = _gambit_profile(result, eq)
        for player in efg.players:
            for infoset in player.infosets:
                if profile.infoset_prob(infoset) == 0:
                    continue
                values = [Fraction(str(profile.action_value(a))) for a in infoset.actions]
                current = sum((Fraction(str(profile[a])) * v
                               for a, v in zip(infoset.actions, values)), Fraction(0))
                assert max(values) == current, (name, infoset.label)
        if all(eq.on_path.values()):
            assert Fraction(str(profile.agent_max_regret())) == 0
