"""The classroom commands (`host`, `join`, `report`, `loadtest`, and `export DB`): parse and call.

The classroom issue fills these in; until then each says so plainly.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from game.cli import UsageError


def add_parsers(commands, add_set: Callable[[argparse.ArgumentParser], None]) -> None:
    """Adds the classroom subcommands to the `deterrence` parser (kept import-light)."""
    host = commands.add_parser("host", help="run a classroom session (server + instructor console)")
    host.add_argument("scenario")
    join = commands.add_parser("join", help="join a classroom session from this terminal")
    join.add_argument("address", metavar="HOST:PORT")
    report = commands.add_parser("report", help="the class debrief of a session database as text")
    report.add_argument("db", metavar="DB")
    loadtest = commands.add_parser("loadtest", help="drive bot clients against a local server")
    loadtest.add_argument("--clients", type=int, default=30)


def _not_yet(name: str) -> int:
    raise UsageError(f"`deterrence {name}` is not available in this build yet")


def run_host(args) -> int:
    """`deterrence host`."""
    return _not_yet("host")


def run_join(args) -> int:
    """`deterrence join`."""
    return _not_yet("join")


def run_report(args) -> int:
    """`deterrence report`."""
    return _not_yet("report")


def run_loadtest(args) -> int:
    """`deterrence loadtest`."""
    return _not_yet("loadtest")


def run_export_db(args) -> int:
    """`deterrence export DB`: called by `export` when its argument is a session database."""
    return _not_yet("export DB")
