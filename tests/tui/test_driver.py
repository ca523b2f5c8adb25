"""The match driver: the engine referees, views hide the opponent's type, events are told."""

from __future__ import annotations

import pytest

from game.bots import make_bot
from game.engine.state import IllegalMoveError
from game.tui.driver import LocalDriver
from game.tui.session import load
from tests.tui.helpers import fast_solver


def match(scenario="perfect-deterrence", seat=0, kind="equilibrium", seed=4):
    spec, game = load(scenario)
    result = fast_solver(game)
    bot = make_bot(kind, game, result, seed) if kind else None
    return LocalDriver(game, seat, bot=bot, seed=seed, result=result,
                       equilibrium_index=getattr(bot, "equilibrium_index", 0))


def test_the_view_never_shows_the_opponents_type():
    driver = match()
    while not driver.finished:
        view = driver.view()
        assert view.types is None and view.payoffs is None
        assert view.player == 0
        driver.submit(view.legal_actions[0])
    assert driver.view().types is not None


def test_an_illegal_move_is_refused_by_the_engine():
    driver = match()
    with pytest.raises(IllegalMoveError):
        driver.submit("no-such-action")


def test_events_tell_the_opponents_moves_and_the_outcome():
    driver = match(seat=1)
    first = driver.drain_events()
    assert all(event.actor != 1 for event in first)
    while not driver.finished:
        driver.submit(driver.view().legal_actions[0])
    events = driver.drain_events()
    assert events[-1].kind == "outcome"
    assert driver.final_state().is_terminal


def test_same_seed_same_match():
    def play(seed):
        driver = match(seed=seed)
        while not driver.finished:
            driver.submit(driver.view().legal_actions[-1])
        return driver.final_state().actions_taken()
    assert play(9) == play(9)


def test_insight_values_are_the_equilibrium_action_values():
    driver = match("public-threat")
    insight = driver.insight(0)
    assert insight is not None
    assert set(insight.values) == set(driver.view().legal_actions)
    assert insight.belief is not None and sum(insight.belief.values()) == 1


def test_hot_seat_switches_seats():
    driver = match(kind=None)
    assert driver.humans == (0, 1)
    seats = set()
    while not driver.finished:
        seats.add(driver.seat)
        driver.submit(driver.view().legal_actions[0])
    assert seats == {0, 1}
