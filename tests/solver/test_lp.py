"""The belief-region vertex enumeration: the floating-point preselection never loses a vertex."""

from __future__ import annotations

from fractions import Fraction as F

from hypothesis import given, settings
from hypothesis import strategies as st

import game.solver.linear.lp as lp
import game.solver.linear.region as belief_region


@st.composite
def regions(draw):
    size = draw(st.integers(3, 5))
    bound = draw(st.sampled_from([1, 3, 200]))
    rows = draw(st.lists(st.lists(st.integers(-bound, bound), min_size=size, max_size=size),
                         min_size=3, max_size=11))
    return [tuple(F(v, draw(st.sampled_from([1, 2, 7]))) for v in row) for row in rows], size


@settings(max_examples=150, deadline=None)
@given(regions())
def test_float_preselection_finds_exactly_the_exact_vertices(region):
    rows, size = region
    fast = belief_region._simplex_region(tuple(rows), size, False)
    saved = belief_region.FLOAT_BASES_FROM
    belief_region.FLOAT_BASES_FROM = 10**9   # every basis solved exactly
    try:
        exact = belief_region._simplex_region(tuple(rows), size, False)
    finally:
        belief_region.FLOAT_BASES_FROM = saved
    assert fast[0] == exact[0]
    assert set(fast[1]) == set(exact[1])
    for vertex in fast[1]:   # and each vertex is one: on the simplex, inside every row
        assert sum(vertex) == 1 and min(vertex) >= 0
        assert all(sum(a * b for a, b in zip(row, vertex)) >= 0 for row in rows)


def test_the_memo_returns_fresh_lists():
    rows = [(F(1), F(-1), F(0))]
    first = belief_region.simplex_region(rows, 3)[1]
    first.append("changed")
    assert "changed" not in belief_region.simplex_region(rows, 3)[1]


# ---------------------------------------------------------------------------- the exact LP
def _solve_square(rows):
    """Gaussian elimination over fractions on augmented rows; None when singular."""
    size = len(rows)
    m = [list(r) for r in rows]
    for col in range(size):
        pivot = next((r for r in range(col, size) if m[r][col] != 0), None)
        if pivot is None:
            return None
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(size):
            if r != col and m[r][col]:
                f = m[r][col] / m[col][col]
                m[r] = [a - f * b for a, b in zip(m[r], m[col])]
    return [m[r][size] / m[r][r] for r in range(size)]


def _brute_force(n, objective, eq_rows, le_rows, free, maximize):
    """The optimum over the vertices of a bounded polyhedron (every variable is boxed)."""
    from itertools import combinations

    def dense(row):
        return [F(row.get(j, 0)) for j in range(n)]

    eqs = [(dense(r), F(b)) for r, b in eq_rows]
    les = [(dense(r), F(b)) for r, b in le_rows]
    les += [([F(-1) if j == i else F(0) for j in range(n)], F(0)) for i in range(n)
            if i not in free]
    best = None
    for tight in combinations(range(len(eqs) + len(les)), n):
        system = [(eqs + les)[t] for t in tight]
        x = _solve_square([row + [b] for row, b in system])
        if x is None:
            continue
        if all(sum(a * v for a, v in zip(row, x)) == b for row, b in eqs) and all(
                sum(a * v for a, v in zip(row, x)) <= b for row, b in les):
            value = sum(F(objective.get(j, 0)) * x[j] for j in range(n))
            if best is None or (value > best if maximize else value < best):
                best = value
    return best


@st.composite
def small_lps(draw):
    n = draw(st.integers(1, 3))
    coefficient = st.integers(-4, 4).map(lambda v: F(v, draw(st.sampled_from([1, 1, 2, 3]))))
    row = st.fixed_dictionaries({j: coefficient for j in range(n)})
    eq_rows = draw(st.lists(st.tuples(row, st.integers(-3, 3)), max_size=2))
    le_rows = draw(st.lists(st.tuples(row, st.integers(-3, 6)), max_size=4))
    free = draw(st.sets(st.integers(0, n - 1), max_size=1))
    for j in range(n):   # a box keeps every LP bounded, so brute force over vertices decides
        le_rows.append(({j: F(1)}, F(4)))
        if j in free:
            le_rows.append(({j: F(-1)}, F(4)))
    objective = draw(row)
    return n, objective, eq_rows, le_rows, free, draw(st.booleans())


