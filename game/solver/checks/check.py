"""Provides independent checks of equilibria (they share no search code with the enumerators).

`check_assessment` verifies a behaviour profile with beliefs: Bayes' rule wherever it applies,
and no profitable deviation at any information set given the beliefs. `is_pure_pbe` and
`pure_pbe_brute_force` decide pure PBE by looking at every pure profile, for tests.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from fractions import Fraction
from itertools import product

from game.solver.evaluate import Behaviour, Evaluation
from game.solver.linear.region import simplex_region
from game.solver.structure import ZERO, Structure


def check_assessment(structure: Structure, behaviour: Behaviour,
                     free_beliefs: Mapping[int, Sequence[Mapping[str, Fraction]]] | None = None
                     ) -> list[str]:
    """Lists every violation of perfect Bayesian equilibrium (an empty list: it is one).

    Args:
        structure: the game.
        behaviour: infoset -> action probabilities, for every infoset.
        free_beliefs: for belief groups where Bayes' rule does not apply, the beliefs claimed to
            support the play (each must support it: pass the vertices of a belief set).
    """
    game = structure.game
    evaluation = Evaluation(structure, behaviour)
    problems: list[str] = []
    for infoset in game.infosets:
        probs = behaviour[infoset.id]
        if len(probs) != len(infoset.actions) or any(p < 0 for p in probs) or sum(probs) != 1:
            problems.append(f"{infoset.label}: the action probabilities are not a distribution")
    if problems:
        return problems
    for group, infosets in game.group_infosets.items():
        bayes = evaluation.group_belief(group)
        beliefs = [bayes] if bayes is not None else list((free_beliefs or {}).get(group, ()))
        if not beliefs:
            problems.append(f"{game.infosets[infosets[0]].label}: off the path with no "
                            "supporting belief given")
            continue
        for belief in beliefs:
            if any(v < 0 for v in belief.values()) or sum(belief.values()) != 1:
                problems.append(f"{game.infosets[infosets[0]].label}: the belief is not a "
                                "distribution")
                continue
            for infoset_id in infosets:
                values = evaluation.action_values(infoset_id, belief)
                best = max(values)
                for index, p in enumerate(behaviour[infoset_id]):
                    if p > 0 and values[index] < best:
                        infoset = game.infosets[infoset_id]
                        problems.append(
                            f"{infoset.label}: {infoset.actions[index]} is played but is worth "
                            f"{values[index]}, less than {best}")
    return problems


def is_pure_pbe(structure: Structure, assignment: Mapping[int, int]) -> bool:
    """Decides whether a pure profile is part of some PBE (some off-path beliefs support it)."""
    game = structure.game
    behaviour = {i.id: tuple(Fraction(int(a == assignment[i.id])) for a in range(len(i.actions)))
                 for i in game.infosets}
    evaluation = Evaluation(structure, behaviour)
    for group, infosets in game.group_infosets.items():
        bayes = evaluation.group_belief(group)
        if bayes is not None:
            for infoset_id in infosets:
                values = evaluation.action_values(infoset_id, bayes)
                if values[assignment[infoset_id]] < max(values):
                    return False
            continue
        keys = structure.group_keys[group]
        rows = []
        for infoset_id in infosets:
            infoset = game.infosets[infoset_id]
            member_values = evaluation.member_action_values(infoset_id)
            chosen = assignment[infoset_id]
            for other in range(len(infoset.actions)):
                row = [ZERO] * len(keys)
                for key, values in zip(infoset.keys, member_values):
                    row[keys.index(key)] += values[chosen] - values[other]
                rows.append(tuple(row))
        if not simplex_region(rows, len(keys), first_only=True)[0]:
            return False
    return True


def pure_profiles(structure: Structure, restrict: Mapping[int, Sequence[int]] | None = None
                  ) -> Iterator[dict[int, int]]:
    """Yields every pure profile (one action per infoset; `restrict` limits some infosets)."""
    infosets = structure.game.infosets
    restrict = restrict or {}
    for choice in product(*(restrict.get(i.id, range(len(i.actions))) for i in infosets)):
        yield {i.id: a for i, a in zip(infosets, choice)}


def pure_pbe_brute_force(structure: Structure) -> list[dict[int, int]]:
    """Every pure PBE, found by checking every pure profile (small games only): weak PBE, and
    under Fudenberg-Tirole beliefs (`structure.fudenberg_tirole`) those whose beliefs also
    follow `game.solver.beliefs` (every such PBE is a weak one).

    One safe shortcut: at a one-node information set whose actions all lead straight to
    outcomes, only the best actions can be part of an equilibrium (whatever the beliefs), so
    the others are not tried.
    """
    found = [p for p in pure_profiles(structure, _last_move_choices(structure))
             if is_pure_pbe(structure, p)]
    if structure.fudenberg_tirole:
        from game.solver.search.assess import PureValues

        found = [p for p in found
                 if not structure.ft.assess(p.__getitem__, PureValues(structure, p).value).problems]
    return found


def _last_move_choices(structure: Structure) -> dict[int, tuple[int, ...]]:
    game = structure.game
    choices: dict[int, tuple[int, ...]] = {}
    for infoset in game.infosets:
        if len(infoset.members) != 1:
            continue
        node = game.nodes[infoset.members[0]]
        children = [game.nodes[c] for c in node.children]
        if not all(c.is_terminal for c in children):
            continue
        horizon = structure.myopic_round[infoset.id]
        values = [structure.payoff(c.id, infoset.player, horizon) for c in children]
        best = max(values)
        choices[infoset.id] = tuple(a for a, v in enumerate(values) if v == best)
    return choices
