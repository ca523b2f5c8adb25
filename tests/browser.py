"""Headless Chromium over the DevTools protocol, for the `--web` tests (loopback only).

The browser runs in its own process group and is stopped by its PID; the terminal's text is
drawn on a canvas, so the tests compare screenshots rather than read text.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import signal
import socket
import subprocess
import urllib.request


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def kill_group(process: subprocess.Popen) -> None:
    """Stops the process we started and everything it started (its own process group)."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    try:   # the group may outlive its leader (the entry's app processes): stop them too
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


class Chromium:
    """Headless Chromium driven over the DevTools protocol (loopback only)."""

    def __init__(self, binary: str) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--enable-unsafe-swiftshader",
             "--remote-debugging-address=127.0.0.1", f"--remote-debugging-port={self.port}",
             "--window-size=1200,800", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        self.devtools = None
        self.counter = 0

    async def open(self, url: str) -> None:
        import websockets

        pages = None
        for _ in range(200):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json/list",
                                            timeout=1) as reply:
                    pages = json.load(reply)
                break
            except OSError:
                await asyncio.sleep(0.1)
        assert pages, "Chromium's DevTools endpoint did not come up"
        target = next(p for p in pages if p["type"] == "page")["webSocketDebuggerUrl"]
        self.devtools = await websockets.connect(target, max_size=None)
        await self.call("Page.enable")
        await self.call("Page.navigate", url=url)

    async def call(self, method: str, **params) -> dict:
        self.counter += 1
        await self.devtools.send(json.dumps({"id": self.counter, "method": method,
                                             "params": params}))
        while True:
            message = json.loads(await asyncio.wait_for(self.devtools.recv(), 20))
            if message.get("id") == self.counter:
                assert "error" not in message, message
                return message.get("result", {})

    async def screenshot(self) -> bytes:
        result = await self.call("Page.captureScreenshot", format="png")
        return base64.b64decode(result["data"])

    async def painted(self, unlike: bytes = b"", seconds: float = 40) -> bytes:
        """Waits until the terminal has received its first bytes and the picture is still
        (and differs from `unlike`). Its text is drawn on a canvas, so pictures are compared."""
        loop = asyncio.get_running_loop()
        end = loop.time() + seconds
        last = b""
        while loop.time() < end:
            await asyncio.sleep(0.4)
            started = (await self.call(
                "Runtime.evaluate", expression="document.body.classList.contains('-first-byte')",
                returnByValue=True))["result"].get("value")
            picture = await self.screenshot()
            if started and picture == last and picture != unlike:
                return picture
            last = picture
        raise AssertionError("the browser entry never painted a steady screen")

    async def joined_screen(self, name_screen: bytes) -> bytes:
        return await self.painted(unlike=name_screen)

    async def decision_screen(self) -> bytes:
        return await self.painted()

    async def focus(self) -> None:
        """Clicks into the terminal, as a student would, so that it takes the keyboard."""
        for kind in ("mousePressed", "mouseReleased"):
            await self.call("Input.dispatchMouseEvent", type=kind, x=300, y=100,
                            button="left", clickCount=1)

    async def type(self, text: str) -> None:
        for char in text:
            await self.press(char)

    async def press(self, key: str) -> None:
        if key == "Enter":
            code, number, text = "Enter", 13, "\r"
        else:
            code = f"Digit{key}" if key.isdigit() else f"Key{key.upper()}"
            number, text = ord(key.upper()), key
        for kind in ("keyDown", "keyUp"):
            event = {"type": kind, "key": key, "code": code, "windowsVirtualKeyCode": number,
                     "nativeVirtualKeyCode": number}
            if kind == "keyDown":
                event["text"] = text
            await self.call("Input.dispatchKeyEvent", **event)

    async def close(self) -> None:
        if self.devtools is not None:
            await self.devtools.close()
        kill_group(self.process)
