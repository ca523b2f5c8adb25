"""Provides `EventStore`: the session's events in SQLite (WAL), each stored before it is applied.

One table, `events(seq, kind, t, data)`; the first event (`session`) holds the scenario, its
parameter values and the room configuration, so `--resume` rebuilds the same room by replay.
A host holds an exclusive lock on its database for the whole session (`EventStore.lock`), and
says in a `host` table who it is, so a second host on the same file is refused with the
holder's name. `read_events` (for `export` and `report`) opens the file read-only and never
changes it.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import threading
import time
from pathlib import Path

from game.classroom.protocol import encode

BUSY_TIMEOUT = 0.1
"""Seconds a write waits for a database another program has locked before it fails (the
server refuses the move and retries later, rather than freezing every client)."""
CHECKPOINT_EVERY = 1.0
"""Seconds between two checkpoints of the write-ahead log by the background thread (see
`EventStore.checkpoint_in_background`)."""


class StoreError(Exception):
    """The database cannot be used (missing, not a session database, already a session, or
    held by another host): the user's to fix."""


class NotStoredError(Exception):
    """An event could not be written (the file is locked by another program, the disk is
    full): it was not applied, and the server says so and tries again."""


class EventStore:
    """Append-only event log in one SQLite file (the host's connection)."""

    def __init__(self, path: str | Path, *, create: bool = True,
                 busy_timeout: float = BUSY_TIMEOUT) -> None:
        self.path = Path(path)
        self._lock_fd: int | None = None
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
                            "kind TEXT NOT NULL, t REAL, data TEXT NOT NULL)")
        except sqlite3.DatabaseError as err:
            self.db.close()
            raise StoreError(f"{self.path}: not a session database ({err})") from None

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

    def append(self, events: list[dict]) -> None:
        """Writes events in one transaction (durable once this returns).

        Raises:
            NotStoredError: nothing was written (locked, full, or read-only database).
        """
        if not events:
            return
        rows = [(e["kind"], e.get("t"), encode(e).decode()) for e in events]
        if len(rows) == 1:   # one statement is one transaction (autocommit): one call
            try:
                self.db.execute("INSERT INTO events (kind, t, data) VALUES (?, ?, ?)", rows[0])
            except sqlite3.Error as err:
                raise NotStoredError(_reason(err)) from None
            return
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as err:
            raise NotStoredError(_reason(err)) from None
        try:
            self.db.executemany("INSERT INTO events (kind, t, data) VALUES (?, ?, ?)", rows)
            self.db.execute("COMMIT")
        except sqlite3.Error as err:
            try:
                self.db.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            raise NotStoredError(_reason(err)) from None

    def events(self) -> list[dict]:
        """Every event in order."""
        return _all_events(self.db, self.path)

    def session(self) -> dict | None:
        """The `session` event, or None for an empty database."""
        try:
            row = self.db.execute("SELECT data FROM events WHERE kind='session' ORDER BY seq "
                                  "LIMIT 1").fetchone()
        except sqlite3.DatabaseError as err:
            raise StoreError(f"{self.path}: not a session database ({err})") from None
        return json.loads(row[0]) if row else None

    def lock(self, address: str = "") -> None:
        """Takes the exclusive host lock on this database for as long as the store is open
        (the operating system releases it when the process ends, even by kill -9), and
        records who holds it.

        Raises:
            StoreError: another host holds it (the message says who).
        """
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
            self.close()
            raise StoreError(f"{self.path}: cannot write ({_reason(err)})") from None

    def holder(self) -> str | None:
        """Who holds (or last held) the host lock, in words."""
        try:
            row = self.db.execute("SELECT pid, machine, since, address FROM host").fetchone()
        except sqlite3.Error:
            return None
        if row is None:
            return None
        pid, machine, since, address = row
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(since or 0))
        where = f", serving {address}" if address else ""
        return f"the host with process id {pid} on {machine} (since {when}{where})"

    def close(self) -> None:
        if self._checkpointer is not None:
            self._stop.set()
            self._checkpointer.join(5)
            self._checkpointer = None
        self.db.close()
        if self._lock_fd is not None:
            os.close(self._lock_fd)   # releases the host lock
            self._lock_fd = None


def _reason(err: sqlite3.Error) -> str:
    text = str(err)
    if "locked" in text or "busy" in text:
        return f"the session database is locked by another program ({text})"
    if "full" in text:
        return f"the disk holding the session database is full ({text})"
    return f"the session database cannot be written ({text})"


def _all_events(db: sqlite3.Connection, path: Path) -> list[dict]:
    try:
        return [json.loads(row[0]) for row in
                db.execute("SELECT data FROM events ORDER BY seq")]
    except sqlite3.DatabaseError as err:
        raise StoreError(f"{path}: not a session database ({err})") from None


def read_events(path: str | Path) -> list[dict]:
    """All events of a session database (for export and report), read without changing the
    file: opened read-only, and as immutable when no host is writing it (no `-wal` file
    beside it), so not even SQLite's side files are created."""
    path = Path(path)
    if not path.is_file():
        raise StoreError(f"{path}: no such session database")
    live = Path(f"{path}-wal").exists()
    uri = f"{path.resolve().as_uri()}?mode=ro" + ("" if live else "&immutable=1")
    try:
        db = sqlite3.connect(uri, uri=True, timeout=2.0)
    except sqlite3.Error as err:
        raise StoreError(f"{path}: cannot open ({err})") from None
    try:
        events = _all_events(db, path)
    except sqlite3.Error as err:
        raise StoreError(f"{path}: cannot read ({err})") from None
    finally:
        db.close()
    if not events or events[0].get("kind") != "session":
        raise StoreError(f"{path}: not a session database (no session event)")
    return events


__all__ = ["BUSY_TIMEOUT", "EventStore", "NotStoredError", "StoreError", "read_events"]
