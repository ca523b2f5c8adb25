"""Classroom benchmark: a headless host in a child process, N bot clients on loopback.

It measures the server through the real entry point (`deterrence host --headless` as a whole
process, as in a class); the N bot clients share a second process (see
`game.classroom.loadtest` for what that harness does to stay out of the figures). Each
decision's round trip is timed from the moment its bot sends the move to the moment it reads
the server's answer; every move is written to the session database before it is applied.

Two sizes: 300 clients x 10 rounds, the target (p99 < 50 ms and server peak RSS < 300 MB on an
idle machine), and 1,000 clients x 5 rounds, reported. Each size runs once with every client
answering at once (the worst burst: half the class's moves arrive in the same instant) and
once with up to 0.5 s of thinking per decision, each `--runs` times; then the medians. The
server's peak RSS and CPU are taken when the session ends, before the class debrief is made
(printed apart). The load average before each size says whether the machine was busy.
Bounded: each run stops itself within 5 minutes.

    uv run python tests/benchmarks/classroom.py [--runs K] [--only 300|1000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics

from game.classroom.loadtest import format_figures, run_loadtest

SIZES = {300: 10, 1000: 5}
"""Clients -> rounds."""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", type=int, choices=sorted(SIZES))
    args = parser.parse_args()
    for clients, rounds in SIZES.items():
        if args.only and clients != args.only:
            continue
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"##### {clients} clients x {rounds} rounds (load average before: {load} on "
              f"{os.cpu_count()} cores)\n")
        for think in (0.0, 0.5):
            label = "all at once" if think == 0 else f"think up to {think} s"
            runs = []
            for run in range(1, args.runs + 1):
                figures = asyncio.run(run_loadtest(clients, rounds, think=think, timeout=300))
                runs.append(figures)
                print(f"--- {clients} x {rounds}, {label}, run {run} of {args.runs}")
                print(format_figures(figures))
            p50, p99, rss, cpu = (statistics.median(f[key] for f in runs) for key in
                                  ("p50_ms", "p99_ms", "server_peak_rss_mb", "server_cpu_s"))
            clean = all(f["all_ended"] and not f["errors"] for f in runs)
            verdict = ""
            if clients == 300:
                ok = p99 < 50 and rss < 300 and clean
                verdict = f"; target p99 < 50 ms, RSS < 300 MB: {'met' if ok else 'NOT met'}"
            print(f"=== {clients} x {rounds}, {label}, medians of {args.runs}: p50 {p50:.2f} ms, "
                  f"p99 {p99:.2f} ms (range {min(f['p99_ms'] for f in runs):.1f}-"
                  f"{max(f['p99_ms'] for f in runs):.1f}), server peak RSS {rss:.1f} MB, "
                  f"CPU while serving {cpu:.2f} s, every run clean: {clean}{verdict}\n")


if __name__ == "__main__":
    main()
