"""Opening a session database's rooms: new ones, or ones continued after a crash (`--resume`).

`pick_rooms` chooses the rooms to resume (the ones named, or every room that has not ended
and that no running host holds), the database's `take` locks each (a second host is refused,
with the name of the one holding it), then `start_room` builds the room: from its `session`
event for a new room, or by replaying its stored events, with the pending decisions' timers
held for a grace period and, when asked, a new decision timeout and new standby addresses
(stored as events, so a later resume keeps them).
"""

from __future__ import annotations

import atexit
import hashlib
import shutil
import tempfile
import time
from fractions import Fraction
from pathlib import Path

from game.classroom.room import Room
from game.classroom.seating import RoomConfig
from game.classroom.storage import (
    Database,
    NotStoredError,
    RoomInfo,
    RoomLog,
    StoreError,
    is_postgres,
    open_database,
    room_title,
)

KEEP = object()
"""`timeout=KEEP`: a resumed session keeps its stored decision timeout (and `addresses=KEEP`
its stored standby addresses)."""


def session_event(scenario: str, values: dict[str, Fraction], campaign_rounds: int | None,
                  config: RoomConfig, bot: str, game=None) -> dict:
    """The first event of a room (with the text of its scenario when that is a file, so a
    host on another machine can resume the room)."""
    players = list(game.player_ids or game.players) if game is not None else ["0", "1"]
    event = {"kind": "session", "t": time.time(), "scenario": scenario, "players": players,
             "title": game.title if game is not None else "",
             "values": {k: str(v) for k, v in values.items()},
             "campaign_rounds": campaign_rounds, "config": config.to_dict(), "bot": bot}
    text = _file_text(scenario)
    if text is not None:
        event["scenario_text"] = text
    return event


def _file_text(scenario: str) -> str | None:
    path = Path(scenario)
    if not path.is_file():
        return None   # a shipped scenario's id
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


_COPIES: list[str] = []


def scenario_source(session: dict) -> str:
    """Where to load a room's scenario from: its name, or, when that file is not on this
    machine (a host resumed elsewhere), a copy of the text stored with the room."""
    name = session["scenario"]
    text = session.get("scenario_text")
    if text is None or Path(name).is_file():
        return name
    if not _COPIES:
        _COPIES.append(tempfile.mkdtemp(prefix="deterrence-scenarios-"))
        atexit.register(shutil.rmtree, _COPIES[0], True)
    folder = Path(_COPIES[0]) / hashlib.sha256(text.encode()).hexdigest()[:16]
    folder.mkdir(exist_ok=True)
    copy = folder / (Path(name).name or "scenario.yaml")
    copy.write_text(text, encoding="utf-8")
    return str(copy)


def build_room(game, result, config: RoomConfig, bot_kind: str = "equilibrium") -> Room:
    """A room with the timeout bot (the equilibrium bot by default; random if none)."""
    from game.bots import BotSpecError, make_bot

    try:
        bot = make_bot(bot_kind, game, result, seed=config.seed)
    except BotSpecError:
        bot = make_bot("random", game, result, seed=config.seed)
    return Room(game, config, bot)


def check_new(database: Database, db: str) -> None:
    """A new host run on a SQLite file wants an empty file (a PostgreSQL database is shared by
    many runs and rooms).

    Raises:
        StoreError: the file holds a session already.
    """
    if not is_postgres(db) and database.rooms():
        raise StoreError(f"{db} already holds a session; use --resume or another --db")


