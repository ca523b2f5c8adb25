"""`check` reports every problem of a file at once, even after type errors.

A section that fails the shape checks (a wrong type, a misspelt key) is salvaged so that the
references, sums and expressions of everything else are still checked, with no false problems
about the broken part.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from game.scenario.errors import ScenarioError
from game.scenario.load import load_scenario_text

BAD = Path(__file__).parent / "bad"
MANY = (BAD / "many-problems.yaml").read_text(encoding="utf-8")
GOOD = (Path(__file__).parents[2] / "scenarios" / "public-threat.yaml").read_text(encoding="utf-8")


def _problems(text: str) -> list[tuple[int, str, str]]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text, "x.yaml")
    return [(p.line, p.key_path, p.message) for p in caught.value.problems]


def test_ten_mistakes_of_every_kind_are_all_reported_and_located():
    found = _problems((BAD / "every-kind.yaml").read_text(encoding="utf-8"))
    located = {(line, path) for line, path, _ in found}
    expected = {
        (6, "difficulty"),                     # not one of the choices
        (7, "minutes"),                        # text where a whole number belongs
        (10, "parameters.a.value"),            # a list where a number belongs
        (14, "players[0].types"),              # priors add up to 5/6
        (19, "players[1].short_run"),          # text where true/false belongs
        (25, "nodes[0].title"),                # a list where text belongs
        (28, "nodes[0].moves[1].to"),          # a misspelt node id (in that same node)
        (38, "nodes[2].payof"),                # a misspelt key
        (42, "nodes[3].payoffs.challenger"),   # an expression that does not parse
        (49, "debrif"),                        # a misspelt top-level key
    }
    assert expected <= located
    assert len(found) == len(expected) + 1  # and the missing `payoffs` of nodes[2]


def test_a_broken_player_hides_no_other_problem_and_adds_none():
    text = MANY.replace("  - id: defender\n    name: State B", "  - name: State B")
    found = _problems(text)
    paths = [path for _, path, _ in found]
    assert "players[1].id" in paths or "players[1]" in paths
    assert "root" in paths and "nodes[3]" in paths  # the other problems are all still there
    assert not any("Unknown player" in message for _, _, message in found)


def test_a_prior_of_the_wrong_type_is_one_problem():
    text = MANY.replace("{id: irresolute, prior: 1/2}", "{id: irresolute, prior: [1, 2]}")
    found = _problems(text)
    assert [m for _, p, m in found if p.startswith("players")] == [
        "Expected a number or an expression, but found a list."]
    assert any(p == "nodes[2].payoffs.challenger" for _, p, _ in found)  # payoffs still checked


def test_parameters_that_are_not_a_mapping_give_no_unknown_parameter_problems():
    text = MANY.replace("parameters:\n  p: {value: 1/3, min: 0, max: 1, description: Prior "
                        "that A is resolved.}\n  a: {value: 1, min: 0, max: 5, description: "
                        "Audience cost.}", "parameters: [p, a]")
    assert text != MANY
    found = _problems(text)
    assert not any("parameter" in m.lower() and "Unknown" in m for _, _, m in found)
    assert any(p == "parameters" for _, p, _ in found) and any(p == "root" for _, p, _ in found)


def test_a_broken_parameter_is_known_but_not_evaluated():
    text = GOOD.replace("  a:\n    value: 1", "  a:\n    value: [1]")
    assert text != GOOD
    found = _problems(text)
    assert [p for _, p, _ in found] == ["parameters.a.value"]


def test_a_root_of_the_wrong_type_still_checks_the_nodes():
    found = _problems(MANY.replace("root: thret", "root: [thret]"))
    paths = [path for _, path, _ in found]
    assert paths.count("root") == 1 and "nodes[2].payoffs.challenger" in paths


def test_a_node_with_a_bad_optional_field_is_still_checked():
    text = MANY.replace("  - id: response\n    kind: decision",
                        "  - id: response\n    kind: decision\n    title: [x]\n    colour: red")
    found = _problems(text)
    paths = [path for _, path, _ in found]
    assert "nodes[1].title" in paths and "nodes[1].colour" in paths
    assert "root" in paths and "players[0].types" in paths


@pytest.mark.parametrize("kind", ["[terminal]", "{a: 1}", "3", "''"])
def test_a_node_kind_that_is_not_a_word_is_one_problem(kind):
    text = MANY.replace("kind: terminl", f"kind: {kind}")
    found = _problems(text)
    assert [p for _, p, _ in found].count("nodes[3]") + [p for _, p, _ in found].count(
        "nodes[3].kind") == 1


@pytest.mark.parametrize("nodes", ["nodes: {threat: 1}", "nodes: 3", ""])
def test_nodes_that_are_not_a_list_still_check_the_players(nodes):
    start = MANY.index("nodes:\n")
    found = _problems(MANY[:start] + nodes + "\n")
    paths = [path for _, path, _ in found]
    assert paths.count("nodes") == 1 and "players[0].types" in paths  # the priors' sum
    assert "root" not in paths  # no node ids are known: the root cannot be judged


def test_a_broken_type_does_not_make_the_player_look_type_less():
    text = MANY.replace("{id: irresolute, prior: 1/2}", "{id: [irresolute], prior: 1/2}")
    found = _problems(text)
    assert [p for _, p, _ in found if p.startswith("players")] == ["players[0].types[1].id"]
    assert not any("has no type" in message for _, _, message in found)
    assert "root" in [p for _, p, _ in found]


def test_a_broken_probability_is_one_problem():
    text = (Path(__file__).parents[2] / "scenarios" / "brinkmanship.yaml").read_text()
    assert "prob: 1/6," in text
    found = _problems(text.replace("prob: 1/6,", "prob: [1/6],", 1))
    assert len(found) == 1 and found[0][1].endswith(".prob")


def _paths(node, prefix=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*prefix, key)
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield (*prefix, index)
            yield from _paths(value, (*prefix, index))


def _documents():
    import json

    from game.scenario.yamlread import read_yaml

    folder = Path(__file__).parents[2] / "scenarios"
    return [json.loads(json.dumps(read_yaml(p.read_text(encoding="utf-8"))[0], default=str))
            for p in sorted(folder.glob("*.yaml"))]


DOCUMENTS = _documents()
CASES = [(k, path) for k, document in enumerate(DOCUMENTS) for path in _paths(document)]


@pytest.mark.parametrize("wrong", [[1, 2], {"x": 1}])
def test_one_wrong_type_anywhere_gives_problems_only_there(wrong):
    """Every key of every shipped scenario, given a value of the wrong type: each problem is
    at that key or below it; nothing else is reported (no false problems after a type error)."""
    import copy
    import json

    from game.scenario.errors import format_path

    for k, path in CASES:
        document = copy.deepcopy(DOCUMENTS[k])
        parent = document
        for part in path[:-1]:
            parent = parent[part]
        if isinstance(parent[path[-1]], (list, dict)) and wrong == [1, 2] and path[-1] in (
                "concepts", "debrief", "discussion", "references"):
            continue  # a list where a list belongs is not a mistake
        parent[path[-1]] = wrong
        try:
            load_scenario_text(json.dumps(document), "x.yaml")
        except ScenarioError as error:
            where = format_path(path)
            for problem in error.problems:
                related = (problem.key_path.startswith(where)
                           or where.startswith(problem.key_path + ".")
                           or where.startswith(problem.key_path + "[")
                           # a mapping of parameters that no longer declares the ones used
                           or (path == ("parameters",) and "parameter" in problem.message)
                           # actions [1, 2] are the (whole-number) actions 1 and 2
                           or (path[-2:-1] == ("actions",) and (
                               "has no action" in problem.message
                               or "No entry says where" in problem.message)))
                assert related, (where, problem.format())
