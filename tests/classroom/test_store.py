"""The storage interface, the same tests against both implementations (a SQLite file and a
PostgreSQL database): rooms and their logs, the exclusive writer, resuming, read-only reading,
and every event stored before the room applies it."""

from __future__ import annotations

import asyncio
import json
import os

import pytest

from game.classroom.client import BotClient
from game.classroom.room import RoomConfig
from game.classroom.session import open_session, pick_rooms, session_event
from game.classroom.storage import (
    StoreError,
    is_postgres,
    open_database,
    read_rooms,
)
from tests.classroom.conftest import make_room, serve, solved

TOKEN = "instructor-token-1"


def _session(code: str, name: str = "", scenario: str = "public-threat", **config) -> dict:
    game, _ = solved(scenario)
    options = dict(code=code, instructor_token=f"token-{code}", seed=3, rounds=2, name=name)
    options.update(config)
    return session_event(scenario, {}, None, RoomConfig(**options), "equilibrium", game)


def test_rooms_keep_their_own_events_in_order(db):
    database = open_database(db)
    try:
        a = database.add(_session("AAA111", "Section A"))
        b = database.add(_session("BBB222", "Section B"))
        a.append([{"kind": "start", "t": 1.0}])
        b.append([{"kind": "pause", "t": 2.0}, {"kind": "resume", "t": 3.0}])
        a.append([{"kind": "end", "t": 4.0}])
        assert [e["kind"] for e in a.events()] == ["session", "start", "end"]
        assert [e["kind"] for e in b.events()] == ["session", "pause", "resume"]
        assert a.session()["config"]["name"] == "Section A"
        listed = database.rooms()
        assert [(r.code, r.name, r.ended) for r in listed] == \
            [("AAA111", "Section A", True), ("BBB222", "Section B", False)]
        with pytest.raises(StoreError, match="already holds a room with the code AAA111"):
            database.add(_session("AAA111"))
        assert [e["kind"] for e in a.reader()()] == ["session", "start", "end"]
        a.close()
        b.close()
    finally:
        database.close()
    rooms = read_rooms(db)
    assert [[e["kind"] for e in r] for r in rooms] == \
        [["session", "start", "end"], ["session", "pause", "resume"]]
    assert [r[0]["config"]["code"] for r in read_rooms(db, ["bbb222"])] == ["BBB222"]
    with pytest.raises(StoreError, match="no room with the code ZZZ999"):
        read_rooms(db, ["ZZZ999"])


def test_a_room_has_one_writer_and_a_second_host_is_told_who(db):
    first = open_database(db)
    log = first.add(_session("AAA111"), address="127.0.0.1:9001")
    second = open_database(db)
    try:
        with pytest.raises(StoreError) as refused:
            second.take("AAA111", address="127.0.0.1:9002")
        message = str(refused.value)
        assert "in use" in message and f"process id {os.getpid()}" in message
        assert "127.0.0.1:9001" in message
        if is_postgres(db):   # the lock is the room's, and shows in the listing
            assert second.rooms()[0].held_by and "9001" in second.rooms()[0].held_by
            with pytest.raises(StoreError, match="served by a running host"):
                pick_rooms(second)
    finally:
        second.close()
        log.close()
        first.close()
    again = open_database(db)   # the first host has gone: the room is free
    try:
        assert [r.code for r in pick_rooms(again)] == ["AAA111"]
        again.take("AAA111").close()
    finally:
        again.close()


def test_postgresql_locks_rooms_not_the_database(pg_url):
    """Two hosts on one PostgreSQL database, each serving its own room."""
    one, two = open_database(pg_url), open_database(pg_url)
    try:
        a = one.add(_session("AAA111"), address="host-1")
        b = two.add(_session("BBB222"), address="host-2")
        a.append([{"kind": "start", "t": 1.0}])
        b.append([{"kind": "start", "t": 1.0}])
        with pytest.raises(StoreError, match="host-1"):
            two.take("AAA111")
        with pytest.raises(StoreError, match="host-2"):
            one.take("BBB222")
        a.close()   # host 1 goes: host 2 may take its room over
        taken = two.take("AAA111", address="host-2")
        taken.append([{"kind": "pause", "t": 2.0}])
        assert [e["kind"] for e in taken.events()] == ["session", "start", "pause"]
        taken.close()
        b.close()
    finally:
        one.close()
        two.close()


def test_resume_picks_the_unfinished_rooms_or_the_ones_named(db):
    database = open_database(db)
    try:
        for code in ("AAA111", "BBB222", "CCC333"):
            database.add(_session(code)).close()
        ended = database.take("BBB222")
        ended.append([{"kind": "end", "t": 1.0}])
        ended.close()
        assert [r.code for r in pick_rooms(database)] == ["AAA111", "CCC333"]
        assert [r.code for r in pick_rooms(database, ["ccc333", "BBB222"])] == \
            ["CCC333", "BBB222"]
        with pytest.raises(StoreError, match="no room with the code XYZ"):
            pick_rooms(database, ["XYZ"])
        for code in ("AAA111", "CCC333"):
            log = database.take(code)
            log.append([{"kind": "end", "t": 2.0}])
            log.close()
        with pytest.raises(StoreError, match="every session in it has ended"):
            pick_rooms(database)
    finally:
        database.close()


