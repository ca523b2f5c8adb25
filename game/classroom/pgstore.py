"""Provides the PostgreSQL session database (`PgDatabase`, psycopg 3): for several hosts, many
rooms, and failover to another machine.

Two tables: `classroom_rooms` (one row per room: its code, name, whether it has ended, and who
holds it) and `classroom_events` (each room's events in order, `seq` from 1, the first its
`session` event; `data` is JSONB, so researchers can query it in SQL). Each room a host serves
has a connection of its own holding the room's advisory lock (`LOCK_CLASS`, the room's id):
a second host is refused with the holder's name, and the server releases the lock as soon as
the holder's connection goes: at once when its process is killed, within about
`pgconnect.KEEPALIVE_SECONDS` when its machine dies. Only the lock holder writes a room, and
`(room, seq)` is the table's key, so no event can be doubled.

A write whose connection breaks is tried again once on a new connection (after taking the
lock again): if the first attempt did reach the table after all, it is removed first (it was
never applied, so the log stays what the room is). If the lock cannot be had again (another
host took the room over) or another host wrote meanwhile, the room refuses every later event.
Commits are durable (the server's `synchronous_commit`): an event is stored once `append`
returns. Connecting, and reading rooms for `report` and `export`, are
`game.classroom.pgconnect`.
"""

from __future__ import annotations

import contextlib
import os
import socket
import time
from collections.abc import Callable

from game.classroom.pgconnect import connect, psycopg_module, words
from game.classroom.protocol import encode
from game.classroom.storage import (
    Database,
    NotStoredError,
    RoomInfo,
    RoomLog,
    StoreError,
    shown,
)

LOCK_CLASS = 0x44455452
"""The first key of the rooms' advisory locks ("DETR"); the second is the room's id (0 guards
creating the tables)."""
TAKE_PATIENCE = 1.0
"""Seconds `take` waits for a room's lock before saying who holds it."""
SCHEMA = [
    ("CREATE TABLE IF NOT EXISTS classroom_rooms (id BIGSERIAL PRIMARY KEY, "
     "code TEXT NOT NULL UNIQUE, name TEXT NOT NULL DEFAULT '', created DOUBLE PRECISION, "
     "ended BOOLEAN NOT NULL DEFAULT FALSE, host_pid INTEGER, host_machine TEXT, "
     "host_since DOUBLE PRECISION, host_address TEXT)"),
    ("CREATE TABLE IF NOT EXISTS classroom_events (room BIGINT NOT NULL REFERENCES "
     "classroom_rooms (id), seq BIGINT NOT NULL, kind TEXT NOT NULL, t DOUBLE PRECISION, "
     "data JSONB NOT NULL, PRIMARY KEY (room, seq))"),
]
INSERT_EVENTS = (
    "WITH new AS (INSERT INTO classroom_events (room, seq, kind, t, data) "
    "SELECT %s, %s + n - 1, e ->> 'kind', (e ->> 't')::float8, e "
    "FROM jsonb_array_elements(%s::jsonb) WITH ORDINALITY AS u (e, n) RETURNING kind) "
    "UPDATE classroom_rooms SET ended = TRUE WHERE id = %s "
    "AND EXISTS (SELECT 1 FROM new WHERE kind = 'end')")
"""Every write of events (and the room's `ended` mark when one is its end) in one statement: one
transaction, one round trip to the server. They go as one JSON array (the server splits it):
sent as arrays of columns instead, psycopg's array dumping cost the host five times the CPU
(1.1 ms against 0.2 ms for 20 events)."""


