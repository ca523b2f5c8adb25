"""`deterrence play --web`: serves the game on loopback; a browser session shows the picker."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.browser import Chromium, free_port

ROOT = Path(__file__).parents[2]


async def first_screen(url: str, seconds: float = 20.0) -> bytes:
    """Connects as the browser page does and collects output until the picker appears."""
    import websockets

    got = b""
    async with websockets.connect(url, max_size=None) as socket_:
        await socket_.send(json.dumps(["resize", {"width": 100, "height": 32}]))
        loop = asyncio.get_running_loop()
        end = loop.time() + seconds
        while loop.time() < end and b"filter by concept" not in got:
            try:
                message = await asyncio.wait_for(socket_.recv(), timeout=end - loop.time())
            except (asyncio.TimeoutError, websockets.ConnectionClosed):
                break
            got += message if isinstance(message, bytes) else message.encode()
    return got


@pytest.fixture
def server():
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "game", "play", "--web", "--port",
                                str(port)], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as reply:
                    page = reply.read().decode()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise AssertionError("the web server did not start") from None
                time.sleep(0.2)
        yield port, page
    finally:
        os.killpg(process.pid, signal.SIGTERM)   # the server we started, and its app children
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def test_web_serves_the_picker(server, tmp_path):
    port, page = server
    assert "<html" in page.lower()
    painted = asyncio.run(first_screen(f"ws://127.0.0.1:{port}/ws?width=100&height=32"))
    assert b"filter by concept" in painted, painted[-400:]
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("headless Chromium is not installed (Debian package `chromium`); the "
                    "page and the websocket session were checked without it")
    shot = tmp_path / "picker.png"
    asyncio.run(browser_screenshot(browser, f"http://127.0.0.1:{port}/", shot))
    # The page alone (the splash before the terminal connects) is about 10 KB; the painted
    # picker with its table of scenarios is several times larger.
    assert shot.is_file() and shot.stat().st_size > 30_000, shot.stat().st_size


async def browser_screenshot(browser: str, url: str, out: Path, seconds: float = 30.0,
                             enough: int = 30_000) -> None:
    """Drives headless Chromium over the DevTools protocol: open `url`, wait, screenshot.

    (`chromium --screenshot` fires at the load event, before the terminal's websocket has
    painted anything, so the DevTools protocol is used to wait: a screenshot every second
    until one is larger than `enough` bytes, or `seconds` pass.)
    """
    chromium = Chromium(browser)
    try:
        await chromium.open(url)
        loop = asyncio.get_running_loop()
        end = loop.time() + seconds
        while True:
            await asyncio.sleep(1.0)
            picture = await chromium.screenshot()
            if len(picture) > enough or loop.time() > end:
                break
        out.write_bytes(picture)
    finally:
        await chromium.close()   # the browser we started, by its PID
