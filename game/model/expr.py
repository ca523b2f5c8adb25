"""Provides exact arithmetic expressions over named parameters (no `eval`, nothing executable).

Every exact number is bounded: a number written in a file has at most `MAX_LITERAL_DIGITS`
digits in its numerator and its denominator, and every value an expression computes (each
intermediate result too) at most `MAX_DIGITS`; powers are checked before they are computed,
so no short input can make the arithmetic hang.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

MAX_POWER = 12
"""The largest exponent (in absolute value) an expression may use."""
MAX_LITERAL_DIGITS = 30
"""The most digits the numerator or the denominator of a number written in a scenario may have
(0.125 is 125/1000: 3 and 4 digits)."""
MAX_DIGITS = 100
"""The most digits the numerator or the denominator of any computed value may have (every
intermediate result of an expression, every payoff and probability of an expanded game, every
number in a `.efg` file)."""

_LIMITS: dict[int, int] = {}


class ExprError(ValueError):
    """An expression cannot be evaluated (unknown parameter, division by zero, bad power, a
    number too large)."""


def _limit(digits: int) -> int:
    limit = _LIMITS.get(digits)
    if limit is None:
        limit = _LIMITS[digits] = 10**digits
    return limit


def fits(value: Fraction, digits: int = MAX_DIGITS) -> bool:
    """True when the numerator and the denominator of `value` have at most `digits` digits."""
    limit = _limit(digits)
    return -limit < value.numerator < limit and value.denominator < limit


def check_size(value: Fraction, digits: int = MAX_DIGITS) -> Fraction:
    """Returns `value` if it fits in `digits` digits (numerator and denominator).

    Raises:
        ExprError: the value is larger.
    """
    if not fits(value, digits):
        raise ExprError(f"a value grows past {digits} digits (numerator or denominator); exact "
                        f"numbers are limited to {digits} digits")
    return value


def _too_many_digits(shown: str, digits: int) -> ExprError:
    shown = shown if len(shown) <= 24 else shown[:12] + "..." + shown[-6:]
    return ExprError(f"the number {shown} has too many digits: exact numbers may have at most "
                     f"{digits} digits above and below the fraction line (0.25 counts as 25/100)")


def exact_decimal(value: Decimal, digits: int = MAX_LITERAL_DIGITS, shown: str = "") -> Fraction:
    """Turns a decimal into an exact fraction, refusing ones too large or too precise.

    The size is judged from the decimal's digits and exponent before anything is computed, so
    `1e999999999` is refused at once.

    Raises:
        ExprError: not finite, or more than `digits` digits in numerator or denominator.
    """
    if not value.is_finite():
        raise ExprError("expected a finite number")
    _, figures, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    significant = len("".join(map(str, figures)).lstrip("0"))
    if significant == 0:
        return Fraction(0)
    if significant + max(exponent, 0) > 2 * digits + 2 or -exponent > 2 * digits + 2:
        raise _too_many_digits(shown or str(value), digits)
    result = Fraction(value)
    if not fits(result, digits):
        raise _too_many_digits(shown or str(value), digits)
    return result


_DECIMAL_TEXT = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?\Z")
_FRACTION_TEXT = re.compile(r"([+-]?)([0-9]+)/([0-9]+)\Z")


def parse_exact(text: str, digits: int = MAX_DIGITS) -> Fraction:
    """Parses an exact number written as `3`, `-1/2`, `0.25` or `1.5e3`, with a size bound.

    Raises:
        ExprError: not such a number, a zero denominator, or more than `digits` digits.
    """
    text = text.strip()
    match = _FRACTION_TEXT.match(text)
    if match:
        sign, top, bottom = match.groups()
        if len(top.lstrip("0")) > digits or len(bottom.lstrip("0")) > digits:
            raise _too_many_digits(text, digits)
        if int(bottom) == 0:
            raise ExprError(f"{text} divides by zero")
        result = Fraction(int(sign + top), int(bottom))
        if not fits(result, digits):
            raise _too_many_digits(text, digits)
        return result
    if not _DECIMAL_TEXT.match(text):
        raise ExprError(f"{text[:24]!r} is not an exact number (like 3, -1/2 or 0.25)")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise _too_many_digits(text, digits) from None
    return exact_decimal(value, digits, text)


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

    Every intermediate result must fit in `MAX_DIGITS` digits; a power is checked before it is
    computed.

    Raises:
        ExprError: a parameter is unknown, a division is by zero, a power is undefined, or a
            value grows past `MAX_DIGITS` digits.
    """
    match expr:
        case Num(value):
            return check_size(value)
        case Param(name):
            try:
                return check_size(values[name])
            except KeyError:
                raise ExprError(f"unknown parameter {name!r}") from None
        case Neg(operand):
            return -evaluate(operand, values)
        case BinOp(op, left, right):
            a = evaluate(left, values)
            b = evaluate(right, values)
            if op == "+":
                return _sized(a + b, expr)
            if op == "-":
                return _sized(a - b, expr)
            if op == "*":
                return _sized(a * b, expr)
            if b == 0:
                raise ExprError(f"division by zero in {to_text(expr)}")
            return _sized(a / b, expr)
        case Pow(base, exponent):
            a = evaluate(base, values)
            if a == 0 and exponent < 0:
                raise ExprError(f"zero raised to a negative power in {to_text(expr)}")
            if abs(exponent) > MAX_POWER:
                raise ExprError(f"powers are limited to {MAX_POWER} (this one is {exponent})")
            bits = max(abs(a.numerator).bit_length(), a.denominator.bit_length())
            if (bits - 1) * abs(exponent) > MAX_DIGITS * 3.33:
                raise ExprError(f"{_short(to_text(expr))} grows past {MAX_DIGITS} digits "
                                "(numerator or denominator)")
            return _sized(a**exponent, expr)
        case Call(function, args):
            evaluated = [evaluate(arg, values) for arg in args]
            return min(evaluated) if function == "min" else max(evaluated)
    raise TypeError(f"not an expression: {expr!r}")


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def _sized(value: Fraction, expr: Expr) -> Fraction:
    if not fits(value):
        raise ExprError(f"{_short(to_text(expr))} grows past {MAX_DIGITS} digits (numerator or "
                        "denominator); exact numbers are limited to that")
    return value


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
            text = f"{to_text(base, 4)}^{exponent}"
            return f"({text})" if parent_precedence >= 4 else text
        case Call(function, args):
            return f"{function}({', '.join(to_text(arg) for arg in args)})"
    raise TypeError(f"not an expression: {expr!r}")
