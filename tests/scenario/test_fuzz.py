"""Fuzzing the scenario loader: any input gives a model or located problems, never a crash."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from game.scenario.errors import ScenarioError
from game.scenario.load import load_scenario_text
from game.scenario.yamlread import read_yaml

SCENARIOS = sorted((Path(__file__).parents[2] / "scenarios").glob("*.yaml"))
DOCUMENTS = [read_yaml(p.read_text(encoding="utf-8"))[0] for p in SCENARIOS]


def _load(text: str) -> None:
    try:
        load_scenario_text(text, "fuzz.yaml")
    except ScenarioError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.line >= 1 and problem.column >= 1 and problem.message


@given(st.text(max_size=400))
def test_random_text_never_crashes(text):
    _load(text)


scalars = st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=12) | \
    st.sampled_from(["1/3", "-a", "p", "terminal", "decision", "chance", "x^2", "1/0", "0.1"])
trees = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) |
                     st.dictionaries(st.sampled_from(["id", "kind", "to", "moves", "nodes",
                                                      "players", "payoffs", "types", "prior",
                                                      "root", "title", "action", "x"]),
                                     inner, max_size=5), max_leaves=30)


@given(trees)
def test_random_structures_never_crash(tree):
    _load(json.dumps(tree, default=str))


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


def _mutate(document, path, mutation, replacement):
    import copy

    doc = copy.deepcopy(document)
    if not path:
        return replacement
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if mutation == "delete":
        del parent[last]
    elif mutation == "replace":
        parent[last] = replacement
    elif mutation == "duplicate" and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[last]))
    elif mutation == "rename" and isinstance(parent, dict):
        parent[str(last) + "x"] = parent.pop(last)
    return doc


@st.composite
def mutated_documents(draw):
    document = draw(st.sampled_from(DOCUMENTS))
    for _ in range(draw(st.integers(1, 3))):
        paths = list(_paths(document))
        path = draw(st.sampled_from(paths))
        mutation = draw(st.sampled_from(["delete", "replace", "duplicate", "rename"]))
        replacement = draw(trees)
        if path:
            document = _mutate(document, path, mutation, replacement)
    return document


@given(mutated_documents())
def test_mutated_scenarios_never_crash(document):
    _load(json.dumps(document, default=str))


def test_an_unchanged_scenario_loads_from_json_too():
    for document in DOCUMENTS:
        load_scenario_text(json.dumps(document, default=str), "same.yaml")


def test_size_and_node_limits():
    big = "# " + "x" * 1_000_001
    try:
        load_scenario_text(big, "big.yaml")
    except ScenarioError as error:
        assert "larger than 1 MB" in error.problems[0].message
    nodes = [{"id": f"n{i}", "kind": "terminal", "outcome": "o", "payoffs": {}} for i in range(10_001)]
    document = {"id": "many", "title": "t", "players": [], "root": "n0", "nodes": nodes}
    try:
        load_scenario_text(json.dumps(document), "many.yaml")
    except ScenarioError as error:
        assert "10,001 nodes" in error.problems[0].message


def test_an_alias_bomb_is_refused_quickly():
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for k in range(1, 12):
        lines.append(f"a{k}: &a{k} [*a{'' if k == 1 else k - 1}, *a{'' if k == 1 else k - 1}]")
    try:
        load_scenario_text("\n".join(lines), "bomb.yaml")
    except ScenarioError as error:
        assert "anchors" in error.problems[0].message
