"""Provides `read_yaml`: YAML 1.2 text -> plain data plus the line and column of every key.

Parsing uses ruamel.yaml's event stream (its C parser when available, so large files load
fast); the tree is composed here so that anchors and aliases can be refused (no alias bombs),
nesting depth is bounded, and plain scalars are resolved by the YAML 1.2 core schema
(`yes` stays a string; `0.1` stays the exact decimal 1/10). Every text is cleaned of control
characters as it is read (`game.scenario.text.printable`), so no escape code in a file reaches
the model or the terminal; numbers with too many digits stay unread (`OversizedNumber`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from game.model.expr import MAX_LITERAL_DIGITS, ExprError, exact_decimal, fits
from game.scenario.text import is_printable, printable

MAX_DEPTH = 24
"""The deepest nesting of mappings and lists a file may use."""

_INT = re.compile(r"[-+]?[0-9]+\Z")
_OCT = re.compile(r"0o[0-7]+\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_SPECIAL_FLOAT = re.compile(r"[-+]?\.(inf|Inf|INF)\Z|\.(nan|NaN|NAN)\Z")
_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}


@dataclass(frozen=True, slots=True)
class YamlProblem:
    """A problem found while reading YAML: 1-based line and column, key path, message."""

    line: int
    column: int
    path: tuple
    message: str


class YamlReadError(Exception):
    """The text is not acceptable YAML for a scenario."""

    def __init__(self, problem: YamlProblem) -> None:
        self.problem = problem
        super().__init__(problem.message)


_WORD_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMOPQRSUVWXYZ_")
"""First letters of plain scalars that can only be text (not n, N, t, T, f, F: null/true/false)."""


class OversizedNumber:
    """A number in the file too large or too precise to be an exact value (its text is kept).

    Reading it would cost too much (`1e999999999` has a billion digits), so it stays text
    until the loader reports it, located, as a number with too many digits.
    """

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"OversizedNumber({self.shown()!r})"

    def __str__(self) -> str:
        return self.shown()

    def shown(self) -> str:
        """The number as written, shortened when long."""
        text = self.text
        return text if len(text) <= 24 else f"{text[:12]}...{text[-6:]} ({len(text):,} characters)"


def _number(text: str, value: int | Decimal):
    """`value`, or an `OversizedNumber` when it has more than `MAX_LITERAL_DIGITS` digits."""
    if isinstance(value, int):
        return value if fits(Fraction(value), MAX_LITERAL_DIGITS) else OversizedNumber(text)
    try:
        exact_decimal(value, MAX_LITERAL_DIGITS)
    except ExprError:
        return OversizedNumber(text)
    return value


def _resolve_plain(text: str):
    if text and text[0] in _WORD_START:
        return text
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if _INT.match(text):
        if len(text.lstrip("+-").lstrip("0")) > MAX_LITERAL_DIGITS:
            return OversizedNumber(text)
        return int(text)
    if _OCT.match(text):
        return _number(text, int(text[2:], 8))  # base 8 and 16 parse in linear time
    if _HEX.match(text):
        return _number(text, int(text[2:], 16))
    if _FLOAT.match(text):
        try:
            return _number(text, Decimal(text))
        except InvalidOperation:  # an exponent beyond what Decimal can hold
            return OversizedNumber(text)
    if _SPECIAL_FLOAT.match(text):
        return float(text.replace(".", "", 1).lower().replace("inf", "inf"))
    return text


def read_yaml(text: str) -> tuple[object, dict[tuple, tuple[int, int]]]:
    """Parses `text` into plain data (dict, list, str, int, Decimal, bool, None).

    Returns:
        The data and a map from each key path to the 1-based (line, column) of the key (for
        mapping entries) or the item (for list items); the empty path maps to (1, 1).

    Raises:
        YamlReadError: a syntax error, an anchor or alias, a tag, a duplicate key, too deep
            nesting, or more than one document.
    """
    yaml = YAML(typ="safe", pure=False)
    positions: dict[tuple, tuple[int, int]] = {(): (1, 1)}
    # Frames: containers, their paths, pending mapping keys and kinds, kept in parallel stacks.
    containers: list = []
    paths: list[tuple] = []
    keys: list = []
    mapping: list[bool] = []
    root: list = []
    documents = 0
    scalar, mapping_start, sequence_start, ends = _SCALAR, _MAPPING_START, _SEQUENCE_START, _ENDS

    def fail(mark, message: str, path: tuple = ()) -> None:
        raise YamlReadError(YamlProblem(mark.line + 1, mark.column + 1, path, message))

    def child_path() -> tuple:
        if not containers:
            return ()
        if mapping[-1]:
            return (*paths[-1], keys[-1])
        return (*paths[-1], len(containers[-1]))

    try:
        for event in yaml.parse(text):
            kind = type(event)
            if kind is scalar or kind is mapping_start or kind is sequence_start:
                if event.anchor:
                    fail(event.start_mark, "YAML anchors (&name) are not allowed in scenario "
                                           "files; write the value out in full.", child_path())
                tag = event.tag
                if kind is scalar:
                    if tag is None and not event.style:
                        value = _resolve_plain(event.value)
                    elif tag in (None, "!", "tag:yaml.org,2002:str"):
                        value = event.value
                    else:
                        fail(event.start_mark, f"YAML tags such as {tag!r} are not allowed in "
                                               "scenario files.", child_path())
                    if isinstance(value, str) and not is_printable(value):
                        value = printable(value)  # "\e[31m" or "\0" in a quoted string
                else:
                    if tag not in (None, "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"):
                        fail(event.start_mark, f"YAML tags such as {tag!r} are not allowed in "
                                               "scenario files.", child_path())
                    if len(containers) >= MAX_DEPTH:
                        fail(event.start_mark, f"The file nests mappings and lists more than "
                                               f"{MAX_DEPTH} levels deep.", child_path())
                    if containers and mapping[-1] and keys[-1] is _NO_KEY:
                        fail(event.start_mark, "A key must be a plain word, not a list or "
                                               "mapping.", paths[-1])
                    value = {} if kind is mapping_start else []
                mark = event.start_mark
                if not containers:
                    root.append(value)
                elif mapping[-1]:
                    key = keys[-1]
                    if key is _NO_KEY:
                        if isinstance(value, bool):
                            value = str(value).lower()
                        elif not isinstance(value, (str, int)) and value is not None:
                            fail(mark, "A key must be a plain word, not a list, mapping or "
                                       "number.", paths[-1])
                        if value in containers[-1]:
                            fail(mark, f"The key {value!r} appears twice in the same mapping.",
                                 (*paths[-1], value))
                        keys[-1] = value
                        positions[(*paths[-1], value)] = (mark.line + 1, mark.column + 1)
                        continue
                    containers[-1][key] = value
                    keys[-1] = _NO_KEY
                else:
                    positions[(*paths[-1], len(containers[-1]))] = (mark.line + 1, mark.column + 1)
                    containers[-1].append(value)
                if kind is not scalar:
                    path = ((*paths[-1], key) if mapping[-1] else
                            (*paths[-1], len(containers[-1]) - 1)) if containers else ()
                    containers.append(value)
                    paths.append(path)
                    keys.append(_NO_KEY)
                    mapping.append(kind is mapping_start)
            elif kind in ends:
                containers.pop()
                paths.pop()
                keys.pop()
                mapping.pop()
            elif kind is _ALIAS:
                fail(event.start_mark, "YAML aliases (*name) are not allowed in scenario files; "
                                       "write the value out in full.", child_path())
            elif kind is _DOCUMENT_START:
                documents += 1
                if documents > 1:
                    fail(event.start_mark, "A scenario file holds one YAML document; remove the "
                                           "second '---' section.")
    except YamlReadError:
        raise
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = (error.problem or "invalid YAML").rstrip(".")
        context = f" {error.context}" if error.context else ""
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlReadError(YamlProblem(line, column, (), f"YAML syntax error: {problem}"
                                        f"{context}.")) from None
    except YAMLError as error:
        raise YamlReadError(YamlProblem(1, 1, (), f"YAML syntax error: {error}")) from None
    return (root[0] if root else None), positions


_KIND_NAMES: dict[type, str] = {}
for _name in ("StreamStartEvent", "StreamEndEvent", "DocumentStartEvent", "DocumentEndEvent",
              "AliasEvent", "ScalarEvent", "MappingStartEvent", "MappingEndEvent",
              "SequenceStartEvent", "SequenceEndEvent"):
    import ruamel.yaml.events as _events

    _KIND_NAMES[getattr(_events, _name)] = _name


_SCALAR = _events.ScalarEvent
_MAPPING_START = _events.MappingStartEvent
_SEQUENCE_START = _events.SequenceStartEvent
_ENDS = (_events.MappingEndEvent, _events.SequenceEndEvent)
_ALIAS = _events.AliasEvent
_DOCUMENT_START = _events.DocumentStartEvent


class _NoKey:
    def __repr__(self) -> str:
        return "<no key>"


_NO_KEY = _NoKey()
