"""Provides a small exact linear-programming solver, and exact integer linear algebra.

Rows are sparse: `{variable: coefficient}`. Variables are non-negative unless listed as free.
The two-phase simplex runs on an integer tableau with fraction-free (Bareiss) pivots, so
everything is exact and ties are ties; Dantzig's entering rule gives way to Bland's after a run
of degenerate pivots, so it cannot cycle. `integer_solve` solves a square integer system
exactly with the same pivots.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import lcm

ZERO = Fraction(0)
Row = Mapping[int, Fraction]


@dataclass(frozen=True, slots=True)
class LPResult:
    """The result of `solve_lp`."""

    status: str
    """'optimal', 'infeasible' or 'unbounded'."""
    x: tuple[Fraction, ...] = ()
    value: Fraction | None = None


@dataclass(frozen=True, slots=True)
class StandardForm:
    """An LP as `min cost . x` subject to `table` rows (integer coefficients, then a
    non-negative right-hand side, equalities over x >= 0); built by `standard_form`."""

    table: list[list[int]]
    cost: list[Fraction]
    slack_rows: dict[int, int]
    """Row -> the column of its slack, where that slack (coefficient +1, its only entry) can
    start in the basis."""
    neg_index: dict[int, int]
    """Free variable -> the column of its negative part."""
    n_vars: int
    sign: int
    """-1 when the caller maximises (the cost is the objective negated)."""

    def variables(self, solution: list[Fraction]) -> tuple[Fraction, ...]:
        """The caller's variables from a solution over the columns."""
        return tuple(solution[v] - (solution[self.neg_index[v]] if v in self.neg_index
                                    else ZERO) for v in range(self.n_vars))


