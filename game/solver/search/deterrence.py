"""Mixed deterrence off the path in a sender-receiver stage (`game.solver.search.signalling`).

A reply to a signal nobody sends may deter no type purely and yet deter every type mixed: its
support is a set of replies that are best together under some belief (a *cell*), and the mix
must keep each type at or below its equilibrium payoff (a linear program).
"""

from __future__ import annotations

from fractions import Fraction

from game.solver.linear.lp import solve_lp
from game.solver.linear.region import simplex_region
from game.solver.structure import Structure


def deters(V, listed, payoffs, actions) -> bool:
    """Does some mixture of `actions` keep every member type at or below its payoff?"""
    le_rows = [({k: Fraction(int(V[i, a, b])) for k, b in enumerate(actions)}, Fraction(u))
               for (i, a, _), u in zip(listed, payoffs)]
    eq_rows = [({k: Fraction(1) for k in range(len(actions))}, Fraction(1))]
    return solve_lp(len(actions), {}, eq_rows, le_rows).status == "optimal"


class MixedDeterrence:
    """Mixed replies off the path that keep every type at or below its equilibrium payoff."""

    def __init__(self, structure: Structure, receivers, members, combos, domains, V) -> None:
        self.structure = structure
        self.receivers = receivers
        self.members = members
        self.combos = combos
        """Per receiver set: its combinations of tie classes below (`_combos`)."""
        self.domains = domains
        self.V = V
        self.memo: dict = {}

    def cells(self, j: int, combo: int) -> list[tuple[int, ...]]:
        """The largest sets of actions of receiver set j that are best together under some
        belief, for one combination of tie classes below (found at the vertices of each
        action's region of beliefs)."""
        key = ("cells", j, combo)
        if key in self.memo:
            return self.memo[key]
        import numpy as np  # loaded already: the stage's arrays are built

        member_values = self.combos[j][combo][0]
        domain = self.combos[j][combo][3]   # the replies some belief supports
        floats = np.array([[float(v) for v in row] for row in member_values])
        found: list[frozenset[int]] = []
        every = range(len(member_values[0]))
        for b in domain:   # b best against every reply (those no belief supports included)
            rows = [tuple(row[b] - row[c] for row in member_values) for c in every if c != b]
            _, vertices = simplex_region(rows, len(member_values))
            for vertex in vertices:
                # Floating point finds the few actions that may tie at the top; those are
                # then compared exactly (a single best action makes no cell worth keeping).
                totals_float = np.array([float(w) for w in vertex]) @ floats
                top_float = max(totals_float[c] for c in domain)
                near = [c for c in domain
                        if totals_float[c] >= top_float - 1e-9 * (1 + abs(top_float))]
                if len(near) < 2:
                    continue
                totals = {c: sum((w * row[c] for w, row in zip(vertex, member_values)),
                                 Fraction(0)) for c in near}
                top = max(totals.values())
                cell = frozenset(c for c, t in totals.items() if t == top)
                if cell not in found:
                    found.append(cell)
        maximal = [tuple(sorted(c)) for c in found if len(c) > 1
                   and not any(c < other for other in found)]
        self.memo[key] = maximal
        return maximal

    def reply(self, j: int, payoffs: tuple[int, ...]) -> dict | None:
        """A completion of receiver set j: probabilities over its actions that no member type
        would rather face than take its (scaled) equilibrium payoff, with the ties below
        settled as the belief needs; or None."""
        key = ("reply", j, payoffs)
        if key in self.memo:
            return self.memo[key]
        r = self.receivers[j]
        size = len(self.structure.game.infosets[r].actions)
        found = None
        # First without asking the reply to be a best reply: if no mixture of all the replies
        # deters every type, none of the supports below can.
        if not deters(self.V, self.members[r], payoffs, tuple(self.domains[r])):
            self.memo[key] = None
            return None
        for combo, (_, settled, _, fine) in enumerate(self.combos[j]):
            if len(fine) < 2 or not deters(self.V, self.members[r], payoffs, fine):
                continue   # no mixture of the replies some belief supports deters
            found = self._reply(j, combo, payoffs, r, size)
            if found is not None:
                found = {r: found, **settled}
                break
        self.memo[key] = found
        return found

    def _reply(self, j: int, combo: int, payoffs, r: int, size: int):
        found = None
        for cell in self.cells(j, combo):
            le_rows = [({k: Fraction(int(self.V[i, a, b])) for k, b in enumerate(cell)},
                        Fraction(u))
                       for (i, a, _), u in zip(self.members[r], payoffs)]
            eq_rows = [({k: Fraction(1) for k in range(len(cell))}, Fraction(1))]
            result = solve_lp(len(cell), {}, eq_rows, le_rows)
            if result.status == "optimal":
                probs = dict(zip(cell, result.x))
                found = tuple(probs.get(b, Fraction(0)) for b in range(size))
                break
        return found
