"""Opening a session database: a new session, or one continued after a crash (`--resume`).

`open_store` takes the database's host lock first (a second host is refused, with the name of
the one holding it), then `start_room` builds the room: from the given `session` event for a
new session, or by replaying the stored events, with the pending decisions' timers held for a
grace period and, when asked, a new decision timeout (stored as a `settings` event, so a later
resume keeps it).
"""

from __future__ import annotations

import time
from fractions import Fraction

from game.classroom.room import Room
from game.classroom.seating import RoomConfig
from game.classroom.store import EventStore, NotStoredError, StoreError

KEEP = object()
"""`timeout=KEEP`: a resumed session keeps its stored decision timeout."""


def session_event(scenario: str, values: dict[str, Fraction], campaign_rounds: int | None,
                  config: RoomConfig, bot: str, game=None) -> dict:
    """The first event of a session database."""
    players = list(game.player_ids or game.players) if game is not None else ["0", "1"]
    return {"kind": "session", "t": time.time(), "scenario": scenario, "players": players,
            "title": game.title if game is not None else "",
            "values": {k: str(v) for k, v in values.items()}, "campaign_rounds": campaign_rounds,
            "config": config.to_dict(), "bot": bot}


def build_room(game, result, config: RoomConfig, bot_kind: str = "equilibrium") -> Room:
    """A room with the timeout bot (the equilibrium bot by default; random if none)."""
    from game.bots import BotSpecError, make_bot

    try:
        bot = make_bot(bot_kind, game, result, seed=config.seed)
    except BotSpecError:
        bot = make_bot("random", game, result, seed=config.seed)
    return Room(game, config, bot)


def open_store(db: str, *, resume: bool, address: str = "") -> tuple[EventStore, dict | None]:
    """Opens and locks the database; returns it with its stored `session` event (None for a
    new session).

    Raises:
        StoreError: another host holds it, nothing to resume, or already a session.
    """
    store = EventStore(db)
    try:
        store.lock(address)
        stored = store.session()
        if resume and stored is None:
            raise StoreError(f"{db}: nothing to resume (no session in it)")
        if not resume and stored is not None:
            raise StoreError(f"{db} already holds a session; use --resume or another --db")
    except StoreError:
        store.close()
        raise
    return store, stored


def start_room(store: EventStore, session: dict, *, game, result, resume: bool,
               bot_kind: str = "equilibrium", timeout=KEEP, grace: float = 0.0) -> Room:
    """The room of a session: replayed from the store (`resume`), or new (then `session` is
    written as the first event). `timeout` (seconds or None) replaces the stored decision
    timeout of a resumed session; its pending decisions' timers start after `grace` seconds.

    Raises:
        StoreError: the database cannot be written.
    """
    room = build_room(game, result, RoomConfig.from_dict(session["config"]),
                      session.get("bot", bot_kind) if resume else bot_kind)
    room.source = {k: session.get(k) for k in ("scenario", "values", "campaign_rounds")}
    try:
        if not resume:
            store.append([session])
            return room
        now = time.monotonic()
        room.replay(store.events(), now)
        if timeout is not KEEP and timeout != room.config.timeout:
            event = {"kind": "settings", "t": time.time(), "timeout": timeout}
            store.append([event])
            room.apply(event, now)
    except NotStoredError as err:
        raise StoreError(f"{store.path}: {err}") from None
    room.restart_timers(now, grace)
    return room


def open_session(db: str, *, resume: bool, session: dict | None, game, result,
                 bot_kind: str = "equilibrium", timeout=KEEP, grace: float = 0.0,
                 address: str = "") -> tuple[Room, EventStore]:
    """Opens (and locks) the database and builds its room (see `open_store`, `start_room`)."""
    store, stored = open_store(db, resume=resume, address=address)
    try:
        room = start_room(store, stored if resume else session, game=game, result=result,
                          resume=resume, bot_kind=bot_kind, timeout=timeout, grace=grace)
    except BaseException:
        store.close()
        raise
    return room, store


__all__ = ["KEEP", "build_room", "open_session", "open_store", "session_event", "start_room"]
