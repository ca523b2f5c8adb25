"""Provides `parse_expression`: the scenario expression language -> `game.model.expr` trees.

Numbers (`3`, `0.25`, `1/3`), parameter names, `+ - * /`, parentheses, small integer powers
(`b^3` or `b**3`) and `min(...)`/`max(...)`. Nothing else parses, and nothing is executed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from decimal import Decimal
from fractions import Fraction

from game.model.expr import (
    MAX_LITERAL_DIGITS,
    MAX_POWER,
    BinOp,
    Call,
    Expr,
    ExprError,
    Neg,
    Num,
    Param,
    Pow,
    exact_decimal,
    fits,
)

MAX_EXPRESSION_LENGTH = 200
"""The longest expression a scenario may write."""
MAX_NESTING = 40
"""The deepest nesting of parentheses (and function calls) in an expression."""

FUNCTIONS = ("min", "max")

_TOKEN = re.compile(r"\s*(?:(?P<num>[0-9]+(?:\.[0-9]+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
                    r"|(?P<op>\*\*|[-+*/^(),]))")


class ExpressionSyntaxError(ValueError):
    """An expression does not parse; `column` is 0-based within the expression text."""

    def __init__(self, message: str, column: int = 0) -> None:
        super().__init__(message)
        self.column = column


def _too_long(number: str) -> str:
    shown = number if len(number) <= 24 else number[:12] + "..." + number[-6:]
    return (f"the number {shown} has too many digits (at most {MAX_LITERAL_DIGITS} above and "
            "below the fraction line)")


def expression_from_value(value: object) -> Expr:
    """Turns a YAML value (int, exact decimal or text) into an expression.

    Raises:
        ExpressionSyntaxError: the value is not a number or does not parse.
    """
    if isinstance(value, bool) or value is None:
        raise ExpressionSyntaxError(f"expected a number or an expression, not {value!r}")
    if isinstance(value, int):
        if not fits(Fraction(value), MAX_LITERAL_DIGITS):
            raise ExpressionSyntaxError(_too_long(str(value)))
        return Num(Fraction(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ExpressionSyntaxError("expected a finite number")
        try:
            return Num(exact_decimal(value, MAX_LITERAL_DIGITS))
        except ExprError as error:
            raise ExpressionSyntaxError(str(error)) from None
    if isinstance(value, float):
        raise ExpressionSyntaxError("expected a finite number")
    if isinstance(value, str):
        return parse_expression(value)
    raise ExpressionSyntaxError("expected a number or an expression, not a list or mapping")


@lru_cache(maxsize=4096)
def parse_expression(text: str) -> Expr:
    """Parses one expression (results are cached: expressions are immutable).

    Raises:
        ExpressionSyntaxError: with a plain message and the column of the problem.
    """
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise ExpressionSyntaxError(
            f"the expression is {len(text)} characters long; the limit is {MAX_EXPRESSION_LENGTH}")
    tokens: list[tuple[str, str, int]] = []
    position = 0
    stripped_end = len(text.rstrip())
    while position < stripped_end:
        match = _TOKEN.match(text, position)
        if not match:
            column = position + (len(text[position:]) - len(text[position:].lstrip()))
            raise ExpressionSyntaxError(f"unexpected character {text[column]!r}", column)
        kind = match.lastgroup or ""
        start = match.start(kind)
        tokens.append((kind, match.group(kind), start))
        position = match.end()
    if not tokens:
        raise ExpressionSyntaxError("the expression is empty")
    parser = _Parser(tokens, len(text))
    expr = parser.expression()
    if parser.index < len(tokens):
        kind, value, column = tokens[parser.index]
        raise ExpressionSyntaxError(f"unexpected {value!r}", column)
    return expr


class _Parser:
    def __init__(self, tokens: list[tuple[str, str, int]], length: int) -> None:
        self.tokens = tokens
        self.index = 0
        self.length = length
        self.depth = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> tuple[str, str, int]:
        token = self.peek()
        if token is None:
            raise ExpressionSyntaxError("the expression ends too early", self.length)
        self.index += 1
        return token

    def expect(self, symbol: str) -> None:
        token = self.peek()
        if token is None or token[1] != symbol:
            column = token[2] if token else self.length
            found = f"{token[1]!r}" if token else "the end"
            raise ExpressionSyntaxError(f"expected {symbol!r} but found {found}", column)
        self.index += 1

    def expression(self) -> Expr:
        self.depth += 1
        if self.depth > MAX_NESTING + 1:  # the whole expression is the first level
            raise ExpressionSyntaxError(f"the expression nests parentheses more than "
                                        f"{MAX_NESTING} deep",
                                        self.peek()[2] if self.peek() else 0)
        left = self.term()
        while (token := self.peek()) and token[1] in ("+", "-"):
            self.index += 1
            left = BinOp(token[1], left, self.term())
        self.depth -= 1
        return left

    def term(self) -> Expr:
        left = self.unary()
        while (token := self.peek()) and token[1] in ("*", "/"):
            self.index += 1
            left = BinOp(token[1], left, self.unary())
        return left

    def unary(self) -> Expr:
        token = self.peek()
        if token and token[1] in ("-", "+"):
            self.index += 1
            operand = self.unary()
            return Neg(operand) if token[1] == "-" else operand
        return self.power()

    def power(self) -> Expr:
        base = self.atom()
        token = self.peek()
        if token and token[1] in ("^", "**"):
            self.index += 1
            sign = 1
            if (nxt := self.peek()) and nxt[1] == "-":
                self.index += 1
                sign = -1
            kind, value, column = self.take()
            if kind != "num" or "." in value:
                raise ExpressionSyntaxError("a power must be a whole number, like b^3", column)
            exponent = sign * int(value)
            if abs(exponent) > MAX_POWER:
                raise ExpressionSyntaxError(
                    f"powers are limited to {MAX_POWER} (this one is {exponent})", column)
            return Pow(base, exponent)
        return base

    def atom(self) -> Expr:
        kind, value, column = self.take()
        if kind == "num":
            number = Fraction(Decimal(value))  # at most MAX_EXPRESSION_LENGTH characters: cheap
            if not fits(number, MAX_LITERAL_DIGITS):
                raise ExpressionSyntaxError(_too_long(value), column)
            return Num(number)
        if kind == "name":
            nxt = self.peek()
            if nxt and nxt[1] == "(":
                if value not in FUNCTIONS:
                    raise ExpressionSyntaxError(
                        f"unknown function {value!r}; only min(...) and max(...) are available",
                        column)
                self.index += 1
                args = [self.expression()]
                while (token := self.peek()) and token[1] == ",":
                    self.index += 1
                    args.append(self.expression())
                self.expect(")")
                return Call(value, tuple(args))
            if value in FUNCTIONS:
                raise ExpressionSyntaxError(f"{value} needs arguments, like {value}(a, b)", column)
            return Param(value)
        if value == "(":
            inner = self.expression()
            self.expect(")")
            return inner
        raise ExpressionSyntaxError(f"unexpected {value!r}", column)
