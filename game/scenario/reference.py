"""Generates the scenario key reference (Markdown) and the JSON Schema from the pydantic models.

The field docstrings in `game.scenario.schema` are the single source: `scenarios/README.md`
holds the generated reference between two marker lines, and `scenarios/scenario.schema.json`
is the schema; a test fails when either disagrees with the models. Regenerate both with
`uv run python -m game.scenario.reference --write`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from game.scenario import schema

BEGIN = "<!-- BEGIN GENERATED KEY REFERENCE (python -m game.scenario.reference --write) -->"
END = "<!-- END GENERATED KEY REFERENCE -->"

SECTIONS: tuple[tuple[str, type[BaseModel]], ...] = (
    ("The file (top level)", schema.ScenarioSpec),
    ("`parameters.NAME`", schema.ParameterSpec),
    ("`players[]`", schema.PlayerSpec),
    ("`players[].types[]`", schema.TypeSpec),
    ("`references[]`", schema.ReferenceSpec),
    ("`campaign`", schema.CampaignSpec),
    ("`nodes[]` with `kind: decision`", schema.DecisionSpec),
    ("`moves[]` of a decision or chance node", schema.MoveSpec),
    ("`nodes[]` with `kind: chance`", schema.ChanceSpec),
    ("`nodes[]` with `kind: simultaneous`", schema.SimultaneousSpec),
    ("`actions[]` of a simultaneous node", schema.ActionSpec),
    ("`nodes[]` with `kind: terminal`", schema.TerminalSpec),
)


def _type_text(annotation: Any) -> str:
    """A reader's name for a field's type: text, number, expression, list of X, ..."""
    import types
    import typing
    from decimal import Decimal

    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_text(args[0])
    if origin in (typing.Union, types.UnionType):
        names = [a for a in args if a is not type(None)]
        if set(names) == {int, Decimal, str}:
            return "expression"
        inner = " or ".join(dict.fromkeys(_type_text(a) for a in names))
        return inner
    if origin is list:
        return f"list of {_type_text(args[0])}"
    if origin is dict:
        return f"mapping {_type_text(args[0])} -> {_type_text(args[1])}"
    if origin is typing.Literal:
        return " / ".join(f"`{a}`" for a in args)
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return annotation.__name__.removesuffix("Spec").lower()
        return {str: "text", int: "integer", bool: "true/false", Decimal: "number"}.get(
            annotation, annotation.__name__)
    return str(annotation)


def _default_text(field) -> str:
    if field.is_required():
        return "required"
    default = field.get_default(call_default_factory=True)
    if default in (None, "", [], {}):
        return "optional"
    return f"default `{default}`"


def key_reference() -> str:
    """The Markdown reference of every key, from the models' docstrings."""
    lines = [BEGIN, ""]
    for title, model in SECTIONS:
        lines.append(f"#### {title}")
        lines.append("")
        doc = " ".join((model.__doc__ or "").split())
        if doc:
            lines.append(doc)
            lines.append("")
        lines.append("| key | type | | meaning |")
        lines.append("|---|---|---|---|")
        for name, field in model.model_fields.items():
            description = " ".join((field.description or "").split()).replace("|", "\\|")
            kind = _type_text(field.annotation).replace("|", "\\|")
            lines.append(f"| `{name}` | {kind} | {_default_text(field)} | {description} |")
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def json_schema() -> str:
    """The JSON Schema of a scenario file, as committed at `scenarios/scenario.schema.json`."""
    document = schema.ScenarioSpec.model_json_schema()
    document = {"$schema": "https://json-schema.org/draft/2020-12/schema",
                "$id": "scenario.schema.json", **document}
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def with_reference(readme: str) -> str:
    """The README text with its generated section replaced by the current reference."""
    start, end = readme.index(BEGIN), readme.index(END) + len(END)
    return readme[:start] + key_reference() + readme[end:]


def main(argv: list[str] | None = None) -> int:
    """`python -m game.scenario.reference [--write]`: print or rewrite both files."""
    args = sys.argv[1:] if argv is None else argv
    root = Path(__file__).resolve().parents[2] / "scenarios"
    if "--write" in args:
        readme = root / "README.md"
        readme.write_text(with_reference(readme.read_text(encoding="utf-8")), encoding="utf-8")
        (root / "scenario.schema.json").write_text(json_schema(), encoding="utf-8")
        print(f"wrote {readme} and {root / 'scenario.schema.json'}")
    else:
        try:
            print(key_reference())
        except BrokenPipeError:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
