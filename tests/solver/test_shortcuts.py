"""The solver's shortcuts give the answers of the long way round.

- A surprise that no later move of the other player can follow up is decided by one closed
  belief region instead of one region per set of types kept (`game.solver.beliefs`).
- In a game with one signalling stage (`Structure.one_signal_stage`), beliefs are read per
  information set instead of by the Fudenberg-Tirole walk.
- D1's containment question for one reply information set is answered in closed form
  (`_lowest_at_one`) instead of by a linear program.
- A deviator's later move that nothing of the other side's follows is taken as the
  equilibrium plays it: the verdicts are those of the game where that move is replaced by the
  outcome the equilibrium picks (checked against the independent oracle).
"""

from __future__ import annotations

from fractions import Fraction as F

from hypothesis import given, settings
from hypothesis import strategies as st

from game.model.expand import expand_game
from game.solver.build import make_equilibrium
from game.solver.checks.refine import _INFEASIBLE, _lowest_at_one
from game.solver.linear.lp import solve_lp
from game.solver.public import PublicTree
from game.solver.search.pure import pure_pbe_solve
from game.solver.solve import solve
from game.solver.structure import Structure
from tests.solver.oracle import build_spec, oracle_verdicts, read_one_shot
from tests.strategies import signalling_specs


def _families(structure):
    return sorted((tuple(sorted(f.first().items())), f.count)
                  for f in pure_pbe_solve(structure, fast=False))


@settings(max_examples=40, deadline=None)
@given(signalling_specs(max_types=3, max_messages=2, max_responses=2, max_finals=2,
                        two_sided=True, slips=True))
def test_one_closed_region_decides_like_every_set_of_types(spec):
    """The general enumerator finds the same pure PBE (with the same counts) whether a
    surprise is decided by the one closed region or by every set of types kept."""
    game = expand_game(spec)
    if len(game.infosets) > 9:
        return
    fast = _families(Structure(game))
    original = PublicTree.answered_below
    PublicTree.answered_below = lambda self, state_id, player: True
    try:
        slow = _families(Structure(game))
    finally:
        PublicTree.answered_below = original
    assert fast == slow


@settings(max_examples=40, deadline=None)
@given(signalling_specs(max_types=3, max_messages=3, max_responses=3, max_finals=2, slips=True))
def test_one_signal_stage_beliefs_equal_the_fudenberg_tirole_walk(spec):
    """On sender-receiver games (one stage of signalling), every equilibrium's beliefs and
    off-path belief sets read per information set equal those of the full walk."""
    game = expand_game(spec)
    structure = Structure(game)
    if len(spec.players[0].types) == 1:
        return   # nobody has private information
    assert structure.one_signal_stage
    walk = Structure(game)
    walk.__dict__["one_signal_stage"] = False
    for eq in solve(game, mixed=False, refine=False, seconds=5.0).equilibria:
        short = make_equilibrium(structure, eq.behaviour)
        long = make_equilibrium(walk, eq.behaviour)
        assert short.beliefs == long.beliefs
        assert short.off_path_beliefs.keys() == long.off_path_beliefs.keys()
        for group, region in short.off_path_beliefs.items():
            assert set(region.vertices) == set(long.off_path_beliefs[group].vertices), group


def test_one_signal_stage_is_false_where_the_walk_matters():
    """Two moves of the uninformed player on a path, or two informed players: the walk."""
    two_sided = build_spec({"a": F(1, 2), "b": F(1, 2)}, {"c": F(1, 2), "d": F(1, 2)}, {
        "start": ("S", [("m", "reply")]), "reply": ("R", [("r", "end")]), "end": ("Z", (0, 0))})
    assert not Structure(expand_game(two_sided)).one_signal_stage
    twice = build_spec({"a": F(1, 2), "b": F(1, 2)}, None, {
        "start": ("S", [("m", "first")]), "first": ("R", [("r", "again")]),
        "again": ("S", [("n", "second")]), "second": ("R", [("q", "end")]),
        "end": ("Z", (0, 0))})
    assert not Structure(expand_game(twice)).one_signal_stage
    # a public chance move between the message and the reply ties the replies to one belief
    chance = build_spec({"a": F(1, 2), "b": F(1, 2)}, None, {
        "start": ("S", [("m", "after"), ("q", "end")]),
        "after": ("C", [("h", F(1, 2), "first"), ("t", F(1, 2), "second")]),
        "first": ("R", [("x", "end"), ("y", "end")]), "second": ("R", [("x", "end")]),
        "end": ("Z", (0, 0))})
    assert not Structure(expand_game(chance)).one_signal_stage
    # two messages in a row before the reply: Bayes' rule from one free belief ties them
    two = build_spec({"a": F(1, 2), "b": F(1, 2)}, None, {
        "start": ("S", [("m", "next")]), "next": ("S", [("n", "reply"), ("o", "reply")]),
        "reply": ("R", [("x", "end"), ("y", "end")]), "end": ("Z", (0, 0))})
    assert not Structure(expand_game(two)).one_signal_stage


