"""Provides a small exact linear-programming solver (two-phase simplex over `Fraction`s).

Rows are sparse: `{variable: coefficient}`. Variables are non-negative unless listed as free.
Bland's rule keeps the method from cycling; everything is exact, so ties are ties.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations

ZERO = Fraction(0)
Row = Mapping[int, Fraction]


@dataclass(frozen=True, slots=True)
class LPResult:
    """The result of `solve_lp`."""

    status: str
    """'optimal', 'infeasible' or 'unbounded'."""
    x: tuple[Fraction, ...] = ()
    value: Fraction | None = None


def solve_lp(n_vars: int, objective: Row, eq_rows: Sequence[tuple[Row, Fraction]] = (),
             le_rows: Sequence[tuple[Row, Fraction]] = (), free: Iterable[int] = (),
             maximize: bool = False) -> LPResult:
    """Optimises `objective` subject to `eq_rows` (row . x = b) and `le_rows` (row . x <= b).

    Args:
        n_vars: number of variables.
        objective: coefficients of the objective.
        eq_rows: equality constraints.
        le_rows: at-most constraints.
        free: variables that may be negative (all others are >= 0).
        maximize: maximise instead of minimise.
    """
    free = set(free)
    # Column layout: x (non-negative part), x- for free vars, slacks for <= rows.
    neg_index = {v: n_vars + k for k, v in enumerate(sorted(free))}
    n_struct = n_vars + len(neg_index)
    n_slack = len(le_rows)
    n_cols = n_struct + n_slack
    rows: list[list[Fraction]] = []
    rhs: list[Fraction] = []

    def dense(row: Row) -> list[Fraction]:
        out = [ZERO] * n_cols
        for var, coeff in row.items():
            if coeff:
                out[var] += coeff
                if var in neg_index:
                    out[neg_index[var]] -= coeff
        return out

    for row, b in eq_rows:
        rows.append(dense(row))
        rhs.append(Fraction(b))
    for k, (row, b) in enumerate(le_rows):
        values = dense(row)
        values[n_struct + k] = Fraction(1)
        rows.append(values)
        rhs.append(Fraction(b))
    for i in range(len(rows)):
        if rhs[i] < 0:
            rows[i] = [-v for v in rows[i]]
            rhs[i] = -rhs[i]
    cost = [ZERO] * n_cols
    sign = -1 if maximize else 1
    for var, coeff in objective.items():
        cost[var] += sign * coeff
        if var in neg_index:
            cost[neg_index[var]] -= sign * coeff

    status, solution, value = _two_phase(rows, rhs, cost)
    if status != "optimal":
        return LPResult(status)
    x = tuple(solution[v] - (solution[neg_index[v]] if v in neg_index else ZERO)
              for v in range(n_vars))
    return LPResult("optimal", x, sign * value)


def _two_phase(rows: list[list[Fraction]], rhs: list[Fraction],
               cost: list[Fraction]) -> tuple[str, list[Fraction], Fraction]:
    m = len(rows)
    n = len(cost)
    # Tableau with artificials n..n+m-1.
    table = [row + [Fraction(1) if j == i else ZERO for j in range(m)] + [rhs[i]]
             for i, row in enumerate(rows)]
    basis = [n + i for i in range(m)]
    width = n + m
    # Phase 1: minimise the sum of artificials.
    phase1 = [ZERO] * n + [Fraction(1)] * m
    status = _simplex(table, basis, phase1, width)
    objective = sum((table[i][-1] for i in range(m) if basis[i] >= n), ZERO)
    if status != "optimal" or objective != 0:
        return "infeasible", [], ZERO
    # Drive remaining artificials out of the basis.
    for i in range(m):
        if basis[i] >= n:
            for j in range(n):
                if table[i][j] != 0:
                    _pivot(table, basis, i, j)
                    break
    keep = [i for i in range(m) if basis[i] < n]
    table = [table[i][:n] + [table[i][-1]] for i in keep]
    basis = [basis[i] for i in keep]
    status = _simplex(table, basis, cost, n)
    if status != "optimal":
        return status, [], ZERO
    solution = [ZERO] * n
    for i, var in enumerate(basis):
        solution[var] = table[i][-1]
    value = sum((cost[j] * solution[j] for j in range(n)), ZERO)
    return "optimal", solution, value


def _simplex(table: list[list[Fraction]], basis: list[int], cost: list[Fraction],
             width: int) -> str:
    m = len(table)
    while True:
        # Reduced costs: c_j - c_B B^-1 A_j, computed from the tableau.
        entering = -1
        for j in range(width):
            if j in basis:
                continue
            reduced = cost[j] - sum((cost[basis[i]] * table[i][j] for i in range(m)
                                     if table[i][j]), ZERO)
            if reduced < 0:
                entering = j  # Bland: first improving column
                break
        if entering < 0:
            return "optimal"
        leaving = -1
        best: Fraction | None = None
        for i in range(m):
            a = table[i][entering]
            if a > 0:
                ratio = table[i][-1] / a
                if best is None or ratio < best or (ratio == best and basis[i] < basis[leaving]):
                    best = ratio
                    leaving = i
        if leaving < 0:
            return "unbounded"
        _pivot(table, basis, leaving, entering)


def _pivot(table: list[list[Fraction]], basis: list[int], row: int, col: int) -> None:
    pivot_row = table[row]
    pivot = pivot_row[col]
    if pivot != 1:
        table[row] = pivot_row = [v / pivot for v in pivot_row]
    nonzero = [j for j, v in enumerate(pivot_row) if v]
    for i, other in enumerate(table):
        if i != row:
            factor = other[col]
            if factor:
                for j in nonzero:
                    other[j] -= factor * pivot_row[j]
    basis[row] = col


def simplex_region(constraints: Sequence[Sequence[Fraction]], size: int
                   ) -> tuple[bool, list[tuple[Fraction, ...]]]:
    """The set {mu >= 0, sum(mu) = 1, row . mu >= 0 for each row}: is it non-empty, and its vertices.

    Args:
        constraints: rows of length `size`.
        size: the number of coordinates (belief keys).
    """
    if size == 1:
        ok = all(row[0] >= 0 for row in constraints)
        return ok, [(Fraction(1),)] if ok else []
    if size == 2:
        low, high = ZERO, Fraction(1)
        for a, b in constraints:  # a*x + b*(1-x) >= 0  <=>  (a-b) x >= -b
            slope, offset = a - b, b
            if slope > 0:
                low = max(low, -offset / slope)
            elif slope < 0:
                high = min(high, -offset / slope)
            elif offset < 0:
                return False, []
        if low > high:
            return False, []
        points = [(low, 1 - low)] if low == high else [(low, 1 - low), (high, 1 - high)]
        return True, points
    # General case: enumerate vertices (size - 1 tight inequalities among rows and mu_k >= 0).
    rows = [tuple(Fraction(v) for v in row) for row in constraints]
    rows += [tuple(Fraction(1) if j == k else ZERO for j in range(size)) for k in range(size)]
    unique_rows = list(dict.fromkeys(rows))
    vertices: list[tuple[Fraction, ...]] = []
    for tight in combinations(range(len(unique_rows)), size - 1):
        system = [list(unique_rows[t]) + [ZERO] for t in tight] + [[Fraction(1)] * size + [Fraction(1)]]
        point = _solve_square(system, size)
        if point is None:
            continue
        if all(sum(r[j] * point[j] for j in range(size)) >= 0 for r in unique_rows):
            if point not in vertices:
                vertices.append(point)
    return bool(vertices), vertices


def _solve_square(system: list[list[Fraction]], size: int) -> tuple[Fraction, ...] | None:
    """Solves a square linear system (augmented rows); None if singular."""
    matrix = [row[:] for row in system]
    for col in range(size):
        pivot = next((r for r in range(col, size) if matrix[r][col] != 0), None)
        if pivot is None:
            return None
        matrix[col], matrix[pivot] = matrix[pivot], matrix[col]
        lead = matrix[col][col]
        matrix[col] = [v / lead for v in matrix[col]]
        for r in range(size):
            if r != col and matrix[r][col] != 0:
                factor = matrix[r][col]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[col])]
    return tuple(matrix[r][size] for r in range(size))
