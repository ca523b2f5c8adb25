"""The `deterrence sweep` subcommand: a regime map over one or two parameter ranges, printed as
a chart, JSON or CSV."""

from __future__ import annotations

import json
import sys
from fractions import Fraction

from rich.console import Console
from rich.table import Table
from rich.text import Text

from game.cli import EXIT_OK, EXIT_PROBLEMS, UsageError, parse_sets
from game.cli.commands import console, errors, load_spec, print_problems
from game.cli.render import text_cells
from game.model.expr import format_fraction
from game.model.spec import GameSpec


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

            shown_low = ff(low) if low is not None else "-inf"
            shown_high = ff(high) if high is not None else "inf"
            bounds = f"[{shown_low}, {shown_high}]"
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
    if args.format == "json":
        json.dump(sweep_to_json(spec, result), sys.stdout, indent=2)
        print()
    elif args.format == "csv":
        sys.stdout.write(sweep_to_csv(result))
    else:
        show_sweep(console, spec, result)
    return EXIT_OK


_MARKS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _regime_text(regime) -> str:
    return " + ".join(regime) if regime else "(no equilibrium found)"


def show_sweep(console: Console, spec: GameSpec, result) -> None:
    """Prints a regime map: a letter per regime on a terminal chart, the legend, thresholds."""
    regimes = result.regimes()
    mark = {regime: _MARKS[k % len(_MARKS)] for k, regime in enumerate(regimes)}
    console.print(Text(f"{spec.title}: regime map", style="bold"))
    if len(result.parameters) == 1:
        name = result.parameters[0]
        table = Table(box=None, pad_edge=False)
        table.add_column(name, justify="right")
        table.add_column("regime")
        table.add_column("equilibrium families", overflow="fold")
        for point in result.points:
            regime = (f"(not solvable: {point.error})" if point.error
                      else _regime_text(point.regime))
            flag = "" if point.complete else " (search cut short)"
            table.add_row(*text_cells((format_fraction(point.values[name]), mark[point.regime],
                                   regime + flag)))
        console.print(table)
        strip = "".join(mark[p.regime] for p in result.points)
        first, last = result.grids[0][0], result.grids[0][-1]
        console.print(Text(f"{name}: {format_fraction(first)} {strip} {format_fraction(last)}"))
        if result.thresholds:
            console.print(Text("Thresholds", style="bold"))
        for threshold in result.thresholds:
            where = (f"{name} = {format_fraction(threshold.low)} exactly" if threshold.exact
                     else f"{name} between {format_fraction(threshold.low)} and "
                          f"{format_fraction(threshold.high)}")
            line = f"  {where}: {mark[threshold.before]} -> {mark[threshold.after]}"
            if threshold.at is not None and threshold.at not in (threshold.before,
                                                                 threshold.after):
                line += f" (at the threshold itself: {_regime_text(threshold.at)})"
            console.print(Text(line))
    else:
        row_name, column_name = result.parameters
        rows, columns = result.grids
        table = Table(box=None, pad_edge=False, show_header=True)
        table.add_column(f"{row_name} \\ {column_name}", justify="right")
        for value in columns:
            table.add_column(format_fraction(value), justify="center")
        by_values = {(p.values[row_name], p.values[column_name]): p for p in result.points}
        for row in rows:
            table.add_row(format_fraction(row), *(mark[by_values[(row, c)].regime]
                                                  for c in columns))
        console.print(table)
    console.print(Text("Legend", style="bold"))
    for regime in regimes:
        console.print(Text(f"  {mark[regime]}  {_regime_text(regime)}"))


def sweep_to_json(spec: GameSpec, result) -> dict:
    """The regime map as JSON (`deterrence-sweep/1`); fractions as "p/q" strings."""
    return {
        "format": "deterrence-sweep/1",
        "scenario": spec.id,
        "parameters": list(result.parameters),
        "grids": {name: [format_fraction(v) for v in values]
                  for name, values in zip(result.parameters, result.grids)},
        "points": [{"values": {k: format_fraction(v) for k, v in p.values.items()},
                    "regime": list(p.regime), "complete": p.complete,
                    **({"error": p.error} if p.error else {})} for p in result.points],
        "thresholds": [{"parameter": t.parameter, "low": format_fraction(t.low),
                        "high": format_fraction(t.high), "exact": t.exact,
                        "before": list(t.before), "after": list(t.after),
                        "at": list(t.at) if t.at is not None else None}
                       for t in result.thresholds],
    }


def sweep_to_csv(result) -> str:
    """One row per grid point: the parameter values and the regime."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*result.parameters, "regime", "complete"])
    for point in result.points:
        writer.writerow([*(format_fraction(point.values[n]) for n in result.parameters),
                         " + ".join(point.regime), str(point.complete).lower()])
    return out.getvalue()
