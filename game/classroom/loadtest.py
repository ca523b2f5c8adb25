"""`deterrence loadtest`: a headless server in a child process, N bot clients in this one.

The figures are the server's: the clients run in their own process, so they do not take the
server's event loop, and each decision's round trip is timed from the moment its bot sends the
move to the moment it reads the answer. What the harness itself adds is kept small: in a class
each student's machine serves one connection, while here one process plays all N, so its
garbage collector is paused during the run (a full collection of N clients' messages would
stall every pending answer at once; the server's collector runs as usual).
"""

from __future__ import annotations

import asyncio
import gc
import math
import os
import re
import signal
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

from game.classroom.client import BotClient


async def launch_host(*arguments: str, port: int = 0):
    """Starts `deterrence host --headless ARGUMENTS` as a child; returns (process, rooms, url)
    with rooms a list of (code, instructor token, name), read from what it prints."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "game", "host", *arguments, "--headless", "--port", str(port),
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    info: dict[str, str] = {}
    rooms: list[tuple[str, str, str]] = []
    while "address" not in info:
        line = await asyncio.wait_for(process.stdout.readline(), 60)
        if not line:
            err = (await process.stderr.read()).decode()
            raise RuntimeError(f"the host did not start: {err.strip()}")
        text = line.decode().strip()
        many = re.match(r"room (\w+): (.*) \(.*\), instructor token (\S+)$", text)
        if many:
            rooms.append((many.group(1), many.group(3), many.group(2)))
            continue
        key, _, value = text.partition(": ")
        info[key.strip()] = value.strip()
    if "room code" in info:
        rooms.append((info["room code"], info["instructor token"], ""))
    return process, rooms, f"ws://{info['address']}"


async def start_host(scenario: str, db: str, *extra: str, port: int = 0):
    """Starts a one-room host (`scenario`, or `--resume` in `extra` with an empty scenario);
    returns (process, code, token, url)."""
    process, rooms, url = await launch_host(*([scenario] if scenario else []), "--db", db,
                                            *extra, port=port)
    return process, rooms[0][0], rooms[0][1], url


async def stop(process, tasks=()) -> None:
    """Cancels the clients' tasks and kills the host process if it still runs."""
    for task in tasks:
        task.cancel()
    if process.returncode is None:
        process.kill()
        await process.wait()


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]




def host_arguments(clients: int, rounds: int, scenario: str, rooms: int, db: str) -> list[str]:
    """The `deterrence host` arguments of a loaded session: `rooms` rooms of `clients` each,
    every room starting by itself once full."""
    where = [scenario, "--seed", "1"] if rooms == 1 else \
        [a for r in range(rooms) for a in ("--room", f"Room {r + 1}={scenario},seed={r + 1}")]
    return [*where, "--db", db, "--rounds", str(rounds), "--autostart", str(clients),
            "--timeout", "60", "--max-students", str(clients), "--join-rate", "0",
            "--max-connections", str(rooms * clients + 200)]


def _bots(rooms: list[tuple[str, str, str]], clients: int, url: str, think: float) -> list:
    return [BotClient(url, code, f"s{i}", seed=r * clients + i, think=think)
            for r, (code, _, _) in enumerate(rooms) for i in range(clients)]


async def run_loadtest(clients: int, rounds: int, scenario: str = "public-threat",
                       think: float = 0.0, timeout: float = 300.0, rooms: int = 1,
                       db: str | None = None) -> dict:
    """Runs one loaded session (`rooms` rooms of `clients` each, on `db` or a temporary
    SQLite file) and returns the figures."""
    with tempfile.TemporaryDirectory() as folder:
        db = db or str(Path(folder) / "load.sqlite")
        process, made, url = await launch_host(*host_arguments(clients, rounds, scenario,
                                                               rooms, db))
        collecting = gc.isenabled()
        try:
            bots = _bots(made, clients, url, think)
            gc.collect()
            gc.disable()
            started = time.perf_counter()
            await asyncio.wait_for(asyncio.gather(*(b.run(timeout=timeout) for b in bots)),
                                   timeout + 10)
            elapsed = time.perf_counter() - started
            if collecting:
                gc.enable()
            out, _ = await asyncio.wait_for(process.communicate(), 30)
        finally:
            if collecting:
                gc.enable()
            await stop(process)
        match = re.search(r"peak RSS: ([\d.]+) MB", out.decode())
        cpu = re.search(r"CPU while serving: ([\d.]+) s", out.decode())
        debrief = re.search(r"with the class debrief: peak RSS ([\d.]+) MB, CPU ([\d.]+) s",
                            out.decode())
        latencies = [x for b in bots for x in b.latencies]
        return {"clients": clients, "rooms": rooms, "rounds": rounds,
                "decisions": len(latencies),
                "p50_ms": 1000 * percentile(latencies, 0.5),
                "p99_ms": 1000 * percentile(latencies, 0.99),
                "mean_ms": 1000 * statistics.fmean(latencies) if latencies else float("nan"),
                "seconds": elapsed, "rounds_per_s": rounds / elapsed,
                "server_peak_rss_mb": float(match.group(1)) if match else float("nan"),
                "server_cpu_s": float(cpu.group(1)) if cpu else float("nan"),
                "debrief_rss_mb": float(debrief.group(1)) if debrief else float("nan"),
                "debrief_cpu_s": float(debrief.group(2)) if debrief else float("nan"),
                "errors": sum(len(b.errors) for b in bots),
                "all_ended": all(b.ended for b in bots), "pid": os.getpid()}


