"""Provides the async classroom clients: `ClassroomClient` (one connection), `SeatLink` (a
joined seat that reconnects by itself after a lost connection), and `BotClient`, a scripted
student used by tests, `deterrence loadtest` and the benchmark."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import random
import time
import urllib.parse
from collections.abc import AsyncIterator

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

MAX_ADDRESSES = 8
"""The most addresses a seat tries (the one it joined and the standby ones)."""
FINAL_REFUSALS = {"bad_code", "bad_token", "taken", "removed", "ended", "not_on_roster", "full"}
"""Join refusals that another attempt would not change."""


class JoinRefusedError(Exception):
    """The server refused the join (the message says why)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def proxy_for(url: str) -> bool | None:
    """How a student's program reaches `url`: straight (None) when the host is this machine or
    on the local network (an instructor's laptop in the room: `localhost`, a `.local` name, a
    loopback, private or link-local address), where a proxy set for the internet could only get
    in the way; otherwise through the proxy the environment names, if any (True, websockets'
    default)."""
    host = (urllib.parse.urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".local"):
        return None
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return True
    return None if address.is_loopback or address.is_private or address.is_link_local else True


class ClassroomClient:
    """A websocket connection to a classroom server, speaking JSON messages."""

    def __init__(self, url: str, *, proxy: bool | None | str = "auto") -> None:
        self.url = url
        self.proxy = proxy_for(url) if proxy == "auto" else proxy
        """True: through the proxy the environment names, if any (websockets' default);
        None: straight to the server; "auto" (the default): `proxy_for(url)`."""
        self.ws = None

    async def connect(self, timeout: float = 10.0) -> ClassroomClient:
        self.ws = await connect(self.url, open_timeout=timeout, max_size=2**20,
                                compression=None, proxy=self.proxy)
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


