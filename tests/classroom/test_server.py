"""The server's promise: every event is in the database before the room applies it, so before
any message built from it is sent (moves that come together are stored together)."""

from __future__ import annotations

import asyncio
import sqlite3

from game.classroom.client import BotClient
from game.classroom.store import EventStore
from tests.classroom.conftest import make_room, serve


async def test_every_event_is_stored_before_it_is_applied(tmp_path):
    path = tmp_path / "s.sqlite"
    store = EventStore(path)
    store.append([{"kind": "session", "t": 0.0}])
    reader = sqlite3.connect(str(path))   # a second connection sees committed rows only
    room = make_room(rounds=3, autostart=24)
    applied = 0
    checked = 0
    ahead = 0
    apply = room.apply

    def checking_apply(event, now=0.0):
        nonlocal applied, checked, ahead
        applied += 1
        stored = reader.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        assert stored >= applied + 1, (event, stored, applied)   # + the session event
        ahead = max(ahead, stored - applied - 1)
        checked += 1
        return apply(event, now)

    room.apply = checking_apply
    server = serve(room, store)
    await server.start()
    try:
        url = f"ws://127.0.0.1:{server.port}"
        bots = [BotClient(url, "ABC234", f"s{i}", seed=i) for i in range(24)]
        await asyncio.wait_for(asyncio.gather(*(b.run(timeout=30) for b in bots)), 40)
    finally:
        await server.stop()
        reader.close()
        store.close()
    moves = sum(len(b.sent) for b in bots)
    assert room.ended and all(b.ended for b in bots) and moves > 24
    assert checked >= moves + 24 + 3   # the joins, the moves, the rounds were all checked
    assert ahead > 0   # moves that came together were stored together (a group commit)
    final = sqlite3.connect(str(path))
    assert final.execute("SELECT COUNT(*) FROM events").fetchone()[0] == applied + 1
    final.close()   # and nothing is stored that was not applied
