"""Provides `load_scenario`: a scenario file -> `GameSpec`, or every problem, located.

The pipeline: size limit -> YAML 1.2 with positions (`yamlread`) -> pydantic shape checks
(`schema`, one node at a time so that every node's problems are reported) -> the semantic pass
(`check`: references, the tree, expressions, probabilities, payoffs) -> the model. A section
that fails the shape checks is salvaged (`salvage`) so that the semantic pass still checks
everything else: a file's problems are all reported at once.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from fractions import Fraction
from pathlib import Path

from pydantic import BaseModel, TypeAdapter, ValidationError

from game.model.expr import MAX_LITERAL_DIGITS
from game.model.spec import GameSpec
from game.scenario.errors import ScenarioError, ScenarioProblem, format_path
from game.scenario.messages import rewrite
from game.scenario.salvage import salvage_node, salvage_shell
from game.scenario.schema import NodeSpec, ScenarioSpec
from game.scenario.yamlread import OversizedNumber, YamlReadError, read_yaml

MAX_FILE_BYTES = 1_000_000
"""The largest scenario file accepted."""
MAX_NODES = 10_000
"""The most nodes a scenario may declare."""

_NODE_ADAPTER: TypeAdapter = TypeAdapter(NodeSpec)
_NODE_MODELS = {cls.model_fields["kind"].annotation.__args__[0]: cls
                for cls in NodeSpec.__origin__.__args__} if hasattr(NodeSpec, "__origin__") else {}


class _Problems:
    """Collects (path, message) pairs and locates them in the file."""

    def __init__(self, file: str, positions: dict[tuple, tuple[int, int]]) -> None:
        self.file = file
        self.positions = positions
        self.items: list[ScenarioProblem] = []

    def add(self, path: tuple, message: str) -> None:
        probe = tuple(path)
        while probe not in self.positions and probe:
            probe = probe[:-1]
        line, column = self.positions.get(probe, (1, 1))
        problem = ScenarioProblem(line, column, format_path(tuple(path)), message, self.file)
        if problem not in self.items:
            self.items.append(problem)


def _clean_loc(data: object, loc: tuple) -> tuple:
    """Drops the parts of a pydantic location that are not keys in the data (union members)."""
    node = data
    path: list = []
    for part in loc:
        if isinstance(node, dict) and part in node:
            path.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and part not in (
                "int", "decimal", "str", "dict[str,union[int,decimal,str]]",
                "decision", "chance", "simultaneous", "terminal", "ActionSpec",
                "function-after[...]") and not part.startswith(("dict[", "list[", "union[",
                                                                "function-", "constrained-")):
            path.append(part)  # a missing or unknown key
            node = None
        else:
            continue
    return tuple(path)


def _fields_at(model: type[BaseModel] | None, data: object, path: tuple) -> list[str]:
    """Returns the field names of the model found at `path` (for "did you mean")."""
    names: set[str] = set()
    for cls in _all_models():
        names.update(cls.model_fields)
    return sorted(names)


def _all_models() -> list[type[BaseModel]]:
    from game.scenario import schema

    return [obj for obj in vars(schema).values()
            if isinstance(obj, type) and issubclass(obj, BaseModel) and obj is not schema.Strict]


def oversized_message(value: OversizedNumber) -> str:
    """The sentence for a number with too many digits."""
    return (f"The number {value.shown()} has too many digits: a number in a scenario may have "
            f"at most {MAX_LITERAL_DIGITS} digits above and below the fraction line (0.25 "
            "counts as 25/100).")


def _report_validation(problems: _Problems, error: ValidationError, data: object,
                       prefix: tuple = ()) -> None:
    """Adds every pydantic error, rewritten and located, collapsing union-member duplicates."""
    grouped: dict[tuple, list[dict]] = {}
    for item in error.errors():
        path = _clean_loc(data, item["loc"])
        grouped.setdefault(path, []).append(item)
    for path, items in grouped.items():
        kinds = {item["type"] for item in items}
        value = items[0].get("input")
        if isinstance(value, OversizedNumber):
            problems.add((*prefix, *path), oversized_message(value))
            continue
        if len(items) > 1 and kinds <= {"int_type", "decimal_type", "string_type", "dict_type",
                                        "decimal_parsing", "int_parsing", "model_type",
                                        "is_instance_of", "model_attributes_type"}:
            from game.scenario.messages import describe

            if "dict_type" in kinds and "decimal_type" in kinds and "model_type" not in kinds:
                problems.add((*prefix, *path),
                             f"Expected a payoff (a number or an expression) or a mapping by "
                             f"type, but found {describe(value)}.")
            elif "model_type" in kinds:
                problems.add((*prefix, *path),
                             f"Expected an action id or a mapping with `action` and `label`, "
                             f"but found {describe(value)}.")
            else:
                problems.add((*prefix, *path),
                             f"Expected a number or an expression, but found {describe(value)}.")
            continue
        for item in items:
            problems.add((*prefix, *path), rewrite(item, _fields_at(None, data, path)))


def load_scenario_text(text: str, file: str = "<scenario>",
                       known_concepts: Collection[str] | None = None,
                       values: Mapping[str, Fraction] | None = None) -> GameSpec:
    """Loads a scenario from YAML text.

    Args:
        text: the file's content.
        file: the name used in problem locations.
        known_concepts: concept ids a scenario may tag (None: not checked).
        values: parameter overrides, checked against each parameter's min and max.

    Raises:
        ScenarioError: with every problem found, each located to line, column and key.
    """
    from game.scenario.check import check_and_build

    if len(text.encode("utf-8", errors="replace")) > MAX_FILE_BYTES:
        raise ScenarioError([ScenarioProblem(1, 1, "", f"The file is larger than "
                                             f"{MAX_FILE_BYTES // 1_000_000} MB; scenario files "
                                             "must be smaller.", file)])
    try:
        data, positions = read_yaml(text)
    except YamlReadError as error:
        p = error.problem
        raise ScenarioError([ScenarioProblem(p.line, p.column, format_path(p.path), p.message,
                                             file)]) from None
    problems = _Problems(file, positions)
    if not isinstance(data, dict):
        problems.add((), "A scenario file must be a mapping of keys (id, title, players, "
                         "nodes, ...) to values.")
        raise ScenarioError(problems.items)
    raw_nodes = data.get("nodes")
    if isinstance(raw_nodes, list) and len(raw_nodes) > MAX_NODES:
        problems.add(("nodes",), f"The scenario declares {len(raw_nodes):,} nodes; the limit is "
                                 f"{MAX_NODES:,}.")
        raise ScenarioError(problems.items)

    shell_data = dict(data)
    node_list = raw_nodes if isinstance(raw_nodes, list) else None
    if node_list is not None:
        shell_data["nodes"] = [{"kind": "terminal", "id": "x", "outcome": "x", "payoffs": {}}]
    shell: ScenarioSpec | None = None
    broken: set[tuple] = set()
    lost: set[str] = set()
    try:
        shell = ScenarioSpec.model_validate(shell_data)
    except ValidationError as error:
        _report_validation(problems, error, data)
        # Keep checking what is usable, so that every problem is reported at once.
        salvaged, broken, lost = salvage_shell(shell_data)
        shell = salvaged if isinstance(salvaged, ScenarioSpec) else None
    nodes = []
    if node_list is not None:
        for index, raw in enumerate(node_list):
            try:
                nodes.append((index, _NODE_ADAPTER.validate_python(raw)))
            except ValidationError as error:
                _report_validation(problems, error, raw, ("nodes", index))
                node = salvage_node(raw)
                if node is not None:
                    nodes.append((index, node))
    spec = None
    if shell is not None:
        spec = check_and_build(shell, nodes, node_list or [], problems.add,
                               known_concepts=known_concepts, values=values, source=file,
                               broken=broken, lost_parameters=lost, build=not problems.items)
    if problems.items:
        raise ScenarioError(problems.items)
    assert spec is not None
    return spec


def load_scenario(path: str | Path, known_concepts: Collection[str] | None = None,
                  values: Mapping[str, Fraction] | None = None) -> GameSpec:
    """Loads a scenario file.

    Raises:
        ScenarioError: the file cannot be read, or has problems (every one, located).
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        reason = error.strerror or str(error)
        raise ScenarioError([ScenarioProblem(1, 1, "", f"The file cannot be read: {reason}.",
                                             str(path))]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise ScenarioError([ScenarioProblem(1, 1, "", f"The file is larger than "
                                             f"{MAX_FILE_BYTES // 1_000_000} MB; scenario files "
                                             "must be smaller.", str(path))])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ScenarioError([ScenarioProblem(1, 1, "", f"The file is not UTF-8 text (byte "
                                             f"{error.start}).", str(path))]) from None
    return load_scenario_text(text, str(path), known_concepts=known_concepts, values=values)
