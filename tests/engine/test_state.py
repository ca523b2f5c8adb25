"""The referee: legal moves, play-throughs, payoffs, replay, seeded chance (hypothesis)."""

from __future__ import annotations

import random
from fractions import Fraction as F

import pytest
from hypothesis import given
from hypothesis import strategies as st

from game.engine import EventLog, IllegalMoveError, State, replay
from game.model.expand import expand_game
from game.model.tree import NATURE, TERMINAL
from game.scenario.library import resolve
from game.scenario.load import load_scenario
from tests.strategies import signalling_specs


def random_playthrough(game, rng: random.Random) -> State:
    state = State.initial(game)
    while not state.is_terminal:
        if state.is_chance:
            state = state.sample_chance(rng)
        else:
            state = state.play(rng.choice(state.legal_actions()))
    return state


@given(signalling_specs(two_sided=True, slips=True), st.integers(0, 10**6))
def test_every_playthrough_ends_at_a_terminal_with_payoffs(spec, seed):
    game = expand_game(spec)
    rng = random.Random(seed)
    state = State.initial(game)
    steps = 0
    while not state.is_terminal:
        with pytest.raises(ValueError):
            state.payoffs()
        if state.is_chance:
            assert sum(p for _, p in state.chance_outcomes()) == 1
            state = state.sample_chance(rng)
        else:
            state = state.play(rng.choice(state.legal_actions()))
        steps += 1
        assert steps <= len(game.nodes)
    assert len(state.payoffs()) == 2
    assert state.to_move == TERMINAL
    with pytest.raises(IllegalMoveError):
        state.play(game.root.actions[0])


@given(signalling_specs(), st.text(min_size=1, max_size=8))
def test_play_refuses_anything_not_legal(spec, action):
    game = expand_game(spec)
    state = State.initial(game).resolve_chance(random.Random(0))
    if action in state.legal_actions():
        return
    with pytest.raises(IllegalMoveError):
        state.play(action)


@given(signalling_specs(two_sided=True, slips=True), st.integers(0, 10**6))
def test_a_saved_log_replays_the_same_game(spec, seed):
    game = expand_game(spec)
    final = random_playthrough(game, random.Random(seed))
    log = EventLog.of(final, scenario=spec.id, seed=seed)
    again = replay(game, EventLog.from_json(log.to_json()).actions)
    assert again.node == final.node and again.payoffs() == final.payoffs()
    assert again.types() == final.types()


@given(signalling_specs(slips=True), st.integers(0, 10**6))
def test_the_same_seed_gives_the_same_game(spec, seed):
    game = expand_game(spec)
    first = random_playthrough(game, random.Random(seed))
    second = random_playthrough(game, random.Random(seed))
    assert first.actions_taken() == second.actions_taken()


def test_chance_draws_follow_the_exact_probabilities():
    game = expand_game(load_scenario(resolve("public-threat")), {"p": F(1, 4)})
    rng = random.Random(7)
    draws = [State.initial(game).sample_chance(rng).types()[0] for _ in range(4000)]
    share = draws.count("resolved") / len(draws)
    assert abs(share - 0.25) < 0.03


def test_replay_rejects_an_illegal_log():
    game = expand_game(load_scenario(resolve("public-threat")))
    with pytest.raises(IllegalMoveError, match="step 2"):
        replay(game, ["resolved", "fly"])


def test_chance_outcomes_only_at_chance_nodes():
    game = expand_game(load_scenario(resolve("public-threat")))
    state = State.initial(game)
    assert state.to_move == NATURE
    decision = state.play("resolved")
    with pytest.raises(ValueError):
        decision.chance_outcomes()
