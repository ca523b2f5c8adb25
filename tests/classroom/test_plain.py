"""The plain client (`join --plain`) keeps listening while it waits for input: a pause, a
timeout (a bot decides for the student: never shown as "you: ..."), the other side's moves and
the end are shown at once; Ctrl+D leaves cleanly."""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path

from game.classroom.client import BotClient, SeatLink
from game.classroom.protocol import Instructor
from game.cli.classroom_plain import PlainSeat
from tests.classroom.conftest import make_room, serve, solved, until

ROOT = Path(__file__).parents[2]
TOKEN = "instructor-token-1"


async def test_the_plain_client_reacts_while_it_waits_for_input():
    game, _ = solved("public-threat")
    room = make_room(rounds=4, autostart=2, timeout=1.0)
    server = serve(room, debrief=lambda events: "CLASS DEBRIEF")
    await server.start()
    out: list[str] = []
    lines: asyncio.Queue = asyncio.Queue()
    try:
        url = f"ws://127.0.0.1:{server.port}"
        link = SeatLink(url, "ABC234", "ann")
        await link.open()
        seat = PlainSeat(link, lines, out.append, game, "127.0.0.1:1")
        task = asyncio.create_task(seat.run())
        bot = asyncio.create_task(BotClient(url, "ABC234", "bob", seed=3).run(timeout=60))
        asked = lambda: sum("Your move (number)" in line for line in out)   # noqa: E731
        assert await until(lambda: asked() >= 1, 10)
        # 1. no answer: the timer runs out and a bot decides, shown at once
        assert await until(lambda: any("a bot chose" in line for line in out), 5)
        # 2. a pause while the next question waits
        assert await until(lambda: asked() >= 2, 20)
        await server.command("i", Instructor(type="instructor", token=TOKEN, command="pause"))
        assert await until(lambda: any("[paused]" in line for line in out), 5)
        lines.put_nowait("1")   # typed during the pause: nothing to answer now
        assert await until(lambda: "(nothing to answer now" in out[-1], 5)
        await server.command("i", Instructor(type="instructor", token=TOKEN, command="resume"))
        assert await until(lambda: asked() >= 3, 5)   # asked again after the pause
        lines.put_nowait("1")
        assert await until(lambda: any(line.strip().startswith("you: ") for line in out), 5)
        # 3. the rest: answer each question
        while not task.done():
            count = asked()
            await until(lambda count=count: asked() > count or task.done(), 15)
            lines.put_nowait("1")
        assert await task == 0
        await asyncio.wait_for(bot, 10)
        text = "\n".join(out)
        total = room.ended_message(0)["total"]
        assert f"The session is over; your total is {total}." in text
        assert "CLASS DEBRIEF" in text and "Your games:" in text
        # a bot's move for ann is never shown as hers: "you: X" lines are her own moves
        moves = [e for e in room.drain() if e["kind"] == "move" and e["seat"] == 0]
        mine = [line.strip()[len("you: "):] for line in out if line.strip().startswith("you: ")]
        assert mine == [e["action"] for e in moves if not e["bot"]]
        bots = [line for line in out if "a bot chose" in line]
        assert len(bots) == sum(e["bot"] for e in moves) >= 1
    finally:
        await server.stop()


async def test_ctrl_d_leaves_cleanly_and_says_how_to_rejoin():
    room = make_room(rounds=1, timeout=None)
    server = serve(room)
    await server.start()
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "game", "join", f"127.0.0.1:{server.port}", "--code",
            "ABC234", "--name", "ann", "--plain", stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, cwd=ROOT)
        process.stdin.close()   # Ctrl+D: the end of input
        out, err = await asyncio.wait_for(process.communicate(), 60)
        assert process.returncode == 0, err.decode()
        text = out.decode()
        assert "You left the session" in text and "--token" in text
        assert "Traceback" not in err.decode()
        assert re.search(r"--token [\w-]{8,}", text)
        assert len(room.seats) == 1   # the seat stays for the token
    finally:
        await server.stop()


async def test_the_plain_client_says_it_reconnects_and_comes_back():
    room = make_room(rounds=1, timeout=None)
    server = serve(room)
    await server.start()
    port = server.port
    out: list[str] = []
    try:
        link = SeatLink(f"ws://127.0.0.1:{port}", "ABC234", "ann", first_delay=0.05)
        await link.open()
        task = asyncio.create_task(PlainSeat(link, asyncio.Queue(), out.append).run())
        await server.stop()
        assert await until(lambda: any("[reconnecting]" in line for line in out), 5)
        server = serve(room, port=port)
        await server.start()
        assert await until(lambda: any("[reconnected]" in line for line in out), 10)
        assert room.seats[0].conn is not None and len(room.seats) == 1
        task.cancel()
    finally:
        await server.stop()
