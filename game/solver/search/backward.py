"""Provides `spe_families`: every subgame-perfect equilibrium of a game of perfect information.

Where every move is seen and nobody has a private type, perfect Bayesian equilibrium is
subgame perfection, and backward induction finds it at once, however deep the game. Ties make
several equilibria: for each node the solver keeps the payoff vectors its subgame's equilibria
can give, with how many equilibria give each. A mover can take an action with continuation v
when every other action has some equilibrium continuation that gives the mover no more than v
does (the other subgames "punish" with their worst equilibrium for it). The equilibria are then
grouped by their play from the root (each family shares its path of play), each with its count
and one member written out in full. Nothing recurses over the tree.
"""

from __future__ import annotations

import time
from fractions import Fraction
from itertools import product

from game.model.tree import NATURE, TERMINAL
from game.solver.structure import Structure

MAX_VECTORS = 64
"""The most distinct payoff vectors kept per node; past it the search says it is incomplete."""

MAX_FAMILIES = 400
"""The most families (paths of play) listed."""

Vector = tuple[Fraction, Fraction]


def perfect_information(structure: Structure) -> bool:
    """Is every move seen by both players, with no private types and no short-run player?"""
    game = structure.game
    if any(len(i.members) != 1 for i in game.infosets):
        return False
    if any(game.is_myopic(p) for p in (0, 1)):
        return False
    return not any(n.player == NATURE and n.private_to >= 0 for n in game.nodes)


