"""The solver's Intuitive Criterion and D1 against an independent brute force (`oracle.py`).

The oracle is checked first on games whose verdicts are derived by hand; then hypothesis
compares its verdicts with the solver's on small random sender-receiver games with a public
chance move between the message and the reply, a chance move after the reply, and a receiver
with two types, for every equilibrium whose verdicts the solver computed.
"""

from __future__ import annotations

from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.model.expand import expand_game
from game.solver.solve import solve
from tests.solver.oracle import build_spec, oracle_verdicts, play_of, read_one_shot
from tests.strategies import signalling_specs

SECONDS = 0.2
"""The solver's budget per random game (slow ones say 'not computed' and are skipped)."""


def _compare(spec, mixed: bool = False) -> int:
    """Solves `spec` and compares every computed verdict with the oracle's; returns how many
    equilibria were compared.

    Pure equilibria are compared from a search for pure ones only, which finishes well within
    its budget: a family's D1 verdict read while the clock runs out can be wrong (see
    test_a_family_verdict_cut_short_by_the_clock_is_not_a_failure), and this comparison is
    about the definitions. With `mixed`, the mixed equilibria (each judged on its own, 'not
    computed' when late) are compared.
    """
    game = expand_game(spec)
    result = solve(game, mixed=mixed, seconds=SECONDS if mixed else 5.0, qre_seconds=0.3)
    view = read_one_shot(spec)
    compared = 0
    for eq in result.equilibria:
        if eq.intuitive.passed is None or eq.d1.passed is None or (mixed and eq.pure):
            continue
        expected = oracle_verdicts(view, play_of(game, eq.behaviour))
        found = (eq.intuitive.passed, eq.d1.passed)
        assert found == (expected.intuitive, expected.d1), (
            f"{eq.kind}: solver IC/D1 {found}, oracle {expected}; solver reasons: "
            f"{eq.intuitive.reason} | {eq.d1.reason}")
        compared += 1
    return compared


def _by_kind(spec):
    game = expand_game(spec)
    result = solve(game)
    view = read_one_shot(spec)
    return {eq.kind: oracle_verdicts(view, play_of(game, eq.behaviour))
            for eq in result.equilibria if eq.pure}


# ------------------------------------------------------------------ the oracle on known answers
def test_oracle_on_beer_quiche():
    """Beer-quiche (weak 1/10): pooling on quiche fails IC and D1, pooling on beer passes both
    (the derivation is in test_cases.test_beer_quiche_two_poolings_and_their_verdicts)."""
    sender = {"weak": (0, 2, 1, 3), "strong": (1, 3, 0, 2)}   # beer duel/not, quiche duel/not
    nodes = {"start": ("S", [("beer", "after_beer"), ("quiche", "after_quiche")])}
    for k, message in enumerate(("beer", "quiche")):
        nodes[f"after_{message}"] = ("R", [("duel", f"{message}_d"), ("not", f"{message}_n")])
        nodes[f"{message}_d"] = ("Z", {t: (v[2 * k], 1 if t == "weak" else -1)
                                      for t, v in sender.items()})
        nodes[f"{message}_n"] = ("Z", {t: (v[2 * k + 1], 0) for t, v in sender.items()})
    verdicts = _by_kind(build_spec({"weak": F(1, 10), "strong": F(9, 10)}, None, nodes))
    assert (verdicts["pooling on quiche"].intuitive, verdicts["pooling on quiche"].d1) == (
        False, False)
    assert (verdicts["pooling on beer"].intuitive, verdicts["pooling on beer"].d1) == (
        True, True)


