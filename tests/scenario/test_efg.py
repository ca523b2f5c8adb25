"""Gambit `.efg` export and import: round trips keep the game, bad files get located errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given

from game.model.expand import expand_game
from game.scenario.efg import game_to_efg, load_efg_text
from game.scenario.errors import ScenarioError
from game.scenario.load import load_scenario
from game.solver.solve import solve
from tests.strategies import signalling_specs

SCENARIOS = sorted((Path(__file__).parents[2] / "scenarios").glob("*.yaml"))


def _shape(game):
    """What must survive a round trip: tree, chance, payoffs, information sets, beliefs."""
    nodes = tuple((n.player, n.actions, n.probs, n.payoffs, n.outcome, n.infoset)
                  for n in game.nodes)
    infosets = tuple((i.player, i.label, i.actions, i.members, i.keys, i.group)
                     for i in game.infosets)
    short_run = [p for p in (0, 1) if game.myopic[p]]
    rounds = None if game.round_payoffs is None else {
        z: tuple(tuple(r[p] for p in short_run) for r in per_round)
        for z, per_round in game.round_payoffs.items()}
    return nodes, infosets, game.players, game.myopic, rounds


@given(signalling_specs(max_types=3, max_messages=3, max_responses=3, two_sided=True))
def test_round_trip_keeps_random_games(spec):
    game = expand_game(spec)
    text = game_to_efg(game)
    again = load_efg_text(text)
    assert _shape(again) == _shape(game)
    assert game_to_efg(again) == text


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_round_trip_keeps_every_shipped_scenario(path):
    game = expand_game(load_scenario(path))
    again = load_efg_text(game_to_efg(game))
    assert _shape(again) == _shape(game)


def test_chain_store_round_trip_keeps_short_run_players():
    spec = load_scenario(Path(__file__).parents[2] / "scenarios" / "chain-store.yaml")
    game = expand_game(spec)
    text = game_to_efg(game)
    header = text.splitlines()[0]
    assert "[round 1]" in header and "[round 3]" in header
    again = load_efg_text(text)
    assert again.myopic == game.myopic
    assert again.rounds == game.rounds


def test_imported_game_solves_to_the_same_equilibria():
    spec = load_scenario(Path(__file__).parents[2] / "scenarios" / "signal-strength.yaml")
    game = expand_game(spec)
    first = solve(game, seconds=2.0)
    second = solve(load_efg_text(game_to_efg(game)), seconds=2.0)
    summary = lambda r: sorted((sorted(e.outcomes.items()), e.payoffs, e.kind)  # noqa: E731
                               for e in r.equilibria)
    assert summary(first) == summary(second)


GOOD = '''EFG 2 R "tiny" { "One" "Two" }
""

p "" 1 1 "first" { "left" "right" } 0
t "" 1 "a" { 1, 0 }
p "" 2 1 "second" { "up" "down" } 0
t "" 2 "b" { 0, 2 }
t "" 3 "c" { 3/2, -1 }
'''


def test_reads_a_hand_written_game():
    game = load_efg_text(GOOD)
    assert game.players == ("One", "Two")
    result = solve(game)
    # Two would answer "right" with "up" (2 > -1), so One takes "left" (1 > 0).
    assert [e.outcomes for e in result.equilibria] == [{"a": 1}]


@pytest.mark.parametrize(("text", "needle"), [
    ("", "EFG"),
    ("EFG 2 R \"x\" { \"One\" \"Two\" \"Three\" }\n\"\"\nt \"\" 1 \"a\" { 1, 2, 3 }\n", "two"),
    (GOOD.replace("{ 1, 0 }", "{ 1 }"), "payoff"),
    (GOOD.replace("3/2", "three"), "number"),
    (GOOD + "t \"\" 4 \"d\" { 0, 0 }\n", "after"),
    (GOOD.replace('p "" 2 1 "second"', 'p "" 1 1 "second"'), ""),
    (GOOD.replace("{ 0, 2 }", "{ 0, 2 ").replace("t \"\" 3", "t \"\" 3"), ""),
])
def test_bad_files_get_a_located_error(text, needle):
    with pytest.raises(ScenarioError) as caught:
        load_efg_text(text, "bad.efg")
    message = str(caught.value.problems[0].format())
    assert message.startswith("bad.efg:")
    assert needle.lower() in message.lower()