async def run_failover(db: str, clients: int, rooms: int, rounds: int,
                       scenario: str = "public-threat", think: float = 0.5,
                       timeout: float = 300.0) -> dict:
    """A failover drill: a loaded host is killed (-9) mid-round, once half its rounds have
    begun; every move a client had seen taken must then be in the database (counted there);
    a second host process resumes on the standby address and the clients finish with it.
    Returns what was counted."""
    from collections import Counter

    from game.classroom.storage import read_rooms

    ports = []
    for _ in range(2):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            ports.append(probe.getsockname()[1])
    process, made, url = await launch_host(
        *host_arguments(clients, rounds, scenario, rooms, db), "--standby",
        f"127.0.0.1:{ports[1]}", port=ports[0])
    bots = _bots(made, clients, url, think)
    tasks = [asyncio.create_task(b.run(timeout=timeout)) for b in bots]

    def stored_moves() -> Counter:
        return Counter((events[0]["config"]["code"], e["label"], e["round"], e["infoset"],
                        e["action"]) for events in read_rooms(db) for e in events
                       if e["kind"] == "move" and not e["bot"])

    def seen() -> Counter:
        return Counter((b.code, b.name, *move) for b in bots for move in b.sent)

    try:
        half = max(2, rounds // 2 + 1)
        end = time.monotonic() + timeout
        while time.monotonic() < end and not any(
                m.get("type") == "state" and m["round"] >= half for b in bots
                for m in b.received[-3:]):
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)   # moves of that round are in flight
        process.send_signal(signal.SIGKILL)
        killed = time.monotonic()
        await process.wait()
        at_kill = seen()
        stored = await asyncio.to_thread(stored_moves)
        lost = at_kill - stored
        process, again, _ = await launch_host("--resume", "--db", db, "--grace", "2",
                                              port=ports[1])
        resumed = time.monotonic() - killed
        while time.monotonic() < end and not all(b.link.reconnects for b in bots):
            await asyncio.sleep(0.05)
        rejoined = time.monotonic() - killed
        await asyncio.wait_for(asyncio.gather(*tasks), timeout)
        await asyncio.wait_for(process.wait(), 60)
    finally:
        await stop(process, tasks)
    final = await asyncio.to_thread(stored_moves)
    decisions = [(events[0]["config"]["code"], e["decision"]) for events in read_rooms(db)
                 for e in events if e["kind"] == "move"]
    return {"rooms": rooms, "clients": clients, "rounds": rounds,
            "moves_seen_at_kill": sum(at_kill.values()),
            "moves_stored_at_kill": sum(stored.values()), "lost": sum(lost.values()),
            "same_codes_and_tokens": sorted(again) == sorted(made),
            "resume_started_s": resumed, "all_rejoined_s": rejoined,
            "all_ended": all(b.ended for b in bots),
            "final_equal": final == seen(), "final_moves": sum(final.values()),
            "doubled_decisions": len(decisions) - len(set(decisions)),
            "followed": all(b.link.url.endswith(f":{ports[1]}") for b in bots)}


def format_figures(figures: dict) -> str:
    rooms = f"{figures['rooms']} rooms x " if figures.get("rooms", 1) > 1 else ""
    return (f"{rooms}{figures['clients']} clients x {figures['rounds']} rounds: "
            f"{figures['decisions']} decisions in {figures['seconds']:.2f} s\n"
            f"decision round-trip p50 {figures['p50_ms']:.2f} ms, p99 {figures['p99_ms']:.2f} ms\n"
            f"rounds per second {figures['rounds_per_s']:.2f}\n"
            f"server peak RSS {figures['server_peak_rss_mb']:.1f} MB, CPU while serving "
            f"{figures['server_cpu_s']:.2f} s "
            f"({1000 * figures['server_cpu_s'] / max(1, figures['decisions']):.2f} ms a decision)\n"
            f"then the class debrief: peak RSS {figures['debrief_rss_mb']:.1f} MB, CPU "
            f"{figures['debrief_cpu_s']:.2f} s in all\n"
            f"errors {figures['errors']}, every client saw the end: {figures['all_ended']}")


__all__ = ["format_figures", "host_arguments", "launch_host", "percentile", "run_failover",
           "run_loadtest", "start_host"]
