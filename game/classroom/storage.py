"""The classroom's storage interface: a session database holds rooms, each an event log.

Two implementations: a SQLite file (`game.classroom.store`, the default, for one machine) and
PostgreSQL (`game.classroom.pgstore`, `--db postgresql://...`, for several hosts and
failover). `open_database(db)` picks one by the name. Every room is an append-only list of
events whose first is its `session` event (scenario, parameters, configuration); a room's key
in the database is its code ('' in a SQLite file written before there were rooms).

The exclusive-writer rule: one host at a time writes a room. `Database.add` and
`Database.take` lock the room for the calling host (a SQLite file as a whole; a PostgreSQL
room by an advisory lock held by the room's own connection) and record who holds it, so a
second host is refused with the holder's name; the lock goes when the host's process does,
even by kill -9. `read_rooms` (report, export) reads without locking or changing anything.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


class StoreError(Exception):
    """The database cannot be used (missing, unreachable, refused, not a session database,
    nothing to resume, or held by another host): the user's to fix."""


class NotStoredError(Exception):
    """An event could not be written (the file is locked by another program, the disk is full,
    the database server is unreachable): it was not applied, and the server says so and tries
    again."""


@dataclass(frozen=True)
class RoomInfo:
    """A room as the database lists it."""

    key: str
    """The room's key in the database (its code; '' in a SQLite file from before rooms)."""
    code: str
    name: str
    ended: bool
    held_by: str | None
    """Who holds the room now, in words (a running host); None when nobody does."""
    session: dict
    """The room's `session` event."""


class RoomLog(ABC):
    """One room's event log, locked for this host (see the module docstring)."""

    where: str
    """The database as shown to users (a file, or a URL without its password)."""
    key: str

    @abstractmethod
    def append(self, events: list[dict]) -> None:
        """Writes events in one transaction (durable once this returns).

        Raises:
            NotStoredError: nothing was written.
        """

    @abstractmethod
    def events(self) -> list[dict]:
        """Every event of the room in order."""

    def session(self) -> dict | None:
        """The room's `session` event, or None before it is written."""
        events = self.events()
        return events[0] if events and events[0].get("kind") == "session" else None

    @abstractmethod
    def reader(self) -> Callable[[], list[dict]]:
        """A function that reads the room's events on a connection of its own (to be called
        in another thread, such as the one making the class debrief)."""

    owner: Database | None = None
    """The database this log closes with itself (a session opened for one room)."""


    def checkpoint_in_background(self) -> None:
        """Starts whatever upkeep the database needs while it is written (none by default)."""

    @abstractmethod
    def release(self) -> None:
        """Releases the room (its lock)."""

    def close(self) -> None:
        """Releases the room, and closes its database when this log owns it."""
        self.release()
        if self.owner is not None:
            owner, self.owner = self.owner, None
            owner.close()


class Database(ABC):
    """A session database: its rooms, and the locks that let one host write each."""

    where: str

    @abstractmethod
    def rooms(self) -> list[RoomInfo]:
        """Every room, in the order they were made."""

    @abstractmethod
    def add(self, session: dict, address: str = "") -> RoomLog:
        """A new room keyed by its code (`session["config"]["code"]`), locked for this host,
        with `session` written as its first event.

        Raises:
            StoreError: the code is taken, or the database cannot be written or locked.
        """

    @abstractmethod
    def take(self, key: str, address: str = "") -> RoomLog:
        """An existing room, locked for this host.

        Raises:
            StoreError: another host holds it (the message says who), or it does not exist.
        """

    @abstractmethod
    def close(self) -> None:
        """Closes the database (after its room logs)."""


def is_postgres(db: str) -> bool:
    """True when `db` names a PostgreSQL database (a postgresql:// URL)."""
    return db.startswith(POSTGRES_SCHEMES)


def shown(db: str) -> str:
    """`db` as it may be printed: a URL loses its password."""
    if not is_postgres(db):
        return db
    try:
        parts = urlsplit(db)
        if parts.password is None:
            return db
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        netloc = f"{parts.username or ''}@{host}" + (f":{parts.port}" if parts.port else "")
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    except ValueError:   # malformed: drop whatever follows a colon before the @
        return re.sub(r"(//[^/:@]*):[^/@]*@", r"\1@", db)


def open_database(db: str, *, create: bool = True) -> Database:
    """The database `db` names: a PostgreSQL URL or a SQLite file (made when `create`).

    Raises:
        StoreError: it cannot be opened, reached, or used.
    """
    if is_postgres(db):
        from game.classroom.pgstore import PgDatabase

        return PgDatabase(db)
    from game.classroom.store import SqliteDatabase

    return SqliteDatabase(db, create=create)


def read_rooms(db: str, codes: list[str] | None = None) -> list[list[dict]]:
    """The events of every room in `db` (or of the rooms with these codes), read without
    locking or changing anything; each list starts with the room's `session` event.

    Raises:
        StoreError: the database cannot be read, holds no session, or no room has a code.
    """
    if is_postgres(db):
        from game.classroom.pgconnect import read_pg_rooms

        rooms = read_pg_rooms(db)
    else:
        from game.classroom.store import read_sqlite_rooms

        rooms = read_sqlite_rooms(db)
    if not rooms:
        raise StoreError(f"{shown(db)}: not a session database (no session in it)")
    if codes:
        wanted = {c.upper() for c in codes}
        chosen = [r for r in rooms if r[0]["config"]["code"].upper() in wanted]
        missing = wanted - {r[0]["config"]["code"].upper() for r in chosen}
        if missing:
            known = ", ".join(r[0]["config"]["code"] for r in rooms)
            raise StoreError(f"{shown(db)}: no room with the code {', '.join(sorted(missing))} "
                             f"(its rooms: {known})")
        return chosen
    return rooms


def room_title(session: dict) -> str:
    """A room in words: its name and code ("Section A (K7PQ2X)"), or just the code."""
    config = session.get("config", {})
    name = config.get("name") or ""
    return f"{name} ({config.get('code', '?')})" if name else str(config.get("code", "?"))


__all__ = ["Database", "NotStoredError", "RoomInfo", "RoomLog", "StoreError", "is_postgres",
           "open_database", "read_rooms", "room_title", "shown"]
