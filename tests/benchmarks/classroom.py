"""Classroom benchmark: a headless host in a child process, N bot clients on loopback.

Prints the decision round-trip (p50/p99), rounds per second and the server's peak RSS for
300 clients x 10 rounds, once with every client answering at once (the worst burst) and once
with up to 0.5 s of thinking per decision. Bounded: each run stops itself within 5 minutes.

    uv run python tests/benchmarks/classroom.py [--clients N] [--rounds R]
"""

from __future__ import annotations

import argparse
import asyncio

from game.classroom.loadtest import format_figures, run_loadtest


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    for think in (0.0, 0.5):
        figures = asyncio.run(run_loadtest(args.clients, args.rounds, think=think,
                                           timeout=300))
        label = "all at once" if think == 0 else f"think up to {think} s"
        ok = figures["p99_ms"] < 50 and figures["server_peak_rss_mb"] < 300
        print(f"--- {label} (target p99 < 50 ms, RSS < 300 MB: {'met' if ok else 'NOT met'})")
        print(format_figures(figures))


if __name__ == "__main__":
    main()