class _Backward:
    def __init__(self, structure: Structure, deadline: float | None) -> None:
        self.structure = structure
        self.game = structure.game
        self.deadline = deadline
        self.truncated = False
        self.table: list[dict[Vector, int]] = [{} for _ in self.game.nodes]

    def out_of_time(self) -> bool:
        return self.deadline is not None and time.monotonic() > self.deadline

    def run(self) -> bool:
        """Fills the table bottom-up; False when cut short (time or too many vectors)."""
        nodes = self.game.nodes
        for index in range(len(nodes) - 1, -1, -1):
            if index % 512 == 0 and self.out_of_time():
                return False
            node = nodes[index]
            if node.player == TERMINAL:
                self.table[index] = {(node.payoffs[0], node.payoffs[1]): 1}
            elif node.player == NATURE:
                table: dict[Vector, int] = {}
                parts = [(p, self.table[c]) for p, c in zip(node.probs, node.children)]
                combinations = 1
                for _, part in parts:
                    combinations *= len(part)
                if combinations > MAX_VECTORS ** 2:
                    return False
                for choice in product(*(part.items() for _, part in parts)):
                    vector = (sum((p * v[0] for (p, _), (v, _) in zip(parts, choice)),
                                  Fraction(0)),
                              sum((p * v[1] for (p, _), (v, _) in zip(parts, choice)),
                                  Fraction(0)))
                    count = 1
                    for _, c in choice:
                        count *= c
                    table[vector] = table.get(vector, 0) + count
                self.table[index] = table
            else:
                self.table[index] = self._decision(node)
            if len(self.table[index]) > MAX_VECTORS:
                return False
        return True

    def _decision(self, node) -> dict[Vector, int]:
        mover = node.player
        tables = [self.table[c] for c in node.children]
        worst = [min(v[mover] for v in t) for t in tables]
        table: dict[Vector, int] = {}
        for a, t in enumerate(tables):
            threshold = max((w for b, w in enumerate(worst) if b != a), default=None)
            for vector, count in t.items():
                if threshold is not None and vector[mover] < threshold:
                    continue
                total = count
                for b, other in enumerate(tables):
                    if b != a:
                        total *= sum(c for w, c in other.items() if w[mover] <= vector[mover])
                table[vector] = table.get(vector, 0) + total
        return table

    def options(self, node_id: int, vector: Vector) -> list[tuple[int, int]]:
        """At a decision node, the actions that can be taken with continuation `vector`, each
        with how many equilibria of the other subgames go with it."""
        node = self.game.nodes[node_id]
        mover = node.player
        tables = [self.table[c] for c in node.children]
        worst = [min(v[mover] for v in t) for t in tables]
        found = []
        for a, t in enumerate(tables):
            if vector not in t:
                continue
            if any(worst[b] > vector[mover] for b in range(len(tables)) if b != a):
                continue
            others = 1
            for b, other in enumerate(tables):
                if b != a:
                    others *= sum(c for w, c in other.items() if w[mover] <= vector[mover])
            found.append((a, others))
        return found

    def member(self, node_id: int, vector: Vector, profile: dict[int, int]) -> None:
        """Writes into `profile` one equilibrium of the subgame at `node_id` giving `vector`
        (each other subgame punished with an equilibrium worst for the mover)."""
        nodes = self.game.nodes
        stack = [(node_id, vector)]
        while stack:
            current, target = stack.pop()
            node = nodes[current]
            if node.player == TERMINAL:
                continue
            if node.player == NATURE:
                parts = [self.table[c] for c in node.children]
                for choice in product(*(t.keys() for t in parts)):
                    if tuple(sum((p * v[k] for p, v in zip(node.probs, choice)), Fraction(0))
                             for k in (0, 1)) == target:
                        stack.extend(zip(node.children, choice))
                        break
                continue
            action, _ = self.options(current, target)[0]
            profile[node.infoset] = action
            mover = node.player
            for b, child in enumerate(node.children):
                if b == action:
                    stack.append((child, target))
                else:
                    worst = min(self.table[child], key=lambda v: v[mover])
                    stack.append((child, worst))

    def families(self) -> list[tuple[dict[int, int], int]]:
        """(one member, how many equilibria share its path) per path of play."""
        nodes = self.game.nodes
        found: list[tuple[dict[int, int], int]] = []
        # A partial path: the on-path frontier (node, target vector), choices so far, and how
        # many equilibria go with the choices so far (the other subgames at each node).
        pending = [([(0, v)], {}, 1) for v in self.table[0]]
        while pending:
            if len(found) >= MAX_FAMILIES or self.out_of_time():
                self.truncated = True
                break
            frontier, choices, count = pending.pop()
            if not frontier:
                profile = dict(choices)
                self._complete(profile, choices)
                found.append((profile, count))
                continue
            (node_id, target), rest = frontier[0], frontier[1:]
            node = nodes[node_id]
            if node.player == TERMINAL:
                pending.append((rest, choices, count))
            elif node.player == NATURE:
                parts = [self.table[c] for c in node.children]
                for choice in product(*(t.keys() for t in parts)):
                    if tuple(sum((p * v[k] for p, v in zip(node.probs, choice)), Fraction(0))
                             for k in (0, 1)) == target:
                        pending.append((list(zip(node.children, choice)) + rest, choices, count))
            else:
                for action, others in self.options(node_id, target):
                    step = dict(choices)
                    step[node.infoset] = action
                    pending.append(([(node.children[action], target)] + rest, step,
                                    count * others))
        return found

    def _complete(self, profile: dict[int, int], path: dict[int, int]) -> None:
        """Fills the moves off the path with punishing equilibria of each subgame left."""
        nodes = self.game.nodes
        stack = [0]
        while stack:
            node = nodes[stack.pop()]
            if node.player == TERMINAL:
                continue
            if node.player == NATURE:
                stack.extend(node.children)
                continue
            action = path.get(node.infoset)
            if action is None:
                continue
            mover = node.player
            for b, child in enumerate(node.children):
                if b == action:
                    stack.append(child)
                elif nodes[child].player != TERMINAL:
                    worst = min(self.table[child], key=lambda v: v[mover])
                    self.member(child, worst, profile)
        for infoset in self.game.infosets:   # anything still open (below chance, unreached)
            if infoset.id not in profile:
                node_id = infoset.members[0]
                best = max(self.table[node_id], key=lambda v: v[infoset.player])
                self.member(node_id, best, profile)


def spe_families(structure: Structure, seconds: float | None = None):
    """The subgame-perfect equilibria of a game of perfect information, by path of play.

    Returns:
        (list of (one member as infoset -> action, the number of equilibria on its path),
        whether the list is complete), or None when the game is too large for the table.
    """
    deadline = time.monotonic() + seconds if seconds is not None else None
    solver = _Backward(structure, deadline)
    if not solver.run():
        return None
    families = solver.families()
    return families, not solver.truncated