def test_one_room_sessions_resume_with_their_config(db):
    game, result = solved("public-threat")
    room, store = open_session(db, resume=False, session=_session("AAA111"), game=game,
                               result=result)
    assert room.config.code == "AAA111"
    store.close()
    with pytest.raises(StoreError):
        if is_postgres(db):   # a PostgreSQL database takes many runs' rooms ...
            open_session(db, resume=False, session=_session("AAA111"), game=game,
                         result=result)
        else:   # ... a SQLite file is one run's
            open_session(db, resume=False, session=_session("BBB222"), game=game,
                         result=result)
    room, store = open_session(db, resume=True, session=None, game=game, result=result,
                               timeout=12.0)
    assert (room.config.code, room.config.instructor_token, room.config.timeout) == \
        ("AAA111", "token-AAA111", 12.0)
    store.close()


def test_reading_changes_nothing(db):
    database = open_database(db)
    log = database.add(_session("AAA111"))
    log.append([{"kind": "start", "t": 1.0}])
    log.close()
    database.close()
    before = _snapshot(db)
    assert len(read_rooms(db)) == 1
    assert _snapshot(db) == before


def _snapshot(db: str):
    if is_postgres(db):
        import psycopg

        with psycopg.connect(db) as conn:
            return (conn.execute("SELECT * FROM classroom_rooms ORDER BY id").fetchall(),
                    conn.execute("SELECT room, seq, data::text FROM classroom_events "
                                 "ORDER BY room, seq").fetchall())
    import hashlib
    from pathlib import Path

    folder = Path(db).parent
    return {path.name: (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
            for path in sorted(folder.iterdir())}


class _Counter:
    """Counts a room's stored events on a connection of its own (committed rows only)."""

    def __init__(self, db: str) -> None:
        self.db = db
        if is_postgres(db):
            import psycopg

            self.conn = psycopg.connect(db, autocommit=True)
            self.sql = "SELECT COUNT(*) FROM classroom_events"
        else:
            import sqlite3

            self.conn = sqlite3.connect(db)
            self.sql = "SELECT COUNT(*) FROM events"

    def __call__(self) -> int:
        return self.conn.execute(self.sql).fetchone()[0]

    def close(self) -> None:
        self.conn.close()


async def test_every_event_is_stored_before_it_is_applied(db):
    database = open_database(db)
    room = make_room(rounds=2, autostart=10)
    store = database.add(_session("ABC234"))
    counter = _Counter(db)
    applied = checked = 0
    apply = room.apply

    def checking_apply(event, now=0.0):
        nonlocal applied, checked
        applied += 1
        assert counter() >= applied + 1, event   # + the session event
        checked += 1
        return apply(event, now)

    room.apply = checking_apply
    server = serve(room, store)
    await server.start()
    try:
        url = f"ws://127.0.0.1:{server.port}"
        bots = [BotClient(url, "ABC234", f"s{i}", seed=i) for i in range(10)]
        await asyncio.wait_for(asyncio.gather(*(b.run(timeout=30) for b in bots)), 40)
    finally:
        await server.stop()
        counter.close()
        store.close()
        database.close()
    moves = sum(len(b.sent) for b in bots)
    assert room.ended and all(b.ended for b in bots) and moves >= 10
    assert checked >= moves + 10 + 2
    assert sum(len(events) for events in read_rooms(db)) == applied + 1   # no more


def test_an_empty_database_is_not_a_session(db):
    if not is_postgres(db):
        open(db, "wb").close()
    with pytest.raises(StoreError, match="not a session database"):
        read_rooms(db)
    database = open_database(db)
    try:
        with pytest.raises(StoreError, match="nothing to resume"):
            pick_rooms(database)
    finally:
        database.close()


def test_a_sqlite_file_from_before_rooms_is_read_and_resumed(tmp_path):
    """A session database written before rooms (no `room` column) is one room, key ''."""
    import sqlite3

    path = tmp_path / "old.sqlite"
    old = sqlite3.connect(str(path))
    old.execute("CREATE TABLE events (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, t REAL, "
                "data TEXT NOT NULL)")
    for event in (_session("OLD111"), {"kind": "start", "t": 1.0}):
        old.execute("INSERT INTO events (kind, t, data) VALUES (?, ?, ?)",
                    (event["kind"], event.get("t"), json.dumps(event)))
    old.commit()
    old.close()
    assert [[e["kind"] for e in r] for r in read_rooms(str(path))] == [["session", "start"]]
    game, result = solved("public-threat")
    room, store = open_session(str(path), resume=True, session=None, game=game,
                               result=result)
    try:
        assert room.config.code == "OLD111" and room.started and store.key == ""
        store.append([{"kind": "pause", "t": 2.0}])
    finally:
        store.close()
    assert [e["kind"] for e in read_rooms(str(path))[0]] == ["session", "start", "pause"]
