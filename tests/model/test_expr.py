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


# Every exact number is bounded: short inputs that hung or crashed get a plain error at once.

NESTED_POWER = "((((((((((9^12)^12)^12)^12)^12)^12)^12)^12)^12)^12)"


def test_a_nested_power_is_refused_before_it_is_computed():
    import time

    from game.model.expr import MAX_DIGITS

    start = time.perf_counter()
    with pytest.raises(ExprError, match=f"grows past {MAX_DIGITS} digits"):
        evaluate(parse_expression(NESTED_POWER), {})
    with pytest.raises(ExprError, match="grows past"):
        evaluate(parse_expression("(a^12)^12"), {"a": F(10**8)})
    assert time.perf_counter() - start < 1
    # A power whose result fits is computed exactly.
    assert evaluate(parse_expression("(9^12)^2"), {}) == F(9**24)


@pytest.mark.parametrize("text", ["a * a", "a + 1/b", "a / b", "-a - b"])
def test_every_intermediate_result_is_bounded(text):
    big = F(10**100 - 1)  # 100 digits: the largest numerator allowed
    assert evaluate(parse_expression(text), {"a": F(3), "b": F(7)}) is not None
    with pytest.raises(ExprError, match="100 digits"):
        evaluate(parse_expression(text), {"a": big, "b": 1 / big})


def test_a_parameter_value_past_the_limit_is_refused():
    with pytest.raises(ExprError, match="100 digits"):
        evaluate(parse_expression("a"), {"a": F(10**100)})


@pytest.mark.parametrize("text", ["9" * 31, "0." + "0" * 30 + "1", "1" + "0" * 30 + "/3"])
def test_a_literal_past_30_digits_does_not_parse(text):
    with pytest.raises(ExpressionSyntaxError, match="too many digits"):
        parse_expression(text)


def test_a_literal_of_30_digits_parses():
    assert evaluate(parse_expression("9" * 30), {}) == F(10**30 - 1)
    assert evaluate(parse_expression("0." + "0" * 28 + "1"), {}) == F(1, 10**29)


@pytest.mark.parametrize(("text", "value"), [
    ("3", F(3)), ("-1/2", F(-1, 2)), ("0.25", F(1, 4)), ("1.5e3", F(1500)), (".5", F(1, 2)),
    ("0e-999999999", F(0)), ("-0007", F(-7)),
])
def test_parse_exact_reads_exact_numbers(text, value):
    from game.model.expr import parse_exact

    assert parse_exact(text) == value


@pytest.mark.parametrize("text", ["1e999999999", "1.5e309", "1e100000", "9" * 5000,
                                  "1e99999999999999999999999999", "1/" + "3" * 101,
                                  "1e-101"])
def test_parse_exact_refuses_huge_numbers_at_once(text):
    import time

    from game.model.expr import parse_exact

    start = time.perf_counter()
    with pytest.raises(ExprError, match="too many digits"):
        parse_exact(text)
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize("text", ["", "abc", "1/0", "1/2/3", "nan", "inf", "0x10"])
def test_parse_exact_refuses_what_is_not_an_exact_number(text):
    from game.model.expr import parse_exact

    with pytest.raises(ExprError):
        parse_exact(text)


def test_nested_powers_render_with_parentheses():
    expr = parse_expression("((9^12)^12)")
    assert to_text(expr) == "(9^12)^12"
    assert parse_expression(to_text(expr)) == expr
