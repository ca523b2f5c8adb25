"""Provides `read_yaml`: YAML 1.2 text -> plain data plus the line and column of every key.

Parsing uses ruamel.yaml's event stream (its C parser when available, so large files load
fast); the tree is composed here so that anchors and aliases can be refused (no alias bombs),
nesting depth is bounded, and plain scalars are resolved by the YAML 1.2 core schema
(`yes` stays a string; `0.1` stays the exact decimal 1/10).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

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


def _resolve_plain(text: str):
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if _INT.match(text):
        return int(text)
    if _OCT.match(text):
        return int(text[2:], 8)
    if _HEX.match(text):
        return int(text[2:], 16)
    if _FLOAT.match(text):
        return Decimal(text)
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
    stack: list[list] = []  # frames: [container, path, pending_key, is_mapping]
    root: list = []
    documents = 0

    def fail(mark, message: str, path: tuple = ()) -> None:
        raise YamlReadError(YamlProblem(mark.line + 1, mark.column + 1, path, message))

    def attach(value, mark) -> None:
        if not stack:
            root.append(value)
            return
        frame = stack[-1]
        container, path, _, is_mapping = frame
        if is_mapping:
            if frame[2] is _NO_KEY:
                if not isinstance(value, (str, int, bool)) and value is not None:
                    fail(mark, "a key must be a plain word, not a list, mapping or number", path)
                key = value if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else value
                if key in container:
                    fail(mark, f"the key {key!r} appears twice in the same mapping", (*path, key))
                frame[2] = key
                positions[(*path, key)] = (mark.line + 1, mark.column + 1)
            else:
                container[frame[2]] = value
                frame[2] = _NO_KEY
        else:
            positions[(*path, len(container))] = (mark.line + 1, mark.column + 1)
            container.append(value)

    def child_path() -> tuple:
        if not stack:
            return ()
        container, path, key, is_mapping = stack[-1]
        return (*path, key) if is_mapping else (*path, len(container))

    try:
        for event in yaml.parse(text):
            kind = event.__class__.__name__
            if kind == "DocumentStartEvent":
                documents += 1
                if documents > 1:
                    fail(event.start_mark, "a scenario file holds one YAML document; remove the "
                                           "second '---' section")
                continue
            if kind in ("StreamStartEvent", "StreamEndEvent", "DocumentEndEvent"):
                continue
            if kind == "AliasEvent":
                fail(event.start_mark, "YAML aliases (*name) are not allowed in scenario files; "
                                       "write the value out in full", child_path())
            if getattr(event, "anchor", None):
                fail(event.start_mark, "YAML anchors (&name) are not allowed in scenario files; "
                                       "write the value out in full", child_path())
            tag = getattr(event, "tag", None)
            if kind == "ScalarEvent":
                if tag not in (None, "!", "tag:yaml.org,2002:str"):
                    fail(event.start_mark, f"YAML tags such as {tag!r} are not allowed in "
                                           "scenario files", child_path())
                if not event.style and tag is None:
                    value = _resolve_plain(event.value)
                else:
                    value = event.value
                attach(value, event.start_mark)
            elif kind in ("MappingStartEvent", "SequenceStartEvent"):
                if tag not in (None, "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"):
                    fail(event.start_mark, f"YAML tags such as {tag!r} are not allowed in "
                                           "scenario files", child_path())
                if len(stack) >= MAX_DEPTH:
                    fail(event.start_mark, f"the file nests mappings and lists more than "
                                           f"{MAX_DEPTH} levels deep", child_path())
                is_mapping = kind == "MappingStartEvent"
                container: object = {} if is_mapping else []
                if stack and stack[-1][3] and stack[-1][2] is _NO_KEY:
                    fail(event.start_mark, "a key must be a plain word, not a list or mapping",
                         stack[-1][1])
                path = child_path()
                attach(container, event.start_mark)
                stack.append([container, path, _NO_KEY, is_mapping])
            elif kind in ("MappingEndEvent", "SequenceEndEvent"):
                stack.pop()
    except YamlReadError:
        raise
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = (error.problem or "invalid YAML").rstrip(".")
        context = f" {error.context}" if error.context else ""
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlReadError(YamlProblem(line, column, (), f"YAML syntax error: {problem}"
                                        f"{context}")) from None
    except YAMLError as error:
        raise YamlReadError(YamlProblem(1, 1, (), f"YAML syntax error: {error}")) from None
    return (root[0] if root else None), positions


class _NoKey:
    def __repr__(self) -> str:
        return "<no key>"


_NO_KEY = _NoKey()