@settings(max_examples=300, deadline=None)
@given(small_lps())
def test_the_exact_lp_finds_the_optimum_of_brute_force(problem):
    n, objective, eq_rows, le_rows, free, maximize = problem
    result = lp.solve_lp(n, objective, eq_rows, le_rows, free=free, maximize=maximize)
    best = _brute_force(n, objective, eq_rows, le_rows, free, maximize)
    if best is None:
        assert result.status == "infeasible"
        return
    assert result.status == "optimal" and result.value == best
    x = result.x   # and the point it returns is feasible and attains the value
    assert all(sum(F(r.get(j, 0)) * x[j] for j in range(n)) == b for r, b in eq_rows)
    assert all(sum(F(r.get(j, 0)) * x[j] for j in range(n)) <= b for r, b in le_rows)
    assert all(x[j] >= 0 for j in range(n) if j not in free)
    assert sum(F(objective.get(j, 0)) * x[j] for j in range(n)) == best


@settings(max_examples=300, deadline=None)
@given(small_lps())
def test_the_float_screen_never_proves_a_falsehood(problem):
    from game.solver.linear.lpfloat import screen_lp

    n, objective, eq_rows, le_rows, free, _ = problem
    screen = screen_lp(n, objective, eq_rows, le_rows, free=free, maximize=True)
    exact = lp.solve_lp(n, objective, eq_rows, le_rows, free=free, maximize=True)
    if screen is None:
        return
    if screen.proved_not_positive:
        assert exact.status == "infeasible" or exact.value <= 0
    if screen.status == "optimal" and screen.value > 1e-6:   # the search goes on: feasible
        assert exact.status == "optimal" and exact.value > 0


def test_the_float_screen_proves_the_plain_cases():
    from game.solver.linear.lpfloat import screen_lp

    # x + y = 1, x, y >= 0, x <= -1: infeasible, with a small Farkas certificate.
    infeasible = screen_lp(2, {0: 1}, [({0: 1, 1: 1}, 1)], [({0: 1}, -1)])
    assert infeasible.status == "infeasible" and infeasible.proved_not_positive
    # max x - 1 subject to x <= 1 is 0: proved not positive by a dual bound.
    bound = screen_lp(2, {0: 1, 1: -1}, [({1: 1}, 1)], [({0: 1}, 1)])
    assert bound.status == "optimal" and abs(bound.value) < 1e-9 and bound.proved_not_positive
    # max x subject to x <= 1 is 1: nothing to prove.
    plain = screen_lp(1, {0: 1}, [], [({0: 1}, 1)])
    assert plain.status == "optimal" and plain.value == 1.0 and not plain.proved_not_positive


@settings(max_examples=300, deadline=None)
@given(small_lps(), st.lists(st.integers(-3, 3), min_size=12, max_size=12))
def test_no_dual_vector_proves_a_false_claim(problem, duals):
    """Whatever duals the float simplex reads off, the exact check accepts only true proofs."""
    from game.solver.linear.lpfloat import _proves

    n, objective, eq_rows, le_rows, free, _ = problem
    form = lp.standard_form(n, objective, eq_rows, le_rows, free, maximize=True)
    exact = lp.solve_lp(n, objective, eq_rows, le_rows, free=free, maximize=True)
    y = [F(d, 2) for d in duals[:len(form.table)]]
    y += [F(0)] * (len(form.table) - len(y))
    if exact.status == "optimal":
        assert not _proves(form, y, None)        # no Farkas certificate for a feasible LP
        if exact.value > 0:
            assert not _proves(form, y, form.cost)   # no bound below a positive optimum


@settings(max_examples=200, deadline=None)
@given(small_lps())
def test_the_duals_of_an_optimal_basis_prove_what_the_exact_lp_says(problem):
    """Where the exact LP is infeasible or its maximum is at most 0, the duals of the float
    simplex's final basis (computed exactly) usually prove it; they never prove otherwise."""
    from game.solver.linear.lpfloat import screen_lp

    n, objective, eq_rows, le_rows, free, _ = problem
    exact = lp.solve_lp(n, objective, eq_rows, le_rows, free=free, maximize=True)
    screen = screen_lp(n, objective, eq_rows, le_rows, free=free, maximize=True)
    if screen is None:
        return
    negative = exact.status == "infeasible" or exact.value <= 0
    assert screen.proved_not_positive <= negative
    if negative and (exact.status == "infeasible" or exact.value < 0):
        # strictly negative (or infeasible): the basis is optimal and its duals prove it
        assert screen.proved_not_positive
