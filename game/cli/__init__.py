"""The `deterrence` command: parses arguments, calls the library, prints. No game logic here."""

from __future__ import annotations

import argparse
import os
import sys
import time
from fractions import Fraction

STARTED = time.monotonic()
"""When the command started (budgets cover reading files too)."""
EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """The command line is wrong (exit code 2)."""


def parse_assignment(text: str) -> tuple[str, Fraction]:
    """Parses `name=value` where value is an exact number (3, -1/2, 0.25)."""
    from game.model.expr import ExprError, evaluate, parameters
    from game.scenario.exprparse import ExpressionSyntaxError, parse_expression

    name, sep, value = text.partition("=")
    name, value = name.strip(), value.strip()
    if not sep or not name or not value:
        raise UsageError(f"--set expects name=value (like a=3 or p=1/4), not {text!r}")
    try:
        expr = parse_expression(value)
        if parameters(expr):
            raise ExpressionSyntaxError("a value must be a number, not use parameters")
        return name, evaluate(expr, {})
    except (ExpressionSyntaxError, ExprError) as error:
        raise UsageError(f"--set {name}: {value!r} is not an exact number ({error})") from None


def parse_sets(items: list[str] | None) -> dict[str, Fraction]:
    """Parses every --set."""
    values: dict[str, Fraction] = {}
    for item in items or []:
        name, value = parse_assignment(item)
        values[name] = value
    return values


