"""Provides `salvage`: the usable part of a file section that failed the shape checks.

When a section of a scenario fails pydantic validation, its problems are reported first; then
the section is salvaged so that the semantic checks can still run on everything else and
report every problem of the file at once. Salvaging drops unknown keys, gives optional fields
with bad values their defaults, and, where the checks know how to skip it, stands a
placeholder in for a bad required value, recording its key path as *broken* so that no check
reports anything about it. A section whose bad part cannot be replaced is not salvaged.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from functools import cache
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

_BAD = object()
"""A value that failed validation and has no replacement."""
_NO_DEFAULT = {("PlayerSpec", "types"), ("MoveSpec", "prob")}
"""Optional fields whose default would mislead the checks when the value is bad (a player
without its types; a chance move without its probability): the section is not salvaged."""


@cache
def _adapter(annotation: Any) -> TypeAdapter:
    return TypeAdapter(annotation)


def _field_type(field) -> Any:
    """The field's annotation with its constraints (lengths, bounds), as pydantic checks it."""
    if field.metadata:
        return typing.Annotated[(field.annotation, *field.metadata)]
    return field.annotation


def _strip_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(members) == 1:
            return members[0]
    return annotation


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def salvage(model: type[BaseModel], raw: object, path: tuple = (),
            broken: set[tuple] | None = None,
            placeholders: Mapping[tuple[type, str], object] | None = None) -> BaseModel | None:
    """Validates what can be kept of `raw` as `model`; None when nothing usable remains.

    Args:
        model: the pydantic model of the section.
        raw: the section's data as read from the file.
        path: the section's key path (for `broken`).
        broken: receives the key path of every placeholder used.
        placeholders: (model, field name) -> a value standing in for a bad required field.
    """
    if not isinstance(raw, dict):
        return None
    broken = broken if broken is not None else set()
    placeholders = placeholders or {}
    values: dict[str, object] = {}
    for name, field in model.model_fields.items():
        if name not in raw:
            if field.is_required():
                if (model, name) not in placeholders:
                    return None
                values[name] = placeholders[(model, name)]
                broken.add((*path, name))
            continue
        value = _salvage_value(_field_type(field), field.annotation, raw[name], (*path, name),
                               broken, placeholders)
        if value is _BAD:
            if not field.is_required() and (model.__name__, name) not in _NO_DEFAULT:
                continue  # the default stands in
            if (model, name) not in placeholders:
                return None
            value = placeholders[(model, name)]
            broken.add((*path, name))
        values[name] = value
    try:
        return model.model_validate(values)
    except ValidationError:
        return None


def _salvage_value(checked: Any, annotation: Any, raw: object, path: tuple, broken: set[tuple],
                   placeholders: Mapping[tuple[type, str], object]) -> object:
    """`raw` if it validates as `checked`; else its salvaged parts, or `_BAD`."""
    try:
        _adapter(checked).validate_python(raw)
        return raw
    except ValidationError:
        pass
    inner = _strip_optional(annotation)
    origin, args = typing.get_origin(inner), typing.get_args(inner)
    if _is_model(inner):
        result = salvage(inner, raw, path, broken, placeholders)
        return _BAD if result is None else result
    if origin is list and args and _is_model(args[0]) and isinstance(raw, list):
        items = [salvage(args[0], item, (*path, index), broken, placeholders)
                 for index, item in enumerate(raw)]
        if any(item is None for item in items):
            return _BAD
        try:
            _adapter(checked).validate_python(items)
        except ValidationError:
            return _BAD  # the list itself is wrong (too long, too short)
        return items
    return _BAD


def salvage_mapping(model: type[BaseModel], raw: object, path: tuple,
                    broken: set[tuple]) -> tuple[dict[str, BaseModel], set[str]]:
    """Salvages a mapping of names to sections (the parameters).

    Returns:
        The usable entries, and the names (text keys) of the entries that are not usable.
    """
    if not isinstance(raw, dict):
        return {}, set()
    usable: dict[str, BaseModel] = {}
    lost: set[str] = set()
    for name, value in raw.items():
        result = salvage(model, value, (*path, name), broken)
        if result is None or not isinstance(name, str):
            if isinstance(name, str):
                lost.add(name)
            continue
        usable[name] = result
    return usable, lost


def salvage_shell(data: dict) -> tuple[BaseModel | None, set[tuple], set[str]]:
    """Salvages a scenario's top level (its `nodes` already replaced by a placeholder).

    Returns:
        The salvaged `ScenarioSpec` (None if even that fails), the broken key paths (placeholders
        the checks must skip: `root`, `nodes`, `players`, a type's `prior`, a parameter's
        `value`), and the names of parameters that could not be salvaged (known, but without
        a value).
    """
    from game.scenario.schema import ParameterName, ParameterSpec, ScenarioSpec, TypeSpec

    broken: set[tuple] = set()
    placeholders: dict[tuple[type, str], object] = {
        (ScenarioSpec, "id"): "invalid",
        (ScenarioSpec, "title"): "",
        (ScenarioSpec, "root"): "invalid",
        (ScenarioSpec, "players"): [{"id": "first"}, {"id": "second"}],
        (ScenarioSpec, "nodes"): [{"kind": "terminal", "id": "x", "outcome": "x", "payoffs": {}}],
        (TypeSpec, "prior"): 0,
        (ParameterSpec, "value"): 0,
    }
    data = dict(data)
    lost: set[str] = set()
    if "parameters" in data and not isinstance(data["parameters"], dict):
        broken.add(("parameters",))  # no names known: references cannot be judged
    if isinstance(data.get("parameters"), dict):
        usable, lost = salvage_mapping(ParameterSpec, data["parameters"], ("parameters",), broken)
        names = _adapter(ParameterName)
        for name in list(usable):
            try:
                names.validate_python(name)
            except ValidationError:
                lost.add(name)
                del usable[name]
        data["parameters"] = usable
        for path in [p for p in broken if p[:1] == ("parameters",)]:
            lost.add(path[1])  # a placeholder value: the parameter is known but has none
    shell = salvage(ScenarioSpec, data, (), broken, placeholders)
    return shell, broken, lost


def salvage_node(raw: object) -> BaseModel | None:
    """Salvages one node of the stage tree (its kind must be valid); None if not usable."""
    from game.scenario.schema import ChanceSpec, DecisionSpec, SimultaneousSpec, TerminalSpec

    if not isinstance(raw, dict) or not isinstance(raw.get("kind"), str):
        return None
    model = {"decision": DecisionSpec, "chance": ChanceSpec, "simultaneous": SimultaneousSpec,
             "terminal": TerminalSpec}.get(raw["kind"])
    return None if model is None else salvage(model, raw)
