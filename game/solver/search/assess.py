"""Provides value and belief computations for pure (partial) assignments, used by the enumerators."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from game.model.tree import NATURE, TERMINAL
from game.solver.linear.region import simplex_region
from game.solver.structure import ZERO, Structure


class PureValues:
    """Expected payoffs under an assignment, memoised.

    The assignment maps an infoset to an action index (pure) or to a tuple of probabilities.
    """

    def __init__(self, structure: Structure, assignment: Mapping[int, int]) -> None:
        self.structure = structure
        self.nodes = structure.game.nodes
        self.assignment = assignment
        self.cache: dict[tuple[int, int, int], Fraction] = {}

    def value(self, node_id: int, player: int, horizon: int = 0) -> Fraction:
        """The expected payoff to `player` from `node_id` (horizon 0: total, r: round r).

        Raises:
            KeyError: the value depends on an infoset the assignment does not cover.
        """
        key = (node_id, player, horizon)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        node = self.nodes[node_id]
        if node.player == TERMINAL:
            result = self.structure.payoff(node_id, player, horizon)
        elif node.player == NATURE:
            result = ZERO
            for p, child in zip(node.probs, node.children):
                if p:
                    result += p * self.value(child, player, horizon)
        else:
            chosen = self.assignment[node.infoset]
            if isinstance(chosen, int):
                result = self.value(node.children[chosen], player, horizon)
            else:
                result = ZERO
                for p, child in zip(chosen, node.children):
                    if p:
                        result += p * self.value(child, player, horizon)
        self.cache[key] = result
        return result

    def member_values_of(self, infoset_id: int, member: int) -> list[Fraction]:
        """values[action] at one member of an infoset, for the infoset's owner."""
        infoset = self.structure.game.infosets[infoset_id]
        horizon = self.structure.myopic_round[infoset_id]
        return [self.value(child, infoset.player, horizon) for child in self.nodes[member].children]

    def member_values(self, infoset_id: int) -> list[list[Fraction]]:
        """values[member][action] for the infoset's owner (with its horizon)."""
        game = self.structure.game
        infoset = game.infosets[infoset_id]
        horizon = self.structure.myopic_round[infoset_id]
        return [[self.value(child, infoset.player, horizon) for child in self.nodes[m].children]
                for m in infoset.members]


def group_omega(structure: Structure, group: int, assignment: Mapping[int, int]
                ) -> dict[str, Fraction] | None:
    """Chance-and-opponent reach of each key of a belief group under an assignment.

    Returns None when an opponent infoset on the way is not assigned yet.
    """
    game = structure.game
    weights: dict[str, Fraction] = {}
    for infoset_id in game.group_infosets[group]:
        infoset = game.infosets[infoset_id]
        for key, member in zip(infoset.keys, infoset.members):
            weight = structure.chance[member]
            if weight:
                for parent, index in structure.belief_steps[member]:
                    node = game.nodes[parent]
                    chosen = assignment.get(node.infoset)
                    if chosen is None:
                        return None
                    if isinstance(chosen, int):
                        if chosen != index:
                            weight = ZERO
                            break
                    else:
                        weight *= chosen[index]
                        if not weight:
                            break
            weights[key] = weights.get(key, ZERO) + weight
    return weights


def normalise(weights: Mapping[str, Fraction]) -> dict[str, Fraction] | None:
    """Normalises weights to a belief; None when they are all zero."""
    total = sum(weights.values(), ZERO)
    if total == 0:
        return None
    return {key: w / total for key, w in weights.items()}


def optimal_under(values: list[list[Fraction]], keys: tuple[str, ...],
                  belief: Mapping[str, Fraction], chosen: int) -> bool:
    """True when action `chosen` is a best reply given `belief` (ties count as best)."""
    totals = [ZERO] * len(values[0])
    for key, row in zip(keys, values):
        weight = belief.get(key, ZERO)
        if weight:
            for a, v in enumerate(row):
                totals[a] += weight * v
    return totals[chosen] >= max(totals)


def best_reply_to_some_belief(values: list[list[Fraction]], chosen: int) -> bool:
    """Is action `chosen` a best reply to some belief over the members (values[member][action])?"""
    rows = [tuple(row[chosen] - row[other] for row in values)
            for other in range(len(values[0])) if other != chosen]
    return simplex_region(rows, len(values), first_only=True)[0]


def free_belief_region(structure: Structure, group: int,
                       rows_by_infoset: Mapping[int, tuple[list[list[Fraction]], int]]
                       ) -> tuple[bool, list[tuple[Fraction, ...]], list[tuple[Fraction, ...]]]:
    """The beliefs over a group's keys under which every listed infoset's action is optimal.

    Args:
        rows_by_infoset: infoset -> (values[member][action], chosen action).

    Returns:
        (non-empty, vertices, constraint rows) with coordinates in `structure.group_keys` order.
    """
    keys = structure.group_keys[group]
    position = {key: k for k, key in enumerate(keys)}
    game = structure.game
    constraints: list[tuple[Fraction, ...]] = []
    for infoset_id, (values, chosen) in rows_by_infoset.items():
        infoset = game.infosets[infoset_id]
        for alternative in range(len(infoset.actions)):
            if alternative == chosen:
                continue
            row = [ZERO] * len(keys)
            for key, member_values in zip(infoset.keys, values):
                row[position[key]] += member_values[chosen] - member_values[alternative]
            if any(row) or True:
                constraints.append(tuple(row))
    constraints = list(dict.fromkeys(constraints))
    ok, vertices = simplex_region(constraints, len(keys))
    return ok, vertices, constraints


def group_rows_with_supports(structure: Structure, group: int, values: PureValues,
                             assignment: Mapping) -> list[tuple[Fraction, ...]]:
    """Belief constraints making every played action of each infoset in the group optimal."""
    game = structure.game
    keys = structure.group_keys[group]
    position = {key: k for k, key in enumerate(keys)}
    rows = []
    for infoset_id in game.group_infosets[group]:
        infoset = game.infosets[infoset_id]
        chosen = assignment[infoset_id]
        support = (chosen,) if isinstance(chosen, int) else tuple(
            a for a, p in enumerate(chosen) if p > 0)
        member_values = values.member_values(infoset_id)
        for a in support:
            for b in range(len(infoset.actions)):
                if b == a:
                    continue
                row = [ZERO] * len(keys)
                for key, mv in zip(infoset.keys, member_values):
                    row[position[key]] += mv[a] - mv[b]
                rows.append(tuple(row))
    return rows
