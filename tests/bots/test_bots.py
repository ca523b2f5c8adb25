"""The computer opponents: the factory, reproducibility, and each archetype's definition."""

from __future__ import annotations

import random
from functools import lru_cache

import pytest

from game.bots import BotSpecError, check_kind, make_bot
from game.engine.state import State
from game.engine.view import view_of
from game.model.expand import expand_game
from game.scenario.library import resolve
from game.scenario.load import load_scenario
from game.solver.solve import solve

KINDS = ["equilibrium", "equilibrium:1", "qre:0", "qre:2", "learner", "hawk", "dove", "bluffer",
         "random"]


@lru_cache(maxsize=None)
def solved(name: str):
    spec = load_scenario(resolve(name))
    game = expand_game(spec, {})
    return game, solve(game, seconds=0.3)


def play(game, bots, seed: int) -> tuple[str, ...]:
    rng = random.Random(seed)
    state = State.initial(game)
    while not state.is_terminal:
        if state.is_chance:
            state = state.sample_chance(rng)
            continue
        view = view_of(state, state.to_move)
        action = bots[state.to_move].choose(view, rng)
        assert action in view.legal_actions
        state = state.play(action)
    return state.actions_taken()


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("scenario", ["public-threat", "brinkmanship", "chicken",
                                      "perfect-deterrence"])
def test_every_bot_plays_legally_and_reproducibly(scenario, kind):
    game, result = solved(scenario)
    first = [make_bot(kind, game, result, seed=5), make_bot(kind, game, result, seed=6)]
    again = [make_bot(kind, game, result, seed=5), make_bot(kind, game, result, seed=6)]
    assert play(game, first, 1) == play(game, again, 1)
    for bot in first:
        assert bot.name and bot.description


@pytest.mark.parametrize("bad", ["nonsense", "qre:abc", "equilibrium:x", "equilibrium:99"])
def test_bad_bot_names_are_refused(bad):
    game, result = solved("public-threat")
    with pytest.raises(BotSpecError):
        check_kind(bad)
        make_bot(bad, game, result)


def test_hawk_and_dove_take_opposite_ends_in_brinkmanship():
    """The hawk's first move has the highest disaster risk; the dove's the lowest."""
    from game.bots.archetypes import Aggression

    game, result = solved("brinkmanship")
    aggression = Aggression(game)
    state = State.initial(game).resolve_chance(random.Random(0))
    view = view_of(state, state.to_move)
    hawk = make_bot("hawk", game, result).choose(view)
    dove = make_bot("dove", game, result).choose(view)
    assert hawk != dove
    scores = dict(zip(game.infoset_by_label[view.infoset].actions,
                      aggression.scores[game.infoset_by_label[view.infoset].id]))
    assert scores[hawk] >= max(scores.values())
    assert scores[dove] <= min(scores.values())


def test_bluffer_threatens_then_backs_down_in_public_threat():
    game, result = solved("public-threat")
    bluffer = make_bot("bluffer", game, result)
    hawk = make_bot("hawk", game, result)
    state = State.initial(game).resolve_chance(random.Random(0))
    first = bluffer.choose(view_of(state, state.to_move))
    assert first == hawk.choose(view_of(state, state.to_move))
    state = state.play(first)
    while not state.is_terminal and state.to_move != 0:
        state = state.play(state.legal_actions()[0])
    if not state.is_terminal:
        later = bluffer.choose(view_of(state, 0))
        assert later == make_bot("dove", game, result).choose(view_of(state, 0))


def test_learner_updates_its_belief_across_moves():
    game, result = solved("public-threat")
    learner = make_bot("learner", game, result, seed=1)
    state = State.initial(game).resolve_chance(random.Random(0))
    from game.solver.explain.debrief import prior

    start = prior(game, 0)
    updated = []
    for action in state.legal_actions():
        after = state.play(action)
        if not after.is_terminal and after.to_move == 1:
            belief = learner.belief(view_of(after, 1))
            assert belief is not None and sum(belief.values()) == 1
            updated.append(belief != start)
    assert updated and all(updated), "a move must move the learner's belief off the prior"


def test_qre_at_zero_is_uniform():
    game, result = solved("chicken")
    bot = make_bot("qre:0", game, result)
    state = State.initial(game).resolve_chance(random.Random(0))
    probs = bot.distribution(view_of(state, state.to_move))
    assert all(abs(p - 1 / len(probs)) < 1e-9 for p in probs.values())
