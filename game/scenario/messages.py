"""Provides plain-English rewrites of pydantic's validation errors, and "did you mean"."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """Returns " Did you mean 'x'?" for the closest candidate, or ""."""
    options = [c for c in candidates if isinstance(c, str)]
    matches = difflib.get_close_matches(str(word), options, n=1, cutoff=0.6)
    if not matches and isinstance(word, str):
        lowered = {c.lower(): c for c in options}
        if word.lower() in lowered:
            matches = [lowered[word.lower()]]
    return f" Did you mean {matches[0]!r}?" if matches else ""


def describe(value: object) -> str:
    """Names what an input value is, for messages ("a list", "the text 'x'")."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        shown = value if len(value) <= 30 else value[:27] + "..."
        return f"the text {shown!r}"
    return f"the number {value}"


_TYPE_WORDS = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping of keys to values",
    "model_type": "a mapping of keys to values",
    "model_attributes_type": "a mapping of keys to values",
    "decimal_type": "a number",
    "decimal_parsing": "a number",
    "float_type": "a number",
}


def rewrite(error: dict, field_names: Iterable[str] = ()) -> str:
    """Turns one pydantic error into a sentence an instructor can act on."""
    kind = error["type"]
    value = error.get("input")
    context = error.get("ctx") or {}
    if kind == "extra_forbidden":
        key = error["loc"][-1]
        return f"Unknown key {key!r}: remove it or fix its spelling.{did_you_mean(key, field_names)}"
    if kind == "missing":
        return f"The key {error['loc'][-1]!r} is missing."
    if kind == "union_tag_invalid":
        tags = ["decision", "chance", "simultaneous", "terminal"]
        tag = context.get("tag", value)
        return (f"Unknown node kind {tag!r}; use one of: {', '.join(tags)}."
                f"{did_you_mean(str(tag), tags)}")
    if kind == "union_tag_not_found":
        return "Each node needs a `kind`: decision, chance, simultaneous or terminal."
    if kind == "literal_error":
        return f"Must be one of {context.get('expected', '')}; got {describe(value)}."
    if kind == "string_pattern_mismatch":
        pattern = str(context.get("pattern", ""))
        if pattern.startswith("^[A-Za-z_]"):
            return (f"{describe(value).capitalize()} is not a valid parameter name: use letters, "
                    "digits and '_', starting with a letter or '_'.")
        return (f"{describe(value).capitalize()} is not a valid id: use letters, digits, '-' and "
                "'_', starting with a letter or digit.")
    if kind == "string_too_long":
        return f"This text is too long (the limit is {context.get('max_length')} characters)."
    if kind == "too_short":
        minimum = context.get("min_length", 1)
        return f"Needs at least {minimum} item{'s' if minimum != 1 else ''}."
    if kind == "too_long":
        maximum = context.get("max_length")
        return f"Has too many items (at most {maximum})."
    if kind in ("greater_than_equal", "greater_than"):
        bound = context.get("ge", context.get("gt"))
        word = "at least" if kind == "greater_than_equal" else "more than"
        return f"Must be {word} {bound}; got {describe(value)}."
    if kind in ("less_than_equal", "less_than"):
        bound = context.get("le", context.get("lt"))
        word = "at most" if kind == "less_than_equal" else "less than"
        return f"Must be {word} {bound}; got {describe(value)}."
    if kind in _TYPE_WORDS:
        return f"Expected {_TYPE_WORDS[kind]}, but found {describe(value)}."
    return f"{error.get('msg', 'Invalid value')}."