def pick_rooms(database: Database, codes: list[str] | None = None) -> list[RoomInfo]:
    """The rooms to resume: the ones with these codes, or every room that has not ended and
    that no running host holds.

    Raises:
        StoreError: nothing to resume, no such room, or the rooms asked for are held.
    """
    rooms = database.rooms()
    where = database.where
    if not rooms:
        raise StoreError(f"{where}: nothing to resume (no session in it)")
    if codes:
        by_code = {r.code.upper(): r for r in rooms}
        missing = [c for c in codes if c.upper() not in by_code]
        if missing:
            raise StoreError(f"{where}: no room with the code {', '.join(missing)} (its rooms: "
                             f"{', '.join(room_title(r.session) for r in rooms)})")
        chosen = list({c.upper(): by_code[c.upper()] for c in codes}.values())
        for room in chosen:
            if room.held_by:
                raise StoreError(f"the room {room.code} in {where} is in use: {room.held_by} "
                                 "holds it; stop that host first")
        return chosen
    unfinished = [r for r in rooms if not r.ended]
    if not unfinished:
        raise StoreError(f"{where}: every session in it has ended, so there is nothing to "
                         "resume (`deterrence report` and `export` read it)")
    free = [r for r in unfinished if not r.held_by]
    if not free:
        held = "; ".join(f"{r.code}: {r.held_by}" for r in unfinished)
        raise StoreError(f"{where}: every unfinished room is served by a running host ({held}); "
                         "stop that host first")
    return free


def take_rooms(database: Database, rooms: list[RoomInfo], address: str = "") -> list[RoomLog]:
    """Locks each room for this host (all or none).

    Raises:
        StoreError: one is held by another host (the message says who).
    """
    logs: list[RoomLog] = []
    try:
        for room in rooms:
            logs.append(database.take(room.key, address))
    except BaseException:
        for log in logs:
            log.close()
        raise
    return logs


def start_room(store: RoomLog, session: dict, *, game, result, resume: bool,
               bot_kind: str = "equilibrium", timeout=KEEP, grace: float = 0.0,
               addresses=KEEP) -> Room:
    """The room of a session: replayed from the store (`resume`), or new (its `session` event
    is stored already). `timeout` (seconds or None) replaces the stored decision timeout of a
    resumed session; its pending decisions' timers start after `grace` seconds. `addresses`
    (a list of ws:// URLs) replaces the standby addresses told to the room's clients.

    Raises:
        StoreError: the database cannot be written.
    """
    room = build_room(game, result, RoomConfig.from_dict(session["config"]),
                      session.get("bot", bot_kind) if resume else bot_kind)
    room.source = {k: session.get(k) for k in ("scenario", "values", "campaign_rounds")}
    now = time.monotonic()
    try:
        if resume:
            room.replay(store.events(), now)
            if timeout is not KEEP and timeout != room.config.timeout:
                _store_and_apply(store, room, {"kind": "settings", "t": time.time(),
                                               "timeout": timeout}, now)
        if addresses is not KEEP and list(addresses) != room.addresses:
            _store_and_apply(store, room, {"kind": "addresses", "t": time.time(),
                                           "addresses": list(addresses)}, now)
    except NotStoredError as err:
        raise StoreError(f"{store.where}: {err}") from None
    room.restart_timers(now, grace)
    return room


def _store_and_apply(store: RoomLog, room: Room, event: dict, now: float) -> None:
    store.append([event])
    room.apply(event, now)


def open_session(db: str, *, resume: bool, session: dict | None, game, result,
                 bot_kind: str = "equilibrium", timeout=KEEP, grace: float = 0.0,
                 address: str = "") -> tuple[Room, RoomLog]:
    """One room: a new session in `db`, or the only one to resume there. The returned log
    closes the database with itself.

    Raises:
        StoreError: see `check_new`, `pick_rooms` and the database's `add` and `take`.
    """
    database = open_database(db)
    try:
        if resume:
            rooms = pick_rooms(database)
            if len(rooms) > 1:
                raise StoreError(f"{database.where} holds {len(rooms)} rooms to resume")
            store = database.take(rooms[0].key, address)
            session = rooms[0].session
        else:
            check_new(database, db)
            store = database.add(session, address)
        store.owner = database
    except BaseException:
        database.close()
        raise
    try:
        room = start_room(store, session, game=game, result=result, resume=resume,
                          bot_kind=bot_kind, timeout=timeout, grace=grace)
    except BaseException:
        store.close()
        raise
    return room, store


__all__ = ["KEEP", "build_room", "check_new", "open_session", "pick_rooms", "scenario_source",
           "session_event", "start_room", "take_rooms"]
