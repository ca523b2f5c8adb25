"""The belief-region vertex enumeration: the floating-point preselection never loses a vertex."""

from __future__ import annotations

from fractions import Fraction as F

from hypothesis import given, settings
from hypothesis import strategies as st

import game.solver.lp as lp


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
    fast = lp._simplex_region(tuple(rows), size, False)
    saved = lp.FLOAT_BASES_FROM
    lp.FLOAT_BASES_FROM = 10**9   # every basis solved exactly
    try:
        exact = lp._simplex_region(tuple(rows), size, False)
    finally:
        lp.FLOAT_BASES_FROM = saved
    assert fast[0] == exact[0]
    assert set(fast[1]) == set(exact[1])
    for vertex in fast[1]:   # and each vertex is one: on the simplex, inside every row
        assert sum(vertex) == 1 and min(vertex) >= 0
        assert all(sum(a * b for a, b in zip(row, vertex)) >= 0 for row in rows)


def test_the_memo_returns_fresh_lists():
    rows = [(F(1), F(-1), F(0))]
    first = lp.simplex_region(rows, 3)[1]
    first.append("changed")
    assert "changed" not in lp.simplex_region(rows, 3)[1]
