"""The Textual join app over loopback: a whole session against a bot client (briefing, live
panels, outcomes that stay, the summary and the class debrief at the end), the entry screen
(room code, name, token), beliefs, and reconnecting by itself."""

from __future__ import annotations

import asyncio
import time

from game.classroom.client import BotClient
from game.tui.classroom_driver import ClassroomConnection
from game.tui.classroom_join import ClassroomJoinApp
from game.tui.classroom_screens import (
    BriefingDialog,
    ClassroomDecisionScreen,
    ClassroomOutcomeScreen,
    EntryScreen,
    SummaryScreen,
)
from tests.classroom.conftest import make_room, serve, solved


def _text(screen) -> str:
    from textual.widgets import Static

    return "\n".join(str(w.content) for w in screen.query(Static))


async def _until(pilot, condition, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        await pilot.pause(0.05)
    return condition()


async def test_join_app_plays_a_session_with_briefing_panels_outcomes_and_summary():
    game, _ = solved("public-threat")
    room = make_room(rounds=2, autostart=2, timeout=None)
    server = serve(room, debrief=lambda events: "CLASS DEBRIEF TEXT")
    await server.start()
    try:
        url = f"ws://127.0.0.1:{server.port}"
        connection = ClassroomConnection(url, "ABC234", "ann")
        await asyncio.to_thread(connection.start)
        app = ClassroomJoinApp(connection, game.spec, game)
        async with app.run_test(size=(120, 40)) as pilot:
            assert "Payoffs:" in app.waiting.brief   # the briefing, before round 1
            bot = asyncio.create_task(BotClient(url, "ABC234", "bob", seed=1).run(timeout=30))
            assert await _until(pilot, lambda: isinstance(app.screen, BriefingDialog))
            assert "you play" in app.screen.text and "Your private type" in app.screen.text
            await pilot.press("enter")
            assert await _until(pilot, lambda: app.result is not None)
            outcomes = 0
            deadline = time.monotonic() + 30
            while app.ended is None and time.monotonic() < deadline:
                await pilot.pause(0.05)
                screen = app.screen
                if isinstance(screen, ClassroomDecisionScreen) and screen.legal and \
                        not app.driver._pending:
                    await pilot.pause(0.1)
                    panels = _text(screen)
                    assert "still being solved" not in panels, panels   # the panels work
                    await pilot.press("1")
                elif isinstance(screen, ClassroomOutcomeScreen) and room.round == 1 and \
                        not outcomes:
                    outcomes += 1
                    await pilot.pause(0.5)   # the outcome stays while the round goes on
                    assert isinstance(app.screen, ClassroomOutcomeScreen) or room.round == 2
            assert room.ended and app.ended is not None
            await asyncio.wait_for(bot, 10)
            # the last outcome stays until a key; then the summary with the total
            assert await _until(pilot, lambda: isinstance(app.screen, ClassroomOutcomeScreen))
            await pilot.pause(0.5)
            assert isinstance(app.screen, ClassroomOutcomeScreen)
            await pilot.press("enter")
            assert await _until(pilot, lambda: isinstance(app.screen, SummaryScreen))
            total = room.ended_message(0)["total"]
            assert f"The session is over; your total is {total}." in _text(app.screen)
            assert await _until(pilot, lambda: "CLASS DEBRIEF TEXT" in _text(app.screen))
            await pilot.press("b")
            assert isinstance(app.screen, BriefingDialog)
        connection.close()
    finally:
        await server.stop()


async def test_the_entry_asks_for_the_code_the_name_and_a_token():
    from textual.widgets import Input

    game, _ = solved("public-threat")
    room = make_room(rounds=1)
    server = serve(room)
    await server.start()
    try:
        url = f"ws://127.0.0.1:{server.port}"
        first = ClassroomConnection(url, "", "")
        app = ClassroomJoinApp(first, loader=lambda welcome: game)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause(0.1)
            assert isinstance(app.screen, EntryScreen)
            app.screen.query_one("#code", Input).value = "WRONG1"
            app.screen.query_one("#name", Input).value = "cleo"
            app.screen.query_one("#token", Input).focus()
            await pilot.press("enter")
            assert await _until(pilot, lambda: "no session with this code" in
                                _text(app.screen))
            app.screen.query_one("#code", Input).value = "abc234"
            await pilot.press("enter")
            assert await _until(pilot, lambda: app.screen is app.waiting)
            assert [s.label for s in room.seats] == ["cleo"] and "cleo" in app.waiting.text
            token = app.connection.token
        app.connection.close()
        # back with the token, typed into the entry: the same seat
        again = ClassroomJoinApp(ClassroomConnection(url, "ABC234", "cleo"),
                                 loader=lambda welcome: game)
        async with again.run_test(size=(120, 40)) as pilot:
            await pilot.pause(0.1)
            again.screen.query_one("#token", Input).value = token
            again.screen.query_one("#token", Input).focus()
            await pilot.press("enter")
            assert await _until(pilot, lambda: again.screen is again.waiting)
            assert len(room.seats) == 1 and again.connection.token == token
        again.connection.close()
    finally:
        await server.stop()


async def test_join_app_asks_for_beliefs_when_elicited(tmp_path):
    from textual.widgets import Input

    from game.classroom.store import EventStore
    from game.tui.classroom_screens import BeliefDialog

    game, _ = solved("signal-choice")
    room = make_room("signal-choice", rounds=1, autostart=2, elicit_beliefs=True)
    store = EventStore(tmp_path / "b.sqlite")
    server = serve(room, store)
    await server.start()
    try:
        url = f"ws://127.0.0.1:{server.port}"
        connection = ClassroomConnection(url, "ABC234", "ann")
        await asyncio.to_thread(connection.start)
        app = ClassroomJoinApp(connection, game.spec, game)
        asked = 0
        async with app.run_test(size=(120, 40)) as pilot:
            bot = asyncio.create_task(BotClient(url, "ABC234", "bob", seed=1).run(timeout=30))
            deadline = time.monotonic() + 30
            while not room.ended and time.monotonic() < deadline:
                await pilot.pause(0.05)
                screen = app.screen
                if isinstance(screen, BriefingDialog):
                    await pilot.press("enter")
                elif isinstance(screen, BeliefDialog):
                    screen.query_one(Input).value = "30"
                    await pilot.press("enter")
                    asked += 1
                elif isinstance(screen, ClassroomDecisionScreen) and screen.legal and \
                        not app.driver._pending and app._belief_question is None:
                    await pilot.press("1")
            assert room.ended
            await asyncio.wait_for(bot, 10)
        connection.close()
        beliefs = [e for e in store.events() if e["kind"] == "belief"]
        assert asked >= 1 and beliefs
        assert beliefs[0]["beliefs"] == {"tough": 0.3, "normal": 0.7}
    finally:
        await server.stop()
        store.close()


async def test_a_message_before_the_app_listens_is_not_lost():
    from game.classroom.client import ClassroomClient

    game, _ = solved("public-threat")
    room = make_room(rounds=1, autostart=2, timeout=None)
    server = serve(room)
    await server.start()
    bot = None
    try:
        url = f"ws://127.0.0.1:{server.port}"
        first = await ClassroomClient(url).connect()
        token = (await first.join("ABC234", "ann"))["token"]
        bot = asyncio.create_task(BotClient(url, "ABC234", "bob", seed=1).run(timeout=20))
        deadline = time.monotonic() + 10
        while not room.started and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        await first.close()
        connection = ClassroomConnection(url, "ABC234", "ann", token)   # rejoins mid-round
        await asyncio.to_thread(connection.start)
        deadline = time.monotonic() + 10
        while not connection._backlog and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        assert connection._backlog, "the round's state should arrive before the app listens"
        app = ClassroomJoinApp(connection, game.spec, game)
        async with app.run_test(size=(120, 40)) as pilot:
            assert await _until(pilot, lambda: isinstance(app.screen, BriefingDialog), 10)
            await pilot.press("enter")
            assert app.driver is not None and app.driver.round == 1
            assert isinstance(app.screen, ClassroomDecisionScreen)
        connection.close()
    finally:
        if bot is not None:
            bot.cancel()
        await server.stop()


async def test_the_app_reconnects_by_itself_and_says_so():
    game, _ = solved("public-threat")
    room = make_room(rounds=1, autostart=2, timeout=None)
    server = serve(room)
    await server.start()
    port = server.port
    bot = None
    try:
        url = f"ws://127.0.0.1:{port}"
        connection = ClassroomConnection(url, "ABC234", "ann", first_delay=0.1)
        await asyncio.to_thread(connection.start)
        app = ClassroomJoinApp(connection, game.spec, game)
        async with app.run_test(size=(120, 40)) as pilot:
            bot = asyncio.create_task(BotClient(url, "ABC234", "bob", seed=1).run(timeout=30))
            assert await _until(pilot, lambda: isinstance(app.screen, BriefingDialog))
            await pilot.press("enter")
            await server.stop()   # the host goes away
            assert await _until(pilot, lambda: app.link_state == "reconnecting", 10)
            assert "Reconnecting" in app.sub_title
            server = serve(room, port=port)   # ... and comes back on the same port
            await server.start()
            assert await _until(pilot, lambda: app.link_state == "connected", 10)
            assert room.seats[0].conn is not None and "Reconnecting" not in app.sub_title
        connection.close()
    finally:
        if bot is not None:
            bot.cancel()
        await server.stop()


def test_the_live_panels_do_not_depend_on_the_other_sides_type():
    """The student's panels are computed from a game rebuilt from their view, with the other
    side's type replaced: they must equal the panels of the true game, whatever that type."""
    from game.classroom.protocol import Instructor, Join, Move
    from game.solver.structure import Structure
    from game.tui.classroom_driver import RemoteDriver, state_from_view
    from game.tui.debrief_text import preferred_index
    from game.tui.teach.panels import compute_insight

    game, result = solved("signal-choice")
    index = preferred_index(result)
    structure = Structure(game)
    compared = replaced = 0
    for seed in range(6):
        room = make_room("signal-choice", rounds=1, timeout=None, seed=seed)
        for i in range(2):
            room.handle(f"c{i}", Join(type="join", code="ABC234", name=f"s{i}"), 0.0)
        room.handle("i", Instructor(type="instructor", token="instructor-token-1",
                                    command="start"), 0.0)
        pair = room.pairs[0]
        while not pair.state.is_terminal:
            role = pair.state.to_move
            message = room.state_message(pair, role)
            driver = RemoteDriver(game.spec, game, None, message, result, index)
            assert state_from_view(game, message) is not None
            truth = compute_insight(game, result, index, pair.state, role, None, structure)
            assert driver.insight(role) == truth
            compared += 1
            replaced += pair.state.types()[1 - role] != game.spec.players[1 - role].types[0].id
            room.handle(f"c{pair.seats[role]}", Move(type="move", round=1,
                                                      decision=room.decision_id(pair),
                                                      action=pair.state.legal_actions()[-1]),
                        1.0)
    assert compared >= 12 and replaced >= 3   # the true type was not the one put in
