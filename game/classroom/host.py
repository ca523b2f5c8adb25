"""Running a host: open the database, load and solve each room's scenario, lock and build the
rooms (new ones, or the ones `--resume` continues), serve until every room has ended; the
headless host's commands on stdin."""

from __future__ import annotations

import asyncio
import secrets
import sys
import time
from dataclasses import dataclass, field
from fractions import Fraction

from game.classroom.gate import ServerLimits
from game.classroom.room import Room, RoomConfig, new_code, new_token
from game.classroom.rooms import RoomSpec
from game.classroom.seating import type_draws_for
from game.classroom.server import ClassroomServer, peak_rss_mb
from game.classroom.session import (
    KEEP,
    check_new,
    pick_rooms,
    scenario_source,
    session_event,
    start_room,
    take_rooms,
)
from game.classroom.storage import (
    Database,
    RoomLog,
    StoreError,
    open_database,
    room_title,
    shown,
)

END_CONFIRM_SECONDS = 10.0
"""A headless `end` must be typed again within this many seconds to end the session."""
LINGER = 5.0
"""Seconds the host stays up after the end for participants still reconnecting."""


@dataclass
class HostOptions:
    db: str
    rooms: list[RoomSpec] = field(default_factory=list)
    """The rooms to make (none with `resume`)."""
    port: int = 8765
    bind: str = "127.0.0.1"
    resume: bool = False
    codes: tuple[str, ...] = ()
    """With `resume`: the rooms to continue (none: every unfinished room nobody holds)."""
    timeout: object = KEEP
    """With `resume`: seconds per decision, None for no timer, or KEEP (the stored one)."""
    grace: float = 30.0
    """After `--resume`: seconds before the pending decisions' timers start."""
    standby: tuple[str, ...] | None = None
    """ws:// addresses where a resumed host may come up, told to clients (None: keep)."""
    limits: ServerLimits = field(default_factory=ServerLimits)


@dataclass
class Hosted:
    """What a host serves: its database, rooms, their logs and solved games."""

    database: Database
    rooms: list[Room]
    logs: list[RoomLog]
    results: list

    @property
    def where(self) -> str:
        return self.database.where

    def close(self) -> None:
        for log in self.logs:
            log.close()
        self.database.close()


def prepare(options: HostOptions, load_game) -> Hosted:
    """Opens the database, loads and solves every room's game (before anything is written),
    then locks and builds the rooms. `load_game(name, values, rounds)` is the CLI's loader
    (it raises user errors).

    Raises:
        StoreError: the database cannot be used, a room is held by another host, there is
            nothing to resume, or a SQLite file already holds a session.
    """
    from game.solver.solve import solve

    solved: dict[tuple, tuple] = {}

    def game_of(scenario: str, values: dict[str, Fraction], campaign: int | None) -> tuple:
        key = (scenario, tuple(sorted(values.items())), campaign)
        if key not in solved:
            from game.classroom.report import prepare_debrief

            _, game = load_game(scenario, values, campaign)
            solved[key] = (game, solve(game))
            prepare_debrief(game)
        return solved[key]

    database = open_database(options.db)
    address = f"{options.bind}:{options.port}"
    standby = KEEP if options.standby is None else list(options.standby)
    hosted = Hosted(database, [], [], [])
    try:
        if options.resume:
            infos = pick_rooms(database, list(options.codes) or None)
            games = [game_of(scenario_source(i.session),
                             {k: Fraction(v) for k, v in i.session["values"].items()},
                             i.session.get("campaign_rounds")) for i in infos]
            hosted.logs = take_rooms(database, infos, address)
            for log, info, (game, result) in zip(hosted.logs, infos, games):
                hosted.rooms.append(start_room(
                    log, info.session, game=game, result=result, resume=True,
                    timeout=options.timeout, grace=options.grace, addresses=standby))
                hosted.results.append(result)
            return hosted
        check_new(database, options.db)
        games = [game_of(s.scenario, s.values, s.campaign_rounds) for s in options.rooms]
        taken = {r.code for r in database.rooms()}
        for spec, (game, result) in zip(options.rooms, games):
            code = new_code()
            while code in taken:
                code = new_code()
            taken.add(code)
            session = session_event(spec.scenario, spec.values, spec.campaign_rounds,
                                    _config(spec, code, len(options.rooms)), spec.bot, game)
            log = database.add(session, address)
            hosted.logs.append(log)
            hosted.rooms.append(start_room(log, session, game=game, result=result,
                                           resume=False, bot_kind=spec.bot,
                                           addresses=standby))
            hosted.results.append(result)
    except BaseException:
        hosted.close()
        raise
    return hosted