class SeatLink:
    """A seat in a session that keeps itself connected.

    `open()` connects and joins; `messages()` yields the server's messages and, when the
    connection is lost before the session is over, reconnects with the seat's token, waiting
    `first_delay`, then twice as long each time (up to `max_delay`, with some jitter), and
    yields what it is doing as messages of its own: `{"type": "reconnecting", "attempt", "delay"}`,
    then `{"type": "rejoined"}` (the server then sends the seat's state), or
    `{"type": "disconnected", "message"}` when it gives up (the seat was removed or its token
    replaced, or `give_up` seconds passed). After the session's end it does not reconnect.
    The welcome may name standby addresses (where a host resumed on another machine comes
    up): the attempts go round the address it joined and those, so the seat follows its
    session to the other machine by itself.
    """

    def __init__(self, url: str, code: str, name: str, token: str | None = None, *,
                 first_delay: float = 0.25, max_delay: float = 5.0, give_up: float = 900.0,
                 seed: int | None = None, proxy: bool | None | str = "auto") -> None:
        self.url, self.code, self.name, self.token = url, code, name, token
        self.proxy = proxy
        """How each connection goes (see `ClassroomClient`)."""
        self.urls = [url]
        """Where the session may be: the address joined first, then the standby ones."""
        self.first_delay, self.max_delay, self.give_up = first_delay, max_delay, give_up
        self.rng = random.Random(seed)
        self.client: ClassroomClient | None = None
        self.welcome: dict | None = None
        self.state = "new"
        """"new", "connected", "reconnecting", or "closed"."""
        self.over = False
        """The session ended (or this seat was taken from this client): no reconnecting."""
        self.reconnects = 0
        self._closing = False

    async def open(self, timeout: float = 10.0, attempts: int = 4) -> dict:
        """Connects and joins; returns the welcome. A connection refused or cut before the
        join (a server busy admitting a whole class at once) is tried again, `attempts` times
        in all, a little later each time.

        Raises:
            JoinRefusedError: the server refused (code, message).
            OSError, TimeoutError: the server cannot be reached.
        """
        for attempt in range(attempts):
            try:
                return await self._open_once(timeout)
            except (OSError, TimeoutError):
                if attempt + 1 == attempts:
                    raise
            await asyncio.sleep(0.1 * 2 ** attempt * self.rng.uniform(0.5, 1.5))
        raise AssertionError("unreachable")  # pragma: no cover

    async def _open_once(self, timeout: float) -> dict:
        client = ClassroomClient(self.url, proxy=self.proxy)
        try:
            await client.connect(timeout)
            welcome = await client.join(self.code, self.name, self.token, timeout)
        except (ConnectionClosed, InvalidHandshake, InvalidURI) as err:
            await client.close()
            raise OSError(f"the server closed the connection ({err})") from None
        except BaseException:
            await client.close()
            raise
        if welcome.get("type") != "welcome":
            await client.close()
            raise JoinRefusedError(welcome.get("code", "refused"),
                                   welcome.get("message", "could not join"))
        self.client, self.welcome = client, welcome
        self.token = welcome["token"]
        self.state = "connected"
        for address in welcome.get("addresses") or []:
            if isinstance(address, str) and address.startswith(("ws://", "wss://")) and \
                    address not in self.urls and len(self.urls) < MAX_ADDRESSES:
                self.urls.append(address)
        return welcome

    async def send(self, message: dict) -> bool:
        """Sends; False when there is no connection now (the message is dropped)."""
        if self.client is None or self.state != "connected":
            return False
        try:
            await self.client.send(message)
        except ConnectionClosed:
            return False
        return True

    async def messages(self) -> AsyncIterator[dict]:
        """The server's messages, and this link's own (see the class docstring)."""
        while True:
            try:
                message = json.loads(await self.client.ws.recv())
            except ConnectionClosed:
                if self.over or self._closing:
                    self.state = "closed"
                    return
                async for note in self._reconnect():
                    yield note
                if self.state == "closed":
                    return
                continue
            kind = message.get("type")
            if kind in ("ended", "removed", "replaced"):
                self.over = True
            yield message

    async def _reconnect(self) -> AsyncIterator[dict]:
        self.state = "reconnecting"
        delay = self.first_delay
        deadline = time.monotonic() + self.give_up
        attempt = 0
        start = self.urls.index(self.url) if self.url in self.urls else 0
        while time.monotonic() < deadline and not self._closing:
            attempt += 1
            wait = delay * self.rng.uniform(0.8, 1.2)
            self.url = self.urls[(start + attempt - 1) % len(self.urls)]
            yield {"type": "reconnecting", "attempt": attempt, "delay": round(wait, 2),
                   "address": self.url}
            await asyncio.sleep(wait)
            if attempt % len(self.urls) == 0:   # once round every address, then wait longer
                delay = min(self.max_delay, delay * 2)
            try:
                await self.open(timeout=5.0, attempts=1)
            except JoinRefusedError as err:
                elsewhere = err.code == "bad_code" and len(self.urls) > 1   # another host's
                if err.code in FINAL_REFUSALS and not elsewhere:
                    self.state = "closed"
                    self.over = True
                    yield {"type": "disconnected", "code": err.code, "message": err.message}
                    return
                continue
            except (OSError, TimeoutError):
                continue
            self.reconnects += 1
            yield {"type": "rejoined", "welcome": self.welcome}
            return
        self.state = "closed"
        yield {"type": "disconnected", "code": "gave_up",
               "message": "the server did not come back"}

    async def close(self) -> None:
        self._closing = True
        self.state = "closed"
        if self.client is not None:
            await self.client.close()


