"""Crash and resume: kill -9 the host mid-session, restart with --resume, finish, and compare
the exported data with what the bot clients sent: nothing lost, nothing doubled."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from game.classroom.client import BotClient
from game.classroom.loadtest import start_host
from game.classroom.store import read_events

ROOT = Path(__file__).parents[2]


async def test_kill_nine_then_resume_loses_and_doubles_nothing(tmp_path):
    db = str(tmp_path / "session.sqlite")
    names = [f"s{i}" for i in range(6)]
    process, code, token, url = await start_host(
        "public-threat", db, "--rounds", "4", "--autostart", "6", "--timeout", "60",
        "--seed", "5", "--matching", "perfect-strangers")
    sent: dict[str, list] = defaultdict(list)
    tokens: dict[str, str] = {}
    try:
        first = [BotClient(url, code, n, seed=i) for i, n in enumerate(names)]
        tasks = [asyncio.create_task(b.run(timeout=20, stop_after_moves=1 + i % 3))
                 for i, b in enumerate(first)]
        await asyncio.wait(tasks, timeout=3)   # then the session stalls mid-round
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        assert any(b.sent for b in first)
        for b in first:
            sent[b.name] += b.sent
            tokens[b.name] = b.token
    finally:
        process.send_signal(signal.SIGKILL)
        await process.wait()
    assert process.returncode == -signal.SIGKILL
    events = read_events(db)
    last_round = max(e["round"] for e in events if e["kind"] == "round")
    assert not any(e["kind"] == "end" for e in events)
    assert sum(e["kind"] == "result" and e["round"] == last_round for e in events) < 3
    process, code2, token2, url = await start_host("", db, "--resume")
    assert (code2, token2) == (code, token)
    try:
        second = [BotClient(url, code, n, seed=100 + i, token=tokens[n])
                  for i, n in enumerate(names)]
        await asyncio.gather(*(b.run(timeout=30) for b in second))
        assert all(b.ended for b in second)
        for b in second:
            sent[b.name] += b.sent
            assert b.token == tokens[b.name]
        await asyncio.wait_for(process.wait(), 20)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    out = tmp_path / "export.json"
    result = subprocess.run([sys.executable, "-m", "game", "export", db, "--json", str(out)],
                            capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text())
    exported: dict[str, list] = defaultdict(list)
    for row in data["decisions"]:
        if not row["bot"]:
            exported[row["participant"]].append((row["round"], row["infoset"], row["action"]))
    assert {n: sorted(v) for n, v in exported.items()} == \
        {n: sorted(v) for n, v in sent.items() if v}
    assert sorted({r["round"] for r in data["rounds"]}) == [1, 2, 3, 4]
    assert len(data["rounds"]) == 4 * 3
    assert len(data["participants"]) == 6
