"""Many rooms in one host: the rooms file and `--room` (every problem located, no traceback),
rooms routed by code and instructor token over one port (on both databases), the headless
commands per room, and the console's list of rooms."""

from __future__ import annotations

import asyncio
import textwrap
from fractions import Fraction

import pytest

from game.classroom.client import BotClient, ClassroomClient
from game.classroom.host import HeadlessCommands, HostOptions, make_server, prepare
from game.classroom.rooms import RoomsFileError, RoomSpec, parse_room_option, read_rooms_file
from game.classroom.storage import read_rooms
from game.cli import main
from tests.classroom.conftest import LOOSE

BASE = RoomSpec(name="", scenario="", rounds=5, timeout=60.0)


def _write(tmp_path, text: str, name: str = "rooms.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_a_rooms_file_gives_each_room_its_settings_over_the_defaults(tmp_path):
    (tmp_path / "b.txt").write_text("ann\nbo\n\nann\n")
    path = _write(tmp_path, """\
        defaults:
          rounds: 6
          timeout: 0
        rooms:
          - name: Section A
            scenario: public-threat
          - name: Section B
            scenario: chain-store
            rounds: 3
            campaign_rounds: 2
            matching: fixed
            set: {a: 0.25}
            roster: b.txt
        """)
    a, b = read_rooms_file(path, BASE)
    assert (a.name, a.scenario, a.rounds, a.timeout, a.matching) == \
        ("Section A", "public-threat", 6, None, "random")
    assert (b.rounds, b.campaign_rounds, b.matching, b.values, b.roster) == \
        (3, 2, "fixed", {"a": Fraction(1, 4)}, ("ann", "bo"))
    option = parse_room_option("Section C=signal-choice,rounds=8,set.a=1/3,elicit-beliefs=true",
                               BASE)
    assert (option.name, option.scenario, option.rounds, option.values,
            option.elicit_beliefs) == ("Section C", "signal-choice", 8, {"a": Fraction(1, 3)},
                                       True)


@pytest.mark.parametrize("text,expected", [
    ("rooms:\n  - name: A\n    scenario: x\n    roundz: 3\n",
     ":4:5  rooms[0].roundz  not a room setting"),
    ("rooms:\n  - name: A\n    scenario: x\n  - name: B\n    scenario: y\n    matching: odd\n",
     ":6:5  rooms[1].matching  Input should be"),
    ("rooms:\n  - name: A\n", ":2:5  rooms[0].scenario  missing"),
    ("rooms:\n  - name: A\n    scenario: x\n  - name: A\n    scenario: y\n",
     ":4:5  rooms[1].name  another room has this name"),
    ("rooms: [\n", ":2:1"),
    ("- just a list\n", ":1:1  (top)  a rooms file is a mapping"),
    ("rooms: []\n", "rooms  List should have at least 1 item"),
    ("rooms:\n  - name: A\n    scenario: x\n    set: {a: 1/0}\n", "not an exact number"),
    ("rooms:\n  - name: A\n    scenario: x\n    roster: missing.txt\n",
     "cannot read the roster"),
])
def test_a_bad_rooms_file_is_located_and_never_a_traceback(tmp_path, capsys, text, expected):
    path = _write(tmp_path, text)
    with pytest.raises(RoomsFileError) as err:
        read_rooms_file(path, BASE)
    assert expected in str(err.value), str(err.value)
    with pytest.raises(SystemExit) as exited:
        raise SystemExit(main(["host", "--rooms", str(path), "--headless",
                               "--db", str(tmp_path / "s.sqlite")]))
    assert exited.value.code == 2
    out = capsys.readouterr().err
    assert expected in out and "Traceback" not in out
    assert not (tmp_path / "s.sqlite").exists()   # nothing made for a bad file


@pytest.mark.parametrize("argv,expected", [
    (["--room", "A"], "write NAME=SCENARIO"),
    (["--room", "A=public-threat,rounds"], "is not KEY=VALUE"),
    (["--room", "A=public-threat", "--room", "A=signal-choice"], "two rooms are named"),
    (["--room", "A=public-threat", "public-threat"], "not both"),
    (["--rooms", "/nonexistent/rooms.yaml"], "cannot read"),
    (["--resume", "--db", "x.sqlite", "--room", "A=public-threat"], "by its code"),
    (["--room", "A=public-threat", "--standby", "nocolon"], "HOST:PORT"),
])
def test_bad_room_options_are_usage_errors(tmp_path, capsys, argv, expected, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exited:
        raise SystemExit(main(["host", *argv, "--headless", "--port", "0"]))
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err


def test_a_room_with_a_bad_scenario_shows_its_problems_and_makes_nothing(tmp_path, capsys):
    db = tmp_path / "s.sqlite"
    code = main(["host", "--room", "A=public-threat", "--room", "B=no-such-scenario",
                 "--headless", "--db", str(db)])
    assert code == 1
    err = capsys.readouterr().err
    assert "no shipped scenario 'no-such-scenario'" in err and "Traceback" not in err
    assert not read_rooms_safe(db)   # room A was not made either: all scenarios load first


def read_rooms_safe(db) -> list:
    from game.classroom.storage import StoreError

    try:
        return read_rooms(str(db))
    except StoreError:
        return []


def _load(name, values, rounds):
    from game.cli.commands import load_game

    return load_game(name, values, rounds)


async def test_rooms_share_a_port_each_with_its_code_token_and_log(db):
    rooms = [RoomSpec(name="Section A", scenario="public-threat", rounds=2, seed=1,
                      autostart=4, timeout=None),
             RoomSpec(name="Section B", scenario="signal-choice", rounds=3, seed=2,
                      autostart=2, timeout=None, matching="fixed", roles="fixed")]
    hosted = prepare(HostOptions(db=db, rooms=rooms, port=0), _load)
    a, b = hosted.rooms
    assert a.config.code != b.config.code
    assert a.config.instructor_token != b.config.instructor_token
    server = make_server(hosted, "127.0.0.1", 0, limits=LOOSE)
    server.tick_seconds = 0.05
    await server.start()
    said: list[str] = []
    commands = HeadlessCommands(server, said.append)
    try:
        url = f"ws://127.0.0.1:{server.port}"
        probe = await ClassroomClient(url).connect()
        assert (await probe.join("NOPE99", "x"))["code"] == "bad_code"
        await probe.instructor(a.config.instructor_token, "watch")
        assert (await probe.recv())["type"] == "ok"
        assert a.watchers and not b.watchers   # the token opened room A only
        await probe.instructor("not-a-token-of-any", "start")
        assert (await probe.recv())["code"] == "forbidden"
        await probe.close()
        bots = [BotClient(url, a.config.code, f"a{i}", seed=i) for i in range(4)] + \
            [BotClient(url, b.config.code, f"b{i}", seed=i) for i in range(2)]
        await commands.run("rooms")
        assert len(said) == 2 and "Section A" in said[0] and "Section B" in said[1]
        await commands.run("swap a0")
        assert "choose it first" in said[-1]
        await asyncio.wait_for(asyncio.gather(*(bot.run(timeout=30) for bot in bots)), 40)
        assert a.ended and b.ended and all(bot.ended for bot in bots)
        await asyncio.wait_for(server.finished.wait(), 30)
        texts = dict(server.debrief_texts)
    finally:
        await server.stop()
        hosted.close()
    stored = {events[0]["config"]["code"]: events for events in read_rooms(db)}
    from game.classroom.report import analyse, render

    for index, room in enumerate(hosted.rooms):   # made in the child: what report makes
        expected = render(analyse(stored[room.config.code], room.game, hosted.results[index]))
        assert texts[index] == expected
    import json
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:   # export: one room, or every room
        one, every = Path(folder) / "one.json", Path(folder) / "all.json"
        assert main(["export", db, "--room", b.config.code.lower(), "--json", str(one)]) == 0
        assert main(["export", db, "--json", str(every)]) == 0
        one_data, all_data = json.loads(one.read_text()), json.loads(every.read_text())
    assert {r["session"] for r in one_data["decisions"]} == {b.config.code}
    assert {r["session"] for r in all_data["decisions"]} == {a.config.code, b.config.code}
    assert [r["room_name"] for r in all_data["session"]] == ["Section A", "Section B"]
    assert len(all_data["decisions"]) == sum(1 for events in stored.values() for e in events
                                             if e["kind"] == "move")
    for room, bot_names in ((a, {"a0", "a1", "a2", "a3"}), (b, {"b0", "b1"})):
        events = stored[room.config.code]
        assert events[0]["config"]["name"] == room.config.name
        joined = {e["label"] for e in events if e["kind"] == "join"}
        assert joined == bot_names   # each student in their own room's log
        assert sum(e["kind"] == "round" for e in events) == room.config.rounds
        assert events[-1]["kind"] == "end"


async def test_headless_commands_go_to_the_room_chosen(tmp_path):
    rooms = [RoomSpec(name=f"Section {x}", scenario="public-threat", rounds=2, seed=1,
                      timeout=None) for x in "AB"]
    hosted = prepare(HostOptions(db=str(tmp_path / "s.sqlite"), rooms=rooms, port=0), _load)
    a, b = hosted.rooms
    server = make_server(hosted, "127.0.0.1", 0, limits=LOOSE)
    await server.start()
    said: list[str] = []
    commands = HeadlessCommands(server, said.append)
    try:
        url = f"ws://127.0.0.1:{server.port}"
        clients = []
        for room in (a, b):
            for i in range(2):
                client = await ClassroomClient(url).connect()
                assert (await client.join(room.config.code.lower(), f"s{i}"))["type"] == \
                    "welcome"   # the same names in two rooms: two seats
                clients.append(client)
        await commands.run(f"room {b.config.code}")
        assert "Section B" in said[-1]
        await commands.run("start")
        assert b.started and not a.started
        await commands.run("swap s1")
        assert b.seats[1].botted and not a.seats[1].botted
        await commands.run("room Section A")
        await commands.run("status")
        assert said[-1].startswith(f"room Section A ({a.config.code}): round 0/2")
        await commands.run("room nowhere")
        assert said[-1].startswith("! no room 'nowhere'")
        await commands.run("room all")
        await commands.run("end")
        await commands.run("end")
        assert a.ended and b.ended
        for client in clients:
            await client.close()
    finally:
        await server.stop()
        hosted.close()


async def test_the_console_lists_the_rooms_and_acts_on_the_one_chosen(tmp_path):
    from textual.widgets import DataTable

    from game.tui.classroom_console import InstructorConsole, SecretDialog
    from tests.classroom.test_tui_console import _until, rendered

    rooms = [RoomSpec(name=f"Section {x}", scenario="public-threat", rounds=2, seed=1,
                      timeout=None) for x in "ABC"]
    hosted = prepare(HostOptions(db=str(tmp_path / "s.sqlite"), rooms=rooms, port=0), _load)
    app = InstructorConsole(hosted.rooms, hosted.logs, "127.0.0.1", 0, hosted.results,
                            limits=LOOSE)
    try:
        async with app.run_test(size=(150, 44)) as pilot:
            url = f"ws://127.0.0.1:{app.server.port}"
            clients = []
            for room in hosted.rooms[1:]:
                for i in range(2):
                    client = await ClassroomClient(url).connect()
                    await client.join(room.config.code, f"s{i}")
                    clients.append(client)
            table = app.query_one("#rooms", DataTable)
            assert await _until(pilot, lambda: table.row_count == 3)
            text = rendered(app)
            assert all(r.config.code in text and r.config.name in text for r in hosted.rooms)
            assert not any(r.config.instructor_token in text for r in hosted.rooms)
            await pilot.press("n")
            assert await _until(pilot, lambda: app.current == 1)
            assert await _until(pilot, lambda: app.query_one("#roster").row_count == 2)
            await pilot.press("s")   # starts the room on screen only
            assert await _until(pilot, lambda: hosted.rooms[1].started)
            assert not hosted.rooms[0].started and not hosted.rooms[2].started
            await pilot.press("t")
            assert isinstance(app.screen, SecretDialog)
            assert hosted.rooms[1].config.instructor_token in app.screen.text
            for client in clients:
                await client.close()
    finally:
        hosted.close()


def test_a_room_from_a_scenario_file_resumes_where_that_file_is_not(db, tmp_path, capsys):
    """A host on another machine has not the instructor's scenario file: the room keeps its
    text, and resume and report use it."""
    import shutil

    from game.scenario.library import resolve

    custom = tmp_path / "elsewhere" / "my-game.yaml"
    custom.parent.mkdir()
    shutil.copy(resolve("signal-choice"), custom)
    spec = RoomSpec(name="", scenario=str(custom), rounds=1, seed=1, timeout=None)
    hosted = prepare(HostOptions(db=db, rooms=[spec], port=0), _load)
    code = hosted.rooms[0].config.code
    title = hosted.rooms[0].game.title
    hosted.close()
    shutil.rmtree(custom.parent)   # the other machine: no such file
    again = prepare(HostOptions(db=db, resume=True, port=0), _load)
    try:
        assert again.rooms[0].config.code == code and again.rooms[0].game.title == title
        assert again.rooms[0].source["scenario"] == str(custom)   # told to clients as it was
    finally:
        again.close()
    assert main(["report", db]) == 0
    assert f"Class debrief: {title}" in capsys.readouterr().out
