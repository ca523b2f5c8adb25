"""Provides a small exact linear-programming solver (two-phase simplex over `Fraction`s).

Rows are sparse: `{variable: coefficient}`. Variables are non-negative unless listed as free.
Bland's rule keeps the method from cycling; everything is exact, so ties are ties.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import comb
from itertools import combinations
from math import gcd

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
    """Two-phase simplex on an integer (fraction-free, Bareiss) tableau.

    Every row is scaled to integers; a pivot on (r, k) replaces entry a_ij by
    (a_ij * a_rk - a_ik * a_rj) / d, where d is the previous pivot, and the division is exact.
    Python integers make this far faster than `Fraction` arithmetic, and it is still exact.
    """
    m = len(rows)
    n = len(cost)
    width = n + m + 1  # structural, artificial, rhs
    table: list[list[int]] = []
    for i in range(m):
        values = rows[i] + [rhs[i]]
        denominator = 1
        for v in values:
            if v.denominator != 1:
                denominator = denominator * v.denominator // gcd(denominator, v.denominator)
        scaled = [int(v * denominator) for v in values]
        artificial = [0] * m
        artificial[i] = 1  # the artificial of the scaled row keeps coefficient 1 (det = 1)
        table.append(scaled[:-1] + artificial + [scaled[-1]])
    basis = [n + i for i in range(m)]
    det = 1
    # Phase 1: minimise the sum of artificials: objective row = -(sum of rows) on non-artificials.
    phase1 = [0] * width
    for i in range(m):
        for j in range(width):
            if not (n <= j < n + m):
                phase1[j] -= table[i][j]
    # Objective rows are stored scaled by det like the constraint rows.
    status, det = _integer_simplex(table, basis, phase1, det, n + m, m)
    if status != "optimal" or phase1[-1] != 0:
        return "infeasible", [], ZERO
    for i in range(m):  # drive artificials out of the basis
        if basis[i] >= n:
            for j in range(n):
                if table[i][j] != 0:
                    det = _integer_pivot(table, basis, [], i, j, det)
                    break
    keep = [i for i in range(m) if basis[i] < n]
    table = [[row[j] for j in range(n)] + [row[-1]] for row in (table[i] for i in keep)]
    basis = [basis[i] for i in keep]
    # Phase 2 objective row: c_j * det - sum over basic rows of c_B * a_ij.
    cost_den = 1
    for c in cost:
        if c.denominator != 1:
            cost_den = cost_den * c.denominator // gcd(cost_den, c.denominator)
    int_cost = [int(c * cost_den) for c in cost]
    objective = [int_cost[j] * det for j in range(n)] + [0]
    for i, var in enumerate(basis):
        cb = int_cost[var]
        if cb:
            row = table[i]
            for j in range(n + 1):
                objective[j] -= cb * row[j]
    status, det = _integer_simplex(table, basis, objective, det, n, len(basis), scaled=True)
    if status != "optimal":
        return status, [], ZERO
    solution = [ZERO] * n
    for i, var in enumerate(basis):
        solution[var] = Fraction(table[i][-1], det)
    value = sum((cost[j] * solution[j] for j in range(n)), ZERO)
    return "optimal", solution, value


def _integer_simplex(table: list[list[int]], basis: list[int], objective: list[int], det: int,
                     columns: int, m: int, scaled: bool = False) -> tuple[str, int]:
    """Runs the simplex (Bland's rule) on the integer tableau; `objective` is updated in place.

    The objective row holds reduced costs times det (its sign is what matters).
    """
    while True:
        entering = -1
        basic = set(basis)
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
        det = _integer_pivot(table, basis, objective, leaving, entering, det)


def _integer_pivot(table: list[list[int]], basis: list[int], objective: list[int], row: int,
                   col: int, det: int) -> int:
    pivot_row = table[row]
    pivot = pivot_row[col]
    if pivot < 0:
        table[row] = pivot_row = [-v for v in pivot_row]
        pivot = -pivot
    nonzero = [j for j, v in enumerate(pivot_row) if v]
    for i, other in enumerate(table):
        if i == row:
            continue
        factor = other[col]
        if factor:
            for j in range(len(other)):
                other[j] = (other[j] * pivot - factor * pivot_row[j]) // det
        else:
            for j in range(len(other)):
                other[j] = other[j] * pivot // det
    if objective:
        factor = objective[col]
        for j in range(len(objective)):
            objective[j] = (objective[j] * pivot - factor * pivot_row[j]) // det
    basis[row] = col
    return pivot


_REGIONS: dict[tuple, tuple[bool, tuple[tuple[Fraction, ...], ...]]] = {}
"""Memo of `simplex_region` (the same belief sets recur across equilibria and sweeps)."""
MEMO_SIZE = 8192


def simplex_region(constraints: Sequence[Sequence[Fraction]], size: int,
                   first_only: bool = False) -> tuple[bool, list[tuple[Fraction, ...]]]:
    """The set {mu >= 0, sum(mu) = 1, row . mu >= 0 for each row}: is it non-empty, and its vertices.

    Args:
        constraints: rows of length `size`.
        size: the number of coordinates (belief keys).
        first_only: stop at the first vertex (enough to decide non-emptiness).
    """
    key = (tuple(map(tuple, constraints)), size, first_only)
    known = _REGIONS.get(key)
    if known is None:
        ok, vertices = _simplex_region(key[0], size, first_only)
        if len(_REGIONS) >= MEMO_SIZE:
            _REGIONS.clear()
        known = _REGIONS[key] = (ok, tuple(vertices))
    return known[0], list(known[1])


def _simplex_region(constraints, size: int, first_only: bool):
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
    # General case: enumerate vertices (size - 1 tight inequalities among rows and mu_k >= 0),
    # in integers: each row is scaled to coprime integers, each vertex solved by Cramer's rule.
    rows = [_integer_row(row) for row in constraints]
    rows += [tuple(1 if j == k else 0 for j in range(size)) for k in range(size)]
    unique_rows = [r for r in dict.fromkeys(rows) if any(r)]  # an all-zero row always holds
    if first_only and comb(len(unique_rows), size - 1) > 64:
        # Deciding non-emptiness only: one exact LP beats enumerating many vertices.
        result = solve_lp(size, {}, eq_rows=[({k: Fraction(1) for k in range(size)}, Fraction(1))],
                          le_rows=[({k: Fraction(-v) for k, v in enumerate(row) if v}, ZERO)
                                   for row in unique_rows])
        return (True, [result.x]) if result.status == "optimal" else (False, [])
    vertices: list[tuple[Fraction, ...]] = []
    ones = (1,) * size
    candidates = _candidate_bases(unique_rows, size)
    for tight in (candidates if candidates is not None
                  else combinations(range(len(unique_rows)), size - 1)):
        solved = _cramer([unique_rows[t] for t in tight] + [ones], size)
        if solved is None:
            continue
        numerators, det = solved
        if det < 0:
            numerators, det = [-n for n in numerators], -det
        if all(sum(r[j] * numerators[j] for j in range(size)) >= 0 for r in unique_rows):
            point = tuple(Fraction(n, det) for n in numerators)
            if point not in vertices:
                vertices.append(point)
                if first_only:
                    return True, vertices
    return bool(vertices), vertices


FLOAT_BASES_FROM = 64
"""From this many candidate bases on, floating point picks the few worth solving exactly."""


def _candidate_bases(rows: list[tuple[int, ...]], size: int) -> list[tuple[int, ...]] | None:
    """The sets of tight rows that may give a vertex, found in floating point; None when
    there are few bases (just try them all) or the numbers are too large for floats to be
    sure. Every exact vertex is among them: the matrices have integer entries, so a
    non-singular one has |det| >= 1, and its solution is checked with a generous tolerance;
    the exact check afterwards throws out the false ones."""
    import numpy as np

    if comb(len(rows), size - 1) < FLOAT_BASES_FROM:
        return None
    A = np.array(rows, dtype=np.float64)
    norms = np.sqrt((A * A).sum(axis=1))
    hadamard = float(np.prod(np.sort(norms)[-(size - 1):])) * np.sqrt(size)
    if hadamard * size * 1e-14 > 0.1:
        return None   # determinants too large to tell zero from non-zero in floats
    tight = np.array(list(combinations(range(len(rows)), size - 1)), dtype=np.int64)
    found: list[tuple[int, ...]] = []
    for start in range(0, len(tight), 20_000):
        block = tight[start:start + 20_000]
        M = np.empty((len(block), size, size))
        M[:, :size - 1, :] = A[block]
        M[:, size - 1, :] = 1.0
        regular = np.abs(np.linalg.det(M)) > 0.5
        if not regular.any():
            continue
        block, M = block[regular], M[regular]
        rhs = np.zeros((len(block), size, 1))
        rhs[:, size - 1, 0] = 1.0
        x = np.linalg.solve(M, rhs)[:, :, 0]
        slack = x @ A.T
        tolerance = 1e-7 * (1.0 + np.abs(x).max(axis=1, keepdims=True) * norms[None, :])
        feasible = (slack >= -tolerance).all(axis=1)
        found.extend(tuple(int(t) for t in row) for row in block[feasible])
    return found


def _integer_row(row: Sequence[Fraction]) -> tuple[int, ...]:
    """The row scaled by a positive factor to coprime integers (the inequality is unchanged)."""
    from math import gcd, lcm

    fractions = [Fraction(v) for v in row]
    scale = lcm(*(f.denominator for f in fractions)) if fractions else 1
    ints = [int(f * scale) for f in fractions]
    common = gcd(*ints) if any(ints) else 1
    return tuple(v // common for v in ints)


def _det(matrix: list[list[int]]) -> int:
    """The determinant of an integer matrix (Bareiss, fraction-free)."""
    rows = [row[:] for row in matrix]
    size = len(rows)
    sign, previous = 1, 1
    for col in range(size - 1):
        pivot = next((r for r in range(col, size) if rows[r][col] != 0), None)
        if pivot is None:
            return 0
        if pivot != col:
            rows[col], rows[pivot] = rows[pivot], rows[col]
            sign = -sign
        lead = rows[col][col]
        for r in range(col + 1, size):
            factor = rows[r][col]
            rows[r] = [(lead * a - factor * b) // previous for a, b in zip(rows[r], rows[col])]
        previous = lead
    return sign * rows[size - 1][size - 1]


def _cramer(matrix: list[tuple[int, ...]], size: int) -> tuple[list[int], int] | None:
    """Solves M x = e_last in integers by Cramer's rule: (numerators, determinant), or None."""
    base = [list(row) for row in matrix]
    det = _det(base)
    if det == 0:
        return None
    numerators = []
    for col in range(size):
        replaced = [row[:col] + [1 if k == size - 1 else 0] + row[col + 1:]
                    for k, row in enumerate(base)]
        numerators.append(_det(replaced))
    return numerators, det


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
