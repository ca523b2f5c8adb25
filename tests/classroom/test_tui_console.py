"""The instructor console runs the server, starts the session, shows progress and the debrief."""

from __future__ import annotations

import asyncio
import time

from game.classroom.client import BotClient
from game.classroom.store import EventStore
from game.tui.classroom_console import DebriefDialog, InstructorConsole
from tests.classroom.conftest import make_room, solved


async def _until(pilot, condition, seconds: float = 15.0) -> None:
    """Waits (bounded) until the condition holds: the machine may be slow."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except Exception:  # noqa: BLE001 - the widget may not be mounted yet
            pass
        await pilot.pause(0.1)


async def test_console_runs_a_session(tmp_path):
    _, result = solved("public-threat")
    room = make_room(rounds=2)
    store = EventStore(tmp_path / "s.sqlite")
    store.append([{"kind": "session", "t": 0, "scenario": "public-threat", "values": {},
                   "config": room.config.to_dict()}])
    app = InstructorConsole(room, store, "127.0.0.1", 0, result)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause(0.2)
        url = f"ws://127.0.0.1:{app.server.port}"
        bots = [BotClient(url, "ABC234", f"s{i}", seed=i) for i in range(4)]
        tasks = [asyncio.create_task(b.run(timeout=30)) for b in bots]
        deadline = time.monotonic() + 10
        while len(room.seats) < 4 and time.monotonic() < deadline:
            await pilot.pause(0.05)
        await _until(pilot, lambda: app.query_one("#roster").row_count == 4)
        assert app.query_one("#roster").row_count == 4
        await pilot.press("s")
        deadline = time.monotonic() + 20
        while not room.ended and time.monotonic() < deadline:
            await pilot.pause(0.1)
        assert room.ended
        await asyncio.wait_for(asyncio.gather(*tasks), 10)
        await _until(pilot, lambda: app.query_one("#choices").row_count >= 1)
        assert app.query_one("#choices").row_count >= 1
        await pilot.press("d")
        await _until(pilot, lambda: isinstance(app.screen, DebriefDialog))
        assert isinstance(app.screen, DebriefDialog)
        assert "Frequencies per information set" in app.screen.text
    store.close()
