"""Malformed, oversized and flooding input: error replies, nothing changes, others keep going."""

from __future__ import annotations

import asyncio
import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from websockets.exceptions import ConnectionClosed

from game.classroom.client import ClassroomClient
from game.classroom.protocol import MAX_FRAME, TRANSPORT_CAP, ProtocolError, parse_client
from tests.classroom.conftest import make_room, serve

JSONISH = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                       lambda inner: st.lists(inner, max_size=4)
                       | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=200), st.text(max_size=200), JSONISH.map(json.dumps),
                 st.fixed_dictionaries({"type": st.sampled_from(["join", "move", "belief",
                                                                 "instructor", "ping"])},
                                       optional={"code": JSONISH, "name": JSONISH,
                                                 "round": JSONISH, "action": JSONISH,
                                                 "token": JSONISH, "command": JSONISH,
                                                 "beliefs": JSONISH}).map(json.dumps)))
def test_parse_client_accepts_or_raises_protocol_error(frame):
    try:
        parse_client(frame)
    except ProtocolError as error:
        assert error.code in ("invalid", "malformed", "too_large")


def _frames(rng: random.Random) -> list:
    frames = [b"\xff\xfe\x00garbage", "not json", "[]", "{}", '{"type": "nope"}',
              '{"type": "move"}', '{"type": "move", "round": "x", "action": "a"}',
              '{"type": "move", "round": 1, "action": "threaten", "extra": 1}',
              '{"type": "join", "code": "ABC234", "name": "' + "x" * 100 + '"}',
              '{"type": "join", "code": "ABC234", "name": "../etc"}',
              '{"type": "instructor", "token": "short", "command": "end"}',
              '{"type": "instructor", "token": "wrong-token-xyz", "command": "end"}',
              '{"type": "belief", "round": 1, "beliefs": {"a": 2}}',
              "x" * (MAX_FRAME + 10), json.dumps({"type": "ping", "pad": "y" * MAX_FRAME})]
    for _ in range(60):
        frames.append(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 80))))
        frames.append("".join(chr(rng.randrange(32, 0x2FFF)) for _ in range(rng.randrange(60))))
    return frames


async def test_malformed_frames_get_errors_and_change_nothing():
    room = make_room()
    server = serve(room, rate=1000, burst=1000)
    await server.start()
    try:
        url = f"ws://127.0.0.1:{server.port}"
        good = await ClassroomClient(url).connect()
        assert (await good.join("ABC234", "ann"))["type"] == "welcome"
        before = (len(room.seats), room.round, room.started, room.ended)
        fuzz = await ClassroomClient(url).connect()
        for frame in _frames(random.Random(3)):
            await fuzz.ws.send(frame)
            reply = await fuzz.recv(timeout=5)
            assert reply["type"] == "error", (frame, reply)
        for raw in (b"\xff\xfe not UTF-8", b'{"type": "ping"\xc3}'):   # as text frames
            await fuzz.ws.send(raw, text=True)
            reply = await fuzz.recv(timeout=5)
            assert reply["type"] == "error" and reply["code"] == "malformed", (raw, reply)
        assert (len(room.seats), room.round, room.started, room.ended) == before
        await good.send({"type": "ping"})
        assert (await good.recv())["type"] == "pong"
        await fuzz.close()
        await good.close()
    finally:
        await server.stop()


def _oversized(state: dict) -> list:
    """Frames past MAX_FRAME but within the transport cap; the first ones are legal moves."""
    move = {"type": "move", "round": state["round"], "decision": state["decision"],
            "action": state["legal"][0]}
    return [json.dumps(move) + " " * MAX_FRAME,                     # a legal move, padded
            json.dumps({**move, "pad": "y" * (8 * 1024)}),           # 8 KB
            json.dumps(move).encode() + b" " * (12 * 1024),          # binary, 12 KB
            "\u00e9" * (MAX_FRAME // 2 + 1),                         # few characters, many bytes
            "z" * (TRANSPORT_CAP - 64)]                             # just under the cap


async def test_oversized_frames_get_errors_and_the_same_client_plays_on():
    room = make_room(rounds=1, autostart=2)
    server = serve(room)
    await server.start()
    try:
        url = f"ws://127.0.0.1:{server.port}"
        ann, bob = ClassroomClient(url), ClassroomClient(url)
        await ann.connect(), await bob.connect()
        assert (await ann.join("ABC234", "ann"))["type"] == "welcome"
        assert (await bob.join("ABC234", "bob"))["type"] == "welcome"
        states = {"ann": await ann.recv(), "bob": await bob.recv()}
        mover = next(n for n, s in states.items() if s["your_turn"])
        client, state = (ann, states["ann"]) if mover == "ann" else (bob, states["bob"])
        before = [pair.state.steps for pair in room.pairs]
        for frame in _oversized(state):
            await client.ws.send(frame)
            reply = await client.recv(timeout=10)
            assert reply["type"] == "error" and reply["code"] == "too_large", reply
            assert "4096 bytes" in reply["message"]
        assert [pair.state.steps for pair in room.pairs] == before   # nothing changed
        assert room.seats[0].conn is not None and room.seats[1].conn is not None
        # the same connection, same seat: its move goes through
        await client.send({"type": "move", "round": state["round"], "decision": state["decision"],
                           "action": state["legal"][0]})
        after = await client.recv(timeout=10)
        assert after["type"] == "state" and not after["your_turn"], after
        assert [pair.state.steps for pair in room.pairs] != before
        for c in (ann, bob):
            await c.close()
    finally:
        await server.stop()


async def test_a_frame_past_the_transport_cap_closes_only_that_connection():
    room = make_room()
    server = serve(room)
    await server.start()
    try:
        url = f"ws://127.0.0.1:{server.port}"
        good = await ClassroomClient(url).connect()
        assert (await good.join("ABC234", "ann"))["type"] == "welcome"
        big = await ClassroomClient(url).connect()
        welcome = await big.join("ABC234", "bob")
        await big.ws.send("z" * (TRANSPORT_CAP + 1))
        with pytest.raises(ConnectionClosed) as closed:
            await big.recv(timeout=10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009
        back = await ClassroomClient(url).connect()   # the seat stays; its token takes it back
        assert (await back.join("ABC234", "bob", token=welcome["token"]))["type"] == "welcome"
        assert len(room.seats) == 2
        await good.send({"type": "ping"})
        assert (await good.recv())["type"] == "pong"
        for c in (good, back):
            await c.close()
    finally:
        await server.stop()


async def test_a_flooding_client_is_rate_limited_then_disconnected():
    room = make_room()
    server = serve(room)
    await server.start()
    try:
        url = f"ws://127.0.0.1:{server.port}"
        good = await ClassroomClient(url).connect()
        flood = await ClassroomClient(url).connect()
        limited = 0
        with pytest.raises(ConnectionClosed):
            async def hammer():
                nonlocal limited
                for _ in range(2000):
                    await flood.send({"type": "ping"})
                while True:
                    reply = await flood.recv(timeout=10)
                    limited += reply.get("code") == "rate_limited"
            await asyncio.wait_for(hammer(), 20)
        assert limited > 0
        await good.send({"type": "ping"})
        assert (await good.recv())["type"] == "pong"
        await good.close()
    finally:
        await server.stop()
