"""The headless host's commands (names with spaces; `end` typed twice), and what removing a
student and reissuing a token do over the wire."""

from __future__ import annotations

import asyncio

from game.classroom.client import ClassroomClient
from game.classroom.host import HeadlessCommands
from tests.classroom.conftest import make_room, serve

TOKEN = "instructor-token-1"


async def test_headless_commands_take_full_names_and_end_asks_twice():
    room = make_room(rounds=2, timeout=None)
    server = serve(room)
    await server.start()
    said: list[str] = []
    commands = HeadlessCommands(server, said.append)
    try:
        url = f"ws://127.0.0.1:{server.port}"
        clients = {}
        for name in ("Ann Lee", "Bo Di", "Cy"):
            clients[name] = await ClassroomClient(url).connect()
            assert (await clients[name].join("ABC234", name))["type"] == "welcome"
        await commands.run("start")
        await commands.run("swap Ann Lee")
        assert room.seats[0].botted and said[-1] == "ok: swap Ann Lee"
        await commands.run("unswap   Ann Lee")   # spaces around a name do not matter
        assert not room.seats[0].botted
        await commands.run("swap Nobody Here")
        assert said[-1].startswith("! no participant named Nobody Here")
        await commands.run("kick Bo Di")
        assert room.seats[1].removed and room.seats[1].botted
        removed = await clients["Bo Di"].recv()
        while removed["type"] != "removed":
            removed = await clients["Bo Di"].recv()
        assert "removed you" in removed["message"]
        old = room.seats[2].token
        await commands.run("token Cy")
        new = room.seats[2].token
        assert new != old and new in said[-1] and "--name 'Cy'" in said[-1]
        again = await ClassroomClient(url).connect()
        assert (await again.join("ABC234", "Cy", token=old))["code"] == "taken"
        assert (await again.join("ABC234", "Cy", token=new))["type"] == "welcome"
        gone = await ClassroomClient(url).connect()
        assert (await gone.join("ABC234", "Bo Di"))["code"] == "removed"
        await commands.run("kick")
        assert said[-1] == "kick needs a participant's name"
        await commands.run("end")
        assert not room.ended and "again" in said[-1]
        await commands.run("end")
        assert room.ended
        await commands.run("status")
        assert said[-1].startswith("round ")
        await commands.run("nonsense")
        assert said[-1].startswith("commands:")
        for c in (*clients.values(), again, gone):
            await c.close()
    finally:
        await server.stop()


async def test_a_removed_student_sits_out_and_their_partner_meets_a_bot():
    room = make_room(rounds=3, timeout=None, matching="fixed", roles="fixed")
    server = serve(room)
    await server.start()
    commands = HeadlessCommands(server, lambda _: None)
    try:
        url = f"ws://127.0.0.1:{server.port}"
        clients = [await ClassroomClient(url).connect() for _ in range(4)]
        for i, c in enumerate(clients):
            await c.join("ABC234", f"s{i}")
        await commands.run("start")
        await commands.run("kick s1")
        for _ in range(50):   # the bot finishes s1's game; s0 plays its own moves
            for pair in room.pairs:
                state = pair.state
                if not state.is_terminal:
                    seat = pair.seats[state.to_move]
                    await clients[seat].send({"type": "move", "round": room.round,
                                              "decision": room.decision_id(pair),
                                              "action": state.legal_actions()[0]})
            await asyncio.sleep(0.05)
            if room.ended:
                break
        assert room.ended
        rounds = [e for e in room.drain() if e["kind"] == "round"]
        assert rounds[0]["pairs"] == [[0, 1], [2, 3]]
        assert all(p == [[0, None], [2, 3]] for p in (r["pairs"] for r in rounds[1:]))
        for c in clients:
            await c.close()
    finally:
        await server.stop()