class PgDatabase(Database):
    """A session database in PostgreSQL (see the module docstring)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.where = shown(url)
        self.conn = connect(url)
        psycopg = psycopg_module()
        try:
            with self.conn.transaction():   # two hosts starting at once make the tables once
                self.conn.execute("SELECT pg_advisory_xact_lock(%s, 0)", (LOCK_CLASS,))
                for statement in SCHEMA:
                    self.conn.execute(statement)
        except psycopg.Error as err:
            self.conn.close()
            raise StoreError(f"{self.where}: cannot make the classroom tables "
                             f"({words(err)})") from None

    def rooms(self) -> list[RoomInfo]:
        psycopg = psycopg_module()
        try:
            rows = self.conn.execute(
                "SELECT r.code, r.name, r.ended, r.host_pid, r.host_machine, r.host_since, "
                "r.host_address, e.data, EXISTS (SELECT 1 FROM pg_locks l WHERE "
                "l.locktype = 'advisory' AND l.granted AND l.classid = %s AND l.objsubid = 2 "
                "AND l.objid = r.id AND l.database = (SELECT oid FROM pg_database WHERE "
                "datname = current_database())) FROM classroom_rooms r JOIN classroom_events e "
                "ON e.room = r.id AND e.seq = 1 ORDER BY r.id", (LOCK_CLASS,)).fetchall()
        except psycopg.Error as err:
            raise StoreError(f"{self.where}: cannot read the rooms ({words(err)})") from None
        from game.classroom.store import holder_text

        return [RoomInfo(code, code, name, ended,
                         holder_text(pid, machine, since, address) if held else None, data)
                for code, name, ended, pid, machine, since, address, data, held in rows]

    def add(self, session: dict, address: str = "") -> PgRoomLog:
        psycopg = psycopg_module()
        config = session["config"]
        conn = connect(self.url)
        try:
            with conn.transaction():
                room_id = conn.execute(
                    "INSERT INTO classroom_rooms (code, name, created) VALUES (%s, %s, %s) "
                    "RETURNING id", (config["code"], config.get("name", ""),
                                     session.get("t"))).fetchone()[0]
                conn.execute("SELECT pg_advisory_lock(%s, %s)", (LOCK_CLASS, room_id))
                _claim(conn, room_id, address)
                conn.execute(INSERT_EVENTS, (room_id, 1, f"[{encode(session).decode()}]",
                                             room_id))
        except psycopg.errors.UniqueViolation:
            conn.close()
            raise StoreError(f"{self.where} already holds a room with the code "
                             f"{config['code']}") from None
        except psycopg.Error as err:
            conn.close()
            raise StoreError(f"{self.where}: cannot add the room ({words(err)})") from None
        return PgRoomLog(self.url, config["code"], room_id, conn, next_seq=2)

    def take(self, key: str, address: str = "") -> PgRoomLog:
        psycopg = psycopg_module()
        conn = connect(self.url)
        try:
            row = conn.execute("SELECT id, host_pid, host_machine, host_since, host_address "
                               "FROM classroom_rooms WHERE code = %s", (key,)).fetchone()
            if row is None:
                raise StoreError(f"{self.where}: no room {key} in it")
            room_id = row[0]
            if not _try_lock(conn, room_id):
                from game.classroom.store import holder_text

                raise StoreError(f"the room {key} in {self.where} is in use: "
                                 f"{holder_text(*row[1:])} holds it; stop that host first")
            _claim(conn, room_id, address)
            last = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM classroom_events WHERE "
                                "room = %s", (room_id,)).fetchone()[0]
        except psycopg.Error as err:
            conn.close()
            raise StoreError(f"{self.where}: cannot take the room {key} ({words(err)})") \
                from None
        except StoreError:
            conn.close()
            raise
        return PgRoomLog(self.url, key, room_id, conn, next_seq=last + 1, address=address)

    def close(self) -> None:
        self.conn.close()


def _try_lock(conn, room_id: int, patience: float = TAKE_PATIENCE) -> bool:
    """Takes the room's lock, waiting up to `patience` seconds for a host that has just gone
    (the server frees its locks once it has seen its connection end)."""
    end = time.monotonic() + patience
    while True:
        if conn.execute("SELECT pg_try_advisory_lock(%s, %s)",
                        (LOCK_CLASS, room_id)).fetchone()[0]:
            return True
        if time.monotonic() >= end:
            return False
        time.sleep(0.1)


def _claim(conn, room_id: int, address: str) -> None:
    """Records this host as the room's holder (the lock is taken)."""
    conn.execute("UPDATE classroom_rooms SET host_pid = %s, host_machine = %s, "
                 "host_since = %s, host_address = %s WHERE id = %s",
                 (os.getpid(), socket.gethostname(), time.time(), address, room_id))


