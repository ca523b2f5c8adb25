"""Classroom benchmark: a headless host in a child process, N bot clients on loopback.

It measures the server. The host runs alone in its own process, as in a class; the N bot
clients share a second process (see `game.classroom.loadtest` for what that harness does to
stay out of the figures). Each decision's round trip is timed from the moment its bot sends the
move to the moment it reads the server's answer. Printed for 300 clients x 10 rounds: p50/p99
round trip, rounds per second, the server's peak RSS and its CPU time while serving, once with
every client answering at once (the worst burst: 150 moves arrive in the same instant) and once
with up to 0.5 s of thinking per decision; each `--runs` times, then the medians.
Bounded: each run stops itself within 5 minutes.

    uv run python tests/benchmarks/classroom.py [--clients N] [--rounds R] [--runs K]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics

from game.classroom.loadtest import format_figures, run_loadtest


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for think in (0.0, 0.5):
        label = "all at once" if think == 0 else f"think up to {think} s"
        runs = []
        for run in range(1, args.runs + 1):
            figures = asyncio.run(run_loadtest(args.clients, args.rounds, think=think,
                                               timeout=300))
            runs.append(figures)
            print(f"--- {label}, run {run} of {args.runs}")
            print(format_figures(figures))
        p50, p99, rss = (statistics.median(f[key] for f in runs)
                         for key in ("p50_ms", "p99_ms", "server_peak_rss_mb"))
        ok = p99 < 50 and rss < 300 and all(f["all_ended"] and not f["errors"] for f in runs)
        print(f"=== {label}, medians of {args.runs}: p50 {p50:.2f} ms, p99 {p99:.2f} ms "
              f"(range {min(f['p99_ms'] for f in runs):.1f}-{max(f['p99_ms'] for f in runs):.1f}),"
              f" server peak RSS {rss:.1f} MB; target p99 < 50 ms, RSS < 300 MB: "
              f"{'met' if ok else 'NOT met'}\n")


if __name__ == "__main__":
    main()
