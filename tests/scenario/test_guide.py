"""The instructor's guide, the schema, the glossary and the starter files stay true."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from game.cli import main
from game.scenario.concepts import load_concepts
from game.scenario.load import load_scenario, load_scenario_text
from game.scenario.reference import BEGIN, END, json_schema, key_reference
from game.solver.solve import solve
from game.model.expand import expand_game

ROOT = Path(__file__).parents[2]
GUIDE = ROOT / "scenarios" / "README.md"
REQUIRED_CONCEPTS = {
    "credibility", "commitment", "costly-signalling", "audience-costs", "tying-hands",
    "sinking-costs", "reputation", "brinkmanship", "escalation-risk", "red-lines",
    "stability-instability", "off-path-beliefs", "pooling-and-separating",
    "subgame-perfection", "bayesian-updating",
}


def test_the_key_reference_matches_the_models():
    text = GUIDE.read_text(encoding="utf-8")
    committed = text[text.index(BEGIN):text.index(END) + len(END)]
    assert committed == key_reference(), (
        "scenarios/README.md is out of date: run `uv run python -m game.scenario.reference "
        "--write`")


def test_the_json_schema_matches_the_models():
    committed = (ROOT / "scenarios" / "scenario.schema.json").read_text(encoding="utf-8")
    assert committed == json_schema(), (
        "scenarios/scenario.schema.json is out of date: run `uv run python -m "
        "game.scenario.reference --write`")
    schema = json.loads(committed)
    assert schema["additionalProperties"] is False
    assert "nodes" in schema["required"]


def test_the_tutorial_builds_a_scenario_that_loads_and_solves():
    blocks = re.findall(r"```yaml\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    tutorial = "".join(blocks[:5])
    spec = load_scenario_text(tutorial, "tutorial.yaml",
                              known_concepts={c.id for c in load_concepts()})
    result = solve(expand_game(spec))
    assert result.equilibria


def test_every_error_quoted_in_the_guide_is_what_check_prints():
    quoted = re.findall(r"`([a-z-]+\.yaml:\d+:\d+  .*?)` \|", GUIDE.read_text(encoding="utf-8"))
    assert len(quoted) >= 6
    for line in quoted:
        golden = ROOT / "tests" / "scenario" / "bad" / line.split(".yaml")[0]
        expected = golden.with_suffix(".expected.txt").read_text(encoding="utf-8").splitlines()
        assert line in expected


def test_the_glossary_has_every_required_concept():
    concepts = load_concepts()
    ids = [c.id for c in concepts]
    assert len(ids) == len(set(ids))
    assert REQUIRED_CONCEPTS <= set(ids)
    assert all(c.definition and c.literature for c in concepts)


def test_glossary_scenarios_match_the_scenarios_tags():
    tagged: dict[str, set[str]] = {}
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        spec = load_scenario(path)
        for concept in spec.concepts:
            tagged.setdefault(concept, set()).add(spec.id)
    for concept in load_concepts():
        assert set(concept.scenarios) == tagged.get(concept.id, set()), concept.id


def test_check_fails_an_unknown_concept(tmp_path, capsys):
    text = (ROOT / "scenarios" / "deterrence-baseline.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "deterrence-baseline.yaml"
    bad.write_text(text.replace("concepts: [credibility,", "concepts: [credibilty,"))
    assert main(["check", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "credibilty" in err and "Did you mean 'credibility'?" in err


def test_concepts_command(capsys):
    assert main(["concepts"]) == 0
    assert "stability-instability" in capsys.readouterr().out
    assert main(["concepts", "reputation"]) == 0
    assert "chain-store" in capsys.readouterr().out
    with pytest.raises(SystemExit) as caught:
        main(["concepts", "reputaton"])
    assert caught.value.code == 2
    assert "Did you mean 'reputation'?" in capsys.readouterr().err


def test_new_writes_a_starter_that_validates(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["new", "my-threat"]) == 0
    spec = load_scenario(tmp_path / "my-threat.yaml",
                         known_concepts={c.id for c in load_concepts()})
    assert spec.id == "my-threat"
    assert "#" in (tmp_path / "my-threat.yaml").read_text()  # commented for instructors
    assert main(["new", "copy", "--from", "chain-store"]) == 0
    assert load_scenario(tmp_path / "copy.yaml").id == "copy"
    before = (tmp_path / "my-threat.yaml").read_text()
    with pytest.raises(SystemExit) as caught:
        main(["new", "my-threat"])
    assert caught.value.code == 2
    assert (tmp_path / "my-threat.yaml").read_text() == before  # nothing the user made is lost
    with pytest.raises(SystemExit):
        main(["new", "Bad Name!"])


def test_the_limits_table_states_the_limits_the_code_enforces():
    from game.model.expand import MAX_EXPANDED_NODES
    from game.model.expr import MAX_DIGITS, MAX_LITERAL_DIGITS, MAX_POWER
    from game.scenario import schema
    from game.scenario.efg_read import MAX_EFG_BYTES, MAX_EFG_NODES
    from game.scenario.exprparse import MAX_EXPRESSION_LENGTH, MAX_NESTING
    from game.scenario.load import MAX_FILE_BYTES, MAX_NODES
    from game.scenario.yamlread import MAX_DEPTH

    def limit(model, field: str, kind: str = "max_length"):
        for item in model.model_fields[field].metadata:
            if hasattr(item, kind):
                return getattr(item, kind)
        raise AssertionError(f"{model.__name__}.{field} has no {kind}")

    text = GUIDE.read_text(encoding="utf-8")
    table = text[text.index("## Limits"):text.index("## Key reference")]
    rows = dict(re.findall(r"^\| (.+?) \| (.+?) \|$", table, re.M))

    def row(start: str) -> str:
        return next(value for key, value in rows.items() if key.startswith(start))

    assert row("file size") == (f"{MAX_FILE_BYTES // 1_000_000} MB (a `.efg` file: "
                                f"{MAX_EFG_BYTES // 1_000_000} MB)")
    assert row("nodes declared") == f"{MAX_NODES:,}"
    assert row("the expanded game").startswith(f"{MAX_EXPANDED_NODES:,} nodes")
    assert MAX_EFG_NODES == MAX_EXPANDED_NODES
    assert row("players") == f"exactly {limit(schema.ScenarioSpec, 'players')}"
    assert row("private types") == str(limit(schema.PlayerSpec, "types"))
    assert row("moves at") == str(limit(schema.DecisionSpec, "moves"))
    assert limit(schema.ChanceSpec, "moves") == limit(schema.DecisionSpec, "moves")
    assert row("actions per player").startswith("20") and "400" in row("actions per player")
    assert limit(schema.SimultaneousSpec, "next") == 400
    assert row("campaign rounds") == (f"{limit(schema.CampaignSpec, 'rounds', 'ge')} to "
                                      f"{limit(schema.CampaignSpec, 'rounds', 'le')}")
    assert row("ids").startswith("40 characters")
    assert row("parameter names").startswith("40 characters")
    assert row("a text").startswith("4,000 characters")
    assert row("discussion") == str(limit(schema.ScenarioSpec, "discussion"))
    assert row("`minutes`") == "1 to 180"
    assert row("an expression") == (f"{MAX_EXPRESSION_LENGTH} characters, parentheses "
                                    f"{MAX_NESTING} deep")
    assert row("a power") == f"a whole-number exponent from -{MAX_POWER} to {MAX_POWER}"
    assert row("a number written").startswith(f"{MAX_LITERAL_DIGITS} digits")
    assert row("every value computed").startswith(f"{MAX_DIGITS} digits")
    assert row("nesting of mappings") == f"{MAX_DEPTH} levels"


def test_an_expression_may_nest_exactly_40_parentheses():
    from game.scenario.exprparse import ExpressionSyntaxError, parse_expression

    assert parse_expression("(" * 40 + "1" + ")" * 40) is not None
    with pytest.raises(ExpressionSyntaxError, match="more than 40 deep"):
        parse_expression("(" * 41 + "1" + ")" * 41)
