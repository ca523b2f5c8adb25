"""Solver properties on random signalling games (hypothesis) and on every shipped scenario."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction as F
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from game.model.expand import expand_game
from game.model.expr import BinOp, Num
from game.model.spec import DecisionNode, TerminalNode
from game.solver.checks.check import check_assessment, pure_pbe_brute_force
from game.solver.search.pure import pure_pbe_solve
from game.solver.solve import solve
from game.solver.structure import Structure
from tests.strategies import signalling_specs

SCENARIOS = sorted((Path(__file__).parents[2] / "scenarios").glob("*.yaml"))


def _verify(result) -> None:
    """The independent checker accepts every equilibrium with its reported beliefs."""
    structure = Structure(result.game)
    for eq in result.equilibria:
        free = {group: [dict(zip(bs.keys, v)) for v in bs.vertices]
                for group, bs in eq.off_path_beliefs.items()}
        # Fudenberg-Tirole beliefs are numbers in more places than Bayes' rule from the root
        # reaches (after a surprise with one type left): those are given as free beliefs.
        free.update({group: [belief] for group, belief in eq.beliefs.items()})
        assert all(bs.vertices for bs in eq.off_path_beliefs.values())
        assert check_assessment(structure, eq.behaviour, free) == []
        if structure.fudenberg_tirole:
            from game.solver.evaluate import Evaluation

            report = structure.ft.assess(eq.behaviour.__getitem__,
                                         Evaluation(structure, eq.behaviour).value)
            assert report.problems == []


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_shipped_scenario_solves_and_checks(path):
    from tests.solver.helpers import solve_scenario

    result = solve_scenario(path.stem)
    assert result.equilibria
    _verify(result)


def _key(game, profile: dict) -> tuple:
    return tuple(sorted((game.infosets[i].label, a) for i, a in profile.items()))


def _pure(families) -> list[dict]:
    """The pure profiles of some families (families whose off-path play mixes are left out:
    a brute force over pure profiles cannot see them)."""
    return [p for family in families for p in family.profiles()
            if all(isinstance(a, int) for a in p.values())]


@pytest.mark.parametrize("concept", ["pbe", "weak"])
@settings(max_examples=40, deadline=None)
@given(spec=signalling_specs(max_types=2, max_messages=2, max_responses=2, max_finals=2))
def test_pure_enumeration_matches_brute_force(concept, spec):
    game = expand_game(spec)
    structure = Structure(game, concept=concept)
    found = {_key(game, p) for p in _pure(pure_pbe_solve(structure, fast=False))}
    brute = {_key(game, p) for p in pure_pbe_brute_force(structure)}
    assert found == brute


@settings(max_examples=60, deadline=None)
@given(signalling_specs(max_types=3, max_messages=3, max_responses=3, max_finals=2, slips=True))
def test_the_vectorised_sender_receiver_path_matches_the_general_enumerator(spec):
    """`game.solver.search.signalling` (used when the game is one sender-receiver stage) finds the
    same pure PBE, family by family, as the general enumerator, ties included."""
    from game.solver.search.prepass import candidate_actions
    from game.solver.search.signalling import stage_families

    game = expand_game(spec)
    structure = Structure(game)
    domains = candidate_actions(structure)
    forced = {i: d[0] for i, d in domains.items() if len(d) == 1}
    if len(game.infosets) - len(forced) > 9:
        return   # too many open moves for the general enumerator to list them quickly
    fast = stage_families(structure, domains, forced)
    if fast is None:   # not that shape (or too many ties below the replies)
        return
    general = [f for f in pure_pbe_solve(structure, fast=False)
               if all(isinstance(a, int) for a in f.first().values())]
    fast = [f for f in fast if all(isinstance(a, int) for a in f.first().values())]
    # The fast path writes out one tie-break of each class off the path and counts the rest:
    # the same paths of play, the same number of equilibria on each.
    assert _paths(structure, fast) == _paths(structure, general)
    assert {_key(game, p) for f in fast for p in f.profiles()} <= \
        {_key(game, p) for p in _pure(general)}


def _paths(structure, families) -> dict:
    """Path of play (the actions taken where the play goes) -> how many equilibria share it."""
    from game.solver.evaluate import Evaluation

    found: dict = {}
    game = structure.game
    for family in families:
        profile = family.first()
        behaviour = {i: tuple(F(int(a == b)) for b in range(len(game.infosets[i].actions)))
                     for i, a in profile.items()}
        reach = Evaluation(structure, behaviour).reach
        path = tuple(sorted((game.infosets[i].label, a) for i, a in profile.items()
                            if any(reach[m] for m in game.infosets[i].members)))
        found[path] = found.get(path, 0) + family.count
    return found


def test_the_vectorised_path_takes_ties_below_the_replies():
    """The benchmark's shape (types x signals x replies x 2 final moves), small, with ties at
    the final moves: the pre-pass leaves every reply possible there, and a reply no belief
    supports must still be dropped (this game has 464 assessments that pass every other
    check but only 400 PBE)."""
    import random

    from game.solver.search.prepass import candidate_actions
    from game.solver.search.signalling import stage_families
    from tests.games import signalling_spec

    rng = random.Random(7)
    table: dict = {}

    def payoff(node, player, own, opp):
        return table.setdefault((node, player, own, opp), rng.randint(-4, 4))

    game = expand_game(signalling_spec([F(1, 4)] * 4, 3, 3, payoff, finals=2))
    structure = Structure(game)
    domains = candidate_actions(structure)
    forced = {i: d[0] for i, d in domains.items() if len(d) == 1}
    assert len(forced) < len(game.infosets) - 7   # some ties are left below the replies
    fast = stage_families(structure, domains, forced)
    assert fast is not None
    assert sum(f.count for f in fast) == 400
    assert _paths(structure, fast) == _paths(structure, pure_pbe_solve(structure, fast=False))


@pytest.mark.parametrize("concept", ["pbe", "weak"])
@settings(max_examples=20)
@given(spec=signalling_specs(max_types=2, max_messages=2, max_responses=2, max_finals=1,
                             two_sided=True))
def test_pure_enumeration_matches_brute_force_two_sided(concept, spec):
    game = expand_game(spec)
    structure = Structure(game, concept=concept)
    found = {_key(game, p) for p in _pure(pure_pbe_solve(structure, fast=False))}
    brute = {_key(game, p) for p in pure_pbe_brute_force(structure)}
    assert found == brute


@settings(max_examples=20)
@given(signalling_specs(max_types=2, max_messages=3, max_responses=3, max_finals=2))
def test_every_equilibrium_passes_the_independent_check(spec):
    _verify(solve(expand_game(spec), seconds=0.5))


def _transform(spec, player: str, scale: F, shift: F):
    nodes = {}
    for node_id, node in spec.nodes.items():
        if isinstance(node, TerminalNode):
            payoffs = {k: (BinOp("+", BinOp("*", Num(scale), v), Num(shift)) if k[0] == player
                           else v) for k, v in node.payoffs.items()}
            node = replace(node, payoffs=payoffs)
        nodes[node_id] = node
    return replace(spec, nodes=nodes)


def _equilibrium_set(game, all_pure: bool = True) -> set:
    result = solve(game, seconds=2.0, all_pure=all_pure)
    return {tuple(sorted((game.infosets[i].label, p) for i, p in eq.behaviour.items()))
            for eq in result.equilibria if eq.continuum is None}


@settings(max_examples=15)
@given(signalling_specs(max_types=2, max_messages=2, max_responses=2),
       st.sampled_from(["sender", "receiver"]), st.sampled_from([F(1, 2), F(3), F(7, 3)]),
       st.sampled_from([F(-5), F(0), F(11, 2)]))
def test_affine_payoff_changes_leave_the_equilibria_unchanged(spec, player, scale, shift):
    before = _equilibrium_set(expand_game(spec))
    after = _equilibrium_set(expand_game(_transform(spec, player, scale, shift)))
    assert before == after


@settings(max_examples=15)
@given(signalling_specs(max_types=2, max_messages=3, max_responses=2))
def test_relabelling_actions_permutes_the_equilibria(spec):
    reordered = {}
    for node_id, node in spec.nodes.items():
        if isinstance(node, DecisionNode):
            node = replace(node, moves=tuple(reversed(node.moves)))
        reordered[node_id] = node
    original = expand_game(spec)
    permuted = expand_game(replace(spec, nodes=reordered))

    def by_action(game) -> set:
        result = solve(game, seconds=2.0, all_pure=True)
        return {tuple(sorted((game.infosets[i].label, a, p)
                             for i, probs in eq.behaviour.items()
                             for a, p in zip(game.infosets[i].actions, probs)))
                for eq in result.equilibria if eq.continuum is None}

    assert by_action(original) == by_action(permuted)


@settings(max_examples=40, deadline=None)
@given(signalling_specs(max_types=2, max_messages=2, max_responses=2, max_finals=2, slips=True,
                        max_payoff=40))
def test_settled_final_moves_change_no_mixed_equilibrium(spec):
    """Writing out the value of a dominant last move (instead of a variable with its rows)
    makes the mixed search's LPs smaller; it finds the same equilibria: the same supports and,
    outside continua, the same behaviour. (Inside a continuum the point chosen may differ, and
    the tighter LP can only narrow a continuum's reported ranges to what is an equilibrium.)"""
    from game.solver.search.mixed import MixedSolver

    structure = Structure(expand_game(spec))

    def found(settle: bool) -> set:
        solver = MixedSolver(structure, max_leaves=300, seconds=5)
        if not settle:
            solver.lps.settled = {}
        solutions = solver.run()
        assume(not solver.truncated)
        return {(tuple(sorted(s.supports.items())),
                 None if s.continuum else tuple(sorted(s.behaviour.items())))
                for s in solutions}

    assert found(True) == found(False)


@pytest.mark.parametrize("seed", [6, 11, 32])
def test_settled_final_moves_keep_the_mixed_equilibria_of_benchmark_games(seed):
    """The same comparison on 2x3x3 benchmark games that have mixed equilibria."""
    from game.solver.search.mixed import MixedSolver
    from tests.benchmarks.solver import random_game

    structure = Structure(random_game(2, 3, 3, 2, seed=seed))
    found = []
    for settle in (True, False):
        solver = MixedSolver(structure, max_leaves=100_000, seconds=None)
        if not settle:
            solver.lps.settled = {}
        found.append({(tuple(sorted(s.supports.items())),
                       None if s.continuum else tuple(sorted(s.behaviour.items())))
                      for s in solver.run()})
    assert found[0] and found[0] == found[1]


def test_the_sender_s_last_moves_are_settled():
    """In a signalling game whose sender moves last with generic payoffs, every last move of
    the sender is settled, so the sender's LP has variables for its signals only."""
    from game.solver.search.mixed import MixedSolver
    from tests.benchmarks.solver import random_game

    game = random_game(2, 3, 3, 2, seed=12)
    solver = MixedSolver(Structure(game), max_leaves=100_000, seconds=None)
    finals = [i.id for i in game.infosets
              if i.player == 0 and all(game.nodes[game.nodes[m].children[0]].player < 0
                                       for m in i.members)]
    assert len(finals) == 2 * 3 * 3
    single = {f for f in finals if len(solver.domains[f]) == 1}
    assert len(single) >= 15 and single <= set(solver.lps.settled)


def _mixed_games():
    from game.scenario.library import shipped
    from game.tui.session import load
    from tests.benchmarks.solver import random_game

    chain_store = next(entry.id for entry in shipped() if entry.id == "chain-store")
    return [load(chain_store)[1]] + [random_game(2, 3, 3, 2, seed=seed) for seed in (6, 11)]


@pytest.mark.parametrize("index", [0, 1, 2])
def test_a_carried_over_point_vouches_only_for_feasible_lps(index, monkeypatch):
    """When a recent feasible point lets the mixed search go on without the float screen, the
    exact LP is indeed feasible with t > 0; and the search finds the same equilibria with the
    points switched off. (Every LP is screened here, small ones too.)"""
    from game.solver.linear import replylp
    from game.solver.linear.lp import solve_lp
    from game.solver.search.mixed import MixedSolver
    from game.solver.linear.replylp import ReplyLPs

    monkeypatch.setattr(replylp, "SMALL_LP", 0)
    structure = Structure(_mixed_games()[index])
    vouched = []
    original = ReplyLPs._fits

    def checked_fits(self, player, alias, value_var, t_var, eq_rows, le_rows, plan_rows):
        fits = original(self, player, alias, value_var, t_var, eq_rows, le_rows, plan_rows)
        if fits:
            exact = solve_lp(t_var + 1, {t_var: 1}, eq_rows, le_rows, list(value_var.values()),
                             maximize=True)
            vouched.append(exact.status == "optimal" and exact.value > 0)
        return fits

    found = []
    for carry in (True, False):
        solver = MixedSolver(structure, max_leaves=100_000, seconds=None)
        if carry:
            solver.lps._fits = checked_fits.__get__(solver.lps)
        else:
            solver.lps._fits = lambda *args: False
        found.append({(tuple(sorted(s.supports.items())),
                       None if s.continuum else tuple(sorted(s.behaviour.items())))
                      for s in solver.run()})
    assert vouched and all(vouched)
    assert found[0] and found[0] == found[1]
