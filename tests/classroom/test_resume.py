"""Recovery: kill -9 the host mid-session, restart it with --resume (a new --timeout, a short
grace), and the bot clients come back by themselves with their tokens; the exported data is
what they played, nothing lost, nothing doubled. The timers: a grace period after a resume, a
new timeout on resume, and a monotonic clock."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from game.classroom.client import BotClient, ClassroomClient
from game.classroom.loadtest import start_host, stop
from game.classroom.protocol import Instructor, Join
from game.classroom.room import RoomConfig
from game.classroom.session import KEEP, open_session, session_event
from game.classroom.store import read_events
from tests.browser import free_port
from tests.classroom.conftest import make_room, serve, solved, until

ROOT = Path(__file__).parents[2]
TOKEN = "instructor-token-1"


async def test_kill_nine_then_the_clients_come_back_by_themselves(tmp_path):
    db = str(tmp_path / "session.sqlite")
    port = free_port()
    names = [f"s{i}" for i in range(6)]
    process, code, token, url = await start_host(
        "public-threat", db, "--rounds", "4", "--autostart", "6", "--timeout", "60",
        "--seed", "5", "--matching", "perfect-strangers", port=port)
    bots = [BotClient(url, code, n, seed=i, think=0.1) for i, n in enumerate(names)]
    tasks = [asyncio.create_task(b.run(timeout=60)) for b in bots]
    try:
        assert await until(lambda: sum(len(b.sent) for b in bots) >= 5, 20)
        process.send_signal(signal.SIGKILL)
        await process.wait()
        assert process.returncode == -signal.SIGKILL
        # the clients notice by themselves and keep trying
        assert await until(lambda: all(b.notes for b in bots), 10)
        assert all(b.notes[0]["type"] == "reconnecting" for b in bots)
        events = read_events(db)
        assert not any(e["kind"] == "end" for e in events)
        tokens = {b.name: b.token for b in bots}
        process, code2, token2, _ = await start_host(
            "", db, "--resume", "--grace", "0.5", "--timeout", "30", port=port)
        assert (code2, token2) == (code, token)
        await asyncio.wait_for(asyncio.gather(*tasks), 60)
        assert all(b.ended for b in bots)
        assert all(b.link.reconnects >= 1 and b.token == tokens[b.name] for b in bots)
        assert all(any(n["type"] == "rejoined" for n in b.notes) for b in bots)
        await asyncio.wait_for(process.wait(), 20)
        assert process.returncode == 0
    finally:
        await stop(process, tasks)
    out = tmp_path / "export.json"
    result = subprocess.run([sys.executable, "-m", "game", "export", db, "--json", str(out)],
                            capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text())
    exported = Counter((row["participant"], row["round"], row["infoset"], row["action"])
                       for row in data["decisions"] if not row["bot"])
    played = Counter((b.name, *move) for b in bots for move in b.sent)
    assert exported == played   # nothing lost, nothing doubled
    assert sorted({r["round"] for r in data["rounds"]}) == [1, 2, 3, 4]
    assert len(data["rounds"]) == 4 * 3
    assert [e["timeout"] for e in read_events(db) if e["kind"] == "settings"] == [30.0]


def _started_room(**options):
    room = make_room(**options)
    for i in range(2):
        room.handle(f"c{i}", Join(type="join", code="ABC234", name=f"s{i}"), 0.0)
    room.handle("i", Instructor(type="instructor", token=TOKEN, command="start"), 0.0)
    return room


def test_a_resumed_room_waits_a_grace_period_before_its_timers_run():
    events = _started_room(timeout=5.0).drain()
    twin = make_room(timeout=5.0)
    twin.replay(events, 100.0, grace=30.0)
    assert twin.tick(100.0 + 5.0 + 1.0) is not None and not twin.drain()   # no bot yet
    twin.tick(100.0 + 30.0 + 5.0 + 0.1)
    moves = [e for e in twin.drain() if e["kind"] == "move"]
    assert moves and moves[0]["reason"] == "timeout"


def test_resume_takes_a_new_timeout_and_keeps_it(tmp_path):
    db = str(tmp_path / "s.sqlite")
    game, result = solved("public-threat")
    config = RoomConfig(code="ABC234", instructor_token=TOKEN, seed=1, rounds=1, timeout=60.0)
    room, store = open_session(db, resume=False, game=game, result=result,
                               session=session_event("public-threat", {}, None, config,
                                                     "equilibrium", game))
    store.close()
    room, store = open_session(db, resume=True, session=None, game=game, result=result,
                               timeout=12.0)
    assert room.config.timeout == 12.0
    store.close()
    room, store = open_session(db, resume=True, session=None, game=game, result=result,
                               timeout=KEEP)
    assert room.config.timeout == 12.0   # stored: a later resume keeps it
    store.close()
    room, store = open_session(db, resume=True, session=None, game=game, result=result,
                               timeout=None)
    assert room.config.timeout is None
    store.close()


async def test_timers_ignore_a_step_of_the_wall_clock(monkeypatch):
    room = make_room(rounds=1, autostart=2, timeout=1.0)
    server = serve(room)
    await server.start()
    try:
        url = f"ws://127.0.0.1:{server.port}"
        ann, bob = ClassroomClient(url), ClassroomClient(url)
        await ann.connect(), await bob.connect()
        await ann.join("ABC234", "ann")
        await bob.join("ABC234", "bob")
        real = time.time
        monkeypatch.setattr(time, "time", lambda: real() + 86_400)   # a day later, suddenly
        await asyncio.sleep(0.2)
        assert not [e for e in room.drain() if e["kind"] == "move"]   # nobody timed out
        monkeypatch.setattr(time, "time", real)
        moves = []
        for _ in range(100):   # the real time passes: now the timer runs out (after 1 s)
            await asyncio.sleep(0.05)
            moves += [e for e in room.drain() if e["kind"] == "move"]
            if moves:
                break
        assert moves and moves[0]["reason"] == "timeout"
        await ann.close(), await bob.close()
    finally:
        await server.stop()
