"""PostgreSQL's own cases: a broken connection is replaced without losing or doubling an
event; a write whose fate is unknown is taken back; a room another host took over is never
written again; a database the server cannot reach refuses moves (the server keeps serving,
tells the instructor, and tries again); bad URLs and credentials are clear errors."""

from __future__ import annotations

import asyncio
import time
from urllib.parse import urlsplit

import psycopg
import pytest

from game.classroom.client import ClassroomClient
from game.classroom.storage import NotStoredError, StoreError, open_database, read_rooms
from game.cli import main
from tests.classroom.conftest import make_room, serve
from tests.classroom.test_store import _session


def _admin(pg_server):
    return psycopg.connect(pg_server.url(), autocommit=True)


def _cut(pg_server, log) -> None:
    """Ends the room's connection from the server's side (as a restart or a network cut
    would)."""
    pid = log._conn.info.backend_pid
    with _admin(pg_server) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        for _ in range(100):
            if not admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s",
                                 (pid,)).fetchone():
                return
            time.sleep(0.02)


def test_a_broken_connection_is_replaced_and_nothing_is_doubled(pg_server, pg_url):
    database = open_database(pg_url)
    log = database.add(_session("AAA111"))
    try:
        log.append([{"kind": "start", "t": 1.0}])
        _cut(pg_server, log)
        log.append([{"kind": "pause", "t": 2.0}])   # a new connection, the lock again
        _cut(pg_server, log)
        log.append([{"kind": "resume", "t": 3.0}, {"kind": "end", "t": 4.0}])
        assert [e["kind"] for e in read_rooms(pg_url)[0]] == \
            ["session", "start", "pause", "resume", "end"]
        assert database.rooms()[0].ended and database.rooms()[0].held_by
        with psycopg.connect(pg_url) as admin:   # the columns beside the JSON say the same
            rows = admin.execute("SELECT seq, kind, t FROM classroom_events WHERE seq > 1 "
                                 "ORDER BY seq").fetchall()
        assert rows == [(2, "start", 1.0), (3, "pause", 2.0), (4, "resume", 3.0),
                        (5, "end", 4.0)]
    finally:
        log.close()
        database.close()


def test_a_write_of_unknown_fate_is_taken_back_before_the_next(pg_server, pg_url):
    """The link broke while committing: the event may be stored, but it was never applied
    (the room was told it failed), so it must not stay in the log."""
    database = open_database(pg_url)
    log = database.add(_session("AAA111"))
    try:
        log.append([{"kind": "start", "t": 1.0}])
        log.append([{"kind": "pause", "t": 2.0}])   # stored ...
        log._next -= 1                               # ... but as if the answer never came
        log._doubt = (log._next, log._next)
        log._conn.close()
        log._conn = None
        log.append([{"kind": "swap", "seat": 0, "on": True, "t": 3.0}])
        assert [e["kind"] for e in read_rooms(pg_url)[0]] == ["session", "start", "swap"]
    finally:
        log.close()
        database.close()


def test_its_own_link_that_the_server_still_holds_does_not_lock_the_host_out(pg_url):
    """The link broke on the host's side, and the server has not noticed yet: its old
    session still holds the room's lock. The host ends that session (its own) and goes on."""
    database = open_database(pg_url)
    log = database.add(_session("AAA111"))
    zombie = log._conn   # still open, still holding the lock
    try:
        log.append([{"kind": "start", "t": 1.0}])
        log._conn = None   # as if the link broke here
        log.append([{"kind": "pause", "t": 2.0}])
        assert zombie.broken or zombie.closed or _dead(zombie)
        assert [e["kind"] for e in read_rooms(pg_url)[0]] == ["session", "start", "pause"]
        assert database.rooms()[0].held_by
    finally:
        zombie.close()
        log.close()
        database.close()


def test_a_write_the_database_refuses_is_not_stored_and_the_room_goes_on(pg_url):
    """A refusal on a live connection (here: the key says an event with this seq exists)
    stores nothing, keeps the connection, and the next write goes after the last stored."""
    database = open_database(pg_url)
    log = database.add(_session("AAA111"))
    try:
        log.append([{"kind": "start", "t": 1.0}])
        log._next -= 1
        with pytest.raises(NotStoredError, match="refused the write"):
            log.append([{"kind": "pause", "t": 2.0}, {"kind": "resume", "t": 3.0}])
        log._next += 1
        log.append([{"kind": "pause", "t": 4.0}])
        events = read_rooms(pg_url)[0]
        assert [(e["kind"], e.get("t")) for e in events] == \
            [("session", events[0].get("t")), ("start", 1.0), ("pause", 4.0)]
    finally:
        log.close()
        database.close()


def _dead(conn) -> bool:
    try:
        conn.execute("SELECT 1")
    except psycopg.Error:
        return True
    return False