def standard_form(n_vars: int, objective: Row, eq_rows: Sequence[tuple[Row, Fraction]] = (),
                  le_rows: Sequence[tuple[Row, Fraction]] = (), free: Iterable[int] = (),
                  maximize: bool = False) -> StandardForm:
    """The LP of `solve_lp` (same arguments) in standard form, scaled to integers."""
    free = set(free)
    # Column layout: x (non-negative part), x- for free vars, slacks for <= rows, then rhs.
    neg_index = {v: n_vars + k for k, v in enumerate(sorted(free))}
    n_struct = n_vars + len(neg_index)
    n_cols = n_struct + len(le_rows)
    table: list[list[int]] = []
    slack_rows: dict[int, int] = {}

    def add(row: Row, b: Fraction, slack: int | None) -> None:
        """Appends the row scaled to integers, its right-hand side made non-negative."""
        out = [0] * (n_cols + 1)
        if type(b) is int and all(type(c) is int for c in row.values()):
            for var, c in row.items():   # integers already (the best-reply LPs): no scaling
                out[var] += c
                if var in neg_index:
                    out[neg_index[var]] -= c
            out[-1] = b
        else:
            items = [(var, c.numerator, c.denominator) for var, c in row.items() if c]
            scale = lcm(b.denominator, *(d for _, _, d in items))   # ints have them too
            for var, num, den in items:
                v = num * (scale // den)
                out[var] += v
                if var in neg_index:
                    out[neg_index[var]] -= v
            out[-1] = b.numerator * (scale // b.denominator)
        flip = out[-1] < 0
        if flip:
            out = [-v for v in out]
        if slack is not None:
            out[slack] = -1 if flip else 1  # the slack rescaled: its value is never read
            if not flip:
                slack_rows[len(table)] = slack
        table.append(out)

    for row, b in eq_rows:
        add(row, b, None)
    for k, (row, b) in enumerate(le_rows):
        add(row, b, n_struct + k)
    sign = -1 if maximize else 1
    cost = [ZERO] * n_cols
    for var, coeff in objective.items():
        coeff = Fraction(coeff)
        cost[var] += sign * coeff
        if var in neg_index:
            cost[neg_index[var]] -= sign * coeff
    return StandardForm(table, cost, slack_rows, neg_index, n_vars, sign)


class LPTimeout(Exception):
    """`solve_lp` passed its deadline (the caller then knows nothing of the LP)."""


def solve_lp(n_vars: int, objective: Row, eq_rows: Sequence[tuple[Row, Fraction]] = (),
             le_rows: Sequence[tuple[Row, Fraction]] = (), free: Iterable[int] = (),
             maximize: bool = False, deadline: float | None = None) -> LPResult:
    """Optimises `objective` subject to `eq_rows` (row . x = b) and `le_rows` (row . x <= b).

    Args:
        n_vars: number of variables.
        objective: coefficients of the objective.
        eq_rows: equality constraints.
        le_rows: at-most constraints.
        free: variables that may be negative (all others are >= 0).
        maximize: maximise instead of minimise.
        deadline: a `time.monotonic()` time; past it, `LPTimeout` is raised (checked at
            every pivot).
    """
    form = standard_form(n_vars, objective, eq_rows, le_rows, free, maximize)
    status, solution, value = _two_phase(form.table, form.cost, form.slack_rows, deadline)
    if status != "optimal":
        return LPResult(status)
    return LPResult("optimal", form.variables(solution), form.sign * value)


def _two_phase(rows: list[list[int]], cost: list[Fraction], slack_rows: dict[int, int],
               deadline: float | None = None) -> tuple[str, list[Fraction], Fraction]:
    """Two-phase simplex on an integer (fraction-free, Bareiss) tableau.

    `rows` are the constraints scaled to integers (coefficients, then a non-negative
    right-hand side). A pivot on (r, k) replaces entry a_ij by (a_ij * a_rk - a_ik * a_rj) / d,
    where d is the previous pivot, and the division is exact. Python integers make this far
    faster than `Fraction` arithmetic, and it is still exact. `slack_rows` maps a row to the
    column of its slack when that slack (coefficient +1, its only entry) can start in the
    basis; only the other rows get an artificial variable.
    """
    m = len(rows)
    n = len(cost)
    needy = [i for i in range(m) if i not in slack_rows]
    k = len(needy)
    artificial_of = {i: n + a for a, i in enumerate(needy)}
    table: list[list[int]] = []
    basis: list[int] = []
    for i, row in enumerate(rows):
        artificial = [0] * k
        if i in slack_rows:
            basis.append(slack_rows[i])
        else:
            artificial[artificial_of[i] - n] = 1
            basis.append(artificial_of[i])
        table.append(row[:-1] + artificial + [row[-1]])
    det = 1
    if k:
        # Phase 1: minimise the sum of artificials: objective = -(sum of their rows).
        width = n + k + 1
        phase1 = [0] * width
        for i in needy:
            row = table[i]
            for j in range(width):
                if not (n <= j < n + k):
                    phase1[j] -= row[j]
        status, det = _integer_simplex(table, basis, phase1, det, n + k, m, deadline)
        if status != "optimal" or phase1[-1] != 0:
            return "infeasible", [], ZERO
        for i in range(m):  # drive artificials out of the basis
            if basis[i] >= n:
                for j in range(n):
                    if table[i][j] != 0:
                        det = bareiss_pivot(table, basis, [], i, j, det)
                        break
        keep = [i for i in range(m) if basis[i] < n]
        table = [table[i][:n] + [table[i][-1]] for i in keep]
        basis = [basis[i] for i in keep]
    # Phase 2 objective row: c_j * det - sum over basic rows of c_B * a_ij.
    cost_den = lcm(*(c.denominator for c in cost)) if cost else 1
    int_cost = [c.numerator * (cost_den // c.denominator) for c in cost]
    objective = [c * det for c in int_cost] + [0]
    for i, var in enumerate(basis):
        cb = int_cost[var]
        if cb:
            objective = [o - cb * a for o, a in zip(objective, table[i])]
    status, det = _integer_simplex(table, basis, objective, det, n, len(basis), deadline)
    if status != "optimal":
        return status, [], ZERO
    solution = [ZERO] * n
    for i, var in enumerate(basis):
        if table[i][-1]:
            solution[var] = Fraction(table[i][-1], det)
    value = sum((cost[j] * solution[j] for j in range(n) if cost[j]), ZERO)
    return "optimal", solution, value


BLAND_AFTER = 8
"""Consecutive degenerate pivots after which the entering rule turns to Bland's (no cycling)."""


def _integer_simplex(table: list[list[int]], basis: list[int], objective: list[int], det: int,
                     columns: int, m: int, deadline: float | None = None) -> tuple[str, int]:
    """Runs the simplex on the integer tableau; `objective` is updated in place.

    The objective row holds reduced costs times det, all on one scale, so the most negative
    one enters (Dantzig's rule); after a run of degenerate pivots Bland's rule takes over,
    which cannot cycle.
    """
    degenerate = 0
    while True:
        if deadline is not None and time.monotonic() > deadline:
            raise LPTimeout
        basic = set(basis)
        entering = -1
        if degenerate < BLAND_AFTER:
            best = 0
            for j in range(columns):
                if objective[j] < best and j not in basic:
                    best, entering = objective[j], j
        else:
            for j in range(columns):
                if objective[j] < 0 and j not in basic:
                    entering = j
                    break
        if entering < 0:
            return "optimal", det
        leaving = -1
        for i in range(m):
            a = table[i][entering]
            if a > 0:
                if leaving < 0:
                    leaving = i
                    continue
                # compare rhs_i / a with rhs_l / a_l
                lhs = table[i][-1] * table[leaving][entering]
                rhs_ = table[leaving][-1] * a
                if lhs < rhs_ or (lhs == rhs_ and basis[i] < basis[leaving]):
                    leaving = i
        if leaving < 0:
            return "unbounded", det
        degenerate = degenerate + 1 if table[leaving][-1] == 0 else 0
        det = bareiss_pivot(table, basis, objective, leaving, entering, det)


def bareiss_pivot(table: list[list[int]], basis: list[int], objective: list[int], row: int,
                  col: int, det: int) -> int:
    """One fraction-free pivot on (row, col) of an integer tableau whose previous pivot was
    `det`; the divisions are exact. Updates `objective` (if any) and `basis`; returns the new
    pivot (made positive), which scales every basic column from now on."""
    pivot_row = table[row]
    pivot = pivot_row[col]
    if pivot < 0:
        table[row] = pivot_row = [-v for v in pivot_row]
        pivot = -pivot
    for i, other in enumerate(table):
        if i == row:
            continue
        factor = other[col]
        if factor:
            table[i] = [(a * pivot - factor * b) // det for a, b in zip(other, pivot_row)]
        elif pivot != det:
            table[i] = [a * pivot // det for a in other]
    if objective:
        factor = objective[col]
        objective[:] = [(a * pivot - factor * b) // det for a, b in zip(objective, pivot_row)]
    basis[row] = col
    return pivot


def integer_solve(matrix: Sequence[Sequence[int]],
                  rhs: Sequence[int]) -> tuple[list[int], int] | None:
    """Solves the square integer system M x = rhs exactly: (numerators, det) with
    x = numerators / det and det > 0, or None when M is singular. Fraction-free elimination of every
    row by `bareiss_pivot`: after the last pivot every pivot row reads det * x_k."""
    size = len(matrix)
    rows = [list(row) + [b] for row, b in zip(matrix, rhs)]
    det, used, pivot_rows = 1, set(), []
    for col in range(size):
        row = next((r for r in range(size) if r not in used and rows[r][col]), None)
        if row is None:
            return None
        used.add(row)
        pivot_rows.append(row)
        det = bareiss_pivot(rows, [0] * size, [], row, col, det)
    return [rows[r][-1] for r in pivot_rows], det