fractions = st.fractions(min_value=-5, max_value=5, max_denominator=4)


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 4).flatmap(lambda n: st.tuples(
    st.lists(fractions, min_size=n, max_size=n), st.lists(fractions, min_size=n, max_size=n),
    fractions)))
def test_the_closed_form_minimum_equals_the_linear_program(data):
    """min loss.x over mixtures x of the actions with gain.x >= -need."""
    gain, loss, need = data
    allowed = list(range(len(gain)))
    closed = _lowest_at_one(allowed, dict(enumerate(gain)), need, dict(enumerate(loss)))
    result = solve_lp(len(allowed), dict(enumerate(loss)), [(dict.fromkeys(allowed, F(1)), F(1))],
                      [({k: -v for k, v in enumerate(gain)}, need)])
    if result.status == "infeasible":
        assert closed is _INFEASIBLE
    else:
        assert closed == result.value


payoff = st.integers(-3, 3)


@settings(max_examples=25, deadline=None)
@given(st.lists(payoff, min_size=24, max_size=24), st.sampled_from([F(1, 2), F(1, 3), F(3, 4)]))
def test_a_last_tied_move_is_taken_as_the_equilibrium_plays_it(values, prior):
    """Two types send m1 or m2, the receiver answers r1 or r2, then the sender picks f1 or f2,
    which it does not care about (same payoff) but the receiver does. Each pure equilibrium's
    IC and D1 verdicts equal the independent oracle's on the one-shot game where the final
    move is replaced by the outcome the equilibrium picks there."""
    it = iter(values)
    sender = {(t, m, r): next(it) for t in ("a", "b") for m in (1, 2) for r in (1, 2)}
    receiver = {(t, m, r, f): v for (t, m, r), v in
                zip([(t, m, r) for t in ("a", "b") for m in (1, 2) for r in (1, 2)], it)
                for f in (1, 2)}
    # the receiver's payoff after f2 is the f1 payoff shifted: the final move matters to it
    receiver = {(t, m, r, f): v + (2 if f == 2 and (m + r) % 2 else 0 if f == 1 else -1)
                for (t, m, r, f), v in receiver.items()}
    nodes = {"start": ("S", [("m1", "after1"), ("m2", "after2")])}
    for m in (1, 2):
        nodes[f"after{m}"] = ("R", [("r1", f"fin{m}1"), ("r2", f"fin{m}2")])
        for r in (1, 2):
            nodes[f"fin{m}{r}"] = ("S", [("f1", f"z{m}{r}1"), ("f2", f"z{m}{r}2")])
            for f in (1, 2):
                nodes[f"z{m}{r}{f}"] = ("Z", {t: (sender[(t, m, r)], receiver[(t, m, r, f)])
                                              for t in ("a", "b")})
    spec = build_spec({"a": prior, "b": 1 - prior}, None, nodes)
    game = expand_game(spec)
    result = solve(game, mixed=False, seconds=5.0)
    for eq in result.equilibria:
        assert eq.intuitive.passed is not None and eq.d1.passed is not None, eq.d1.reason
        choice = {}   # (type, m, r) -> the final action the equilibrium picks
        play = {}
        for infoset in game.infosets:
            probs = dict(zip(infoset.actions, eq.behaviour[infoset.id]))
            if infoset.stage.startswith("fin"):
                m, r = int(infoset.stage[3]), int(infoset.stage[4])
                choice[(infoset.own_type, m, r)] = 1 if probs["f1"] == 1 else 2
            elif infoset.player == 0:
                play[("S", infoset.own_type)] = probs
            else:
                play[("R", infoset.stage, infoset.own_type)] = probs
        reduced = {"start": nodes["start"]}
        for m in (1, 2):
            reduced[f"after{m}"] = ("R", [("r1", f"z{m}1"), ("r2", f"z{m}2")])
            for r in (1, 2):
                reduced[f"z{m}{r}"] = ("Z", {t: (sender[(t, m, r)],
                                                 receiver[(t, m, r, choice[(t, m, r)])])
                                             for t in ("a", "b")})
        expected = oracle_verdicts(read_one_shot(build_spec({"a": prior, "b": 1 - prior},
                                                            None, reduced)), play)
        assert (eq.intuitive.passed, eq.d1.passed) == (expected.intuitive, expected.d1), (
            eq.intuitive.reason, eq.d1.reason, expected)
