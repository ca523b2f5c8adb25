"""Provides the SQLite session database (`SqliteDatabase`, WAL): the default, for one machine.

One table, `events(seq, kind, t, data, room)`: each room's events in order, the first its
`session` event (scenario, parameter values, configuration), so `--resume` rebuilds the same
room by replay. A host holds an exclusive lock on the whole file for as long as it serves
any of its rooms (the operating system releases it when the process ends, even by kill -9),
and says in a `host` table who it is, so a second host on the same file is refused with the
holder's name. `read_sqlite_rooms` (for `export` and `report`) opens the file read-only and
never changes it. `EventStore` is one room's log in a file of its own (a session database as
it was before rooms). See `game.classroom.storage` for the interface.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

from game.classroom.protocol import encode
from game.classroom.storage import (
    Database,
    NotStoredError,
    RoomInfo,
    RoomLog,
    StoreError,
)

BUSY_TIMEOUT = 0.1
"""Seconds a write waits for a database another program has locked before it fails (the
server refuses the move and retries later, rather than freezing every client)."""
CHECKPOINT_EVERY = 1.0
"""Seconds between two checkpoints of the write-ahead log by the background thread (see
`SqliteDatabase.checkpoint_in_background`)."""


class SqliteDatabase(Database):
    """A session database in one SQLite file (the host's connection)."""

    def __init__(self, path: str | Path, *, create: bool = True,
                 busy_timeout: float = BUSY_TIMEOUT) -> None:
        self.path = Path(path)
        self.where = str(path)
        self._lock_fd: int | None = None
        self._held: set[str] = set()
        self._checkpointer: threading.Thread | None = None
        self._stop = threading.Event()
        if not create and not self.path.exists():
            raise StoreError(f"{self.path}: no such session database")
        try:
            self.db = sqlite3.connect(str(self.path), isolation_level=None,
                                      timeout=busy_timeout)
        except sqlite3.Error as err:
            raise StoreError(f"{self.path}: cannot open ({err})") from None
        try:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, "
                            "kind TEXT NOT NULL, t REAL, data TEXT NOT NULL, "
                            "room TEXT NOT NULL DEFAULT '')")
            if "room" not in _columns(self.db):   # a file from before rooms: one room, ''
                self.db.execute("ALTER TABLE events ADD COLUMN room TEXT NOT NULL DEFAULT ''")
            self.db.execute("CREATE INDEX IF NOT EXISTS events_room ON events (room, seq)")
        except sqlite3.DatabaseError as err:
            self.db.close()
            raise StoreError(f"{self.path}: not a session database ({err})") from None

    # ---- the interface ---------------------------------------------------------------

    def rooms(self) -> list[RoomInfo]:
        try:
            sessions = self.db.execute("SELECT room, data FROM events WHERE kind='session' "
                                       "ORDER BY seq").fetchall()
            ended = {r for (r,) in self.db.execute("SELECT DISTINCT room FROM events "
                                                   "WHERE kind='end'")}
        except sqlite3.DatabaseError as err:
            raise StoreError(f"{self.path}: not a session database ({err})") from None
        out, seen = [], set()
        for key, data in sessions:
            if key in seen:
                continue
            seen.add(key)
            session = json.loads(data)
            config = session.get("config") or {}
            out.append(RoomInfo(key, config.get("code", key), config.get("name", ""),
                                key in ended, None, session))
        return out

    def add(self, session: dict, address: str = "") -> SqliteRoomLog:
        self.lock(address)
        key = session["config"]["code"]
        if any(r.key == key for r in self.rooms()):
            raise StoreError(f"{self.path} already holds a room with the code {key}")
        log = SqliteRoomLog(self, key)
        try:
            log.append([session])
        except NotStoredError as err:
            raise StoreError(f"{self.path}: {err}") from None
        self._held.add(key)
        return log

    def take(self, key: str, address: str = "") -> SqliteRoomLog:
        self.lock(address)
        if key in self._held:
            raise StoreError(f"{self.path}: this host serves the room {key or '(the only)'} "
                             "already")
        if not any(r.key == key for r in self.rooms()):
            raise StoreError(f"{self.path}: no room {key!r} in it")
        self._held.add(key)
        return SqliteRoomLog(self, key)

    def close(self) -> None:
        if self._checkpointer is not None:
            self._stop.set()
            self._checkpointer.join(5)
            self._checkpointer = None
        self.db.close()
        if self._lock_fd is not None:
            os.close(self._lock_fd)   # releases the host lock
            self._lock_fd = None

    # ---- SQLite's own ------------------------------------------------------------------

    def lock(self, address: str = "") -> None:
        """Takes the exclusive host lock on the whole file for as long as it is open (the
        operating system releases it when the process ends, even by kill -9), and records who
        holds it. A second call does nothing.

        Raises:
            StoreError: another host holds it (the message says who).
        """
        if self._lock_fd is not None:
            return
        try:
            import fcntl
        except ImportError:   # pragma: no cover - no advisory locks on this system
            return
        fd = os.open(self.path, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise StoreError(f"{self.path} is in use: {self.holder() or 'another host'} "
                             "holds this session; stop that host first (or use another "
                             "--db)") from None
        self._lock_fd = fd
        try:
            self.db.execute("CREATE TABLE IF NOT EXISTS host (id INTEGER PRIMARY KEY "
                            "CHECK (id = 1), pid INTEGER, machine TEXT, since REAL, "
                            "address TEXT)")
            self.db.execute("INSERT OR REPLACE INTO host VALUES (1, ?, ?, ?, ?)",
                            (os.getpid(), socket.gethostname(), time.time(), address))
        except sqlite3.Error as err:
            os.close(fd)
            self._lock_fd = None
            raise StoreError(f"{self.path}: cannot write ({_reason(err)})") from None

    def holder(self) -> str | None:
        """Who holds (or last held) the host lock, in words."""
        try:
            row = self.db.execute("SELECT pid, machine, since, address FROM host").fetchone()
        except sqlite3.Error:
            return None
        return holder_text(*row) if row else None

    def checkpoint_in_background(self, every: float = CHECKPOINT_EVERY) -> None:
        """Moves the write-ahead log into the database file from a thread of its own, instead
        of inside a write every thousand pages: a checkpoint waits for the disk (fsync), and a
        server that writes each event before applying it would make that move wait."""
        if self._checkpointer is not None:
            return
        self.db.execute("PRAGMA wal_autocheckpoint=0")
        path = str(self.path)

        def run() -> None:
            try:
                db = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT,
                                     check_same_thread=False)
            except sqlite3.Error:
                return
            try:
                while not self._stop.wait(every):
                    try:
                        db.execute("PRAGMA wal_checkpoint(PASSIVE)")
                    except sqlite3.Error:   # busy or locked: the next turn tries again
                        pass
            finally:
                db.close()

        self._checkpointer = threading.Thread(target=run, daemon=True, name="checkpoint")
        self._checkpointer.start()


