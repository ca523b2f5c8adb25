"""Debrief facts for played games: beliefs by Bayes' rule, action values, credibility, risk."""

from __future__ import annotations

from fractions import Fraction as F

from game.engine.state import State
from game.engine.view import view_of
from game.solver.explain.debrief import (debrief_facts, outcome_risk, posterior, prior,
                                 reputation_track)
from tests.solver.helpers import solve_scenario


def _play(game, *actions: str) -> State:
    state = State.initial(game)
    for action in actions:
        state = state.play(action)
    return state


def _equilibrium(result, kind: str) -> int:
    return next(k for k, e in enumerate(result.equilibria) if e.kind == kind)


def test_public_threat_posterior_follows_bayes_rule():
    # models.md (audience costs): the irresolute type bluffs so that a threat lifts the belief
    # from the prior to the point where State B is indifferent.
    result = solve_scenario("public-threat")
    game = result.game
    k = _equilibrium(result, "semi-separating")
    eq = result.equilibria[k]
    state = _play(game, "irresolute", "threaten", "resist", "back_down")
    assert prior(game, 0) == {"resolved": F(1, 3), "irresolute": F(2, 3)}
    bluff = eq.behaviour[game.infoset_by_label["threat|irresolute"].id][0]
    expected = F(1, 3) / (F(1, 3) + F(2, 3) * bluff)
    assert posterior(game, eq, state, 0, upto=2) == {"resolved": expected,
                                                     "irresolute": 1 - expected}
    facts = debrief_facts(result, k, state, player=0)
    assert [f.action for f in facts] == ["threaten", "back_down"]
    assert facts[0].belief_before == {"resolved": F(1, 3), "irresolute": F(2, 3)}
    assert facts[0].belief_after["resolved"] == expected
    # Backing down reveals the irresolute type (only it backs down in this equilibrium).
    assert facts[1].belief_after == {"irresolute": 1}
    assert facts[1].threat == "fight"


def test_the_baseline_threat_to_fight_is_not_credible():
    result = solve_scenario("deterrence-baseline")
    state = _play(result.game, *_first_terminal_path(result.game, ["challenge", "concede"]))
    facts = debrief_facts(result, 0, state)
    reply = facts[-1]
    assert reply.action == "concede" and reply.threat == "fight"
    assert reply.credible is False
    assert reply.values["fight"] < reply.values["concede"]
    assert "not credible" in reply.note


def _first_terminal_path(game, wanted):
    state = State.initial(game)
    path = []
    wanted = list(wanted)
    while not state.is_terminal:
        if state.is_chance:
            action = state.legal_actions()[0]
        else:
            action = wanted.pop(0)
        path.append(action)
        state = state.play(action)
    return path


def test_values_at_a_decision_match_the_equilibrium_and_hide_the_opponents_type():
    result = solve_scenario("brinkmanship")
    game = result.game
    eq = result.equilibria[0]
    for state in _all_states(game):
        if state.is_chance or state.is_terminal:
            continue
        me = state.to_move
        twins = [s for s in _all_states(game) if not s.is_terminal and not s.is_chance
                 and s.to_move == me and view_of(s, me) == view_of(state, me)]
        risks = {outcome_risk({"Disaster"}, game, eq, s, me) for s in twins}
        assert len(risks) == 1


def test_brinkmanship_risk_is_q_times_the_chance_of_defiance():
    result = solve_scenario("brinkmanship")
    game = result.game
    spec = game.spec
    disaster = {n.outcome for n in spec.nodes.values() if getattr(n, "disaster", False)}
    assert disaster
    for eq in result.equilibria:
        for state in _all_states(game):
            if state.is_chance or state.is_terminal or state.to_move != 1:
                continue
            node = state.current
            q = F(node.stage.removeprefix("reply_q").replace("_", "/")) if "_" in node.stage \
                else F(1)
            if node.stage == "reply_q1":
                q = F(1)
            infoset = game.infosets[node.infoset]
            defy = eq.behaviour[infoset.id][infoset.actions.index("defy")]
            assert outcome_risk(disaster, game, eq, state, 1) == q * defy


def test_chain_store_reputation_track_has_one_belief_per_round():
    result = solve_scenario("chain-store")
    game = result.game
    eq = result.equilibria[0]
    state = State.initial(game)
    while not state.is_terminal:
        state = state.play(state.legal_actions()[-1] if not state.is_chance
                           else state.legal_actions()[0])
    track = reputation_track(game, eq, state, 0)
    assert len(track) == game.rounds
    assert all(t is None or sum(t.values()) == 1 for t in track)


def _all_states(game):
    stack = [State.initial(game)]
    seen = []
    while stack:
        state = stack.pop()
        seen.append(state)
        if not state.is_terminal:
            stack.extend(state.play_index(k) for k in range(len(state.current.children)))
    return seen
