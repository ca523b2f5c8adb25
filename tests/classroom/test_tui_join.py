"""The Textual join app plays a whole session against a bot client over loopback."""

from __future__ import annotations

import asyncio
import time


from game.classroom.client import BotClient
from game.classroom.server import ClassroomServer
from game.tui.classroom_driver import ClassroomConnection
from game.tui.classroom_join import ClassroomJoinApp
from tests.classroom.conftest import make_room, solved


async def test_join_app_plays_every_round():
    from game.tui.screens.decision import DecisionScreen

    game, _ = solved("public-threat")
    room = make_room(rounds=3, autostart=2)
    server = ClassroomServer(room, port=0, tick=0.05)
    await server.start()
    try:
        url = f"ws://127.0.0.1:{server.port}"
        connection = ClassroomConnection(url, "ABC234", "ann")
        await asyncio.to_thread(connection.start)
        app = ClassroomJoinApp(connection, game.spec, game)
        async with app.run_test(size=(120, 40)) as pilot:
            bot = asyncio.create_task(BotClient(url, "ABC234", "bob", seed=1).run(timeout=30))
            deadline = time.monotonic() + 30
            moves = 0
            while not room.ended and time.monotonic() < deadline:
                await pilot.pause(0.05)
                screen = app.screen
                if isinstance(screen, DecisionScreen) and screen.legal and \
                        not app.driver._pending:
                    await pilot.press("1")
                    moves += 1
            assert room.ended, "the session did not finish"
            await asyncio.wait_for(bot, 10)
            for _ in range(40):
                await pilot.pause(0.1)
                if "over" in app.waiting.text:
                    break
            assert "over" in app.waiting.text and app.screen is app.waiting
            assert moves >= 1
            human = [s for s in room.seats if s.label == "ann"][0]
            assert human.token == connection.token
        connection.close()
    finally:
        await server.stop()


async def test_browser_entry_asks_for_the_name_then_joins():
    from textual.widgets import Input

    from game.tui.classroom_join import NameScreen

    game, _ = solved("public-threat")
    room = make_room(rounds=1)
    server = ClassroomServer(room, port=0, tick=0.05)
    await server.start()
    try:
        url = f"ws://127.0.0.1:{server.port}"
        connection = ClassroomConnection(url, "ABC234", "")
        app = ClassroomJoinApp(connection, loader=lambda welcome: game)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause(0.1)
            assert isinstance(app.screen, NameScreen)
            app.screen.query_one(Input).value = "bad/name"
            await pilot.press("enter")
            assert isinstance(app.screen, NameScreen)
            app.screen.query_one(Input).value = "cleo"
            await pilot.press("enter")
            deadline = time.monotonic() + 10
            while not room.seats and time.monotonic() < deadline:
                await pilot.pause(0.05)
            await pilot.pause(0.2)
            assert [s.label for s in room.seats] == ["cleo"]
            assert app.screen is app.waiting and "cleo" in app.waiting.text
        connection.close()
    finally:
        await server.stop()


async def test_join_app_asks_for_beliefs_when_elicited(tmp_path):
    from textual.widgets import Input

    from game.classroom.store import EventStore
    from game.tui.classroom_join import BeliefDialog
    from game.tui.screens.decision import DecisionScreen

    game, _ = solved("signal-choice")
    room = make_room("signal-choice", rounds=1, autostart=2, elicit_beliefs=True)
    store = EventStore(tmp_path / "b.sqlite")
    server = ClassroomServer(room, store, port=0, tick=0.05)
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
                if isinstance(screen, BeliefDialog):
                    screen.query_one(Input).value = "30"
                    await pilot.press("enter")
                    asked += 1
                    await pilot.pause(0.2)
                elif isinstance(screen, DecisionScreen) and screen.legal and \
                        not app.driver._pending:
                    await pilot.pause(1.0)   # the belief question comes first
                    if isinstance(app.screen, DecisionScreen) and app.screen.legal:
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
    server = ClassroomServer(room, port=0, tick=0.05)
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
            from game.tui.screens.decision import DecisionScreen

            deadline = time.monotonic() + 10
            while not isinstance(app.screen, DecisionScreen) and time.monotonic() < deadline:
                await pilot.pause(0.1)
            assert app.driver is not None and app.driver.round == 1
            assert isinstance(app.screen, DecisionScreen)
            await pilot.pause(0.4)   # let the screen's belief-question timer run out
        connection.close()
    finally:
        if bot is not None:
            bot.cancel()
        await server.stop()