def test_a_room_taken_over_by_another_host_is_never_written_again(pg_server, pg_url):
    database, other = open_database(pg_url), open_database(pg_url)
    log = database.add(_session("AAA111"), address="first")
    try:
        log.append([{"kind": "start", "t": 1.0}])
        _cut(pg_server, log)   # the first host's link is gone: its lock with it
        taken = other.take("AAA111", address="second")
        taken.append([{"kind": "pause", "t": 2.0}])
        for _ in range(2):
            with pytest.raises(NotStoredError, match="another host holds the room AAA111"):
                log.append([{"kind": "resume", "t": 3.0}])
        taken.close()
        with pytest.raises(NotStoredError):   # even once the lock is free again
            log.append([{"kind": "resume", "t": 3.0}])
        assert [e["kind"] for e in read_rooms(pg_url)[0]] == ["session", "start", "pause"]
    finally:
        log.close()
        database.close()
        other.close()


async def test_an_unreachable_database_refuses_moves_and_the_server_keeps_serving(
        pg_server, pg_url):
    name = urlsplit(pg_url).path.lstrip("/")
    database = open_database(pg_url)
    store = database.add(_session("ABC234"))
    room = make_room(rounds=1, autostart=2, timeout=None)
    told: list[str | None] = []
    server = serve(room, store, report=told.append)
    await server.start()
    admin = _admin(pg_server)
    try:
        url = f"ws://127.0.0.1:{server.port}"
        ann, bob = [await ClassroomClient(url).connect() for _ in range(2)]
        await ann.join("ABC234", "ann")
        await bob.join("ABC234", "bob")
        states = {"ann": await ann.recv(), "bob": await bob.recv()}
        mover, state = next((n, s) for n, s in states.items() if s["your_turn"])
        client = ann if mover == "ann" else bob
        move = {"type": "move", "round": 1, "decision": state["decision"],
                "action": state["legal"][0]}
        before = [p.state.steps for p in room.pairs]
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        _cut(pg_server, store)
        started = time.monotonic()
        await client.send(move)
        reply = await client.recv(timeout=10)
        assert reply["type"] == "error" and reply["code"] == "not_saved", reply
        assert "cannot be reached" in reply["message"]
        assert time.monotonic() - started < 5
        assert [p.state.steps for p in room.pairs] == before   # not applied
        await ann.send({"type": "ping"})
        assert (await ann.recv(timeout=5))["type"] == "pong"
        assert told and told[0] and "cannot be reached" in told[0]
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        await asyncio.sleep(0.6)   # past the retry interval
        await client.send(move)
        reply = await client.recv(timeout=10)
        assert reply["type"] == "state" and not reply["your_turn"], reply
        assert told[-1] is None
        moves = [e for e in read_rooms(pg_url)[0] if e["kind"] == "move"]
        assert len(moves) == 1 and moves[0]["action"] == move["action"]
        await ann.close()
        await bob.close()
    finally:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        admin.close()
        await server.stop()
        store.close()
        database.close()


@pytest.mark.parametrize("case", ["wrong password", "no such database", "nobody listens",
                                  "malformed"])
def test_bad_database_urls_are_clear_errors(pg_server, case, capsys):
    url = {"wrong password": pg_server.url(password="not-the-password"),
           "no such database": pg_server.url("no_such_db"),
           "nobody listens": "postgresql://someone:secret@127.0.0.1:1/x",
           "malformed": "postgresql://someone:secret@[::1/x"}[case]
    expected = {"wrong password": "password authentication failed",
                "no such database": 'database "no_such_db" does not exist',
                "nobody listens": "Connection refused", "malformed": "not a valid"}[case]
    with pytest.raises(StoreError, match=expected):
        open_database(url)
    for argv in (["host", "public-threat", "--db", url, "--headless"],
                 ["host", "--resume", "--db", url, "--headless"],
                 ["report", url], ["export", url, "--csv", "/tmp/never-written"]):
        with pytest.raises(SystemExit) as exited:
            raise SystemExit(main(argv))
        assert exited.value.code == 2
        err = capsys.readouterr().err
        assert expected in err and "Traceback" not in err
        assert "secret" not in err and "not-the-password" not in err   # no password shown


def test_a_database_without_sessions_is_not_made_one_by_reading(pg_url, capsys):
    with pytest.raises(SystemExit) as exited:
        raise SystemExit(main(["report", pg_url]))
    assert exited.value.code == 2
    assert "no classroom tables" in capsys.readouterr().err
    with psycopg.connect(pg_url) as conn:   # reading made no table
        assert conn.execute("SELECT to_regclass('classroom_events')").fetchone()[0] is None


def test_writes_skip_the_disk_wait_unless_the_url_asks_for_it(pg_url):
    """The host's connections commit without waiting for the server's disk (the SQLite
    file's guarantee); options in the URL come last and win."""
    from game.classroom.pgconnect import connect

    with connect(pg_url) as conn:
        assert conn.execute("SHOW synchronous_commit").fetchone()[0] == "off"
        assert conn.execute("SHOW statement_timeout").fetchone()[0] == "3s"
    durable = f"{pg_url}?options=-c%20synchronous_commit%3Don"
    with connect(durable) as conn:
        assert conn.execute("SHOW synchronous_commit").fetchone()[0] == "on"
    database = open_database(durable)
    try:
        log = database.add(_session("AAA111"))
        assert log._conn.execute("SHOW synchronous_commit").fetchone()[0] == "on"
        log.close()
    finally:
        database.close()