def test_oracle_uses_mixed_best_replies_to_beliefs():
    """d1_hull.efg as a spec: pooling on m1 passes IC and fails D1 with either pure member
    (derivation in test_cases.test_d1_ranges_over_mixed_best_replies_not_the_hull); the
    oracle must not use the hull of pure replies (which would make D1 pass)."""
    sender = {"A": {"r1": 2, "r2": 2, "r3": 4}, "B": {"r1": 0, "r2": 3, "r3": 4}}
    receiver = {"A": {"r1": 2, "r2": 1, "r3": -2}, "B": {"r1": -2, "r2": 1, "r3": 2}}
    nodes = {"start": ("S", [("m1", "after1"), ("m2", "after2")]),
             "after1": ("R", [(r, f"z1{r}") for r in ("r1", "r2", "r3")]),
             "after2": ("R", [(r, f"z2{r}") for r in ("r1", "r2", "r3")])}
    for r in ("r1", "r2", "r3"):
        nodes[f"z1{r}"] = ("Z", (3, 1) if r == "r1" else (0, 0))
        nodes[f"z2{r}"] = ("Z", {t: (sender[t][r], receiver[t][r]) for t in "AB"})
    spec = build_spec({"A": F(1, 2), "B": F(1, 2)}, None, nodes)
    view = read_one_shot(spec)
    for reply in ("r1", "r2"):
        play = {("S", "A"): {"m1": F(1), "m2": F(0)}, ("S", "B"): {"m1": F(1), "m2": F(0)},
                ("R", "after1", "sole"): {"r1": F(1), "r2": F(0), "r3": F(0)},
                ("R", "after2", "sole"): {r: F(int(r == reply)) for r in ("r1", "r2", "r3")}}
        verdicts = oracle_verdicts(view, play)
        assert (verdicts.intuitive, verdicts.d1) == (True, False), reply


def test_oracle_on_the_bully_scenario():
    """bq-chance.yaml read by the oracle (a chance move, and an outcome with no reply): the
    verdicts derived in test_cases for each kind."""
    from game.scenario.load import load_scenario_text
    from tests.solver.test_cases import BQ_CHANCE_YAML

    spec = load_scenario_text(BQ_CHANCE_YAML, "bq-chance.yaml")
    game = expand_game(spec, {})
    result = solve(game)
    view = read_one_shot(spec)
    expected = {"pooling on quiche": (False, False), "pooling on beer": (True, True),
                "separating": (True, True), "semi-separating": (True, True)}
    for eq in result.equilibria:
        verdicts = oracle_verdicts(view, play_of(game, eq.behaviour))
        assert (verdicts.intuitive, verdicts.d1) == expected[eq.kind]


def test_oracle_excludes_a_prior_zero_type():
    """A type with prior 0 is not a possible deviator (test_cases'
    test_a_type_with_prior_zero_is_not_a_possible_deviator): pooling on quiche still fails IC."""
    from tests.solver.test_cases import _beer_quiche_with_a_ghost

    verdicts = _by_kind(_beer_quiche_with_a_ghost())
    assert verdicts["pooling on quiche"].intuitive is False
    assert verdicts["pooling on beer"].intuitive is True


# ------------------------------------------------------------------ random games
@st.composite
def sender_receiver_specs(draw):
    """Small one-shot games: 2-3 sender types, 2-3 messages, 2-3 replies, optionally a quiet
    move that ends the game (a pooling on it leaves every message unexpected), a public
    chance move (h 1/3, t 2/3) between message and reply, a chance move after the reply
    (accident 1/4), and a receiver with two types; small integer payoffs (ties are common)."""
    types = draw(st.integers(2, 3))
    messages = draw(st.integers(2, 3))
    replies = draw(st.integers(2, 3))
    chance = draw(st.booleans())
    slip = draw(st.booleans())
    two_sided = draw(st.booleans())
    if (chance and two_sided and replies == 3) or (types == 3 and messages == 3):
        replies = 2   # at most four information sets per message, at most 16 pure replies
    weights = draw(st.lists(st.integers(1, 3), min_size=types, max_size=types))
    sender_types = {f"s{k}": F(w, sum(weights)) for k, w in enumerate(weights)}
    receiver_types = None
    if two_sided:
        first = draw(st.integers(1, 3))
        receiver_types = {"r0": F(first, first + 1), "r1": F(1, first + 1)}
    seed = draw(st.lists(st.integers(-3, 3), min_size=1, max_size=200))
    counter = iter(range(10**6))

    def value() -> int:
        # A fixed pattern under the drawn values keeps a shrunk (all-zero) draw from tying
        # every payoff: those games have hundreds of equilibria and say little.
        k = next(counter)
        return seed[k % len(seed)] + (k * 3) % 5 - 2

    def payoff():
        table = {}
        for s in sender_types:
            for r in receiver_types or {"sole": 1}:
                table[(s, r)] = (value(), value())
        return table

    outside = draw(st.booleans())
    nodes: dict = {"start": ("S", [(f"m{i}", f"after{i}") for i in range(messages)]
                             + ([("quiet", "end_quiet")] if outside else []))}
    if outside:   # a move nobody answers: pooling on it leaves the messages unexpected
        nodes["end_quiet"] = ("Z", {(s, r): (draw(st.integers(0, 2)), 0)
                                    for s in sender_types for r in receiver_types or {"sole": 1}})
    for i in range(messages):
        sides = [("h", F(1, 3)), ("t", F(2, 3))] if chance else [("", F(1))]
        if chance:
            nodes[f"after{i}"] = ("C", [(w, p, f"reply{i}{w}") for w, p in sides])
        for w, _ in sides:
            reply = f"reply{i}{w}" if chance else f"after{i}"
            nodes[reply] = ("R", [(f"a{j}", f"z{i}{w}{j}") for j in range(replies)])
            for j in range(replies):
                end = f"z{i}{w}{j}"
                if slip:
                    nodes[end] = ("C", [("accident", F(1, 4), f"{end}x"),
                                        ("calm", F(3, 4), f"{end}c")])
                    nodes[f"{end}x"] = ("Z", payoff())
                    nodes[f"{end}c"] = ("Z", payoff())
                else:
                    nodes[end] = ("Z", payoff())
    return build_spec(sender_types, receiver_types, nodes)


