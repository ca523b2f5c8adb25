"""`deterrence loadtest`: a headless server in a child process, N bot clients in this one."""

from __future__ import annotations

import asyncio
import math
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from game.classroom.client import BotClient


async def start_host(scenario: str, db: str, *extra: str, port: int = 0):
    """Starts `deterrence host --headless` as a child; returns (process, code, token, url)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "game", "host", scenario, "--headless", "--port", str(port),
        "--db", db, *extra, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    info: dict[str, str] = {}
    while "address" not in info:
        line = await asyncio.wait_for(process.stdout.readline(), 60)
        if not line:
            err = (await process.stderr.read()).decode()
            raise RuntimeError(f"the host did not start: {err.strip()}")
        key, _, value = line.decode().partition(": ")
        info[key.strip()] = value.strip()
    return process, info["room code"], info["instructor token"], f"ws://{info['address']}"


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]




async def run_loadtest(clients: int, rounds: int, scenario: str = "public-threat",
                       think: float = 0.0, timeout: float = 300.0) -> dict:
    """Runs one loaded session and returns the figures."""
    with tempfile.TemporaryDirectory() as folder:
        db = str(Path(folder) / "load.sqlite")
        process, code, _, url = await start_host(
            scenario, db, "--rounds", str(rounds), "--autostart", str(clients),
            "--timeout", "60", "--seed", "1")
        try:
            bots = [BotClient(url, code, f"s{i}", seed=i, think=think) for i in range(clients)]
            started = time.perf_counter()
            await asyncio.wait_for(asyncio.gather(*(b.run(timeout=timeout) for b in bots)),
                                   timeout + 10)
            elapsed = time.perf_counter() - started
            out, _ = await asyncio.wait_for(process.communicate(), 30)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
        match = re.search(r"peak RSS: ([\d.]+) MB", out.decode())
        latencies = [x for b in bots for x in b.latencies]
        return {"clients": clients, "rounds": rounds, "decisions": len(latencies),
                "p50_ms": 1000 * percentile(latencies, 0.5),
                "p99_ms": 1000 * percentile(latencies, 0.99),
                "mean_ms": 1000 * statistics.fmean(latencies) if latencies else float("nan"),
                "seconds": elapsed, "rounds_per_s": rounds / elapsed,
                "server_peak_rss_mb": float(match.group(1)) if match else float("nan"),
                "errors": sum(len(b.errors) for b in bots),
                "all_ended": all(b.ended for b in bots), "pid": os.getpid()}


def format_figures(figures: dict) -> str:
    return (f"{figures['clients']} clients x {figures['rounds']} rounds: "
            f"{figures['decisions']} decisions in {figures['seconds']:.2f} s\n"
            f"decision round-trip p50 {figures['p50_ms']:.2f} ms, p99 {figures['p99_ms']:.2f} ms\n"
            f"rounds per second {figures['rounds_per_s']:.2f}\n"
            f"server peak RSS {figures['server_peak_rss_mb']:.1f} MB\n"
            f"errors {figures['errors']}, every client saw the end: {figures['all_ended']}")


__all__ = ["format_figures", "percentile", "run_loadtest", "start_host"]