def _config(spec: RoomSpec, code: str, rooms: int) -> RoomConfig:
    return RoomConfig(
        code=code, instructor_token=new_token(),
        seed=spec.seed if spec.seed is not None else secrets.randbelow(2**31),
        rounds=spec.rounds, matching=spec.matching, roles=spec.roles, roster=spec.roster,
        timeout=spec.timeout, elicit_beliefs=spec.elicit_beliefs, autostart=spec.autostart,
        type_draws=type_draws_for(spec.matching),
        max_seats=len(spec.roster) if spec.roster else spec.max_students,
        name=spec.name if rooms > 1 else "")


def class_debrief(game, result):
    """The function that makes the class debrief from a room's events."""
    def make(events: list[dict]) -> str:
        from game.classroom.report import analyse, render

        return render(analyse(events, game, result))
    return make


def report_store_problem(out):
    """Tells the instructor on `out` when the database cannot be written, and when it can."""
    def report(problem: str | None) -> None:
        if problem is None:
            out("the session database can be written again; moves are accepted")
        else:
            out(f"! {problem}: moves are refused (the students are told) and the server "
                "keeps trying")
    return report


def make_server(hosted: Hosted, host: str, port: int, *, limits: ServerLimits | None = None,
                report=None) -> ClassroomServer:
    """The server of every room a host serves."""
    return ClassroomServer(hosted.rooms, hosted.logs, host=host, port=port, limits=limits,
                           debrief=debriefs(hosted.rooms, hosted.results), report=report)


def debriefs(rooms: list[Room], results: list):
    """What makes the rooms' class debriefs: with one room, a function run in a thread once
    everybody has finished; with several, a `DebriefMaker` (a child process), since a room
    that ends early must not slow down the others."""
    if len(rooms) == 1:
        return class_debrief(rooms[0].game, results[0])
    from game.classroom.debrief import DebriefMaker

    return DebriefMaker([(room.game, result) for room, result in zip(rooms, results)])


def describe_rooms(rooms: list[Room], out) -> None:
    """Each room's code and instructor token (a single room's as before rooms)."""
    if len(rooms) == 1:
        out(f"room code: {rooms[0].config.code}")
        out(f"instructor token: {rooms[0].config.instructor_token}")
        return
    out(f"rooms: {len(rooms)}")
    for room in rooms:
        out(f"room {room.config.code}: {room.config.name or '-'} "
            f"({room.source.get('scenario')}), instructor token {room.config.instructor_token}")


async def serve_headless(hosted: Hosted, host: str, port: int, out=print,
                         commands: bool = True, limits: ServerLimits | None = None,
                         linger: float = LINGER) -> int:
    """Serves until every room has ended; reads instructor commands from stdin when asked."""
    server = make_server(hosted, host, port, limits=limits, report=report_store_problem(out))
    await server.start()
    cpu_at_start = time.process_time()
    rooms = hosted.rooms
    describe_rooms(rooms, out)
    out(f"address: {host}:{server.port}")
    out(f"database: {hosted.where}")
    if rooms[0].addresses:
        out(f"standby addresses told to clients: {', '.join(rooms[0].addresses)}")
    code = rooms[0].config.code if len(rooms) == 1 else "CODE"
    out(f"join with: deterrence join {host}:{server.port} --code {code} --name LABEL")
    reader = asyncio.create_task(_stdin_commands(server, out)) if commands else None
    import signal

    stopped = False

    def stop() -> None:   # SIGTERM: stop cleanly; --resume continues later
        nonlocal stopped
        stopped = True
        server.finished.set()

    try:
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop)
    except (NotImplementedError, RuntimeError):
        pass
    try:
        await server.finished.wait()
        await asyncio.sleep(0.3)   # let the last messages go out
        end = time.monotonic() + linger
        while not stopped and not server.everyone_has_the_end() and time.monotonic() < end:
            await asyncio.sleep(0.1)   # someone is still reconnecting: they get the end too
    finally:
        if reader:
            reader.cancel()
        await server.stop()
        hosted.close()
    if stopped:
        where = f"in round {rooms[0].round}" if len(rooms) == 1 else \
            "(" + ", ".join(f"{r.config.code} in round {r.round}" for r in rooms) + ")"
        out(f"stopped {where}; continue with: deterrence host --resume --db "
            f"{shown(hosted.where)}")
    else:
        played = rooms[0].round if len(rooms) == 1 else max(r.round for r in rooms)
        cpu_end, rss_end = server.at_end or (time.process_time(), peak_rss_mb())
        out(f"session over after {played} rounds; peak RSS: {rss_end:.1f} MB; "
            f"CPU while serving: {cpu_end - cpu_at_start:.2f} s; with the class debrief: "
            f"peak RSS {peak_rss_mb():.1f} MB, CPU {time.process_time() - cpu_at_start:.2f} s")
    return 0


HELP = ("commands: start, pause, resume, advance, end, status, swap NAME, unswap NAME, "
        "kick NAME, token NAME (a new seat token), rooms, room CODE|NAME|all (the room the "
        "commands are for), help")
