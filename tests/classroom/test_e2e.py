"""End-to-end sessions over loopback websockets with bot clients."""

from __future__ import annotations

import asyncio
import socket

import pytest

from game.classroom.client import BotClient, ClassroomClient, proxy_for
from tests.classroom.conftest import make_room, serve

TOKEN = "instructor-token-1"


async def _session(matching: str, roles: str, clients: int, rounds: int, scenario: str):
    room = make_room(scenario, matching=matching, roles=roles, rounds=rounds,
                     autostart=clients)
    server = serve(room)
    await server.start()
    try:
        url = f"ws://127.0.0.1:{server.port}"
        bots = [BotClient(url, "ABC234", f"student-{i}", seed=i) for i in range(clients)]
        await asyncio.wait_for(asyncio.gather(*(b.run(timeout=30) for b in bots)), 40)
        return room, bots
    finally:
        await server.stop()


@pytest.mark.parametrize("matching,roles", [("random", "rotate"), ("fixed", "fixed"),
                                            ("perfect-strangers", "rotate")])
async def test_thirty_clients_every_matching(matching, roles):
    room, bots = await _session(matching, roles, 31, 3, "public-threat")
    assert room.ended and room.round == 3
    assert all(b.ended for b in bots)
    assert not [e for b in bots for e in b.errors]
    # every round, every student sat in exactly one pair (31 students: one pair has a bot)
    moves = [(b.name, r) for b in bots for (r, _, _) in b.sent]
    assert moves
    for bot in bots:
        finished = [m for m in bot.received if m.get("type") == "state" and m["finished"]]
        assert {m["round"] for m in finished} == {1, 2, 3}


async def test_reconnect_with_token_restores_the_seat():
    room = make_room(rounds=1)
    server = serve(room)
    await server.start()
    try:
        url = f"ws://127.0.0.1:{server.port}"
        a, b = ClassroomClient(url), ClassroomClient(url)
        await a.connect(), await b.connect()
        wa = await a.join("ABC234", "ann")
        await b.join("ABC234", "bob")
        await a.close()
        thief = await ClassroomClient(url).connect()
        assert (await thief.join("ABC234", "ann"))["code"] == "taken"
        assert (await thief.join("ABC234", "ann", token="x" * 20))["code"] == "taken"
        back = await ClassroomClient(url).connect()
        welcome = await back.join("ABC234", "ann", token=wa["token"])
        assert welcome["type"] == "welcome" and welcome["token"] == wa["token"]
        assert len(room.seats) == 2 and room.seats[0].conn is not None
        inst = await ClassroomClient(url).connect()
        await inst.instructor("wrong-token-000", "start")
        assert (await inst.recv())["code"] == "forbidden"
        await inst.instructor(TOKEN, "start")
        assert (await inst.recv())["type"] == "ok"
        state = await back.recv()
        assert state["type"] == "state" and state["round"] == 1
        for c in (b, thief, back, inst):
            await c.close()
    finally:
        await server.stop()


async def test_no_type_leaks_over_the_wire():
    import json
    import re

    from tests.classroom.conftest import solved

    game, _ = solved("signal-choice")
    types = [{t.id for t in p.types} for p in game.spec.players]
    room, bots = await _session("random", "rotate", 10, 3, "signal-choice")
    assert room.ended
    checked = 0
    for bot in bots:
        for message in bot.received:
            if message.get("type") != "state":
                continue
            opponent = types[1 - message["role"]]
            if message["finished"]:
                assert message["types"][1 - message["role"]] in opponent
                continue
            assert "types" not in message and "outcome" not in message
            words = set(re.findall(r"[A-Za-z_]+", json.dumps(message)))
            assert not words & opponent, message
            checked += 1
    assert checked > 20


async def test_instructor_swaps_a_bot_in_for_a_dropout_and_advances():
    room = make_room(rounds=2, timeout=None)
    server = serve(room)
    await server.start()
    try:
        url = f"ws://127.0.0.1:{server.port}"
        dropout = await ClassroomClient(url).connect()
        await dropout.join("ABC234", "gone")
        await dropout.close()
        stays = BotClient(url, "ABC234", "stays", seed=2)
        task = asyncio.create_task(stays.run(timeout=20))
        inst = await ClassroomClient(url).connect()
        await inst.instructor(TOKEN, "watch")
        assert (await inst.recv())["type"] == "ok"
        while len(room.seats) < 2:
            await asyncio.sleep(0.02)
        await inst.instructor(TOKEN, "start")
        await inst.instructor(TOKEN, "swap", "gone")
        await asyncio.wait_for(task, 20)
        assert room.ended and stays.ended
        assert any(m.get("type") == "status" for m in [await inst.recv() for _ in range(3)])
        events = room.drain()   # no store: the room kept its events
        assert any(e["kind"] == "swap" and e["seat"] == 0 for e in events)
        dropout_moves = [e for e in events if e["kind"] == "move" and e["seat"] == 0]
        assert dropout_moves and all(e["bot"] and e["reason"] == "swap" for e in dropout_moves)
        assert room.seats[0].botted
        await inst.close()
    finally:
        await server.stop()


async def test_a_proxy_in_the_environment_is_not_used_for_a_host_in_the_room(monkeypatch):
    """A proxy set in the environment (for the internet) is not used to reach a host on this
    machine or the local network: a student's client and the bots join past a dead proxy. Told
    to use the environment's proxy, a client does (here a closed port, so it fails)."""
    room = make_room("public-threat", rounds=1, autostart=2)
    server = serve(room)
    await server.start()
    try:
        with socket.socket() as closed:
            closed.bind(("127.0.0.1", 0))
            dead = f"http://127.0.0.1:{closed.getsockname()[1]}"
        for scheme in ("no", "all", "ws", "wss", "socks", "https", "http"):
            for name in (f"{scheme}_proxy", f"{scheme.upper()}_PROXY"):
                monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("http_proxy", dead)
        url = f"ws://127.0.0.1:{server.port}"
        with pytest.raises(OSError):
            await ClassroomClient(url, proxy=True).connect(timeout=5)
        person = await ClassroomClient(url).connect(timeout=5)
        await person.close()
        bots = [BotClient(url, "ABC234", f"s{i}", seed=i) for i in range(2)]
        await asyncio.wait_for(asyncio.gather(*(b.run(timeout=20) for b in bots)), 30)
        assert room.ended and all(b.ended and not b.errors for b in bots)
    finally:
        await server.stop()


@pytest.mark.parametrize("url,proxy", [
    ("ws://127.0.0.1:8765", None), ("ws://localhost:8765", None), ("ws://[::1]:8765", None),
    ("ws://192.168.1.20:8765", None), ("ws://10.0.0.7:8765", None), ("ws://172.16.4.2", None),
    ("ws://169.254.10.1:8765", None), ("ws://laptop.local:8765", None),
    ("ws://classroom.example.edu:8765", True), ("wss://classroom.example.edu", True)])
def test_which_hosts_are_reached_straight(url, proxy):
    assert proxy_for(url) is proxy
