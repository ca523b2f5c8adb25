"""Provides the async classroom client, and `BotClient`, a scripted student used by tests,
`deterrence loadtest` and the benchmark."""

from __future__ import annotations

import asyncio
import json
import random
import time

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed


class ClassroomClient:
    """A websocket connection to a classroom server, speaking JSON messages."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.ws = None

    async def connect(self) -> ClassroomClient:
        self.ws = await connect(self.url, open_timeout=10, max_size=2**20, compression=None)
        return self

    async def send(self, message: dict) -> None:
        await self.ws.send(json.dumps(message))

    async def recv(self, timeout: float = 10.0) -> dict:
        return json.loads(await asyncio.wait_for(self.ws.recv(), timeout))

    async def join(self, code: str, name: str, token: str | None = None,
                   timeout: float = 10.0) -> dict:
        """Joins and returns the welcome (or error) message."""
        message = {"type": "join", "code": code, "name": name}
        if token:
            message["token"] = token
        await self.send(message)
        return await self.recv(timeout)

    async def instructor(self, token: str, command: str, label: str | None = None) -> None:
        message = {"type": "instructor", "token": token, "command": command}
        if label:
            message["label"] = label
        await self.send(message)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


class BotClient:
    """A student played by a program: joins, answers each decision with a random legal
    action (after `think` seconds), states a belief when asked, and records everything."""

    def __init__(self, url: str, code: str, name: str, *, seed: int = 0, think: float = 0.0,
                 token: str | None = None) -> None:
        self.url, self.code, self.name = url, code, name
        self.rng = random.Random(seed)
        self.think = think
        self.token = token
        self.sent: list[tuple[int, str, str]] = []
        """(round, infoset, action) of every move the server acknowledged."""
        self.received: list[dict] = []
        self.latencies: list[float] = []
        self.errors: list[dict] = []
        self.ended = False
        self.client = ClassroomClient(url)
        self._pending: tuple[float, int, str, str] | None = None

    async def run(self, timeout: float = 60.0, stop_after_moves: int | None = None) -> None:
        """Plays until the session ends, the timeout passes, or `stop_after_moves` moves."""
        await asyncio.wait_for(self._run(stop_after_moves), timeout)

    async def _run(self, stop_after_moves: int | None) -> None:
        await self.client.connect()
        try:
            welcome = await self.client.join(self.code, self.name, self.token)
            if welcome.get("type") != "welcome":
                raise RuntimeError(f"{self.name}: could not join: {welcome}")
            self.token = welcome["token"]
            while True:
                try:
                    message = json.loads(await self.client.ws.recv())
                except ConnectionClosed:
                    return
                self.received.append(message)
                kind = message.get("type")
                if kind == "error":
                    self.errors.append(message)
                    self._pending = None
                elif kind == "ended":
                    self.ended = True
                    return
                elif kind == "state":
                    if self._pending is not None and message["round"] == self._pending[1]:
                        started, round_, infoset, action = self._pending
                        self.latencies.append(time.perf_counter() - started)
                        self.sent.append((round_, infoset, action))
                        self._pending = None
                        if stop_after_moves is not None and len(self.sent) >= stop_after_moves:
                            return
                    if message["your_turn"] and self._pending is None:
                        await self._decide(message)
        finally:
            await self.client.close()

    async def _decide(self, state: dict) -> None:
        if self.think:
            await asyncio.sleep(self.rng.uniform(0, self.think))
        if state.get("ask_belief"):
            types = state["ask_belief"]
            weights = [self.rng.random() + 0.01 for _ in types]
            total = sum(weights)
            beliefs = {t: w / total for t, w in zip(types, weights)}
            beliefs[types[-1]] = max(0.0, 1 - sum(beliefs[t] for t in types[:-1]))
            await self.client.send({"type": "belief", "round": state["round"],
                                    "beliefs": beliefs})
        action = self.rng.choice(state["legal"])
        self._pending = (time.perf_counter(), state["round"], state["infoset"], action)
        await self.client.send({"type": "move", "round": state["round"], "action": action})


__all__ = ["BotClient", "ClassroomClient"]
