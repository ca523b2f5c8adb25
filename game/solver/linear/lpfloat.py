"""Provides `screen_lp`: the LP of `solve_lp` solved in floating point, to spare exact work.

The exact solver decides; this one helps a search skip exact work in two sound ways:
- when the floating-point optimum is plainly positive, the search may go on below a node
  without an exact answer (going on is always sound: whatever it finds later is solved and
  checked exactly);
- when floating point finds the LP infeasible or its maximum not positive, it reads the dual
  solution off the final tableau, rounds it to small fractions and checks, in exact integer
  arithmetic, that it proves the claim (a Farkas certificate, or a dual bound). Only a proof
  that checks prunes; anything else is left to the exact solver.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from fractions import Fraction
from math import lcm

from game.solver.linear.lp import StandardForm, integer_solve, standard_form

np = None
"""numpy, imported on first use (a small game's whole run never needs it)."""


def _numpy():
    global np
    if np is None:
        import numpy

        np = numpy
    return np

TOLERANCE = 1e-9
MAX_PIVOTS = 500
DENOMINATORS = 10**6
"""Largest denominator tried when rounding a floating-point dual solution to a proof."""


@dataclass(frozen=True, slots=True)
class Screen:
    """What floating point says of a maximisation LP."""

    status: str
    """'optimal' or 'infeasible', in floating point (not a proof)."""
    value: float = float("nan")
    proved_not_positive: bool = False
    """Proved exactly: the LP is infeasible, or its maximum is at most 0."""
    point: tuple[float, ...] = ()
    """When optimal: the point found (the caller's variables), in floating point."""


def screen_lp(n_vars, objective, eq_rows=(), le_rows=(), free=(),
              maximize=True, enough: float | None = None,
              deadline: float | None = None) -> Screen | None:
    """The float solution of a maximisation LP (arguments as `solve_lp`), or None when the
    float simplex gives up (unbounded, or out of pivots). With `enough`, the simplex stops as
    soon as a feasible point has a value above it (the value reported is then that point's).
    Past `deadline` (a `time.monotonic()` time), it gives up (None)."""
    if not maximize or not (eq_rows or le_rows):
        return None
    _numpy()
    exact = standard_form(n_vars, objective, eq_rows, le_rows, free, maximize)
    slack_rows = exact.slack_rows
    raw = np.array(exact.table, dtype=np.float64)
    m, n = raw.shape[0], raw.shape[1] - 1
    scale = np.maximum(np.abs(raw).max(axis=1), 1.0)
    raw /= scale[:, None]
    needy = [i for i in range(m) if i not in slack_rows]
    k = len(needy)
    T = np.zeros((m, n + k + 1))
    T[:, :n] = raw[:, :-1]
    T[:, -1] = raw[:, -1]
    start = [slack_rows.get(i, -1) for i in range(m)]   # each row's first basic column: its
    for j, i in enumerate(needy):                        # slack (rescaled to 1) or artificial
        start[i] = n + j
    T[np.arange(m), start] = 1.0
    basis = list(start)

    if k:
        objective_row = np.zeros(n + k + 1)
        objective_row[:n] = -T[needy, :n].sum(axis=0)
        objective_row[-1] = -T[needy, -1].sum()
        if not _simplex(T, basis, objective_row, n + k, deadline=deadline):
            return None
        if -objective_row[-1] > 1e-7:
            # Phase-1 duals: y_i = cost(start_i) - reduced cost(start_i).
            duals = [(1.0 if start[i] >= n else 0.0) - objective_row[start[i]]
                     for i in range(m)]
            proved = (_proves(exact, _rounded(duals, scale), None)
                      or _proves(exact, _basis_duals(exact, basis, needy, True), None))
            return Screen("infeasible", proved_not_positive=proved)
        for i in range(m):   # drive artificials out (a redundant row's stays, at zero)
            if basis[i] >= n:
                j = int(np.abs(T[i, :n]).argmax())
                if abs(T[i, j]) > 1e-7:
                    _pivot(T, basis, None, i, j)
    objective_row = np.zeros(n + k + 1)
    objective_row[:n] = [float(c) for c in exact.cost]
    for i, var in enumerate(basis):
        if var < n and objective_row[var]:
            objective_row -= objective_row[var] * T[i]
    target = None if enough is None else -enough   # objective_row[-1] is -(min cost) = value
    if not _simplex(T, basis, objective_row, n, target, deadline):   # no artificial enters
        return None
    value = float(objective_row[-1])   # -(min cost), the maximum
    proved = False
    if value <= 1e-7:
        duals = [-objective_row[start[i]] for i in range(m)]
        proved = (_proves(exact, _rounded(duals, scale), exact.cost)
                  or _proves(exact, _basis_duals(exact, basis, needy, False), exact.cost))
    solution = np.zeros(n + k)
    solution[basis] = T[:, -1]
    point = solution[:n_vars]
    for j, var in enumerate(sorted(set(free))):   # a free variable's negative part
        point[var] -= solution[n_vars + j]
    return Screen("optimal", value, proved, tuple(point.tolist()))


def _rounded(duals: list[float], scale: np.ndarray) -> list[Fraction]:
    """The float duals (of the rows divided by `scale`) rounded to small fractions."""
    return [Fraction(d / s).limit_denominator(DENOMINATORS) if abs(d) > 1e-12 else Fraction(0)
            for d, s in zip(duals, scale)]


def _basis_duals(form: StandardForm, basis: list[int], needy: list[int],
                 phase1: bool) -> list[Fraction] | None:
    """The exact duals of the final float basis: y.A_j = cost_j for every basic column j.

    A basic column with one non-zero entry (a slack, an artificial) fixes its row's dual at
    once; the others give a small square system, solved exactly (`integer_solve`). None when
    the basis is singular. Phase 1 costs 1 on artificials and 0 elsewhere; phase 2 costs
    `form.cost` (artificials 0).
    """
    table = form.table
    m = len(table)
    n = len(form.cost)

    def cost(j: int) -> Fraction:
        if j >= n:
            return Fraction(1 if phase1 else 0)
        return Fraction(0) if phase1 else form.cost[j]

    y: dict[int, Fraction] = {}
    general = []
    for j in basis:
        if j >= n:
            y[needy[j - n]] = cost(j)
            continue
        entries = [(i, table[i][j]) for i in range(m) if table[i][j]]
        if len(entries) == 1:
            i, a = entries[0]
            if i in y:
                return None
            y[i] = cost(j) / a
        else:
            general.append(j)
    unknown = [i for i in range(m) if i not in y]
    if len(unknown) != len(general):
        return None
    if general:
        rhs = [cost(j) - sum((table[i][j] * v for i, v in y.items() if v), Fraction(0))
               for j in general]
        common = lcm(*(r.denominator for r in rhs))
        solved = integer_solve([[table[u][j] for u in unknown] for j in general],
                               [int(r * common) for r in rhs])
        if solved is None:
            return None
        numerators, det = solved
        for u, numerator in zip(unknown, numerators):
            y[u] = Fraction(numerator, det * common)
    return [y[i] for i in range(m)]


def _proves(form: StandardForm, y: list[Fraction] | None, cost) -> bool:
    """Do the duals y prove, exactly, that the rows have no solution (cost None: a Farkas
    certificate, y.A <= 0 and y.b > 0) or that min cost.x >= 0 (y.A <= cost and y.b >= 0)?"""
    if y is None:
        return False
    denominator = lcm(*(v.denominator for v in y if v))
    ints = [int(v * denominator) if v else 0 for v in y]
    width = len(form.table[0])
    totals = [0] * width
    for weight, row in zip(ints, form.table):
        if weight:
            totals = [t + weight * a for t, a in zip(totals, row)]
    if cost is None:
        return totals[-1] > 0 and all(t <= 0 for t in totals[:-1])
    return totals[-1] >= 0 and all(t <= c * denominator for t, c in zip(totals[:-1], cost))


def _simplex(T: np.ndarray, basis: list[int], objective_row: np.ndarray, columns: int,
             stop_below: float | None = None, deadline: float | None = None) -> bool:
    """Dantzig's rule, then Bland's after a run of degenerate pivots; False when unbounded, out
    of pivots or past the deadline (the caller then knows nothing).

    Basic columns stay exact unit vectors (a pivot divides the pivot row by its own entry and
    subtracts exact multiples), so their reduced costs are exactly zero and need no mask.
    """
    degenerate = 0
    reduced = objective_row[:columns]   # views: the pivots update them in place
    rhs = T[:, -1]
    for _ in range(MAX_PIVOTS):
        if deadline is not None and time.monotonic() > deadline:
            return False
        if stop_below is not None and -objective_row[-1] < stop_below:
            return True   # the current point's cost is already low enough for the caller
        if degenerate < 8:
            entering = int(reduced.argmin())
            if reduced[entering] >= -TOLERANCE:
                return True
        else:
            candidates = (reduced < -TOLERANCE).nonzero()[0]
            if not len(candidates):
                return True
            entering = int(candidates[0])
        column = T[:, entering]
        rows = (column > TOLERANCE).nonzero()[0]
        if not len(rows):
            return False
        ratios = rhs[rows] / column[rows]
        best = ratios.min()
        tied = rows[ratios <= best + TOLERANCE]
        leaving = int(tied[0]) if len(tied) == 1 else min((int(r) for r in tied),
                                                           key=basis.__getitem__)
        degenerate = degenerate + 1 if rhs[leaving] <= TOLERANCE else 0
        _pivot(T, basis, objective_row, leaving, entering)
    return False


def _pivot(T: np.ndarray, basis: list[int], objective_row, row: int, col: int) -> None:
    pivot_row = T[row]
    pivot_row /= pivot_row[col]
    factors = T[:, col].copy()
    factors[row] = 0.0
    T -= factors[:, None] * pivot_row
    if objective_row is not None:
        objective_row -= objective_row[col] * pivot_row
    basis[row] = col
