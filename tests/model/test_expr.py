"""Expressions: exact evaluation, rendering, errors."""

from __future__ import annotations

from fractions import Fraction as F

import pytest
from hypothesis import given
from hypothesis import strategies as st

from game.model.expr import ExprError, evaluate, parameters, to_text
from game.scenario.exprparse import ExpressionSyntaxError, parse_expression


@pytest.mark.parametrize(("text", "expected"), [
    ("1/3", F(1, 3)),
    ("0.1", F(1, 10)),
    ("0.1 + 0.2", F(3, 10)),
    ("-a * (1 + b)^2", F(-9, 2)),
    ("b**-2", F(4)),
    ("max(0, w - 3) + min(a, b)", F(1, 2)),
    ("2*-a", F(-4)),
    ("-b^2", F(-1, 4)),
])
def test_exact_values(text, expected):
    values = {"a": F(2), "b": F(1, 2), "w": F(1)}
    assert evaluate(parse_expression(text), values) == expected


@pytest.mark.parametrize("text", ["1 +", "a $ b", "foo(1)", "(1", "x^0.5", "", "1 2",
                                  "__import__('os')", "a.b", "x^99", "max()", "1 / / 2"])
def test_syntax_errors(text):
    with pytest.raises(ExpressionSyntaxError):
        parse_expression(text)


def test_runtime_errors():
    with pytest.raises(ExprError, match="division by zero"):
        evaluate(parse_expression("1 / (a - 2)"), {"a": F(2)})
    with pytest.raises(ExprError, match="unknown parameter"):
        evaluate(parse_expression("q"), {})
    with pytest.raises(ExprError, match="negative power"):
        evaluate(parse_expression("a^-1"), {"a": F(0)})


def test_parameters_are_collected():
    assert parameters(parse_expression("max(a, b) - c/2")) == {"a", "b", "c"}


@given(st.fractions(max_denominator=50), st.fractions(max_denominator=50),
       st.sampled_from(["+", "-", "*", "/"]))
def test_rendering_round_trips(x, y, op):
    if op == "/" and y == 0:
        return
    text = f"({x}) {op} ({y})"
    expr = parse_expression(text)
    again = parse_expression(to_text(expr))
    assert evaluate(again, {}) == evaluate(expr, {})