class SqliteRoomLog(RoomLog):
    """One room of a `SqliteDatabase` (its events share the file and the host's lock)."""

    def __init__(self, database: SqliteDatabase, key: str) -> None:
        self.database = database
        self.key = key
        self.where = database.where

    @property
    def path(self) -> Path:
        return self.database.path

    @property
    def db(self) -> sqlite3.Connection:
        return self.database.db

    def append(self, events: list[dict]) -> None:
        if not events:
            return
        rows = [(e["kind"], e.get("t"), encode(e).decode(), self.key) for e in events]
        sql = "INSERT INTO events (kind, t, data, room) VALUES (?, ?, ?, ?)"
        db = self.database.db
        if len(rows) == 1:   # one statement is one transaction (autocommit): one call
            try:
                db.execute(sql, rows[0])
            except sqlite3.Error as err:
                raise NotStoredError(_reason(err)) from None
            return
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as err:
            raise NotStoredError(_reason(err)) from None
        try:
            db.executemany(sql, rows)
            db.execute("COMMIT")
        except sqlite3.Error as err:
            try:
                db.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            raise NotStoredError(_reason(err)) from None

    def events(self) -> list[dict]:
        try:
            return [json.loads(row[0]) for row in self.database.db.execute(
                "SELECT data FROM events WHERE room=? ORDER BY seq", (self.key,))]
        except sqlite3.DatabaseError as err:
            raise StoreError(f"{self.path}: not a session database ({err})") from None

    def reader(self) -> Callable[[], list[dict]]:
        path, key = self.path, self.key
        return lambda: _read_file(path, key)[key]

    def checkpoint_in_background(self) -> None:
        self.database.checkpoint_in_background()

    def release(self) -> None:
        self.database._held.discard(self.key)


