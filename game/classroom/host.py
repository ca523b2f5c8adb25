"""Running a session: open (and lock) the store, load and solve the scenario, serve until the
end; the headless host's commands on stdin."""

from __future__ import annotations

import asyncio
import secrets
import sys
import time
from dataclasses import dataclass, field
from fractions import Fraction

from game.classroom.gate import ServerLimits
from game.classroom.room import Room, RoomConfig, new_code, new_token
from game.classroom.seating import type_draws_for
from game.classroom.server import ClassroomServer, peak_rss_mb
from game.classroom.session import KEEP, open_store, session_event, start_room

END_CONFIRM_SECONDS = 10.0
"""A headless `end` must be typed again within this many seconds to end the session."""
LINGER = 5.0
"""Seconds the host stays up after the end for participants still reconnecting."""


@dataclass
class HostOptions:
    scenario: str | None
    values: dict[str, Fraction]
    db: str
    rounds: int = 5
    campaign_rounds: int | None = None
    matching: str = "random"
    roles: str = "rotate"
    roster: tuple[str, ...] | None = None
    port: int = 8765
    bind: str = "127.0.0.1"
    timeout: object = KEEP
    """Seconds per decision, None for no timer, or KEEP: 60 s for a new session, the stored
    timeout for a resumed one."""
    elicit_beliefs: bool = False
    resume: bool = False
    seed: int | None = None
    autostart: int = 0
    bot: str = "equilibrium"
    grace: float = 30.0
    """After `--resume`: seconds before the pending decisions' timers start."""
    max_students: int = 300
    limits: ServerLimits = field(default_factory=ServerLimits)


def prepare(options: HostOptions, load_game) -> tuple[Room, object, object]:
    """Locks the database, loads the game (from the database's session when resuming), solves
    it, and builds the room. `load_game(name, values, rounds)` is the CLI's loader (it raises
    user errors).

    Raises:
        StoreError: the database is held by another host, holds no session to resume, or
            already holds one.
    """
    from game.solver.solve import solve

    store, stored = open_store(options.db, resume=options.resume,
                               address=f"{options.bind}:{options.port}")
    try:
        scenario, values, campaign = options.scenario, options.values, options.campaign_rounds
        if stored is not None:
            scenario = stored["scenario"]
            values = {k: Fraction(v) for k, v in stored["values"].items()}
            campaign = stored.get("campaign_rounds")
        _, game = load_game(scenario, values, campaign)
        result = solve(game)
        session = stored
        if not options.resume:
            config = RoomConfig(
                code=new_code(), instructor_token=new_token(),
                seed=options.seed if options.seed is not None else secrets.randbelow(2**31),
                rounds=options.rounds, matching=options.matching, roles=options.roles,
                roster=options.roster,
                timeout=60.0 if options.timeout is KEEP else options.timeout,
                elicit_beliefs=options.elicit_beliefs, autostart=options.autostart,
                type_draws=type_draws_for(options.matching),
                max_seats=len(options.roster) if options.roster else options.max_students)
            session = session_event(scenario, values, campaign, config, options.bot, game)
        room = start_room(store, session, game=game, result=result, resume=options.resume,
                          bot_kind=options.bot, timeout=options.timeout, grace=options.grace)
    except BaseException:
        store.close()
        raise
    return room, store, result


def class_debrief(game, result):
    """The function that makes the class debrief from a session's events."""
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


async def serve_headless(room: Room, store, host: str, port: int, out=print,
                         commands: bool = True, result=None,
                         limits: ServerLimits | None = None, linger: float = LINGER) -> int:
    """Serves until the session ends; reads instructor commands from stdin when asked."""
    server = ClassroomServer(room, store, host=host, port=port, limits=limits,
                             debrief=class_debrief(room.game, result),
                             report=report_store_problem(out))
    await server.start()
    cpu_at_start = time.process_time()
    out(f"room code: {room.config.code}")
    out(f"instructor token: {room.config.instructor_token}")
    out(f"address: {host}:{server.port}")
    out(f"database: {store.path}")
    out(f"join with: deterrence join {host}:{server.port} --code {room.config.code} "
        "--name LABEL")
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
        store.close()
    if stopped:
        out(f"stopped in round {room.round}; continue with: deterrence host --resume --db "
            f"{store.path}")
    else:
        cpu_end, rss_end = server.at_end or (time.process_time(), peak_rss_mb())
        out(f"session over after {room.round} rounds; peak RSS: {rss_end:.1f} MB; "
            f"CPU while serving: {cpu_end - cpu_at_start:.2f} s; with the class debrief: "
            f"peak RSS {peak_rss_mb():.1f} MB, CPU {time.process_time() - cpu_at_start:.2f} s")
    return 0


HELP = ("commands: start, pause, resume, advance, end, status, swap NAME, unswap NAME, "
        "kick NAME, token NAME (a new seat token), help")


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
    """The headless host's instructor commands (one line each)."""

    def __init__(self, server: ClassroomServer, out=print) -> None:
        self.server = server
        self.out = out
        self._end_asked: float | None = None

    async def run(self, line: str) -> None:
        from game.classroom.protocol import Instructor

        words = line.split()
        if not words:
            return
        room = self.server.room
        command, name = words[0].lower(), " ".join(words[1:]) or None
        if command == "status":
            status = room.status()
            problem = f"; ! {status['store_problem']}" if status["store_problem"] else ""
            self.out(f"round {status['round']}/{status['rounds']}, {status['pairs_done']}/"
                     f"{status['pairs']} pairs done, waiting for: "
                     f"{', '.join(status['waiting_for']) or 'nobody'}{problem}")
            return
        if command == "end":
            now = time.monotonic()
            if self._end_asked is None or now - self._end_asked > END_CONFIRM_SECONDS:
                self._end_asked = now
                self.out(f"end the session for everyone? type `end` again within "
                         f"{END_CONFIRM_SECONDS:g} s to confirm")
                return
            self._end_asked = None
        command = {"token": "reissue"}.get(command, command)
        try:
            message = Instructor(type="instructor", token=room.config.instructor_token,
                                 command=command, label=name)
        except ValueError:
            self.out(HELP)
            return
        if command in ("swap", "unswap", "kick", "reissue") and name is None:
            self.out(f"{words[0]} needs a participant's name")
            return
        for conn, reply in await self.server.command("stdin", message):
            if conn != "stdin":
                continue
            if reply.get("type") == "error":
                self.out(f"! {reply['message']}")
            elif command == "reissue":
                self.out(f"new seat token for {name}: {reply['token']} (rejoin with "
                         f"--name '{name}' --token {reply['token']})")
            else:
                self.out(f"ok: {words[0]}{' ' + name if name else ''}")


__all__ = ["HeadlessCommands", "HostOptions", "peak_rss_mb", "prepare", "serve_headless"]
