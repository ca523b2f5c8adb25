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

With `--db postgresql`: the events go to a PostgreSQL server instead (a throwaway one the
script starts on a loopback port with the server's durable defaults, stopped by its PID at the
end; or the one a `postgresql://` URL names, each run in a new database there), 8 rooms x 40
clients x 10 rounds served by one host, the target p99 < 50 ms; then a failover drill: the
host is killed (-9) mid-round, the moves the clients had seen taken are counted in the
database (none may be lost), another host process resumes on a standby address, and the
clients finish with it (every move once).

    uv run python tests/benchmarks/classroom.py [--runs K] [--only 300|1000]
    uv run python tests/benchmarks/classroom.py --db postgresql [--runs K]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics

from game.classroom.loadtest import format_figures, run_loadtest

SIZES = {300: 10, 1000: 5}
"""Clients -> rounds."""


ROOMS = (8, 40, 10)
"""With PostgreSQL: rooms, clients in each, rounds."""


def _medians(results: list[dict]) -> tuple[float, float, bool, str]:
    """The medians over runs: (p99 ms, server peak RSS MB, every run clean, the summary)."""
    p50, p99, rss, cpu = (statistics.median(f[key] for f in results) for key in
                          ("p50_ms", "p99_ms", "server_peak_rss_mb", "server_cpu_s"))
    clean = all(f["all_ended"] and not f["errors"] for f in results)
    text = (f"medians of {len(results)}: p50 {p50:.2f} ms, p99 {p99:.2f} ms (range "
            f"{min(f['p99_ms'] for f in results):.1f}-{max(f['p99_ms'] for f in results):.1f}), "
            f"server peak RSS {rss:.1f} MB, CPU while serving {cpu:.2f} s, every run clean: "
            f"{clean}")
    return p99, rss, clean, text


def _load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def postgresql(runs: int, url: str | None) -> None:
    """The PostgreSQL figures (see the module docstring)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parents[2]))
    import psycopg

    from game.classroom.loadtest import run_failover
    from tests.classroom.pgserver import start_server

    server = None
    if url is None:
        server = start_server(durable=True)
        url = server.url()
    made = [0]

    def fresh() -> str:
        made[0] += 1
        name = f"bench_{os.getpid()}_{made[0]}"
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return url.rsplit("/", 1)[0] + "/" + name

    try:
        rooms, clients, rounds = ROOMS
        print(f"##### PostgreSQL: {rooms} rooms x {clients} clients x {rounds} rounds, one host "
              f"(load average before: {_load()} on {os.cpu_count()} cores)\n")
        for think in (0.0, 0.5):
            label = "all at once" if think == 0 else f"think up to {think} s"
            results = []
            for run in range(1, runs + 1):
                figures = asyncio.run(run_loadtest(clients, rounds, think=think, timeout=300,
                                                   rooms=rooms, db=fresh()))
                results.append(figures)
                print(f"--- {label}, run {run} of {runs}")
                print(format_figures(figures))
            p99, _, clean, text = _medians(results)
            ok = p99 < 50 and clean
            print(f"=== {label}, {text}; target p99 < 50 ms: {'met' if ok else 'NOT met'}\n")
        print(f"##### failover drill (load average before: {_load()})")
        drill = asyncio.run(run_failover(fresh(), clients, rooms, rounds))
        for key, value in drill.items():
            print(f"{key}: {value:.2f}" if isinstance(value, float) else f"{key}: {value}")
        ok = (drill["lost"] == 0 and drill["final_equal"] and not drill["doubled_decisions"]
              and drill["all_ended"] and drill["same_codes_and_tokens"] and drill["followed"])
        print(f"=== no event lost after kill -9 (counted in the database), none doubled, every "
              f"client followed to the new host: {'met' if ok else 'NOT met'}")
    finally:
        if server is not None:
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", type=int, choices=sorted(SIZES))
    parser.add_argument("--db", default="sqlite", metavar="sqlite|postgresql|URL",
                        help="where the events go (postgresql: a throwaway local server)")
    args = parser.parse_args()
    if args.db != "sqlite":
        postgresql(args.runs, None if args.db == "postgresql" else args.db)
        return
    for clients, rounds in SIZES.items():
        if args.only and clients != args.only:
            continue
        print(f"##### {clients} clients x {rounds} rounds (load average before: {_load()} on "
              f"{os.cpu_count()} cores)\n")
        for think in (0.0, 0.5):
            label = "all at once" if think == 0 else f"think up to {think} s"
            runs = []
            for run in range(1, args.runs + 1):
                figures = asyncio.run(run_loadtest(clients, rounds, think=think, timeout=300))
                runs.append(figures)
                print(f"--- {clients} x {rounds}, {label}, run {run} of {args.runs}")
                print(format_figures(figures))
            p99, rss, clean, text = _medians(runs)
            verdict = ""
            if clients == 300:
                ok = p99 < 50 and rss < 300 and clean
                verdict = f"; target p99 < 50 ms, RSS < 300 MB: {'met' if ok else 'NOT met'}"
            print(f"=== {clients} x {rounds}, {label}, {text}{verdict}\n")


if __name__ == "__main__":
    main()
