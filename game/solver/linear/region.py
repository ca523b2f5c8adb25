"""Provides `simplex_region`: a set of beliefs given by linear inequalities, exactly.

The set {mu >= 0, sum(mu) = 1, row . mu >= 0 for each row}: whether it is empty, and its
vertices (the off-path belief sets the solver reports). One or two coordinates are done
directly; more by enumerating vertices in integers, with floating point picking the few bases
worth solving exactly when there are many (`_candidate_bases`, which cannot lose a vertex).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from itertools import combinations
from math import comb, gcd, lcm

from game.solver.linear.lp import integer_solve, solve_lp

ZERO = Fraction(0)

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
    # in integers: each row is scaled to coprime integers, each vertex solved exactly.
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
    last = (0,) * (size - 1) + (1,)   # the tight rows are 0, the coordinates sum to 1
    candidates = _candidate_bases(unique_rows, size)
    for tight in (candidates if candidates is not None
                  else combinations(range(len(unique_rows)), size - 1)):
        solved = integer_solve([unique_rows[t] for t in tight] + [ones], last)
        if solved is None:
            continue
        numerators, det = solved
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
    fractions = [Fraction(v) for v in row]
    scale = lcm(*(f.denominator for f in fractions)) if fractions else 1
    ints = [int(f * scale) for f in fractions]
    common = gcd(*ints) if any(ints) else 1
    return tuple(v // common for v in ints)
