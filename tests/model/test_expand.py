"""The expanded form: structure, information sets, probabilities and campaigns."""

from __future__ import annotations

from fractions import Fraction as F

from hypothesis import given

from game.model.expand import expand_game
from game.model.tree import NATURE, TERMINAL, validate_game
from game.scenario.library import resolve
from game.scenario.load import load_scenario
from tests.games import chicken_spec, signalling_spec
from tests.strategies import signalling_specs


def test_public_threat_expands_to_the_textbook_tree():
    game = expand_game(load_scenario(resolve("public-threat")))
    validate_game(game)
    assert game.root.player == NATURE and game.root.probs == (F(1, 3), F(2, 3))
    labels = {i.label for i in game.infosets}
    assert labels == {"threat|resolved", "threat|irresolute", "response", "showdown|resolved",
                      "showdown|irresolute"}
    response = game.infoset_by_label["response"]
    assert response.keys == ("resolved", "irresolute") and len(response.members) == 2


def test_parameters_override_defaults():
    spec = load_scenario(resolve("public-threat"))
    game = expand_game(spec, {"p": F(1, 5)})
    assert game.root.probs == (F(1, 5), F(4, 5))


def test_simultaneous_stage_hides_the_first_move():
    game = expand_game(chicken_spec())
    validate_game(game)
    column = [i for i in game.infosets if i.player == 1]
    assert len(column) == 1 and len(column[0].members) == 2
    assert column[0].keys == ("sole+swerve", "sole+straight")


def test_campaign_rounds_multiply_and_sum_payoffs():
    spec = signalling_spec([F(1, 2), F(1, 2)], 2, 2, lambda z, p, o, q: 1 + p, rounds=2)
    game = expand_game(spec)
    validate_game(game)
    terminals = [n for n in game.nodes if n.player == TERMINAL]
    assert len(terminals) == 2 * (2 * 2) ** 2
    assert all(n.payoffs == (F(2), F(4)) for n in terminals)
    assert {n.round for n in terminals} == {2}


@given(signalling_specs(two_sided=True, slips=True))
def test_chance_probabilities_add_up_to_one(spec):
    game = expand_game(spec)
    validate_game(game)
    for node in game.nodes:
        if node.player == NATURE:
            assert sum(node.probs) == 1 and all(p >= 0 for p in node.probs)
    from game.solver.evaluate import Evaluation
    from game.solver.structure import Structure

    uniform = {i.id: tuple(F(1, len(i.actions)) for _ in i.actions) for i in game.infosets}
    reach = Evaluation(Structure(game), uniform).reach
    assert sum(reach[z] for z in game.terminals) == 1
