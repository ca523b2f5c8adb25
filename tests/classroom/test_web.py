"""`deterrence host --web`: the browser entry for students, driven end to end.

A headless host with `--web` runs on free loopback ports (its own process group, stopped by its
PID). A student opens the browser entry in headless Chromium (over the DevTools protocol), types
a name, and plays the session's decisions with the keyboard against a bot client; the session
database must then hold that student's seat and moves. Without Chromium the same session is
driven through the browser entry's websocket, as the page itself would, and the test skips.
"""

from __future__ import annotations

import asyncio
import json
import queue
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from game.classroom.client import BotClient, ClassroomClient
from tests.browser import Chromium, free_port, kill_group

ROOT = Path(__file__).parents[2]
NAME = "zoe"


class Host:
    """`deterrence host --headless --web` on loopback, with its printed lines."""

    def __init__(self, db: Path) -> None:
        self.port, self.web_port = free_port(), free_port()
        self.db = db
        self.process = subprocess.Popen(
            [sys.executable, "-m", "game", "host", "public-threat", "--headless",
             "--port", str(self.port), "--web", "--web-port", str(self.web_port),
             "--db", str(db), "--rounds", "1", "--timeout", "0", "--autostart", "2",
             "--seed", "3"],
            cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, start_new_session=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()
        self.info: dict[str, str] = {}

    def _pump(self) -> None:
        for raw in self.process.stdout:
            self.lines.put(raw.decode(errors="replace").rstrip("\n"))

    def wait_for(self, key: str, seconds: float = 60) -> str:
        deadline = time.monotonic() + seconds
        while key not in self.info:
            try:
                line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"the host never printed {key!r}: {self.output}") from None
            self.output.append(line)
            name, _, value = line.partition(": ")
            self.info[name.strip()] = value.strip()
        return self.info[key]

    def page(self, seconds: float = 30) -> str:
        deadline = time.monotonic() + seconds
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.web_port}/",
                                            timeout=2) as reply:
                    return reply.read().decode()
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise AssertionError("the browser entry did not start") from None
                time.sleep(0.2)

    def events(self) -> list[dict]:
        db = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True)
        try:
            return [json.loads(r[0]) for r in db.execute("SELECT data FROM events ORDER BY seq")]
        finally:
            db.close()


class EntryBrowser(Chromium):
    """Chromium with the waits this entry needs."""

    async def briefing(self) -> bytes:
        return await self.painted()


class Socket:
    """The browser entry's own websocket, spoken as its page does (when there is no Chromium)."""

    def __init__(self) -> None:
        self.ws = None
        self.screen = b""
        self.mark = 0
        """Where the output stood at the last key press."""
        self.reader: asyncio.Task | None = None

    async def open(self, url: str) -> None:
        import websockets

        self.ws = await websockets.connect(url, max_size=None)
        await self.ws.send(json.dumps(["resize", {"width": 100, "height": 32}]))
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        import websockets

        try:
            async for message in self.ws:
                self.screen += message if isinstance(message, bytes) else message.encode()
        except websockets.ConnectionClosed:
            pass

    async def painted(self, text: bytes = b"room code", seconds: float = 40) -> bytes:
        """Waits until `text` is drawn (since the last key press)."""
        loop = asyncio.get_running_loop()
        end = loop.time() + seconds
        while loop.time() < end and text not in self.screen[self.mark:]:
            await asyncio.sleep(0.2)
        assert text in self.screen[self.mark:], self.screen[-400:]
        await asyncio.sleep(0.5)
        return self.screen

    async def joined_screen(self, name_screen: bytes) -> bytes:
        return await self.painted(b"You joined as")

    async def decision_screen(self) -> bytes:
        return await self.painted(b"Choose")

    async def briefing(self) -> bytes:
        return await self.painted(b"Briefing:")

    async def focus(self) -> None:
        """The websocket needs no focus."""

    async def type(self, text: str) -> None:
        await self.ws.send(json.dumps(["stdin", text]))

    async def press(self, key: str) -> None:
        self.mark = len(self.screen)
        await self.type("\r" if key == "Enter" else key)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            await asyncio.wait_for(self.reader, 10)


