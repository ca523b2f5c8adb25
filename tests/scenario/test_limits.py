"""Limits that hold for every file `check` accepts: number sizes, with located problems."""

from __future__ import annotations

import time
from fractions import Fraction
from pathlib import Path

import pytest

from game.scenario.errors import ScenarioError
from game.scenario.load import load_scenario_text

ROOT = Path(__file__).parents[2]
BASELINE = (ROOT / "scenarios" / "deterrence-baseline.yaml").read_text(encoding="utf-8")
STATUS_QUO = "payoffs: {challenger: 0, defender: 0}"


def _with_payoff(value: str) -> str:
    assert STATUS_QUO in BASELINE
    return BASELINE.replace(STATUS_QUO, f"payoffs: {{challenger: {value}, defender: 0}}", 1)


def _problems(text: str) -> list:
    start = time.perf_counter()
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text, "x.yaml")
    assert time.perf_counter() - start < 2, "a limit must be checked before the work it bounds"
    return caught.value.problems


@pytest.mark.parametrize("value", ["1e999999999", "1.5e309", "1e100000", "9" * 5000,
                                   "1e99999999999999999999999999", "-1e-400", "0x" + "f" * 40])
def test_a_number_with_too_many_digits_is_one_located_problem(value):
    problems = _problems(_with_payoff(value))
    assert len(problems) == 1
    problem = problems[0]
    line = BASELINE[:BASELINE.index(STATUS_QUO)].count("\n") + 1
    assert (problem.line, problem.key_path) == (line, "nodes[2].payoffs.challenger")
    assert "too many digits" in problem.message and "at most 30 digits" in problem.message
    assert len(problem.message) < 250


@pytest.mark.parametrize("where", ["minutes: 5", "  k_C:\n    value: 2"])
def test_huge_numbers_are_refused_in_every_field(where):
    assert where in BASELINE
    text = BASELINE.replace(where, where.replace("5", "1e999999999").replace("2", "9" * 5000), 1)
    problems = _problems(text)
    assert len(problems) == 1 and "too many digits" in problems[0].message


def test_a_nested_power_is_refused_quickly():
    text = _with_payoff("'((((((((((9^12)^12)^12)^12)^12)^12)^12)^12)^12)^12)'")
    problems = _problems(text)
    assert len(problems) == 1
    assert "grows past 100 digits" in problems[0].message
    assert problems[0].key_path == "nodes[2].payoffs.challenger"


def test_a_long_literal_inside_an_expression_is_located_to_its_column():
    problems = _problems(_with_payoff("'1 + " + "7" * 40 + "'"))
    assert "too many digits" in problems[0].message and "(at character 5)" in problems[0].message


def test_numbers_within_the_limits_load():
    spec = load_scenario_text(_with_payoff("'123456789012345678901234567890 / 3'"), "ok.yaml")
    from fractions import Fraction

    from game.model.expr import evaluate

    assert evaluate(spec.nodes["status_quo"].payoffs[("challenger", "sole", "sole")],
                    {}) == 41152263004115226300411522630
    spec = load_scenario_text(_with_payoff("0." + "0" * 28 + "1"), "ok.yaml")  # 1/10^29
    assert evaluate(spec.nodes["status_quo"].payoffs[("challenger", "sole", "sole")],
                    {}) == Fraction(1, 10**29)


def test_a_set_value_whose_powers_grow_too_large_is_a_located_problem():
    from fractions import Fraction

    text = _with_payoff("'k_C^12'").replace("max: 10\n    description: State A's", "max: "
                                               "1e29\n    description: State A's")
    problems = _problems_with(text, {"k_C": Fraction(10**29)})
    assert any("grows past 100 digits" in p.message and p.key_path ==
               "nodes[2].payoffs.challenger" for p in problems)


def _problems_with(text: str, values) -> list:
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text, "x.yaml", values=values)
    return caught.value.problems


def test_a_discount_whose_powers_grow_too_large_is_a_located_problem():
    discount = "1/" + "1234567890" * 2 + "1"  # 21 digits: its 5th power has 105
    text = BASELINE.replace("root: challenge", f"campaign: {{rounds: 6, discount: {discount}}}\n"
                                               "root: challenge")
    problems = _problems(text)
    assert [(p.key_path, "has more than 100 digits" in p.message) for p in problems] == [
        ("campaign.discount", True)]
    spec = load_scenario_text(text.replace(discount, "9/10"), "ok.yaml")
    from game.model.expand import expand_game

    assert expand_game(spec).rounds == 6


def test_an_expansion_whose_totals_grow_too_large_is_a_plain_error():
    from game.model.expand import expand_game
    from game.model.tree import GameStructureError
    from tests.games import signalling_spec

    def payoff(terminal: str, player: int, own: str, opponent: str) -> Fraction:
        # 60-digit denominators, coprime across terminals: one round fits, two do not.
        return Fraction(1, 2**199) if terminal.endswith("0") else Fraction(1, 3**125)

    expand_game(signalling_spec([Fraction(1)], 1, 2, payoff))
    with pytest.raises(GameStructureError, match="total payoff .* grows past 100 digits"):
        expand_game(signalling_spec([Fraction(1)], 1, 2, payoff, rounds=2))
