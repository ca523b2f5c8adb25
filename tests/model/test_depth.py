"""No recursion over the tree's depth: long chains expand, with nodes numbered in pre-order."""

from __future__ import annotations

from game.model.expand import expand_game
from game.model.tree import TERMINAL, validate_game
from game.scenario.load import load_scenario_text
from tests.scenario.generated import chain_scenario, shallow_stack


def test_a_500_decision_chain_expands():
    spec = load_scenario_text(chain_scenario(500), "chain.yaml")
    assert len(spec.nodes) == 1001
    with shallow_stack():
        game = expand_game(spec)
    assert len(game.nodes) == 1001
    validate_game(game)
    # Pre-order: the `go` child of decision k is node 2k+1 (the next decision, or the end) and
    # its `stop` child comes after the whole `go` subtree.
    decisions = [node for node in game.nodes if node.player != TERMINAL]
    assert [node.id for node in decisions] == list(range(500))
    assert [node.children[0] for node in decisions] == list(range(1, 501))
    assert game.nodes[500].outcome == "The end"
    assert [game.nodes[node.children[1]].payoffs for node in decisions[:3]] == [(0, 1), (1, 2),
                                                                               (2, 0)]


def test_a_chain_repeated_as_a_campaign_expands():
    spec = load_scenario_text(chain_scenario(60), "chain.yaml")
    with shallow_stack():
        game = expand_game(spec, rounds=2)
    validate_game(game)
    # Each of the 61 ends of round 1 starts a second round of 121 nodes.
    assert len(game.nodes) == 60 + 61 * 121
    assert max(node.round for node in game.nodes) == 2


def test_labels_stay_short_and_unique_in_long_histories():
    spec = load_scenario_text(chain_scenario(60), "chain.yaml")
    game = expand_game(spec, rounds=2)
    validate_game(game)  # node and information set labels are unique
    assert max(len(node.label) for node in game.nodes) < 120
    assert max(len(infoset.label) for infoset in game.infosets) < 120
    shortened = [i.label for i in game.infosets if "steps)..." in i.label]
    assert shortened and all(label.startswith("d") for label in shortened)
    # Short histories are spelt out in full, as before.
    assert game.nodes[1].label == "d1#1|go"
    assert any(i.label == "d0#2@go/go/stop" for i in game.infosets)
