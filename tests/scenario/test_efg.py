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


def test_a_900_deep_file_reads_writes_and_round_trips():
    from tests.scenario.generated import deep_efg, shallow_stack

    text = deep_efg(900)
    with shallow_stack():
        game = load_efg_text(text, "deep.efg")
        written = game_to_efg(game)
        again = load_efg_text(written, "again.efg")
    assert len(game.nodes) == 1801 and len(game.infosets) == 900
    assert _shape(again) == _shape(game)
    assert game.nodes[900].outcome == "The end"
    assert game.nodes[game.nodes[0].children[1]].outcome == "Stopped 0"


@pytest.mark.parametrize("number", ["1e999999999", "1.5e309", "1e100000", "9" * 5000,
                                    "1/" + "7" * 101])
def test_numbers_with_too_many_digits_are_refused_at_once(number):
    import time

    start = time.perf_counter()
    with pytest.raises(ScenarioError) as caught:
        load_efg_text(GOOD.replace("3/2", number), "big.efg")
    assert time.perf_counter() - start < 1
    problem = caught.value.problems[0]
    assert (problem.line, problem.column) == (8, 14)
    assert "too many digits" in problem.message and "100 digits" in problem.message


def test_payoffs_that_grow_past_the_limit_along_a_path_are_refused():
    big = "9" * 100
    text = GOOD.replace('p "" 1 1 "first" { "left" "right" } 0',
                        f'p "" 1 1 "first" {{ "left" "right" }} 9 "bonus" {{ {big}, 0 }}')
    text = text.replace("{ 0, 2 }", f"{{ {big}, 2 }}")
    with pytest.raises(ScenarioError, match="grow past 100 digits"):
        load_efg_text(text, "sum.efg")


def test_a_huge_whole_number_is_refused_not_a_crash():
    with pytest.raises(ScenarioError, match="whole number below"):
        load_efg_text(GOOD.replace('t "" 3 "c"', 't "" ' + "3" * 5000 + ' "c"'), "n.efg")


def test_control_characters_in_labels_are_made_visible():
    hostile = GOOD.replace('"tiny"', '"ti\x1b[31mny\x00"').replace('"a"', '"\x1b]0;title\x07a"')
    game = load_efg_text(hostile, "x.efg")
    texts = [game.title, *game.players, *(n.outcome for n in game.nodes)]
    assert not any(ch in text for text in texts for ch in "\x1b\x00\x07")
    assert game.title == "ti\u241b[31mny\u2400"
    assert game.nodes[1].outcome == "\u241b]0;title\u2407a"
    with pytest.raises(ScenarioError) as caught:
        load_efg_text(GOOD.replace("3/2", "x\x1b[2J"), "x.efg")
    assert "\x1b" not in caught.value.format() and "\u241b[2J" in caught.value.format()


FORGETFUL = '''EFG 2 R "forgetful" { "One" "Two" }
""

p "" 1 1 "first" { "left" "right" } 0
p "a" 1 2 "second" { "up" "down" } 0
t "" 1 "a" { 1, 0 }
t "" 2 "b" { 0, 1 }
p "b" 1 2 "second" { "up" "down" } 0
t "" 3 "c" { 1, 1 }
t "" 4 "d" { 0, 0 }
'''


def test_a_player_who_forgets_its_own_move_is_refused():
    with pytest.raises(ScenarioError, match="perfect recall"):
        load_efg_text(FORGETFUL, "forgetful.efg")
    # The same tree where the second move is Two's (who did not see the first) is fine.
    fine = FORGETFUL.replace('p "a" 1 2', 'p "a" 2 1').replace('p "b" 1 2', 'p "b" 2 1')
    assert len(load_efg_text(fine, "fine.efg").infosets) == 2


def test_a_5000_deep_file_loads():
    from tests.scenario.generated import deep_efg

    game = load_efg_text(deep_efg(4_999), "deep.efg")  # checks perfect recall in one pass
    assert len(game.nodes) == 9_999 and len(game.infosets) == 4_999