ROOM_WIDE = {"start", "pause", "resume", "advance", "end", "status"}
"""Commands that may go to every room at once (`room all`)."""


async def _stdin_commands(server: ClassroomServer, out=print) -> None:
    """Lines on stdin, one command each (see `HELP`); names may have spaces."""
    import threading

    loop = asyncio.get_running_loop()
    lines: asyncio.Queue[str] = asyncio.Queue()

    def pump() -> None:   # a daemon thread, so a blocked read never holds up the exit
        for text in sys.stdin:
            loop.call_soon_threadsafe(lines.put_nowait, text)
        loop.call_soon_threadsafe(lines.put_nowait, "")

    threading.Thread(target=pump, daemon=True).start()
    commands = HeadlessCommands(server, out)
    while True:
        line = await lines.get()
        if not line:
            return
        await commands.run(line)


class HeadlessCommands:
    """The headless host's instructor commands (one line each), for the selected room or, for
    the room-wide ones, every room (`room all`, the default with several rooms)."""

    def __init__(self, server: ClassroomServer, out=print) -> None:
        self.server = server
        self.out = out
        self._end_asked: float | None = None
        self.selected: list[Room] = list(server.rooms)
        """The rooms the commands are for."""

    async def run(self, line: str) -> None:
        words = line.split()
        if not words:
            return
        command, name = words[0].lower(), " ".join(words[1:]) or None
        rooms = self.server.rooms
        if command == "rooms":
            for room in rooms:
                self.out(f"{self._title(room)}: {self._status(room)}")
            return
        if command == "room":
            self._select(name)
            return
        if command not in ROOM_WIDE and len(self.selected) > 1 and \
                command in ("swap", "unswap", "kick", "token"):
            self.out(f"{words[0]} is for one room: choose it first with `room CODE`")
            return
        if command == "status":
            for room in self.selected:
                prefix = f"{self._title(room)}: " if len(rooms) > 1 else ""
                self.out(prefix + self._status(room))
            return
        if command == "end":
            now = time.monotonic()
            if self._end_asked is None or now - self._end_asked > END_CONFIRM_SECONDS:
                self._end_asked = now
                which = "everyone" if len(rooms) == 1 else \
                    ("every room" if len(self.selected) > 1 else self._title(self.selected[0]))
                self.out(f"end the session for {which}? type `end` again within "
                         f"{END_CONFIRM_SECONDS:g} s to confirm")
                return
            self._end_asked = None
        for room in self.selected:
            await self._command(room, command, name, words[0])

    @staticmethod
    def _title(room: Room) -> str:
        return f"room {room_title({'config': room.config.to_dict()})}"

    @staticmethod
    def _status(room: Room) -> str:
        status = room.status()
        problem = f"; ! {status['store_problem']}" if status["store_problem"] else ""
        return (f"round {status['round']}/{status['rounds']}, {status['pairs_done']}/"
                f"{status['pairs']} pairs done, waiting for: "
                f"{', '.join(status['waiting_for']) or 'nobody'}{problem}")

    def _select(self, name: str | None) -> None:
        rooms = self.server.rooms
        if name is None:
            self.out("room needs a code, a name, or all")
            return
        if name.lower() == "all":
            self.selected = list(rooms)
            self.out(f"commands are for every room ({len(rooms)})")
            return
        found = [r for r in rooms if name.upper() == r.config.code or name == r.config.name]
        if not found:
            self.out(f"! no room {name!r}; the rooms: "
                     f"{', '.join(self._title(r) for r in rooms)}")
            return
        self.selected = found
        self.out(f"commands are for {self._title(found[0])}")

    async def _command(self, room: Room, command: str, name: str | None, word: str) -> None:
        from game.classroom.protocol import Instructor

        command = {"token": "reissue"}.get(command, command)
        try:
            message = Instructor(type="instructor", token=room.config.instructor_token,
                                 command=command, label=name)
        except ValueError:
            self.out(HELP)
            return
        if command in ("swap", "unswap", "kick", "reissue") and name is None:
            self.out(f"{word} needs a participant's name")
            return
        prefix = f"{self._title(room)}: " if len(self.server.rooms) > 1 else ""
        for conn, reply in await self.server.command("stdin", message):
            if conn != "stdin":
                continue
            if reply.get("type") == "error":
                self.out(f"{prefix}! {reply['message']}")
            elif command == "reissue":
                self.out(f"new seat token for {name}: {reply['token']} (rejoin with "
                         f"--name '{name}' --token {reply['token']})")
            else:
                self.out(f"{prefix}ok: {word}{' ' + name if name else ''}")


__all__ = ["HeadlessCommands", "HostOptions", "Hosted", "StoreError", "class_debrief", "debriefs",
           "describe_rooms", "make_server", "peak_rss_mb", "prepare", "serve_headless"]
