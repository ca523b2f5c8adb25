"""Connections to a PostgreSQL session database (psycopg 3), and reading its rooms.

`connect` checks the URL, reaches the server with keepalives and a statement timeout, and
turns every failure into one clear line without the password; `read_pg_rooms` (report,
export) reads every room, or one, in a read-only transaction. The rooms' writing is
`game.classroom.pgstore`.
"""

from __future__ import annotations

import re

from game.classroom.storage import NotStoredError, StoreError, shown

CONNECT_TIMEOUT = 5
"""Seconds to reach the server before giving up with a clear error."""
KEEPALIVE_SECONDS = 30
"""About how long the server takes to notice a host machine that died (TCP keepalives), and
so to release its rooms for another host."""
SYNCHRONOUS_COMMIT = "off"
"""The host's writes do not wait for the database server's disk: an event is safe from the
host's crash (kill -9, a dead machine) as soon as the server has it, and the server writes it
to disk within a fraction of a second (three `wal_writer_delay`s) - the guarantee of the
SQLite file (WAL, synchronous=NORMAL). Waiting for the disk on every event (`?options=-c%20
synchronous_commit%3Don` in the URL) costs about 0.2 ms per event on a quiet machine, and
several times the p99 of a class that all answers at once."""
STATEMENT_TIMEOUT_MS = 3000
"""A write that takes longer fails (the move is refused and retried) instead of freezing the
server."""


def psycopg_module():
    try:
        import psycopg
    except ImportError:   # pragma: no cover - a dependency of the project
        raise StoreError("a PostgreSQL --db needs the psycopg package (uv sync, or pip "
                         "install 'psycopg[binary]')") from None
    return psycopg


def words(err: Exception) -> str:
    """psycopg's message on one line, without any password it quotes."""
    text = " ".join(str(err).split())
    text = re.sub(r"(postgres(?:ql)?://[^/:@\s\"]*):[^/@\s\"]*@", r"\1@", text)
    text = re.sub(r"(password\s*=\s*)\S+", r"\1***", text)
    return text.removeprefix("connection failed: ") or type(err).__name__


def connect(url: str, *, read_only: bool = False, error=StoreError):
    """A connection to the server (autocommit unless `read_only`), with keepalives and a
    statement timeout.

    Raises:
        `error` (StoreError by default): the URL is malformed, the server cannot be reached,
            or it refused (credentials, no such database).
    """
    psycopg = psycopg_module()
    keep = max(1, KEEPALIVE_SECONDS // 3)
    options = (f"-c statement_timeout={STATEMENT_TIMEOUT_MS} -c tcp_keepalives_idle={keep} "
               f"-c tcp_keepalives_interval={keep} -c tcp_keepalives_count=3")
    if not read_only:
        options += f" -c synchronous_commit={SYNCHRONOUS_COMMIT}"
    try:
        from psycopg.conninfo import conninfo_to_dict

        given = conninfo_to_dict(url).get("options")
    except psycopg.Error as err:
        raise error(f"{shown(url)} is not a valid PostgreSQL URL ({words(err)})") from None
    if given:   # the URL's own options come last, so they win
        options = f"{options} {given}"
    try:
        conn = psycopg.connect(url, autocommit=not read_only, connect_timeout=CONNECT_TIMEOUT,
                               application_name="deterrence", options=options,
                               keepalives=1, keepalives_idle=keep, keepalives_interval=keep,
                               keepalives_count=3, tcp_user_timeout=STATEMENT_TIMEOUT_MS)
    except psycopg.ProgrammingError as err:
        raise error(f"{shown(url)} is not a valid PostgreSQL URL ({words(err)})") from None
    except psycopg.Error as err:
        if error is NotStoredError:   # told to the students too: no address in it
            raise error(f"the session database server cannot be reached ({words(err)})") \
                from None
        raise error(f"cannot connect to {shown(url)}: {words(err)}") from None
    if read_only:
        conn.read_only = True
    return conn


def read_pg_rooms(url: str, code: str | None = None) -> list[list[dict]]:
    """Every room's events (or one room's), in one read-only transaction: nothing is locked,
    written or made (not even the tables).

    Raises:
        StoreError: the server cannot be reached, or it holds no classroom tables.
    """
    psycopg = psycopg_module()
    conn = connect(url, read_only=True)
    try:
        with conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            exists = conn.execute("SELECT to_regclass('classroom_events') IS NOT NULL")
            if not exists.fetchone()[0]:
                raise StoreError(f"{shown(url)}: not a session database (no classroom "
                                 "tables in it)")
            where = "WHERE r.code = %s " if code is not None else ""
            rows = conn.execute("SELECT r.code, e.data FROM classroom_rooms r JOIN "
                                f"classroom_events e ON e.room = r.id {where}"
                                "ORDER BY r.id, e.seq", (code,) if code is not None else ())
            rooms: dict[str, list[dict]] = {}
            for room, data in rows:
                rooms.setdefault(room, []).append(data)
    except psycopg.Error as err:
        raise StoreError(f"{shown(url)}: cannot read ({words(err)})") from None
    finally:
        conn.close()
    return [events for events in rooms.values()
            if events and events[0].get("kind") == "session"]


__all__ = ["CONNECT_TIMEOUT", "KEEPALIVE_SECONDS", "STATEMENT_TIMEOUT_MS", "SYNCHRONOUS_COMMIT",
           "connect", "psycopg_module", "read_pg_rooms", "words"]