@settings(max_examples=35, deadline=None)
@given(sender_receiver_specs())
def test_solver_verdicts_match_the_brute_force(spec):
    _compare(spec)


@settings(max_examples=12, deadline=None)
@given(sender_receiver_specs())
def test_solver_verdicts_match_the_brute_force_for_mixed_equilibria(spec):
    _compare(spec, mixed=True)


@settings(max_examples=30, deadline=None)
@given(signalling_specs(max_types=3, max_messages=3, max_responses=3, max_finals=1,
                        two_sided=True, slips=True, max_payoff=2))
def test_solver_verdicts_match_the_brute_force_on_the_shared_strategy(spec):
    """The project's own random signalling games (`slip=`: a chance move after the reply;
    `receiver_priors=`: two-sided types)."""
    _compare(spec)


def test_the_comparison_is_not_empty():
    """The random comparison above compares something: on a fixed game with a chance move
    before the reply and two receiver types, verdicts are computed and compared."""
    from tests.solver.test_cases import _signal_behind

    assert _compare(_signal_behind("chance")) >= 2
    assert _compare(_signal_behind("types")) >= 2


def test_a_family_verdict_cut_short_by_the_clock_is_not_a_failure():
    """The tie game of test_cases.test_ties_are_counted_not_lost: pooling on m1 answered by
    r1, off-path reply r1 or r2 (a family of two), and D1 passes for both members (every
    reply is a best reply to every belief, nobody is deleted). A family verdict made with
    the clock already run out must not turn that into a failure."""
    import time

    from game.solver.build import make_equilibrium
    from game.solver.checks.refine import apply_refinements
    from game.solver.search.pure import pure_pbe_search
    from game.solver.solve import _behaviour, _refine_family
    from game.solver.structure import Structure

    nodes = {"start": ("S", [("m1", "after1"), ("m2", "after2")]),
             "after1": ("R", [("r1", "z11"), ("r2", "z12")]),
             "after2": ("R", [("r1", "z21"), ("r2", "z22")]),
             "z11": ("Z", (1, 0)), "z12": ("Z", (0, 0)), "z21": ("Z", (1, 0)),
             "z22": ("Z", (0, 0))}
    game = expand_game(build_spec({"A": F(1, 2), "B": F(1, 2)}, None, nodes))
    structure = Structure(game)
    families, _, _ = pure_pbe_search(structure, seconds=5, with_gaps=True)
    family = next(f for f in families if f.count > 1)
    listed = apply_refinements(structure, make_equilibrium(
        structure, _behaviour(game, family.first()), alternatives=family.count))
    assert _refine_family(structure, listed, family).d1.passed is True   # with time
    late = _refine_family(structure, listed, family, until=time.monotonic() - 1)
    assert late.d1.passed is not False, late.d1.reason
