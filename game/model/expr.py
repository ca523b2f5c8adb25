"""Provides exact arithmetic expressions over named parameters (no `eval`, nothing executable)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

MAX_POWER = 12
"""The largest exponent (in absolute value) an expression may use."""


class ExprError(ValueError):
    """An expression cannot be evaluated (unknown parameter, division by zero, bad power)."""


@dataclass(frozen=True, slots=True)
class Num:
    """A literal exact number."""

    value: Fraction


@dataclass(frozen=True, slots=True)
class Param:
    """A reference to a named parameter."""

    name: str


@dataclass(frozen=True, slots=True)
class Neg:
    """Unary minus."""

    operand: Expr


@dataclass(frozen=True, slots=True)
class BinOp:
    """A binary operation: one of `+ - * /`."""

    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Pow:
    """A small integer power of an expression."""

    base: Expr
    exponent: int


@dataclass(frozen=True, slots=True)
class Call:
    """`min(...)` or `max(...)` of one or more expressions."""

    function: str
    args: tuple[Expr, ...]


Expr = Num | Param | Neg | BinOp | Pow | Call


def const(value: int | str | Fraction) -> Num:
    """Returns a literal expression for an exact value."""
    return Num(Fraction(value))


def evaluate(expr: Expr, values: Mapping[str, Fraction]) -> Fraction:
    """Evaluates `expr` exactly with the given parameter values.

    Raises:
        ExprError: a parameter is unknown, a division is by zero, or a power is undefined.
    """
    match expr:
        case Num(value):
            return value
        case Param(name):
            try:
                return values[name]
            except KeyError:
                raise ExprError(f"unknown parameter {name!r}") from None
        case Neg(operand):
            return -evaluate(operand, values)
        case BinOp(op, left, right):
            a = evaluate(left, values)
            b = evaluate(right, values)
            if op == "+":
                return a + b
            if op == "-":
                return a - b
            if op == "*":
                return a * b
            if b == 0:
                raise ExprError(f"division by zero in {to_text(expr)}")
            return a / b
        case Pow(base, exponent):
            a = evaluate(base, values)
            if a == 0 and exponent < 0:
                raise ExprError(f"zero raised to a negative power in {to_text(expr)}")
            return a**exponent
        case Call(function, args):
            evaluated = [evaluate(arg, values) for arg in args]
            return min(evaluated) if function == "min" else max(evaluated)
    raise TypeError(f"not an expression: {expr!r}")


def parameters(expr: Expr) -> frozenset[str]:
    """Returns the names of the parameters `expr` uses."""
    match expr:
        case Num():
            return frozenset()
        case Param(name):
            return frozenset((name,))
        case Neg(operand):
            return parameters(operand)
        case BinOp(_, left, right):
            return parameters(left) | parameters(right)
        case Pow(base, _):
            return parameters(base)
        case Call(_, args):
            return frozenset().union(*(parameters(arg) for arg in args))
    raise TypeError(f"not an expression: {expr!r}")


_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}


def format_fraction(value: Fraction) -> str:
    """Formats an exact number the way the game shows it: `3`, `-1/2`."""
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def to_text(expr: Expr, parent_precedence: int = 0) -> str:
    """Renders `expr` back to the expression language (used for symbolic payoff tables)."""
    match expr:
        case Num(value):
            text = format_fraction(value)
            return f"({text})" if (value < 0 or value.denominator != 1) and parent_precedence >= 2 else text
        case Param(name):
            return name
        case Neg(operand):
            text = "-" + to_text(operand, 3)
            return f"({text})" if parent_precedence >= 2 else text
        case BinOp(op, left, right):
            precedence = _PRECEDENCE[op]
            text = f"{to_text(left, precedence)} {op} {to_text(right, precedence + 1)}"
            return f"({text})" if precedence < parent_precedence else text
        case Pow(base, exponent):
            return f"{to_text(base, 4)}^{exponent}"
        case Call(function, args):
            return f"{function}({', '.join(to_text(arg) for arg in args)})"
    raise TypeError(f"not an expression: {expr!r}")
