"""Provides `ReplyLPs`: each player's best-reply linear program for given supports.

For player i and supports on the path, the LP's variables are the opponent's realization plan
(only where the opponent mixes or is off the path: a pure information set's sequences are
aliased to their parent), i's values at its off-path information sets, and t, a lower bound on
every on-path mixing probability. Rows: the plan's consistency; for an on-path information set
I with support S, Q(I, a) = Q(I, a0) for a in S and Q(I, b) <= Q(I, a0) otherwise (a0 = the
first action of S); for an off-path one, Q(I, a) <= v_I. The value of an on-path or a settled
information set (a dominant last move) is written out as an expression instead of a variable.
All coefficients are integers. Maximising t decides whether an equilibrium with exactly those
supports exists (t > 0). A floating-point screen may go first (`game.solver.linear.lpfloat`).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import lcm

from game.solver.linear.lp import LPResult, solve_lp
from game.solver.linear.lpfloat import screen_lp
from game.solver.linear.sequence import SequenceForm
from game.solver.structure import ONE, ZERO, Structure

SMALL_LP = 24
"""An LP with at most this many variables and rows together is solved exactly at once: the
floating-point screen would cost more than it spares."""

SCREEN_MARGIN = 1e-6
"""A floating-point optimum of t above this lets the search go on without an exact answer."""

KEPT_POINTS = 4
"""How many feasible points per player the screen keeps to try on the next LPs."""

FIT_TOLERANCE = 1e-9
"""How far a carried-over point may miss a row (in the rows' integer units) and still count."""

FREE = "free"
"""The 'support' of an information set off the path: any of its candidate actions."""


@dataclass
class ReplyLP:
    """A built best-reply LP and how to read realizations from its solution."""

    result: LPResult
    alias: dict[int, int | None]

    def realization(self, seq: int) -> Fraction:
        if seq not in self.alias:
            return ZERO
        var = self.alias[seq]
        return ONE if var is None else self.result.x[var]


class ReplyLPs:
    """Builds each player's best-reply LP for given supports (see the module docstring)."""

    def __init__(self, structure: Structure, domains: dict[int, tuple[int, ...]]) -> None:
        self.s = structure
        self.game = game = structure.game
        self.sf = SequenceForm(structure)
        self.domains = domains
        self.order = structure.order
        position = {infoset_id: k for k, infoset_id in enumerate(structure.order)}
        self.bottom_up = {player: sorted((i.id for i in game.infosets if i.player == player),
                                         key=position.__getitem__, reverse=True)
                          for player in (0, 1)}
        """Each player's information sets, later ones first."""
        self.belief_steps = {m: tuple((game.nodes[p].infoset, a)
                                      for p, a in structure.opponent_steps[m])
                             for infoset in game.infosets for m in infoset.members}
        # The best-reply rows in integers: player i's rows (and values) scaled by the common
        # denominator of its terms, so that building an LP needs no Fraction arithmetic.
        self.int_terms: dict[tuple[int, int], tuple[tuple[int, int], ...]] = {}
        for player in (0, 1):
            keys = [k for k in self.sf.terms if game.infosets[k[0]].player == player]
            scale = lcm(*(c.denominator for k in keys for _, _, c in self.sf.terms[k].leaves))
            for k in keys:
                self.int_terms[k] = tuple((seq, int(c * scale))
                                          for _, seq, c in self.sf.terms[k].leaves)
        self.settled = self._settled_infosets()
        self.off_domain = frozenset((i.id, a) for i in game.infosets if i.player in (0, 1)
                                    for a in range(len(i.actions)) if a not in domains[i.id])
        self.deadline: float | None = None
        """A `time.monotonic()` time: past it, an exact LP raises `LPTimeout`."""
        self.points: dict[int, list[tuple[dict[int, float], dict[int, float]]]] = {0: [], 1: []}
        """Each player's last few points found feasible by the screen, latest first: the
        opponent's realization of each sequence, and the player's values."""

    def _settled_infosets(self) -> dict[int, int]:
        """Information sets whose value needs no variable: infoset -> its action.

        An information set qualifies when it has one candidate action, every action ends the
        owner's moves (no later own information set), and that action's term is at least every
        other action's term for each opponent sequence. Then Q(I, a*) >= Q(I, b) for every
        opponent plan, so v_I = Q(I, a*) in every equilibrium: the LP uses that expression
        instead of a variable with its rows. (The LP loses no equilibrium, so pruning stays
        sound; everything found is checked exactly anyway.)
        """
        settled = {}
        for infoset in self.game.infosets:
            domain = self.domains[infoset.id]
            if infoset.player not in (0, 1) or len(domain) != 1:
                continue
            keys = [(infoset.id, a) for a in range(len(infoset.actions))]
            if any(self.sf.terms[k].next_infosets for k in keys):
                continue
            best = dict(self.int_terms[(infoset.id, domain[0])])
            others = [dict(self.int_terms[key]) for key in keys]
            if all(best.get(seq, 0) >= other.get(seq, 0)
                   for other in others for seq in best.keys() | other):
                settled[infoset.id] = domain[0]
        return settled

    def blocked(self, supports: dict) -> set[tuple[int, int]]:
        """The (information set, action) pairs that may not be played: outside an on-path
        support, or outside the candidates off the path."""
        blocked = set(self.off_domain)
        for infoset_id, support in supports.items():
            if isinstance(support, tuple):
                blocked.update((infoset_id, a) for a in self.domains[infoset_id]
                               if a not in support)
        return blocked

    def omega_possible(self, infoset_id: int, blocked: set[tuple[int, int]]) -> bool:
        """Could chance and the opponent reach the infoset, when the `blocked` moves (of
        `blocked(supports)`) are not played?"""
        return any(self.s.chance[m] and blocked.isdisjoint(self.belief_steps[m])
                   for m in self.game.infosets[infoset_id].members)

    def _fits(self, player: int, alias: dict, value_var: dict, t_var: int, eq_rows: list,
              le_rows: list, plan_rows: list) -> bool:
        """Does one of the player's last feasible points (`points`), carried over to these
        variables, satisfy these rows with t above the margin, in floating point? A yes lets the
        search go on without solving (going on is always sound); a no says nothing."""
        points = self.points[player]
        for k, (plan, values) in enumerate(points):
            if self._fit(plan, values, alias, value_var, t_var, eq_rows, le_rows, plan_rows):
                points.insert(0, points.pop(k))
                return True
        return False

    @staticmethod
    def _fit(plan: dict, values: dict, alias: dict, value_var: dict, t_var: int,
             eq_rows: list, le_rows: list, plan_rows: list) -> bool:
        x = [0.0] * (t_var + 1)
        for seq, var in alias.items():
            if var is not None:
                x[var] = plan.get(seq, 0.0)
        for infoset_id, var in value_var.items():
            if infoset_id not in values:
                return False
            x[var] = values[infoset_id]
        t = 1.0
        for _, children, on_path in plan_rows:
            if on_path:
                t = min(t, *(x[alias[child]] for child in children))
        if t <= SCREEN_MARGIN:
            return False
        x[t_var] = t
        for row, b in eq_rows:
            if abs(sum(x[var] * c for var, c in row.items()) - b) > FIT_TOLERANCE:
                return False
        return all(sum(x[var] * c for var, c in row.items()) <= b + FIT_TOLERANCE
                   for row, b in le_rows)

    def build(self, player: int, supports: dict, objective_seq: int | None = None,
              maximize: bool = True, strict: bool = True, screen: str = "") -> ReplyLP | None:
        """Player's best-reply LP over (opponent realization plan, own values, t).

        Opponent sequences at pure information sets are aliased to their parent, so only the
        mixing (or free) information sets contribute variables. With `strict`, t is a lower
        bound on every on-path mixing realization and is maximised. With `screen`, floating
        point goes first: the result is infeasible when a dual solution it suggests proves
        exactly that t > 0 is impossible. Otherwise, with screen="go on", it is None when
        floating point finds the LP plainly feasible with t > 0, and with "proof only" None
        whatever the float says (no exact answer in either case).
        """
        game = self.game
        s = self.s
        opponent = 1 - player
        index = s.sequence_index[opponent]
        alias: dict[int, int | None] = {0: None}
        n_vars = 0
        plan_rows: list[tuple[int, list[int], bool]] = []
        for infoset_id in self.order:
            infoset = game.infosets[infoset_id]
            if infoset.player != opponent:
                continue
            parent = s.infoset_parent_sequence[infoset_id]
            if parent not in alias:
                continue
            support = supports.get(infoset_id, FREE)
            on_path = isinstance(support, tuple)
            actions = support if on_path else self.domains[infoset_id]
            if len(actions) == 1:
                alias[index[(infoset_id, actions[0])]] = alias[parent]
                continue
            children = []
            for a in actions:
                alias[index[(infoset_id, a)]] = n_vars
                children.append(index[(infoset_id, a)])
                n_vars += 1
            plan_rows.append((parent, children, on_path))
        # Values, bottom up: a settled information set's value, and an on-path one's (the
        # value of the first action of its support), are written out as expressions in the
        # plan; only the off-path (free) ones keep a variable. v_I = Q(I, a) is then an
        # equality between expressions, v_I >= Q(I, b) an inequality.
        blocked = self.blocked(supports)
        reachable = [i for i in self.bottom_up[player] if self.omega_possible(i, blocked)]
        free_values = [i for i in reachable
                       if i not in self.settled and not isinstance(supports.get(i), tuple)]
        value_var = {infoset_id: n_vars + k for k, infoset_id in enumerate(free_values)}
        t_var = n_vars + len(free_values)
        eq_rows: list = []
        le_rows: list = []

        def add(row: dict, seq: int, coeff: int) -> int:
            if seq not in alias:
                return 0
            var = alias[seq]
            if var is None:
                return coeff
            row[var] = row.get(var, 0) + coeff
            return 0

        # All coefficients are integers: the value rows are scaled (see `int_terms`), so the
        # value variables are scaled too; only the plan variables are read from the solution.
        for parent, children, on_path in plan_rows:
            row: dict[int, int] = {}
            for child in children:
                add(row, child, 1)
            constant = add(row, parent, -1)
            eq_rows.append((row, -constant))
            if strict and on_path:
                for child in children:
                    le_rows.append(({t_var: 1, alias[child]: -1}, 0))
        written: dict[int, tuple[dict[int, int], int]] = {}

        def q(infoset_id: int, action: int) -> tuple[dict[int, int], int]:
            """Q(I, a) = row . x + constant."""
            row: dict[int, int] = {}
            constant = 0
            key = (infoset_id, action)
            for seq, coeff in self.int_terms[key]:
                constant += add(row, seq, coeff)
            for nxt in self.sf.terms[key].next_infosets:
                if nxt in value_var:
                    row[value_var[nxt]] = row.get(value_var[nxt], 0) + 1
                elif nxt in written:
                    other, other_constant = written[nxt]
                    for var, coeff in other.items():
                        row[var] = row.get(var, 0) + coeff
                    constant += other_constant
            return row, constant

        def difference(first, second) -> tuple[dict[int, int], int]:
            row = dict(first[0])
            for var, coeff in second[0].items():
                row[var] = row.get(var, 0) - coeff
            return {k: v for k, v in row.items() if v}, first[1] - second[1]

        for infoset_id in reachable:
            infoset = game.infosets[infoset_id]
            support = supports.get(infoset_id, FREE)
            if infoset_id in self.settled:
                written[infoset_id] = q(infoset_id, self.settled[infoset_id])
                continue
            if isinstance(support, tuple):
                base = written[infoset_id] = q(infoset_id, support[0])
                for action in range(len(infoset.actions)):
                    if action == support[0]:
                        continue
                    row, constant = difference(q(infoset_id, action), base)  # Q(a) - Q(a0)
                    (eq_rows if action in support else le_rows).append((row, -constant))
                continue
            value = {value_var[infoset_id]: 1}
            for action in range(len(infoset.actions)):
                row, constant = difference(q(infoset_id, action), (value, 0))  # Q(a) - v_I
                le_rows.append((row, -constant))
        le_rows.append(({t_var: 1}, 1))
        if objective_seq is not None:
            target = alias.get(objective_seq)
            objective = {target: 1} if target is not None else {}
        else:
            objective = {t_var: 1} if strict else {}
        problem = (t_var + 1, objective, eq_rows, le_rows, list(value_var.values()), maximize)
        if screen and strict and objective_seq is None and self._fits(
                player, alias, value_var, t_var, eq_rows, le_rows, plan_rows):
            return None   # feasible with t > 0: no proof possible, and going on is sound
        small = t_var + 1 + len(eq_rows) + len(le_rows) <= SMALL_LP
        keep = (small and screen == "go on" and strict   # its exact point is kept
                and objective_seq is None)                # for `_fits`
        if screen and small:
            if screen == "proof only":
                return None   # no proof sought: going on is always sound
            screen = None
        if screen:
            estimate = screen_lp(*problem, enough=SCREEN_MARGIN if screen == "go on" else None,
                                 deadline=self.deadline)
            if estimate is not None:
                if screen == "go on" and estimate.status == "optimal" and (
                        estimate.value > SCREEN_MARGIN or not any(on for _, _, on in plan_rows)):
                    self._keep(player, alias, value_var, estimate.point)
                    return None
                if estimate.proved_not_positive and any(on for _, _, on in plan_rows):
                    return ReplyLP(LPResult("infeasible"), alias)
            if screen == "proof only":
                return None
        result = solve_lp(*problem, deadline=self.deadline)
        if strict and objective_seq is None and result.status == "optimal" and not any(
                on_path for _, _, on_path in plan_rows):
            result = LPResult("optimal", result.x, ONE)
        if keep and result.status == "optimal" and result.value > 0:
            self._keep(player, alias, value_var, [float(v) for v in result.x])
        return ReplyLP(result, alias)

    def _keep(self, player: int, alias: dict, value_var: dict, point) -> None:
        """Remembers a feasible point (floats) for `_fits` to try on the next LPs."""
        points = self.points[player]
        points.insert(0, ({seq: 1.0 if var is None else point[var] for seq, var in alias.items()},
                          {i: point[var] for i, var in value_var.items()}))
        del points[KEPT_POINTS:]
