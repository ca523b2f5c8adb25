"""Shared fixtures: a solved scenario and a helper to run a server on a free loopback port."""

from __future__ import annotations

import asyncio
import functools
import time

import pytest

from game.classroom.gate import ServerLimits
from game.classroom.room import Room, RoomConfig


@functools.cache
def solved(name: str = "public-threat"):
    from game.cli.commands import load_game
    from game.solver.solve import solve

    _, game = load_game(name, {})
    return game, solve(game, seconds=1.0)


def make_room(name: str = "public-threat", **overrides) -> Room:
    from game.classroom.server import build_room

    game, result = solved(name)
    options = dict(code="ABC234", instructor_token="instructor-token-1", seed=7, rounds=3,
                   timeout=30.0)
    options.update(overrides)
    return build_room(game, result, RoomConfig(**options))


LOOSE = ServerLimits(join_rate=0)
"""Server limits for tests whose many bot clients all join from 127.0.0.1 at once."""


def serve(room: Room, store=None, **options):
    """A `ClassroomServer` on a free loopback port with a fast tick and `LOOSE` limits (start
    it with `await server.start()`)."""
    from game.classroom.server import ClassroomServer

    options.setdefault("tick", 0.05)
    options.setdefault("limits", LOOSE)
    options.setdefault("port", 0)
    return ClassroomServer(room, store, **options)


@pytest.fixture
def room_factory():
    return make_room


# ---- session databases: SQLite, and PostgreSQL on a throwaway server -----------------------

_PG: dict = {}


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL server for the whole test session (started once, stopped by its PID), or
    a skip that says why none can be had here."""
    from tests.classroom.pgserver import start_server, why_not

    reason = why_not()
    if reason:
        pytest.skip(f"PostgreSQL tests skipped: {reason}")
    try:
        server = start_server()
    except RuntimeError as err:
        pytest.skip(f"PostgreSQL tests skipped: the server could not be started ({err})")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server, request):
    """The URL of a new, empty database on the test session's PostgreSQL server."""
    _PG["n"] = _PG.get("n", 0) + 1
    return pg_server.create_database(f"t{_PG['n']}")


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    """A session database name for each implementation: a SQLite file, then a PostgreSQL
    URL (the same tests run against both)."""
    if request.param == "sqlite":
        return str(tmp_path / "session.sqlite")
    return request.getfixturevalue("pg_url")


async def until(condition, seconds: float = 10.0) -> bool:
    """Waits (polling) until `condition()` holds or `seconds` pass; returns whether it holds."""
    end = time.monotonic() + seconds
    while time.monotonic() < end and not condition():
        await asyncio.sleep(0.02)
    return condition()