class PgRoomLog(RoomLog):
    """One room of a `PgDatabase`, on a connection of its own that holds the room's lock."""

    def __init__(self, url: str, key: str, room_id: int, conn, *, next_seq: int,
                 address: str = "") -> None:
        self.url = url
        self.where = shown(url)
        self.key = key
        self.room_id = room_id
        self.address = address
        self._conn = conn
        self._next = next_seq
        self._doubt: tuple[int, int] | None = None
        """Seqs of a write whose connection broke before it was known to be committed."""
        self._lost: str | None = None
        """Why this host may no longer write the room (another host took it over)."""
        self._backend: int | None = conn.info.backend_pid
        """The server process of this host's connection (see `_end_old`)."""
        self._warm(conn)

    def _warm(self, conn) -> None:
        """Prepares the write statement on a new connection with a write of no events (the
        server plans it once, and loads what it reads), so that a class's first moves do not
        pay for that. A failure here is left to the first real write to meet."""
        with contextlib.suppress(psycopg_module().Error):
            conn.execute(INSERT_EVENTS, (self.room_id, self._next, "[]", self.room_id),
                         prepare=True)

    def append(self, events: list[dict]) -> None:
        if not events:
            return
        if self._lost is not None:
            raise NotStoredError(self._lost)
        psycopg = psycopg_module()
        first = self._next
        params = (self.room_id, first, f"[{','.join(encode(e).decode() for e in events)}]",
                  self.room_id)
        problem = ""
        for _ in range(2):   # a broken connection is replaced once, at once
            try:
                if self._conn is None:
                    self._recover()
                self._conn.execute(INSERT_EVENTS, params)
                self._next = first + len(events)
                return
            except NotStoredError:
                raise
            except psycopg.Error as err:
                conn = self._conn
                if conn is not None and not (conn.broken or conn.closed):
                    raise NotStoredError(f"the session database refused the write "
                                         f"({words(err)})") from None
                if conn is not None:   # it may have been committed before the link broke
                    self._doubt = (first, first + len(events) - 1)
                    conn.close()
                    self._conn = None
                problem = words(err)
        raise NotStoredError(f"the session database server cannot be reached ({problem})")

    def _recover(self) -> None:
        """A new connection: the room's lock again, and the log as this room knows it.

        Raises:
            NotStoredError: the server cannot be reached, or another host took the room.
        """
        psycopg = psycopg_module()
        conn = connect(self.url, error=NotStoredError)
        try:
            if not _try_lock(conn, self.room_id, patience=0) and not self._end_old(conn):
                self._lost = (f"another host holds the room {self.key} now; this host no "
                              "longer writes it")
                raise NotStoredError(self._lost)
            last = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM classroom_events "
                                "WHERE room = %s", (self.room_id,)).fetchone()[0]
            doubt = self._doubt
            if doubt is not None and last == doubt[1]:   # it was stored, never applied
                with conn.transaction():
                    conn.execute("DELETE FROM classroom_events WHERE room = %s AND seq >= %s",
                                 (self.room_id, doubt[0]))
                    conn.execute("UPDATE classroom_rooms SET ended = EXISTS (SELECT 1 FROM "
                                 "classroom_events WHERE room = %s AND kind = 'end') "
                                 "WHERE id = %s", (self.room_id, self.room_id))
            elif last != self._next - 1:
                self._lost = (f"another host wrote to the room {self.key} meanwhile; this "
                              "host no longer writes it (stop it, then --resume)")
                raise NotStoredError(self._lost)
            _claim(conn, self.room_id, self.address)
            self._warm(conn)
        except psycopg.Error as err:
            conn.close()
            raise NotStoredError(f"the session database server cannot be reached "
                                 f"({words(err)})") from None
        except NotStoredError:
            conn.close()
            raise
        self._doubt = None
        self._conn = conn
        self._backend = conn.info.backend_pid

    def _end_old(self, conn) -> bool:
        """When this host's own previous connection still holds the room's lock (the server
        has not yet noticed that the link broke), ends it and takes the lock; another host's
        hold is left alone. Returns True once the lock is this connection's."""
        if self._backend is None:
            return False
        held = conn.execute("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE "
                            "locktype = 'advisory' AND granted AND classid = %s AND "
                            "objid = %s AND objsubid = 2 AND pid = %s",
                            (LOCK_CLASS, self.room_id, self._backend)).fetchone()
        return bool(held and held[0]) and _try_lock(conn, self.room_id, patience=2.0)

    def events(self) -> list[dict]:
        psycopg = psycopg_module()
        try:
            if self._conn is None:
                self._recover()
            return [row[0] for row in self._conn.execute(
                "SELECT data FROM classroom_events WHERE room = %s ORDER BY seq",
                (self.room_id,))]
        except (psycopg.Error, NotStoredError) as err:
            raise StoreError(f"{self.where}: cannot read the room {self.key} ({err})") \
                from None

    def reader(self) -> Callable[[], list[dict]]:
        """Reads on the room's own connection (psycopg's connections may be shared between
        threads): a new one would cost a login, and this is called once the room has ended,
        when nothing else writes it."""
        return self.events

    def release(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):   # closing releases it anyway, a bit later
                self._conn.execute("SELECT pg_advisory_unlock(%s, %s)",
                                   (LOCK_CLASS, self.room_id))
            self._conn.close()
            self._conn = None


__all__ = ["LOCK_CLASS", "PgDatabase", "PgRoomLog"]
