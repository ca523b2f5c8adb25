"""Limits before anyone has joined: 1,000 idle sockets do not lock a student out, a handshake
and a join must come in time, a stranger's partial frame is capped, new seats are rate-limited
per address and capped without a roster, and the browser entry caps its sessions."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from websockets.exceptions import ConnectionClosed

from game.classroom.client import ClassroomClient
from game.classroom.gate import ServerLimits
from game.classroom.protocol import OPENING_CAP, TRANSPORT_CAP
from tests.browser import free_port, kill_group
from tests.classroom.conftest import make_room, serve

ROOT = Path(__file__).parents[2]


async def test_a_thousand_idle_sockets_then_a_student_joins_within_a_second(capfd):
    room = make_room()
    server = serve(room, limits=ServerLimits())   # the defaults a class gets
    await server.start()
    idle = []
    try:
        for _ in range(1000):
            try:
                idle.append(await asyncio.open_connection("127.0.0.1", server.port))
            except OSError:
                break
        assert len(idle) == 1000
        await asyncio.sleep(1.2)   # they idle
        started = time.monotonic()
        student = ClassroomClient(f"ws://127.0.0.1:{server.port}")
        await student.connect(timeout=1.0)
        welcome = await student.join("ABC234", "ann", timeout=1.0)
        took = time.monotonic() - started
        assert welcome["type"] == "welcome" and took < 1.0, took
        assert len(server.gate.strangers) <= server.limits.max_strangers
        assert server.gate.refused + server.gate.evicted >= 1000 - server.limits.max_strangers
        await student.close()
    finally:
        for _, writer in idle:
            writer.close()
        await server.stop()
    assert "Traceback" not in capfd.readouterr().err   # nothing floods the terminal


async def _raw_websocket(port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                 b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                 b"Sec-WebSocket-Version: 13\r\n\r\n")
    await writer.drain()
    response = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
    assert b" 101 " in response
    return reader, writer


async def test_a_strangers_partial_frame_is_capped_and_the_slow_are_closed():
    room = make_room()
    limits = ServerLimits(handshake_timeout=0.5, join_timeout=0.5)
    server = serve(room, limits=limits)
    await server.start()
    try:
        # a frame that says it is 1 MB long: closed as soon as its header is read
        strangers = [await _raw_websocket(server.port) for _ in range(50)]
        for _, writer in strangers:
            header = bytes([0x81, 0xFF]) + (1_000_000).to_bytes(8, "big") + b"mask"
            writer.write(header + b"x" * 4000)
            await writer.drain()
        for reader, _ in strangers:
            rest = await asyncio.wait_for(reader.read(), 2)   # the server closes (1009)
            assert rest[:2] == b"\x88\x02" or rest[:1] == b"\x88", rest[:8]
        # a joined client may send a frame up to the transport cap (and gets an error reply)
        client = await ClassroomClient(f"ws://127.0.0.1:{server.port}").connect()
        assert (await client.join("ABC234", "ann"))["type"] == "welcome"
        await client.ws.send("y" * (TRANSPORT_CAP - 100))
        assert (await client.recv())["code"] == "too_large"
        # a stranger may not send that much
        stranger = await ClassroomClient(f"ws://127.0.0.1:{server.port}").connect()
        await stranger.ws.send("y" * (OPENING_CAP + 100))
        with pytest.raises(ConnectionClosed) as closed:
            await stranger.recv(timeout=5)
        assert closed.value.rcvd.code == 1009
        # a handshake that never ends, and a connection that never joins: closed in time
        half_reader, half = await asyncio.open_connection("127.0.0.1", server.port)
        half.write(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        idle = await ClassroomClient(f"ws://127.0.0.1:{server.port}").connect()
        started = time.monotonic()
        assert await asyncio.wait_for(half_reader.read(), 3) == b""
        with pytest.raises(ConnectionClosed) as closed:
            await idle.recv(timeout=3)
        assert closed.value.rcvd.code == 1008 and "join within" in closed.value.rcvd.reason
        assert time.monotonic() - started < 2
        await client.send({"type": "ping"})   # the joined client is still there
        assert (await client.recv())["type"] == "pong"
        await client.close()
        for _, writer in strangers:
            writer.close()
        half.close()
    finally:
        await server.stop()


async def test_new_seats_are_rate_limited_per_address_and_capped_without_a_roster():
    room = make_room(max_seats=8)
    server = serve(room, limits=ServerLimits(join_rate=6, join_burst=5))   # 1 per 10 s: the
    # burst below is refused whatever the machine's load
    await server.start()
    try:
        url = f"ws://127.0.0.1:{server.port}"
        client = await ClassroomClient(url).connect()
        replies = []
        tokens = {}
        for i in range(7):
            c = await ClassroomClient(url).connect()
            reply = await c.join("ABC234", f"s{i}")
            replies.append(reply.get("code", reply["type"]))
            tokens[i] = reply.get("token")
        assert replies == ["welcome"] * 5 + ["join_rate"] * 2
        # a rejoin with a token is not a new seat: never limited
        assert (await client.join("ABC234", "s0", token=tokens[0]))["type"] == "welcome"
        server.joins.per_minute = 600   # ten a second from now on: one is back after 0.1 s
        await asyncio.sleep(0.25)
        c = await ClassroomClient(url).connect()
        assert (await c.join("ABC234", "s5"))["type"] == "welcome"
        # the cap, whatever the rate
        server.joins.per_minute = 0
        for i in range(6, 9):
            c = await ClassroomClient(url).connect()
            replies.append((await c.join("ABC234", f"s{i}")).get("code", "welcome"))
        assert replies[-3:] == ["welcome", "welcome", "full"] and len(room.seats) == 8
    finally:
        await server.stop()


def test_the_browser_entry_caps_its_sessions():
    import json

    import websockets.sync.client

    port = free_port()
    command = f"{sys.executable} -c 'import time; time.sleep(30)'"
    process = subprocess.Popen([sys.executable, "-m", "game.cli.classroom_web", command,
                                "127.0.0.1", str(port), "1"], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as page:
                    assert page.status == 200
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline and process.poll() is None
                time.sleep(0.2)
        with websockets.sync.client.connect(f"ws://127.0.0.1:{port}/ws") as first:
            first.send(json.dumps(["resize", {"width": 80, "height": 24}]))
            time.sleep(0.5)   # one session runs: the entry is full
            with pytest.raises(urllib.error.HTTPError) as full:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)
            assert full.value.code == 503 and b"full" in full.value.read()
            with websockets.sync.client.connect(f"ws://127.0.0.1:{port}/ws") as second, \
                    pytest.raises(ConnectionClosed):
                second.recv(timeout=5)
    finally:
        kill_group(process)
        assert process.poll() is not None
