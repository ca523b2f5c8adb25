"""Loading good scenarios: exact numbers, positions, overrides, and the shipped library."""

from __future__ import annotations

from fractions import Fraction as F
from pathlib import Path

import pytest

from game.model.expand import expand_game
from game.model.expr import evaluate
from game.scenario.errors import ScenarioError
from game.scenario.library import resolve, shipped
from game.scenario.load import load_scenario, load_scenario_text
from game.scenario.yamlread import read_yaml

SCENARIOS = sorted((Path(__file__).parents[2] / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_shipped_scenario_loads_and_expands(path):
    spec = load_scenario(path)
    assert spec.id == path.stem
    game = expand_game(spec)
    assert game.terminals


def test_decimals_are_exact_and_yes_is_text():
    data, positions = read_yaml("a: 0.1\nb: yes\nc: [1, 2]\n")
    assert F(data["a"]) == F(1, 10) and data["b"] == "yes"
    assert positions[("c", 1)] == (3, 8)


def test_overrides_are_checked_against_ranges():
    with pytest.raises(ScenarioError, match="outside its range"):
        load_scenario(resolve("public-threat"), values={"p": F(3, 2)})
    with pytest.raises(ScenarioError, match="unknown parameter 'pp'"):
        load_scenario(resolve("public-threat"), values={"pp": F(1, 2)})
    spec = load_scenario(resolve("public-threat"), values={"p": F(1, 2)})
    assert evaluate(spec.players[0].types[0].prior, {"p": F(1, 2)}) == F(1, 2)


def test_resolve_knows_shipped_ids_and_suggests():
    assert resolve("public-threat").name == "public-threat.yaml"
    assert {e.id for e in shipped()} >= {"public-threat", "deterrence-baseline"}
    with pytest.raises(ScenarioError, match="Did you mean 'public-threat'"):
        resolve("public-thret")


def test_file_that_cannot_be_read(tmp_path):
    with pytest.raises(ScenarioError, match="cannot be read"):
        load_scenario(tmp_path / "missing.yaml")
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ScenarioError, match="not UTF-8"):
        load_scenario(binary)


def test_payoffs_by_own_and_opponent_type():
    text = Path(resolve("signal-strength")).read_text()
    spec = load_scenario_text(text)
    terminal = spec.nodes["bold_left"]
    assert evaluate(terminal.payoffs[("receiver", "sole", "weak")], {}) == 0
    assert evaluate(terminal.payoffs[("receiver", "sole", "strong")], {}) == 1
    assert evaluate(terminal.payoffs[("sender", "weak", "sole")], {}) == 2


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_shipped_scenario_has_discussion_questions(path):
    spec = load_scenario(path)
    assert 2 <= len(spec.discussion) <= 4
    for question in spec.discussion:
        assert question.endswith("?") and "\n" not in question and len(question) < 300


def test_discussion_is_optional_and_checked():
    text = Path(resolve("deterrence-baseline")).read_text()
    start = text.index("\ndiscussion:")
    assert load_scenario_text(text[:start] + "\n").discussion == ()
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text[:start] + "\ndiscussion: [[a, list]]\n", "d.yaml")
    assert [p.key_path for p in caught.value.problems] == ["discussion[0]"]