def _add_set(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--set", action="append", metavar="NAME=VALUE",
                        help="override a parameter with an exact value (repeatable): --set a=3 "
                             "--set p=1/4")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (kept import-light so `--help` is fast)."""
    parser = argparse.ArgumentParser(
        prog="deterrence",
        description="Play and analyse abstract deterrence and signalling games from the "
                    "literature. Every scenario is abstract: players, actions and outcomes are "
                    "generic.")
    parser.add_argument("--version", action="version", version=_version())
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    play = commands.add_parser("play", help="play a scenario in the terminal (the main job)",
                               description="Play a scenario against a computer opponent.")
    play.add_argument("scenario", nargs="?", help="a shipped scenario id or a scenario file "
                                                  "(omit to pick from the list)")
    play.add_argument("--as", dest="role", metavar="ROLE", help="the player you play (id or name)")
    play.add_argument("--type", dest="own_type", metavar="TYPE", help="your private type "
                                                                      "(default: drawn by Nature)")
    play.add_argument("--opponent", default="equilibrium", metavar="KIND",
                      help="the computer opponent: equilibrium[:N] (default: the refined one), "
                           "qre:LAMBDA, learner, "
                           "hawk, dove, bluffer, random, human")
    play.add_argument("--rounds", type=int, metavar="N", help="play N rounds with types kept")
    play.add_argument("--seed", type=int, metavar="N", help="seed for Nature and the opponent")
    play.add_argument("--exam", action="store_true",
                      help="exam mode: hide the hints (risk, worth, posterior, equilibrium "
                           "count), ask for predictions and grade them at the end")
    play.add_argument("--plain", action="store_true", help="use the plain prompt interface "
                                                           "(same panels and debrief)")
    play.add_argument("--web", action="store_true", help="serve the game in a browser on "
                                                          "127.0.0.1")
    play.add_argument("--port", type=int, default=8000, metavar="P", help="port for --web")
    _add_set(play)

    listing = commands.add_parser("list", help="list the shipped scenarios")
    listing.add_argument("--format", choices=("text", "json"), default="text")

    check = commands.add_parser("check", help="validate scenario files or folders",
                                description="Validate scenario files; exit 0 when clean, 1 "
                                            "with every problem located, 2 on usage errors.")
    check.add_argument("paths", nargs="+", metavar="PATH")

    show = commands.add_parser("show", help="show a scenario's tree, information sets and payoffs")
    show.add_argument("scenario")
    _add_set(show)

    solve = commands.add_parser("solve", help="find and explain the equilibria",
                                description="All pure and mixed perfect Bayesian equilibria, "
                                            "with beliefs, refinements and outcomes.")
    solve.add_argument("scenario", metavar="SCENARIO_OR_EFG")
    solve.add_argument("--refine", choices=("none", "ic", "d1"), default="none",
                       help="show only equilibria that survive a refinement")
    solve.add_argument("--concept", choices=("pbe", "weak"), default="pbe",
                       help="pbe: perfect Bayesian equilibrium as Fudenberg and Tirole define "
                            "it (the default); weak: weak perfect Bayesian equilibrium")
    solve.add_argument("--seconds", type=float, default=5.0, metavar="S",
                       help="the search's time budget (default 5)")
    solve.add_argument("--all", action="store_true", dest="all_pure",
                       help="list every pure equilibrium, not one per path of play")
    solve.add_argument("--format", choices=("text", "json"), default="text")
    solve.add_argument("--rounds", type=int, metavar="N", help="play the stage N times")
    _add_set(solve)

    concepts = commands.add_parser("concepts", help="the concept glossary, or one concept",
                                   description="Print the glossary of teaching concepts, or "
                                               "one concept with the scenarios that teach it.")
    concepts.add_argument("concept", nargs="?", metavar="ID")

    new = commands.add_parser("new", help="write a commented starter scenario that validates",
                              description="Write NAME.yaml: a commented starter scenario, or a "
                                          "copy of a shipped one (--from) under a new id.")
    new.add_argument("name", metavar="NAME", help="the new scenario's id (or a path ending "
                                                  "in .yaml)")
    new.add_argument("--from", dest="source", metavar="SCENARIO",
                     help="start from this scenario instead of the starter")
    new.add_argument("--force", action="store_true", help="overwrite an existing file")

    sweep = commands.add_parser(
        "sweep", help="regime map: which equilibria exist as parameters vary, exact thresholds",
        description="Solve the scenario across a grid of one or two parameters and chart which "
                    "equilibrium families exist where; for one parameter, find each threshold "
                    "exactly.")
    sweep.add_argument("scenario")
    sweep.add_argument("--param", action="append", metavar="NAME=START:STOP:STEP",
                       help="a parameter and its grid, e.g. a=0:10:1/2 (once or twice)")
    sweep.add_argument("--format", choices=("text", "csv", "json"), default="text")
    sweep.add_argument("--rounds", type=int, metavar="N", help="play the stage N times")
    sweep.add_argument("--seconds", type=float, default=5.0, metavar="S",
                       help="time budget for the mixed search at each point (default 5)")
    _add_set(sweep)

    export = commands.add_parser(
        "export", help="write a scenario as a Gambit .efg file, or a session database as tables",
        description="deterrence export SCENARIO --efg FILE  |  deterrence export DB --csv DIR "
                    "| --json FILE")
    export.add_argument("target", metavar="SCENARIO_OR_DB")
    export.add_argument("--efg", metavar="FILE", help="write the expanded game in Gambit's "
                                                       ".efg format ('-' for standard output)")
    export.add_argument("--csv", metavar="DIR", help="(session database) write tidy CSV tables")
    export.add_argument("--json", metavar="FILE", help="(session database) write one JSON file")
    export.add_argument("--rounds", type=int, metavar="N", help="(scenario) play the stage N times")
    _add_set(export)

    from game.cli.classroom_args import add_parsers

    add_parsers(commands, _add_set)
    return parser


def _version() -> str:
    from game import __version__

    return f"deterrence {__version__}"


CLASSROOM_COMMANDS = ("host", "join", "report", "loadtest")


def _dispatch(args) -> int:
    if args.command in CLASSROOM_COMMANDS:
        from game.cli import classroom

        return getattr(classroom, f"run_{args.command}")(args)
    if args.command == "play":
        from game.cli import play

        return play.run_play(args)
    if args.command == "sweep":
        from game.cli import sweep

        return sweep.run_sweep(args)
    from game.cli import commands

    return getattr(commands, f"run_{args.command}")(args)


def main(argv: list[str] | None = None) -> int:
    """Runs the command; returns the exit code. Never shows a traceback for bad input."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["play", *(argv or [])])
    try:
        return _dispatch(args)
    except UsageError as error:
        parser.exit(EXIT_USAGE, f"deterrence: error: {error}\n")
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as error:  # noqa: BLE001 - the last line of defence: no traceback for users
        if os.environ.get("DETERRENCE_DEBUG"):
            raise
        print(f"deterrence: internal error: {type(error).__name__}: {error}\n"
              "This is a bug in the game, not in your input; set DETERRENCE_DEBUG=1 to see "
              "the details.", file=sys.stderr)
        return 70
    return EXIT_OK