class EventStore(SqliteRoomLog):
    """One room's log in a SQLite file of its own (room key ''): a session database as it was
    before rooms, and what tests use. `lock` takes the file's host lock."""

    def __init__(self, path: str | Path, *, create: bool = True,
                 busy_timeout: float = BUSY_TIMEOUT, key: str = "") -> None:
        super().__init__(SqliteDatabase(path, create=create, busy_timeout=busy_timeout), key)
        self.owner = self.database

    def lock(self, address: str = "") -> None:
        self.database.lock(address)

    def holder(self) -> str | None:
        return self.database.holder()


def holder_text(pid, machine, since, address) -> str:
    """Who holds a room, in words."""
    when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(since or 0))
    where = f", serving {address}" if address else ""
    return f"the host with process id {pid} on {machine} (since {when}{where})"


def _reason(err: sqlite3.Error) -> str:
    text = str(err)
    if "locked" in text or "busy" in text:
        return f"the session database is locked by another program ({text})"
    if "full" in text:
        return f"the disk holding the session database is full ({text})"
    return f"the session database cannot be written ({text})"


def _columns(db: sqlite3.Connection) -> set[str]:
    return {row[1] for row in db.execute("PRAGMA table_info(events)")}


def _read_file(path: Path, key: str | None = None) -> dict[str, list[dict]]:
    """Room key -> its events (every room, or only `key`), read without changing the file:
    opened read-only, and as immutable when no host is writing it (no `-wal` file beside
    it), so not even SQLite's side files are created."""
    if not path.is_file():
        raise StoreError(f"{path}: no such session database")
    live = Path(f"{path}-wal").exists()
    uri = f"{path.resolve().as_uri()}?mode=ro" + ("" if live else "&immutable=1")
    try:
        db = sqlite3.connect(uri, uri=True, timeout=2.0)
    except sqlite3.Error as err:
        raise StoreError(f"{path}: cannot open ({err})") from None
    rooms: dict[str, list[dict]] = {}
    try:
        if "room" not in _columns(db):
            rows = db.execute("SELECT '', data FROM events ORDER BY seq")
        elif key is None:
            rows = db.execute("SELECT room, data FROM events ORDER BY seq")
        else:
            rows = db.execute("SELECT room, data FROM events WHERE room=? ORDER BY seq", (key,))
        for room, data in rows:
            rooms.setdefault(room, []).append(json.loads(data))
    except sqlite3.DatabaseError as err:
        raise StoreError(f"{path}: not a session database ({err})") from None
    finally:
        db.close()
    if key is not None:
        rooms.setdefault(key, [])
    return rooms


def read_sqlite_rooms(path: str | Path) -> list[list[dict]]:
    """Every room of a session database (for export and report), read without changing it;
    only rooms whose first event is their `session` event."""
    rooms = _read_file(Path(path))
    return [events for events in rooms.values()
            if events and events[0].get("kind") == "session" and "config" in events[0]]


def read_events(path: str | Path) -> list[dict]:
    """The events of a session database's only room (see `read_sqlite_rooms`).

    Raises:
        StoreError: no session in it, or more than one room (name one).
    """
    rooms = read_sqlite_rooms(path)
    if not rooms:
        raise StoreError(f"{path}: not a session database (no session event)")
    if len(rooms) > 1:
        codes = ", ".join(r[0]["config"]["code"] for r in rooms)
        raise StoreError(f"{path} holds {len(rooms)} rooms ({codes}): name one with --room")
    return rooms[0]


__all__ = ["BUSY_TIMEOUT", "EventStore", "NotStoredError", "SqliteDatabase", "SqliteRoomLog",
           "StoreError", "holder_text", "read_events", "read_sqlite_rooms"]
