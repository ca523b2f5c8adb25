"""Data integrity: a database that cannot be written refuses moves (nothing unstored is ever
applied) while the server keeps serving and retries; a stale or repeated move is refused; a
second host on the same database is refused with the holder's name; report and export never
change the database they read."""

from __future__ import annotations

import asyncio
import hashlib
import os
import sqlite3
import time

import pytest

from game.classroom.client import ClassroomClient
from game.classroom.protocol import Instructor, Join, Move
from game.classroom.server import Recorder
from game.classroom.session import open_session, session_event
from game.classroom.store import EventStore, NotStoredError, StoreError
from game.cli import main
from tests.classroom.conftest import make_room, serve, solved

TOKEN = "instructor-token-1"


def _same_room(room, events) -> bool:
    """True when replaying `events` gives the room as it is (nothing unstored applied)."""
    twin = make_room("public-threat", rounds=room.config.rounds,
                     timeout=room.config.timeout, autostart=room.config.autostart)
    twin.replay(events, 0.0)
    return ([(p.seats, p.state.steps) for p in twin.pairs] ==
            [(p.seats, p.state.steps) for p in room.pairs] and twin.round == room.round)


async def test_a_locked_database_refuses_the_move_keeps_serving_and_retries(tmp_path):
    path = tmp_path / "s.sqlite"
    store = EventStore(path, busy_timeout=0.05)
    store.append([{"kind": "session", "t": 0.0}])
    room = make_room(rounds=1, autostart=2, timeout=None)
    told: list[str | None] = []
    server = serve(room, store, report=told.append)
    await server.start()
    locker = sqlite3.connect(str(path), isolation_level=None)
    try:
        url = f"ws://127.0.0.1:{server.port}"
        ann, bob, watcher = [await ClassroomClient(url).connect() for _ in range(3)]
        await ann.join("ABC234", "ann")
        await bob.join("ABC234", "bob")
        states = {"ann": await ann.recv(), "bob": await bob.recv()}
        mover, state = next((n, s) for n, s in states.items() if s["your_turn"])
        client = ann if mover == "ann" else bob
        await watcher.instructor(TOKEN, "watch")
        assert (await watcher.recv())["type"] == "ok"
        before = [p.state.steps for p in room.pairs]
        move = {"type": "move", "round": 1, "decision": state["decision"],
                "action": state["legal"][0]}

        locker.execute("BEGIN EXCLUSIVE")   # another program holds the file
        started = time.monotonic()
        await client.send(move)
        reply = await client.recv(timeout=5)
        assert reply["type"] == "error" and reply["code"] == "not_saved", reply
        assert "locked" in reply["message"] and "Nothing was recorded" in reply["message"]
        assert time.monotonic() - started < 1.0   # refused at once: no 5 s freeze
        assert [p.state.steps for p in room.pairs] == before   # not applied
        await ann.send({"type": "ping"})   # the server keeps serving
        assert (await ann.recv(timeout=5))["type"] == "pong"
        status = await _status(watcher, lambda s: s["store_problem"])
        assert "locked" in status["store_problem"]   # the instructor is told
        assert told and told[0] and "locked" in told[0]

        locker.execute("COMMIT")
        await asyncio.sleep(0.6)   # past the retry interval
        await client.send(move)
        reply = await client.recv(timeout=5)
        assert reply["type"] == "state" and not reply["your_turn"], reply
        assert told[-1] is None   # ... and told that it works again
        status = await _status(watcher, lambda s: not s["store_problem"])
        assert status is not None
        stored = store.events()
        moves = [e for e in stored if e["kind"] == "move"]
        assert len(moves) == 1 and moves[0]["action"] == move["action"]
        assert _same_room(room, stored)   # the room is what the log says
        for c in (ann, bob, watcher):
            await c.close()
    finally:
        locker.close()
        await server.stop()
        store.close()


async def _status(watcher, condition, seconds: float = 5.0) -> dict | None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        message = await watcher.recv(timeout=seconds)
        if message.get("type") == "status" and condition(message):
            return message
    return None


class FlakyStore:
    """A store whose writes fail (a full disk) until `healthy` is set."""

    def __init__(self) -> None:
        self.events: list[dict] = []
        self.healthy = False

    def append(self, events: list[dict]) -> None:
        if not self.healthy:
            raise NotStoredError("the disk holding the session database is full")
        self.events += events


def test_a_timed_out_decision_waits_for_the_store_and_is_then_made_by_the_bot():
    room = make_room(rounds=1, timeout=5.0)
    store = FlakyStore()
    store.healthy = True
    room.record = Recorder(store, room, retry=0.0)
    for i in range(2):
        room.handle(f"c{i}", Join(type="join", code="ABC234", name=f"s{i}"), 0.0)
    room.handle("i", Instructor(type="instructor", token=TOKEN, command="start"), 0.0)
    before = room.pairs[0].state.steps
    store.healthy = False
    room.tick(6.0)   # the timer ran out, but the bot's move cannot be stored
    assert room.pairs[0].state.steps == before and room.store_problem
    store.healthy = True
    room.tick(6.2)   # tried again: stored, then applied
    assert room.pairs[0].state.steps != before and room.store_problem is None
    moves = [e for e in store.events if e["kind"] == "move"]
    assert len(moves) == 1 and moves[0]["reason"] == "timeout"


