"""The server's promise: every event is in the database before any message built after it is
sent, also when a burst of moves is committed together (one transaction per loop turn)."""

from __future__ import annotations

import asyncio
import sqlite3

import game.classroom.server as server_module
from game.classroom.client import BotClient
from game.classroom.server import ClassroomServer
from game.classroom.store import EventStore
from tests.classroom.conftest import make_room


class CountingStore(EventStore):
    """An event store that counts its transactions."""

    transactions = 0

    def append(self, events: list[dict]) -> None:
        if events:
            self.transactions += 1
        super().append(events)


async def test_nothing_is_sent_before_the_events_behind_it_are_stored(tmp_path, monkeypatch):
    path = tmp_path / "s.sqlite"
    store = CountingStore(path)
    reader = sqlite3.connect(str(path))   # a second connection sees committed rows only
    room = make_room(rounds=3, autostart=24)
    emitted = 0
    built: dict[int, tuple[int, dict]] = {}   # id(message) -> (events applied by then, message)
    checked = 0

    emit, handle = room._emit, room.handle

    def counting_emit(event):
        nonlocal emitted
        emitted += 1
        return emit(event)

    def recording_handle(conn, message, now):
        out = handle(conn, message, now)
        for _, reply in out:
            built[id(reply)] = (emitted, reply)
        return out

    def checking_encode(message):
        nonlocal checked
        if id(message) in built:
            needed = built[id(message)][0]
            stored = reader.execute("SELECT COUNT(*) FROM events").fetchone()[0]
            assert stored >= needed, (message, stored, needed)
            checked += 1
        return encode(message)

    encode = server_module.encode
    room._emit, room.handle = counting_emit, recording_handle
    monkeypatch.setattr(server_module, "encode", checking_encode)
    server = ClassroomServer(room, store, port=0, tick=0.05)
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
    assert checked > moves   # every acknowledgement, and the opponents' updates, were checked
    assert store.transactions < moves   # moves answered in the same instant shared a commit
