"""Failover on PostgreSQL: a host serving two rooms is killed (-9) mid-round; another host
process (as on another machine) resumes them with `--resume --db postgresql://...` on another
address; the students' programs go there by themselves (the standby address they were given),
with the same codes and tokens; the database then holds every move once. While that host
runs, a third is refused and told who holds the rooms."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

from game.classroom.client import BotClient, ClassroomClient
from game.classroom.loadtest import launch_host, stop
from game.classroom.storage import read_rooms
from tests.browser import free_port
from tests.classroom.conftest import until

ROOT = Path(__file__).parents[2]


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _run(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "game", *argv], capture_output=True,
                          text=True, timeout=120, cwd=ROOT, stdin=subprocess.DEVNULL)


async def test_kill_nine_then_another_host_resumes_and_the_clients_follow(pg_url, tmp_path):
    first_port, second_port = free_port(), free_port()
    process, rooms, url = await launch_host(
        "--room", "Section A=public-threat,rounds=4,autostart=6,seed=5",
        "--room", "Section B=signal-choice,rounds=4,autostart=4,seed=6,matching=fixed",
        "--db", pg_url, "--timeout", "60", "--standby", f"127.0.0.1:{second_port}",
        port=first_port)
    assert [name for *_, name in rooms] == ["Section A", "Section B"]
    sizes = {rooms[0][0]: 6, rooms[1][0]: 4}
    bots = [BotClient(url, code, f"{code}-s{i}", seed=i, think=0.1)
            for code, n in sizes.items() for i in range(n)]
    tasks = [asyncio.create_task(b.run(timeout=90)) for b in bots]
    try:
        assert await until(lambda: sum(len(b.sent) for b in bots) >= 8, 30)
        assert await until(lambda: _children(process.pid), 10)   # the debrief maker
        children = _children(process.pid)
        process.send_signal(signal.SIGKILL)
        await process.wait()
        assert await until(lambda: not any(Path(f"/proc/{c}").exists() for c in children),
                            5), "the killed host's child processes outlived it"
        assert await until(lambda: all(b.notes for b in bots), 10)
        tokens = {b.name: b.token for b in bots}
        assert all(not any(e["kind"] == "end" for e in room) for room in read_rooms(pg_url))
        process, again, url2 = await launch_host(
            "--resume", "--db", pg_url, "--grace", "0.5", port=second_port)
        assert sorted(again) == sorted(rooms)   # the same codes, tokens and names
        instructor = await ClassroomClient(url2).connect()
        for _, token, _ in rooms:   # held still while a third host tries
            await instructor.instructor(token, "pause")
        third = await asyncio.to_thread(_run, "host", "--resume", "--db", pg_url,
                                        "--headless", "--port", "0")
        for _, token, _ in rooms:
            await instructor.instructor(token, "resume")
        await instructor.close()
        assert third.returncode == 2 and "Traceback" not in third.stderr
        assert "served by a running host" in third.stderr
        assert f"process id {process.pid}" in third.stderr
        await asyncio.wait_for(asyncio.gather(*tasks), 90)
        await asyncio.wait_for(process.wait(), 30)
        assert process.returncode == 0
    finally:
        await stop(process, tasks)
    assert all(b.ended for b in bots)
    assert all(b.token == tokens[b.name] and b.link.reconnects >= 1 for b in bots)
    assert all(b.link.url == f"ws://127.0.0.1:{second_port}" for b in bots)   # followed
    out = tmp_path / "export.json"
    done = await asyncio.to_thread(_run, "export", pg_url, "--json", str(out))
    assert done.returncode == 0, done.stderr
    data = json.loads(out.read_text())
    exported = Counter((row["session"], row["participant"], row["round"], row["infoset"],
                        row["action"]) for row in data["decisions"] if not row["bot"])
    played = Counter((b.code, b.name, *move) for b in bots for move in b.sent)
    assert exported == played   # nothing lost, nothing doubled
    for code, n in sizes.items():   # every round of every room, each game once
        games = [(r["round"], r["pair"]) for r in data["rounds"] if r["session"] == code]
        assert sorted(set(games)) == sorted(games) and len(games) == 4 * (n // 2)
    for events in read_rooms(pg_url):   # counted in the database: each decision once
        decisions = [e["decision"] for e in events if e["kind"] == "move"]
        assert len(decisions) == len(set(decisions))
        assert events[-1]["kind"] == "end"
    one = await asyncio.to_thread(_run, "report", pg_url, "--room", rooms[1][0])
    assert one.returncode == 0 and "Class debrief" in one.stdout
    assert "Room Section" not in one.stdout   # one room: no room headings
    both = await asyncio.to_thread(_run, "report", pg_url)
    assert both.stdout.count("Class debrief") == 2
    assert f"Room Section A ({rooms[0][0]})" in both.stdout