def test_a_stale_or_repeated_move_is_refused():
    """Chain-store: a repeated answer to a question already answered (say, re-asked after a
    pause) must not be taken for the next market's decision."""
    room = make_room("chain-store", rounds=1, timeout=None)
    for i in range(2):
        room.handle(f"c{i}", Join(type="join", code="ABC234", name=f"s{i}"), 0.0)
    room.handle("i", Instructor(type="instructor", token=TOKEN, command="start"), 0.0)
    pair = room.pairs[0]
    conn = {role: f"c{seat}" for role, seat in enumerate(pair.seats)}

    def answer(decision: str | None = None, pick=None):
        role = pair.state.to_move
        legal = pair.state.legal_actions()
        action = pick(legal) if pick else legal[0]
        message = Move(type="move", round=1, decision=decision or room.decision_id(pair),
                       action=action)
        return role, message, room.handle(conn[role], message, 1.0)

    def enters(legal):   # the entrant's action after which the incumbent decides
        return next(a for a in legal if pair.state.play(a).to_move != 1)

    answer(pick=enters)
    role, first, _ = answer()   # the incumbent's answer in market 1 ...
    room.handle("i", Instructor(type="instructor", token=TOKEN, command="pause"), 1.0)
    room.handle("i", Instructor(type="instructor", token=TOKEN, command="resume"), 1.0)
    answer(pick=enters)   # ... the entrant enters market 2: the incumbent's turn again
    assert pair.state.to_move == role
    steps = pair.state.steps
    replies = room.handle(conn[role], first, 2.0)   # the same answer once more
    assert [m["code"] for c, m in replies if c == conn[role]] == ["stale"]
    assert pair.state.steps == steps
    moves = [e for e in room.drain() if e["kind"] == "move"]
    assert len(moves) == 3
    bogus = Move(type="move", round=1, decision="1-0-99", action=first.action)
    assert room.handle(conn[role], bogus, 2.0)[0][1]["code"] == "stale"


def test_a_second_host_on_the_same_database_is_refused_and_told_who(tmp_path, capsys):
    from game.classroom.room import RoomConfig

    db = str(tmp_path / "s.sqlite")
    game, result = solved("public-threat")
    config = RoomConfig(code="ABC234", instructor_token=TOKEN, seed=1, rounds=1)
    _, store = open_session(db, resume=False, game=game, result=result,
                            session=session_event("public-threat", {}, None, config,
                                                  "equilibrium", game),
                            address="127.0.0.1:8765")
    try:
        with pytest.raises(StoreError) as refused:
            open_session(db, resume=True, session=None, game=game, result=result)
        assert f"process id {os.getpid()}" in str(refused.value)
        assert "127.0.0.1:8765" in str(refused.value)
        with pytest.raises(SystemExit) as exited:
            main(["host", "--resume", "--db", db, "--headless"])
        assert exited.value.code == 2
        err = capsys.readouterr().err
        assert "is in use" in err and f"process id {os.getpid()}" in err
        assert "Traceback" not in err
    finally:
        store.close()
    _, store = open_session(db, resume=True, session=None, game=game, result=result)
    store.close()   # once the first host has gone, resuming works


def _files(folder) -> dict[str, tuple[str, int]]:
    return {name: (hashlib.sha256((folder / name).read_bytes()).hexdigest(),
                   (folder / name).stat().st_mtime_ns) for name in sorted(os.listdir(folder))}


def test_report_and_export_never_change_the_database(tmp_path, capsys):
    from tests.classroom.test_cli import _finished_db

    folder = tmp_path / "db"
    folder.mkdir()
    db = folder / "s.sqlite"
    _finished_db(db)
    before = _files(folder)
    assert before.keys() == {"s.sqlite"}
    assert main(["export", str(db), "--json", str(tmp_path / "x.json")]) == 0
    assert main(["report", str(db)]) == 0
    assert _files(folder) == before   # no byte, no time stamp, no side file
    # while a host writes it (a -wal file beside it), the reader still changes nothing there
    writer = sqlite3.connect(str(db), isolation_level=None)
    writer.execute("INSERT INTO events (kind, t, data) VALUES ('note', 0, '{\"kind\": \"note\"}')")
    live = _files(folder)
    assert "s.sqlite-wal" in live
    assert main(["export", str(db), "--json", str(tmp_path / "y.json")]) == 0
    after = _files(folder)
    assert {k: after[k] for k in ("s.sqlite", "s.sqlite-wal")} == \
        {k: live[k] for k in ("s.sqlite", "s.sqlite-wal")}
    writer.close()
    capsys.readouterr()
