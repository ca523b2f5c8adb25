"""The classroom subcommands' arguments (`host`, `join`, `report`, `loadtest`): kept apart
from their handlers in `game.cli.classroom` so that building the parser imports nothing more."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def add_parsers(commands, add_set: Callable[[argparse.ArgumentParser], None]) -> None:
    """Adds the classroom subcommands to the `deterrence` parser (kept import-light)."""
    host = commands.add_parser(
        "host", help="run a classroom session (server + instructor console)",
        description="Run a classroom session: a websocket server students join with "
                    "`deterrence join`. Binds 127.0.0.1 unless --bind says otherwise.")
    host.add_argument("scenario", nargs="?", help="a shipped scenario id or a scenario file "
                                                  "(omit with --resume)")
    host.add_argument("--rounds", type=int, default=5, metavar="N",
                      help="rounds in the session (each round: new pairs play the game once)")
    host.add_argument("--campaign-rounds", type=int, metavar="N",
                      help="play the scenario's stage N times within each round")
    host.add_argument("--matching", choices=("random", "fixed", "perfect-strangers"),
                      default="random")
    host.add_argument("--roles", choices=("rotate", "fixed"), default="rotate")
    host.add_argument("--roster", metavar="FILE", help="one participant label per line; only "
                                                       "they may join")
    host.add_argument("--port", type=int, default=8765, metavar="P", help="0 picks a free port")
    host.add_argument("--bind", default="127.0.0.1", metavar="ADDR",
                      help="address to listen on (default 127.0.0.1: this machine only)")
    host.add_argument("--timeout", type=float, metavar="SECONDS",
                      help="seconds per decision before a bot moves instead (0: no timer; "
                           "default 60, or with --resume the session's own)")
    host.add_argument("--elicit-beliefs", action="store_true",
                      help="ask students for their belief about the opponent's type")
    host.add_argument("--db", metavar="DB", help="the session database: a SQLite FILE "
                                                 "(default session-DATE-TIME.sqlite here) or "
                                                 "postgresql://USER@HOST/DBNAME")
    host.add_argument("--rooms", metavar="FILE", help="serve several rooms from one process: "
                                                      "a YAML file listing them (name, "
                                                      "scenario, settings)")
    host.add_argument("--room", action="append", metavar="NAME=SCENARIO[,KEY=VALUE...]",
                      help="a room to serve (repeat for more); with --resume: the CODE of a "
                           "room to continue")
    host.add_argument("--resume", action="store_true",
                      help="continue the sessions in --db: every unfinished room no running "
                           "host holds, or the rooms named by --room CODE")
    host.add_argument("--standby", action="append", metavar="HOST:PORT",
                      help="another address where a resumed host may come up (repeat for "
                           "more); students' programs try it by themselves when this host "
                           "is lost")
    host.add_argument("--grace", type=float, default=30.0, metavar="SECONDS",
                      help="with --resume: seconds for everyone to reconnect before the "
                           "decision timers run again (default 30)")
    host.add_argument("--max-students", type=int, default=300, metavar="N",
                      help="without a roster: the most participants who may join (default "
                           "300)")
    host.add_argument("--join-rate", type=float, default=60.0, metavar="PER_MINUTE",
                      help="without a roster: new participants per minute from one address, "
                           "after a burst of 20 (default 60; 0: no limit)")
    host.add_argument("--max-connections", type=int, default=1200, metavar="N",
                      help="open connections in all (default 1200); at most 128 of them "
                           "before joining")
    host.add_argument("--web-sessions", type=int, default=40, metavar="N",
                      help="with --web: browser sessions at once (default 40; each runs a "
                           "student program on this machine)")
    host.add_argument("--headless", action="store_true",
                      help="no console: print the code and token; read commands on stdin")
    host.add_argument("--web", action="store_true", help="also serve a browser entry for "
                                                          "students (textual-serve)")
    host.add_argument("--web-port", type=int, default=8000, metavar="P",
                      help="port of the browser entry (default 8000)")
    host.add_argument("--seed", type=int, metavar="N", help="the session seed")
    host.add_argument("--autostart", type=int, default=0, metavar="N",
                      help="start by itself once N students have joined")
    host.add_argument("--bot", default="equilibrium", metavar="KIND",
                      help="the bot that moves on a timeout (default: equilibrium)")
    add_set(host)

    join = commands.add_parser("join", help="join a classroom session from this terminal")
    join.add_argument("address", metavar="HOST:PORT")
    join.add_argument("--code", metavar="ROOM", help="the room code (asked for when omitted)")
    join.add_argument("--name", metavar="LABEL", help="your label (asked for when omitted)")
    join.add_argument("--token", metavar="TOKEN", help="your seat token, to rejoin your seat")
    join.add_argument("--plain", action="store_true", help="a plain prompt instead of the "
                                                           "full-screen game")

    report = commands.add_parser("report", help="the class debrief of a session database")
    report.add_argument("db", metavar="DB", help="a SQLite file or postgresql://USER@HOST/DB")
    report.add_argument("--room", action="append", metavar="CODE",
                        help="only this room (repeat for more; default: every room)")
    report.add_argument("--markdown", action="store_true", help="Markdown for a handout")

    export = commands.choices.get("export")   # made by game.cli: its session-database part
    if export is not None:
        export.add_argument("--room", action="append", metavar="CODE",
                            help="(session database) only this room (repeat for more; "
                                 "default: every room)")

    loadtest = commands.add_parser("loadtest", help="drive bot clients against a local server")
    loadtest.add_argument("--clients", type=int, default=30, metavar="N")
    loadtest.add_argument("--rounds", type=int, default=5, metavar="R")
    loadtest.add_argument("--scenario", default="public-threat")
    loadtest.add_argument("--think", type=float, default=0.0, metavar="SECONDS",
                          help="each bot waits up to this long before moving")
