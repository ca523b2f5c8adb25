"""Provides `candidate_actions`: actions that can possibly be played in a perfect Bayesian equilibrium.

Bottom-up: where everything below an information set is already pinned down, keep only the
actions that are a best reply for some belief over its members (for a single node: the best
actions); elsewhere, drop actions strictly dominated whatever happens below.
"""

from __future__ import annotations

from fractions import Fraction

from game.model.tree import NATURE, TERMINAL
from game.solver.search.assess import PureValues, best_reply_to_some_belief
from game.solver.structure import Structure


def _payoff_bounds(structure: Structure, forced: dict[int, int]
                   ) -> dict[tuple[int, int, int], tuple[Fraction, Fraction]]:
    """(node, player, horizon) -> (lowest, highest) payoff reachable below, given forced moves."""
    nodes = structure.game.nodes
    horizons = range(structure.round_count + 1) if structure.game.round_payoffs else range(1)
    bounds: dict[tuple[int, int, int], tuple[Fraction, Fraction]] = {}
    for node in reversed(nodes):
        if node.player == TERMINAL:
            for player in (0, 1):
                for horizon in horizons:
                    value = structure.payoff(node.id, player, horizon)
                    bounds[(node.id, player, horizon)] = (value, value)
            continue
        if node.player == NATURE:
            children = [c for k, c in enumerate(node.children) if node.probs[k] > 0]
        elif node.infoset in forced:
            children = [node.children[forced[node.infoset]]]
        else:
            children = list(node.children)
        for player in (0, 1):
            for horizon in horizons:
                lows = [bounds[(c, player, horizon)][0] for c in children]
                highs = [bounds[(c, player, horizon)][1] for c in children]
                bounds[(node.id, player, horizon)] = (min(lows), max(highs))
    return bounds


def candidate_actions(structure: Structure, deadline: float | None = None
                      ) -> dict[int, tuple[int, ...]]:
    """Infoset -> the action indices that survive the pre-pass (a non-empty subset).

    Repeated until nothing changes: forcing a move deep in the tree can make an earlier move
    dominated. Memoised per game. Past `deadline` (a `time.monotonic()` value) it stops
    repeating: what it drops so far is dropped soundly, so the domains are only larger.
    """
    known = structure.memo.get("candidate-actions")
    if known is not None:
        return known
    domains = _candidate_actions(structure, deadline)
    structure.memo["candidate-actions"] = domains
    return domains


def _candidate_actions(structure: Structure, deadline: float | None):
    import time

    game = structure.game
    domains: dict[int, tuple[int, ...]] = {i.id: tuple(range(len(i.actions)))
                                           for i in game.infosets}
    forced: dict[int, int] = {}
    while True:
        bounds = _payoff_bounds(structure, forced)
        changed = False
        for infoset_id in reversed(structure.order):
            infoset = game.infosets[infoset_id]
            player = infoset.player
            horizon = structure.myopic_round[infoset_id]
            actions = list(domains[infoset_id])
            if len(actions) == 1:
                continue
            determined = all(below in forced for m in infoset.members
                             for below in structure.subtree_infosets[m])
            if determined:
                values = PureValues(structure, forced).member_values(infoset_id)
                keep = [action for action in actions
                        if best_reply_to_some_belief(values, action)]
            else:
                keep = [action for action in actions if not any(
                    all(bounds[(game.nodes[m].children[action], player, horizon)][1]
                        < bounds[(game.nodes[m].children[other], player, horizon)][0]
                        for m in infoset.members)
                    for other in actions if other != action)]
            if tuple(keep) != domains[infoset_id]:
                domains[infoset_id] = tuple(keep)
                changed = True
                if len(keep) == 1:
                    forced[infoset_id] = keep[0]
        if not changed or (deadline is not None and time.monotonic() > deadline):
            return domains
