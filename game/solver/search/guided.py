"""Provides `qre_guided_solve`: mixed equilibria near the logit QRE, for games too large to
enumerate.

The QRE (which approaches an equilibrium as lambda grows) suggests which actions are played
where; each suggestion is then decided exactly by the support-enumeration solver's linear
programs and checks (`game.solver.search.mixed`), so everything returned is an exact equilibrium,
though the list may be incomplete.
"""

from __future__ import annotations

import time

from game.solver.linear.lp import LPTimeout
from game.solver.linear.replylp import FREE
from game.solver.search.mixed import MixedSolution, MixedSolver
from game.solver.structure import Structure


def qre_guided_solve(structure: Structure, lambdas=(2.0, 5.0, 10.0, 20.0, 50.0, 100.0),
                     reach_floor: float = 1e-3, action_floors=(0.01, 0.05, 0.15),
                     seconds: float = 5.0) -> list[MixedSolution]:
    """Mixed equilibria near the logit QRE branch: read supports off the QRE, solve them exactly.

    For games too large to enumerate, the QRE (which approaches an equilibrium as lambda grows)
    suggests which actions are played where; each suggestion is then decided exactly by the
    same linear programs and checks as in the full search. The trace and the exact checks
    each get `seconds`.
    """
    from game.solver.qre import LogitQRE

    if seconds <= 0:
        return []
    deadline = time.monotonic() + seconds
    qre = LogitQRE(structure.game)
    tried = set()
    points = qre.trace(list(lambdas), seconds=max(deadline - time.monotonic(), 0.0))
    if time.monotonic() > deadline + seconds:
        return []
    solver = MixedSolver(structure, max_leaves=10_000, seconds=None)
    solver.lps.deadline = time.monotonic() + seconds   # the exact checks: as long again
    try:
        for point in reversed(points):
            for floor in action_floors:
                supports = _supports_from(structure, point.behaviour, reach_floor, floor)
                key = tuple(sorted(supports.items()))
                if key in tried:
                    continue
                tried.add(key)
                solver.leaf(supports)
                if time.monotonic() > solver.deadline:
                    return solver.results
    except LPTimeout:
        pass
    return solver.results


def _supports_from(structure: Structure, behaviour: dict, reach_floor: float,
                   action_floor: float) -> dict:
    game = structure.game
    reach = [0.0] * len(game.nodes)
    reach[0] = 1.0
    for node in game.nodes:
        for index, child in enumerate(node.children):
            p = float(node.probs[index]) if node.player < 0 else behaviour[node.infoset][index]
            reach[child] = reach[node.id] * p
    supports: dict = {}
    for infoset in game.infosets:
        if max(reach[m] for m in infoset.members) > reach_floor:
            probs = behaviour[infoset.id]
            support = tuple(a for a, p in enumerate(probs) if p > action_floor)
            supports[infoset.id] = support or (max(range(len(probs)), key=probs.__getitem__),)
        else:
            supports[infoset.id] = FREE
    return supports
