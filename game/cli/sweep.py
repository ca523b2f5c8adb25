"""The `deterrence sweep` subcommand: a regime map over one or two parameter ranges."""

from __future__ import annotations

import json
import sys
from fractions import Fraction

from game.cli import EXIT_OK, EXIT_PROBLEMS, UsageError, parse_sets
from game.cli.commands import console, errors, load_spec, print_problems


def parse_param_ranges(items: list[str] | None, spec) -> list[tuple[str, tuple[Fraction, ...]]]:
    """Parses each --param NAME=START:STOP:STEP against the scenario's parameters."""
    from game.scenario.messages import did_you_mean
    from game.solver.sweep import grid, parse_range

    if not items:
        names = ", ".join(p.name for p in spec.parameters) or "(none)"
        raise UsageError(f"give --param NAME=START:STOP:STEP; this scenario's parameters: {names}")
    if len(items) > 2:
        raise UsageError("a regime map takes one or two --param ranges")
    known = {p.name: p for p in spec.parameters}
    ranges = []
    for item in items:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep:
            raise UsageError(f"--param expects NAME=START:STOP:STEP, not {item!r}")
        if name not in known:
            raise UsageError(f"--param: the scenario has no parameter {name!r}."
                             + did_you_mean(name, known))
        _check_range_numbers(name, text)
        try:
            start, stop, step = parse_range(text)
        except ValueError as error:
            raise UsageError(f"--param {name}: {error}") from None
        parameter = known[name]
        low, high = parameter.minimum, parameter.maximum
        if (low is not None and start < low) or (high is not None and stop > high):
            from game.model.expr import format_fraction as ff

            bounds = f"[{ff(low) if low is not None else '-inf'}, {ff(high) if high is not None else 'inf'}]"
            raise UsageError(f"--param {name}: the range must stay within the parameter's "
                             f"limits {bounds}")
        ranges.append((name, grid(start, stop, step)))
    if len(ranges) == 2 and ranges[0][0] == ranges[1][0]:
        raise UsageError("the two --param ranges must name different parameters")
    total = 1
    for _, values in ranges:
        total *= len(values)
    if total > 2_500:
        raise UsageError(f"{total} grid points is too many (at most 2,500); widen the steps")
    return ranges


def _check_range_numbers(name: str, text: str) -> None:
    """Refuses a --param range whose numbers have more digits than a scenario may write."""
    from game.model.expr import MAX_LITERAL_DIGITS, ExprError, parse_exact

    for part in text.split(":"):
        try:
            parse_exact(part, MAX_LITERAL_DIGITS)
        except ExprError as error:
            if "too many digits" in str(error):
                raise UsageError(f"--param {name}: {error}") from None


def run_sweep(args) -> int:
    """`deterrence sweep SCENARIO --param a=0:10:1/2`."""
    from game.scenario.errors import ScenarioError
    from game.solver.sweep import Sweeper

    values = parse_sets(args.set)
    try:
        spec = load_spec(args.scenario, values)
    except ScenarioError as error:
        print_problems(error)
        return EXIT_PROBLEMS
    ranges = parse_param_ranges(args.param, spec)
    if args.rounds is not None and not 1 <= args.rounds <= 12:
        raise UsageError("--rounds must be between 1 and 12")
    if not 0 < args.seconds <= 60:
        raise UsageError("--seconds must be between 0 and 60")
    sweeper = Sweeper(spec, values, rounds=args.rounds, seconds=args.seconds)
    from rich.progress import Progress

    with Progress(console=errors.get(), transient=True, disable=args.format != "text"
                  and not errors.is_terminal) as progress:
        task = progress.add_task("Solving", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        result = sweeper.sweep(ranges, progress=advance)
    from game.cli import render

    if args.format == "json":
        json.dump(render.sweep_to_json(spec, result), sys.stdout, indent=2)
        print()
    elif args.format == "csv":
        sys.stdout.write(render.sweep_to_csv(result))
    else:
        render.show_sweep(console, spec, result)
    return EXIT_OK
