"""Running a session: load and solve the scenario, open the store, serve until the end."""

from __future__ import annotations

import asyncio
import resource
import secrets
import sys
import time
from dataclasses import dataclass
from fractions import Fraction

from game.classroom.room import Room, RoomConfig, new_code, new_token
from game.classroom.server import ClassroomServer, open_session, session_event


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
    timeout: float | None = 60.0
    elicit_beliefs: bool = False
    resume: bool = False
    seed: int | None = None
    autostart: int = 0
    bot: str = "equilibrium"


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB (Linux reports KB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def prepare(options: HostOptions, load_game) -> tuple[Room, object, object]:
    """Loads the game (from the database's session when resuming), solves it, and opens the
    store. `load_game(name, values, rounds)` is the CLI's loader (it raises user errors)."""
    from game.classroom.store import EventStore
    from game.solver.solve import solve

    session = None
    scenario, values, campaign = options.scenario, options.values, options.campaign_rounds
    if options.resume:
        store = EventStore(options.db)
        stored = store.session()
        store.close()
        if stored is None:
            from game.classroom.store import StoreError

            raise StoreError(f"{options.db}: nothing to resume (no session in it)")
        scenario = stored["scenario"]
        values = {k: Fraction(v) for k, v in stored["values"].items()}
        campaign = stored.get("campaign_rounds")
    _, game = load_game(scenario, values, campaign)
    result = solve(game)
    if not options.resume:
        config = RoomConfig(
            code=new_code(), instructor_token=new_token(),
            seed=options.seed if options.seed is not None else secrets.randbelow(2**31),
            rounds=options.rounds, matching=options.matching, roles=options.roles,
            roster=options.roster, timeout=options.timeout,
            elicit_beliefs=options.elicit_beliefs, autostart=options.autostart)
        session = session_event(scenario, values, campaign, config, options.bot, game)
    room, store = open_session(options.db, resume=options.resume, session=session, game=game,
                               result=result, bot_kind=options.bot)
    return room, store, result


async def serve_headless(room: Room, store, host: str, port: int, out=print,
                         commands: bool = True) -> int:
    """Serves until the session ends; reads instructor commands from stdin when asked."""
    server = ClassroomServer(room, store, host=host, port=port)
    await server.start()
    cpu_at_start = time.process_time()
    out(f"room code: {room.config.code}")
    out(f"instructor token: {room.config.instructor_token}")
    out(f"address: {host}:{server.port}")
    out(f"database: {store.path}")
    out(f"join with: deterrence join {host}:{server.port} --code {room.config.code} "
        "--name LABEL")
    reader = asyncio.create_task(_stdin_commands(server)) if commands else None
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
    finally:
        if reader:
            reader.cancel()
        await server.stop()
        store.close()
    if stopped:
        out(f"stopped in round {room.round}; continue with: deterrence host --resume --db "
            f"{store.path}")
    else:
        out(f"session over after {room.round} rounds; peak RSS: {peak_rss_mb():.1f} MB; "
            f"CPU while serving: {time.process_time() - cpu_at_start:.2f} s")
    return 0


async def _stdin_commands(server: ClassroomServer) -> None:
    """Lines on stdin: start, pause, resume, advance, end, status, swap NAME, unswap NAME."""
    from game.classroom.protocol import Instructor

    import threading

    room = server.room
    loop = asyncio.get_running_loop()
    lines: asyncio.Queue[str] = asyncio.Queue()

    def pump() -> None:   # a daemon thread, so a blocked read never holds up the exit
        for text in sys.stdin:
            loop.call_soon_threadsafe(lines.put_nowait, text)
        loop.call_soon_threadsafe(lines.put_nowait, "")

    threading.Thread(target=pump, daemon=True).start()
    while True:
        line = await lines.get()
        if not line:
            return
        words = line.split()
        if not words:
            continue
        if words[0] == "status":
            status = room.status()
            print(f"round {status['round']}/{status['rounds']}, {status['pairs_done']}/"
                  f"{status['pairs']} pairs done, waiting for: "
                  f"{', '.join(status['waiting_for']) or 'nobody'}", flush=True)
            continue
        try:
            message = Instructor(type="instructor", token=room.config.instructor_token,
                                 command=words[0], label=words[1] if len(words) > 1 else None)
        except Exception:
            print("commands: start pause resume advance end status swap NAME unswap NAME",
                  flush=True)
            continue
        replies = room.handle("stdin", message, time.time())
        await server._flush(replies)
        for conn, reply in replies:
            if conn == "stdin":
                print(reply.get("message") or f"ok: {words[0]}", flush=True)


__all__ = ["HostOptions", "peak_rss_mb", "prepare", "serve_headless"]
