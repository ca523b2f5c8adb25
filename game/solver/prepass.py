"""Provides `candidate_actions`: actions that can possibly be played in a perfect Bayesian equilibrium.

Bottom-up: where everything below an information set is already pinned down, keep only the
actions that are a best reply for some belief over its members (for a single node: the best
actions); elsewhere, drop actions strictly dominated whatever happens below.
"""

from __future__ import annotations

from fractions import Fraction

from game.model.tree import NATURE, TERMINAL
from game.solver.assess import PureValues
from game.solver.lp import simplex_region
from game.solver.structure import Structure


def _payoff_bounds(structure: Structure) -> dict[tuple[int, int, int], tuple[Fraction, Fraction]]:
    """(node, player, horizon) -> (lowest, highest) payoff among terminals below."""
    nodes = structure.game.nodes
    horizons = range(structure.round_count + 1) if structure.game.round_payoffs else range(1)
    bounds: dict[tuple[int, int, int], tuple[Fraction, Fraction]] = {}
    for node in reversed(nodes):
        for player in (0, 1):
            for horizon in horizons:
                if node.player == TERMINAL:
                    value = structure.payoff(node.id, player, horizon)
                    bounds[(node.id, player, horizon)] = (value, value)
                else:
                    children = [c for k, c in enumerate(node.children)
                                if node.player != NATURE or node.probs[k] > 0]
                    lows = [bounds[(c, player, horizon)][0] for c in children]
                    highs = [bounds[(c, player, horizon)][1] for c in children]
                    bounds[(node.id, player, horizon)] = (min(lows), max(highs))
    return bounds


def candidate_actions(structure: Structure) -> dict[int, tuple[int, ...]]:
    """Infoset -> the action indices that survive the pre-pass (a non-empty subset)."""
    game = structure.game
    bounds = _payoff_bounds(structure)
    domains: dict[int, tuple[int, ...]] = {}
    forced: dict[int, int] = {}
    for infoset_id in reversed(structure.order):
        infoset = game.infosets[infoset_id]
        player = infoset.player
        horizon = structure.myopic_round[infoset_id]
        actions = list(range(len(infoset.actions)))
        determined = all(below in forced for m in infoset.members
                         for below in structure.subtree_infosets[m])
        if determined:
            values = PureValues(structure, forced).member_values(infoset_id)
            keep = []
            for action in actions:
                rows = [tuple(values[k][action] - values[k][other] for k in range(len(values)))
                        for other in actions if other != action]
                if simplex_region(rows, len(values))[0]:
                    keep.append(action)
            actions = keep
        else:
            keep = []
            for action in actions:
                dominated = any(
                    all(bounds[(game.nodes[m].children[action], player, horizon)][1]
                        < bounds[(game.nodes[m].children[other], player, horizon)][0]
                        for m in infoset.members)
                    for other in actions if other != action)
                if not dominated:
                    keep.append(action)
            actions = keep
        domains[infoset_id] = tuple(actions)
        if len(actions) == 1:
            forced[infoset_id] = actions[0]
    return domains
