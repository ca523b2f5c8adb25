"""Per-player views: a player never sees the opponent's type (or a hidden move) before the end."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from game.engine import State, view_of
from game.model.expand import expand_game
from tests.games import chicken_spec
from tests.strategies import signalling_specs


def _play_with_types(game, types: dict[int, str], moves: list[int]) -> list[State]:
    """Plays the type draws given, then the public moves by index (modulo the legal count)."""
    state = State.initial(game)
    states = []
    position = 0
    while not state.is_terminal:
        node = state.current
        if node.private_to >= 0:
            state = state.play(types[node.private_to])
            continue
        if state.is_chance:
            state = state.play_index(moves[position % len(moves)] % len(node.actions)
                                     if all(p > 0 for p in node.probs) else
                                     next(i for i, p in enumerate(node.probs) if p > 0))
        else:
            states.append(state)
            state = state.play_index(moves[position % len(moves)] % len(node.actions))
        position += 1
    states.append(state)
    return states


@given(signalling_specs(two_sided=True, slips=True),
       st.lists(st.integers(0, 5), min_size=1, max_size=12), st.integers(0, 1))
def test_views_do_not_depend_on_the_opponents_type(spec, moves, viewer):
    game = expand_game(spec)
    opponent = 1 - viewer
    own_types = [t.id for t in spec.players[viewer].types]
    opponent_types = [t.id for t in spec.players[opponent].types]
    if len(opponent_types) < 2:
        return
    mine = own_types[0]
    first = _play_with_types(game, {viewer: mine, opponent: opponent_types[0]}, moves)
    second = _play_with_types(game, {viewer: mine, opponent: opponent_types[1]}, moves)
    assert len(first) == len(second)
    for a, b in zip(first[:-1], second[:-1]):
        view_a, view_b = view_of(a, viewer), view_of(b, viewer)
        assert view_a == view_b
    end_a, end_b = view_of(first[-1], viewer), view_of(second[-1], viewer)
    assert end_a.types != end_b.types  # the outcome reveals both types


def test_a_simultaneous_move_stays_hidden_until_answered():
    game = expand_game(chicken_spec())
    rng = random.Random(1)
    state = State.initial(game).resolve_chance(rng)
    after_row = state.play("straight")
    column_view = view_of(after_row, 1)
    assert column_view.my_turn
    assert column_view.history[-1].concealed and column_view.history[-1].action == ""
    swerved = view_of(State.initial(game).play("swerve"), 1)
    assert swerved == column_view
    row_view = view_of(after_row, 0)
    assert row_view.history[-1].action == "straight"
    done = view_of(after_row.play("swerve"), 1)
    assert [s.action for s in done.history] == ["straight", "swerve"]


def test_own_type_is_shown_and_legal_moves_only_on_ones_turn():
    from game.scenario.library import resolve
    from game.scenario.load import load_scenario

    game = expand_game(load_scenario(resolve("public-threat")))
    state = State.initial(game).play("irresolute")
    challenger, defender = view_of(state, 0), view_of(state, 1)
    assert challenger.own_type == "irresolute" and challenger.legal_actions == ("threaten", "stay")
    assert defender.own_type == "sole" and defender.legal_actions == () and not defender.my_turn
    assert "irresolute" not in repr(defender)


def test_a_finished_campaign_shows_each_round_s_payoffs_that_add_up_to_the_total():
    """The scoreboard's figures: at every end of a campaign, the rounds' payoffs weighed by
    the discount factor give the campaign's payoffs; a one-round game has none."""
    from fractions import Fraction

    from game.engine.state import State
    from game.engine.view import view_of
    from game.model.expand import expand_game
    from game.model.tree import TERMINAL
    from game.scenario.library import resolve
    from game.scenario.load import load_scenario

    spec = load_scenario(resolve("public-threat"))
    for rounds in (1, 2):
        game = expand_game(spec, rounds=rounds)
        discount = Fraction(1)   # `--rounds` repeats the game undiscounted
        ends = [n for n in game.nodes if n.player == TERMINAL]
        assert ends
        for node in ends:
            scores = (game.round_scores or {}).get(node.id)
            if rounds == 1:
                assert scores is None
                continue
            assert len(scores) == rounds
            for player in (0, 1):
                weighed = sum((discount ** k * s[player] for k, s in enumerate(scores)),
                              Fraction(0))
                assert weighed == node.payoffs[player]
    rng = random.Random(1)
    state = State.initial(game).resolve_chance(rng)
    while not state.is_terminal:
        state = state.play(state.legal_actions()[0]).resolve_chance(rng)
    assert view_of(state, 0).round_payoffs == game.round_scores[state.node]