class BotClient:
    """A student played by a program: joins, answers each decision with a random legal
    action (after `think` seconds), states a belief when asked, reconnects by itself when the
    connection is lost, and records everything."""

    def __init__(self, url: str, code: str, name: str, *, seed: int = 0, think: float = 0.0,
                 token: str | None = None, first_delay: float = 0.1) -> None:
        self.url, self.code, self.name = url, code, name
        self.rng = random.Random(seed)
        self.think = think
        self.token = token
        # proxy=None: a bot does not look for a proxy in the environment on every connection
        # (a tenth of the load harness's CPU, which shares the machine with the server)
        self.link = SeatLink(url, code, name, token, first_delay=first_delay, max_delay=1.0,
                             give_up=60.0, seed=seed, proxy=None)
        self.sent: list[tuple[int, str, str]] = []
        """(round, infoset, action) of every move the server took from this bot."""
        self.received: list[dict] = []
        self.latencies: list[float] = []
        self.errors: list[dict] = []
        self.notes: list[dict] = []
        """The link's own messages (reconnecting, rejoined, disconnected)."""
        self.ended = False
        self._pending: dict | None = None
        """The move sent and not yet seen taken: started, round, decision, infoset, action,
        how many own moves the game showed then, and whether the link was lost since."""

    @property
    def client(self) -> ClassroomClient | None:
        return self.link.client

    async def run(self, timeout: float = 60.0, stop_after_moves: int | None = None) -> None:
        """Plays until the session ends, the timeout passes, or `stop_after_moves` moves."""
        await asyncio.wait_for(self._run(stop_after_moves), timeout)

    async def _run(self, stop_after_moves: int | None) -> None:
        for attempt in range(20):   # a server busy admitting hundreds may refuse at first
            try:
                await self.link.open()
                break
            except JoinRefusedError as err:
                if err.code != "join_rate":
                    raise RuntimeError(f"{self.name}: could not join: {err.message}") from None
            except OSError:
                if attempt == 19:
                    raise
            await asyncio.sleep(0.1 * (attempt + 1))
        self.token = self.link.token
        try:
            async for message in self.link.messages():
                self.received.append(message)
                kind = message.get("type")
                if kind in ("reconnecting", "rejoined", "disconnected"):
                    self.notes.append(message)
                    if self._pending is not None:
                        self._pending["lost"] = True
                elif kind == "error":
                    self.errors.append(message)
                    await self._refused(message)
                elif kind == "ended":
                    self.ended = True
                    return
                elif kind == "state":
                    self._acknowledge(message)
                    if stop_after_moves is not None and len(self.sent) >= stop_after_moves:
                        return
                    pending = self._pending
                    if message["your_turn"] and (pending is None or pending["lost"] or
                                                 pending["decision"] != message["decision"]):
                        await self._decide(message)
        finally:
            await self.link.close()

    @staticmethod
    def _own_moves(state: dict) -> int:
        return sum(1 for s in state["history"] if s["actor"] == state["role"] and not s["bot"])

    def _acknowledge(self, state: dict) -> None:
        """A state that shows the pending move taken: recorded (once) with its latency."""
        pending = self._pending
        if pending is None or state["round"] != pending["round"]:
            if pending is not None and state["round"] > pending["round"]:
                self._pending = None   # that round is over; its last state said what happened
            return
        if self._own_moves(state) > pending["own"]:
            self.latencies.append(time.perf_counter() - pending["started"])
            self.sent.append((pending["round"], pending["infoset"], pending["action"]))
            self._pending = None
        elif not state["your_turn"] or state.get("decision") != pending["decision"]:
            self._pending = None   # a bot moved for this seat meanwhile

    async def _refused(self, message: dict) -> None:
        pending = self._pending
        if pending is None:
            return
        if message.get("code") == "not_saved":   # the server could not store it: again soon
            await asyncio.sleep(0.2)
            pending["started"] = time.perf_counter()
            await self.link.send(pending["message"])
        else:
            self._pending = None

    async def _decide(self, state: dict) -> None:
        if self.think:
            await asyncio.sleep(self.rng.uniform(0, self.think))
        if state.get("ask_belief"):
            types = state["ask_belief"]
            weights = [self.rng.random() + 0.01 for _ in types]
            total = sum(weights)
            beliefs = {t: w / total for t, w in zip(types, weights)}
            beliefs[types[-1]] = max(0.0, 1 - sum(beliefs[t] for t in types[:-1]))
            await self.link.send({"type": "belief", "round": state["round"],
                                  "decision": state["decision"], "beliefs": beliefs})
        action = self.rng.choice(state["legal"])
        message = {"type": "move", "round": state["round"], "decision": state["decision"],
                   "action": action}
        self._pending = {"started": time.perf_counter(), "round": state["round"],
                         "decision": state["decision"], "infoset": state["infoset"],
                         "action": action, "own": self._own_moves(state), "lost": False,
                         "message": message}
        await self.link.send(message)


__all__ = ["FINAL_REFUSALS", "BotClient", "ClassroomClient", "JoinRefusedError", "SeatLink",
           "proxy_for"]