async def next_status(watcher: ClassroomClient, condition, seconds: float) -> dict | None:
    """The instructor's next status message that satisfies `condition`, or None after
    `seconds` (a status comes only when something changed)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    while loop.time() < end:
        try:
            message = await watcher.recv(timeout=max(0.05, end - loop.time()))
        except TimeoutError:
            return None
        if message.get("type") == "status" and condition(message):
            return message
    return None


async def play_in_the_entry(student, host: Host) -> tuple[int, list[bytes]]:
    """A student types a name into the browser entry and plays each decision with key 1.

    Returns the number of key presses and the screens seen at the decisions.
    """
    url = f"ws://127.0.0.1:{host.port}"
    token = host.wait_for("instructor token")
    code = host.wait_for("room code")
    watcher = await ClassroomClient(url).connect()
    try:
        await watcher.instructor(token, "watch")
        name_screen = await student.painted()
        await student.focus()
        await student.type(code)   # the entry asks for the room code, then the name
        await student.press("Enter")
        await asyncio.sleep(0.5)   # as a person would, once the name field has the focus
        await student.type(NAME)
        await student.press("Enter")
        joined = await next_status(
            watcher, lambda s: [p["name"] for p in s["participants"]] == [NAME], 20)
        assert joined, "the name typed into the browser entry did not reach the server"
        # The classmate joins (and so the session starts) once the entry shows that it
        # joined: a message that reaches the join app before then crashes it (see
        # test_tui_join.py::test_a_message_before_the_app_listens_is_not_lost).
        await student.joined_screen(name_screen)
        bot = asyncio.create_task(BotClient(url, code, "bot", seed=4).run(timeout=90))
        status = await next_status(watcher, lambda s: s["started"], 20)
        assert status, "the session did not start"
        await student.briefing()   # the briefing comes before the first decision
        await student.press("Enter")
        loop = asyncio.get_running_loop()
        end = loop.time() + 90
        presses, screens = 0, []
        while not status["ended"]:
            assert loop.time() < end, "the session did not end"
            if NAME in status["waiting_for"]:
                screens.append(await student.decision_screen())
                await student.press("1")   # a press that came too early is simply repeated
                presses += 1
                status = await next_status(
                    watcher, lambda s: s["ended"] or NAME not in s["waiting_for"], 4) or status
            else:
                status = await next_status(
                    watcher, lambda s: s["ended"] or NAME in s["waiting_for"], 10) or status
        await asyncio.wait_for(bot, 20)
        return presses, screens
    finally:
        await watcher.close()


@pytest.mark.slow
def test_a_student_joins_and_plays_through_the_browser_entry(tmp_path):
    host = Host(tmp_path / "web.sqlite")
    try:
        entry = host.wait_for("browser entry")
        assert entry == f"http://127.0.0.1:{host.web_port}/"
        assert "<html" in host.page().lower()
        browser = shutil.which("chromium") or shutil.which("chromium-browser")
        if browser is not None:
            student = EntryBrowser(browser)

            async def drive() -> tuple[int, list[bytes]]:
                try:
                    await student.open(entry)
                    return await play_in_the_entry(student, host)
                finally:
                    await student.close()
        else:
            student = Socket()

            async def drive() -> tuple[int, list[bytes]]:
                try:
                    await student.open(f"ws://127.0.0.1:{host.web_port}/ws?width=100&height=32")
                    return await play_in_the_entry(student, host)
                finally:
                    await student.close()

        presses, screens = asyncio.run(asyncio.wait_for(drive(), 150))
        host.process.wait(timeout=30)   # the session is over: the host stops by itself
        assert host.process.returncode == 0, host.output
        events = host.events()
        joins = [e["label"] for e in events if e["kind"] == "join"]
        assert sorted(joins) == ["bot", NAME]
        moves = [e for e in events if e["kind"] == "move" and e["label"] == NAME]
        assert moves and all(not e["bot"] and e["reason"] == "human" for e in moves)
        assert len(moves) <= presses == len(screens)
        assert any(e["kind"] == "end" for e in events)
        if browser is None:
            pytest.skip("headless Chromium is not installed (Debian package `chromium`); the "
                        "session was played through the entry's websocket instead")
        # The name screen is about 12 KB as a PNG; a decision screen (situation, actions,
        # history, panels) about three times that.
        (tmp_path / "decision.png").write_bytes(screens[0])
        assert len(screens[0]) > 25_000, len(screens[0])
    finally:
        kill_group(host.process)
