"""Provides `EventStore`: the session's events in SQLite (WAL), written before anything is sent.

One table, `events(seq, kind, t, data)`; the first event (`session`) holds the scenario, its
parameter values and the room configuration, so `--resume` rebuilds the same room by replay.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from game.classroom.protocol import encode


class StoreError(Exception):
    """The database cannot be used (missing, not a session database, or already a session)."""


class EventStore:
    """Append-only event log in one SQLite file."""

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        self.path = Path(path)
        if not create and not self.path.exists():
            raise StoreError(f"{self.path}: no such session database")
        try:
            self.db = sqlite3.connect(str(self.path), isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, "
                            "kind TEXT NOT NULL, t REAL, data TEXT NOT NULL)")
        except sqlite3.DatabaseError as err:
            raise StoreError(f"{self.path}: not a session database ({err})") from None

    def append(self, events: list[dict]) -> None:
        """Writes events in one transaction (durable once this returns)."""
        if not events:
            return
        rows = [(e["kind"], e.get("t"), encode(e).decode()) for e in events]
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.executemany("INSERT INTO events (kind, t, data) VALUES (?, ?, ?)", rows)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    def events(self) -> list[dict]:
        """Every event in order."""
        try:
            return [json.loads(row[0]) for row in
                    self.db.execute("SELECT data FROM events ORDER BY seq")]
        except sqlite3.DatabaseError as err:
            raise StoreError(f"{self.path}: not a session database ({err})") from None

    def session(self) -> dict | None:
        """The `session` event, or None for an empty database."""
        row = self.db.execute("SELECT data FROM events WHERE kind='session' ORDER BY seq "
                              "LIMIT 1").fetchone()
        return json.loads(row[0]) if row else None

    def close(self) -> None:
        self.db.close()


def read_events(path: str | Path) -> list[dict]:
    """All events of a session database (for export and report)."""
    store = EventStore(path, create=False)
    try:
        events = store.events()
    finally:
        store.close()
    if not events or events[0].get("kind") != "session":
        raise StoreError(f"{path}: not a session database (no session event)")
    return events


__all__ = ["EventStore", "StoreError", "read_events"]
