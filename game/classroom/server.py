"""Provides `ClassroomServer`: asyncio websockets around one or more `Room`s, with their logs.

Several rooms share one port (`routing.Routes` says which room a message is for).

Every frame is validated (`protocol.parse_client`); an invalid or oversized one gets an error
reply and changes nothing (the connection and the seat stay). Only a frame past the transport
cap (`protocol.TRANSPORT_CAP`; `OPENING_CAP` before joining), which websockets will not read,
closes the connection (1009); the seat stays for its token. Each connection has a token
bucket: past it, frames get a `rate_limited` error and a client that keeps flooding is
disconnected. Each event is written to the store before the room applies it (see `Recorder`):
when the database cannot be written the move is refused with a reason, the instructor is told,
and the server keeps serving and tries again. Strangers (connections that have not joined) are
kept in check by `Gate` and `ServerLimits`. Binds 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import resource
import sys
import time
from collections.abc import Callable

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from game.classroom.debrief import DebriefMaker, short_turns
from game.classroom.gate import Gate, JoinLimiter, ServerLimits
from game.classroom.protocol import (
    OPENING_CAP,
    Join,
    Ping,
    ProtocolError,
    encode,
    error,
    parse_client,
)
from game.classroom.recorder import Recorder
from game.classroom.room import Room
from game.classroom.routing import Routes, new_seat
from game.classroom.session import build_room, open_session, session_event
from game.classroom.storage import RoomLog

RATE = 20.0
"""Frames per second a client may send on average."""
BURST = 40.0
STRIKES = 50
"""Rate-limited frames after which a client is disconnected."""
CLOSING = {"removed", "replaced"}
"""Messages after which the server closes the connection (the seat is not this client's)."""

def peak_rss_mb() -> float:
    """This process's peak resident memory in MB (Linux reports KB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


_QUIET = logging.getLogger("game.classroom.websockets")
_QUIET.addHandler(logging.NullHandler())
_QUIET.propagate = False
_QUIET.setLevel(logging.CRITICAL)   # strangers' broken handshakes are not worth a traceback


class ClassroomServer:
    """One or more rooms served over websockets on one port (see the module docstring)."""

    def __init__(self, rooms: Room | list[Room], stores: RoomLog | list | None = None, *,
                 host: str = "127.0.0.1", port: int = 0, tick: float = 0.1,
                 rate: float = RATE, burst: float = BURST, limits: ServerLimits | None = None,
                 debrief: Callable[[list[dict]], str] | list | None = None,
                 report: Callable[[str | None], None] | None = None) -> None:
        self.rate, self.burst = rate, burst
        self.rooms: list[Room] = [rooms] if isinstance(rooms, Room) else list(rooms)
        if stores is None or isinstance(stores, RoomLog):
            stores = [stores] + [None] * (len(self.rooms) - 1)
        self.stores: list[RoomLog | None] = list(stores)
        self.host = host
        self.port = port
        self.tick_seconds = tick
        self.limits = limits or ServerLimits()
        self.gate = Gate(self.limits)
        self.joins = JoinLimiter(self.limits.join_rate, self.limits.join_burst)
        self.conns: dict[str, ServerConnection] = {}
        self.debriefs = debrief if isinstance(debrief, list) else [debrief] * len(self.rooms)
        """Each room's maker of the class debrief from its stored events (a function, or a
        `DebriefMaker` for all), sent to everyone in the room at its end."""
        self.debrief_texts: dict[int, str] = {}
        self.recorders: list[Recorder | None] = []
        for room, store in zip(self.rooms, self.stores):
            recorder = None
            if store is not None:
                recorder = Recorder(store, room, self._reporter(room, report))
                room.record = recorder
                room.record_many = recorder.many
                store.checkpoint_in_background()
            self.recorders.append(recorder)
        self.routes = Routes(self.rooms)
        self._spoke: dict[str, set[int]] = {}
        """Connection -> the rooms it sent something to (told when it goes)."""
        self._inbox: dict[int, list[tuple[str, object, asyncio.Future]]] = {}
        """Room -> the messages waiting for it (see `_submit`)."""
        self._locks = [asyncio.Lock() for _ in self.rooms]
        """Held while a room's batch (or instructor command) is handled and sent, so that its
        messages go out in order."""
        self._ids = itertools.count(1)
        self._server = None
        self._ticker: asyncio.Task | None = None
        self._closing: dict[int, asyncio.Task] = {}
        self._closed: set[int] = set()
        self._internal_errors = 0
        self.finished = asyncio.Event()
        """Set once every room has ended and everyone was sent its debrief."""
        self.at_end: tuple[float, float] | None = None
        """(CPU seconds of this process, peak RSS in MB) when the last room ended, before
        its class debrief was made."""

    @property
    def room(self) -> Room:
        """The first (or only) room."""
        return self.rooms[0]

    @property
    def store(self) -> RoomLog | None:
        return self.stores[0]

    @property
    def recorder(self) -> Recorder | None:
        return self.recorders[0]

    @property
    def debrief_text(self) -> str | None:
        return self.debrief_texts.get(0)

    def _reporter(self, room: Room, report):
        """The instructor's report of storing problems, naming the room when there are
        several."""
        if report is None or len(self.rooms) == 1:
            return report
        title = room.config.name or room.config.code
        return lambda problem: report(problem if problem is None
                                      else f"room {title}: {problem}")

    async def start(self) -> None:
        self.gate.tighten_handshakes()
        gate = self.gate
        for maker in {id(d): d for d in self.debriefs if isinstance(d, DebriefMaker)}.values():
            maker.start()

        class Connection(ServerConnection):
            """Registers with the gate as soon as the socket opens (before the handshake)."""

            def connection_made(self, transport) -> None:
                super().connection_made(transport)
                gate.opened(self, transport)

            def connection_lost(self, exc) -> None:
                gate.closed(self)
                super().connection_lost(exc)

        self._server = await serve(
            self._handler, self.host, self.port, max_size=OPENING_CAP, ping_interval=20,
            ping_timeout=20, max_queue=16, close_timeout=2, compression=None,
            open_timeout=self.limits.handshake_timeout, create_connection=Connection,
            logger=_QUIET)
        self.port = self._server.sockets[0].getsockname()[1]
        self._ticker = asyncio.create_task(self._tick_loop())
        for room in self.rooms:
            await self._flush(room.tick(time.monotonic()))

    async def stop(self) -> None:
        if self._ticker:
            self._ticker.cancel()
        for task in self._closing.values():
            task.cancel()
        if self._server:
            self._server.close()
            await self._server.wait_closed()
        for maker in {id(d): d for d in self.debriefs if isinstance(d, DebriefMaker)}.values():
            maker.close()

    async def _tick_loop(self) -> None:
        while True:
            await asyncio.sleep(self.tick_seconds)
            for index, room in enumerate(self.rooms):
                if self._locks[index].locked():
                    continue   # a batch is being sent: its timers wait for the next tick
                try:
                    await self._flush(room.tick(time.monotonic()))
                except Exception:  # noqa: BLE001 - a bug must not stop every timer
                    self._log_internal(f"tick of room {room.config.code}")
                if room.ended and index not in self._closing:
                    if len(self._closing) + 1 == len(self.rooms):
                        self.at_end = (time.process_time(), peak_rss_mb())
                    self._closing[index] = asyncio.create_task(self._close_room(index))

    async def _close_room(self, index: int) -> None:
        """A room's end: its class debrief (made off the event loop) for everyone in it; the
        server is finished once every room is."""
        room, store, debrief = self.rooms[index], self.stores[index], self.debriefs[index]
        if debrief is not None:
            read = store.reader() if store is not None else list
            try:
                if isinstance(debrief, DebriefMaker):   # in its child process
                    text = await debrief.make(index, await asyncio.to_thread(read))
                else:
                    with short_turns():   # other rooms still play: the loop gets the GIL
                        text = await asyncio.to_thread(lambda: debrief(read()))
            except Exception:  # noqa: BLE001 - the session is over either way
                self._log_internal(f"making the class debrief of room {room.config.code}")
                text = None
            if text:
                self.debrief_texts[index] = text
                message = {"type": "debrief", "text": text}
                await self._flush([(s.conn, message) for s in room.seats if s.conn])
        if room.watchers:   # the instructor's last status says it ended (not throttled)
            status = room.status()
            await self._flush([(watcher, status) for watcher in room.watchers])
        self._closed.add(index)
        if len(self._closed) == len(self.rooms):
            self.finished.set()

    def everyone_has_the_end(self) -> bool:
        """True when every participant still in a session was sent its end."""
        return all(s.index in room.told_end for room in self.rooms for s in room.seats
                   if not s.removed)

    async def command(self, conn: str, message, now: float | None = None) -> list:
        """Handles an instructor command from this process (the console, stdin) for the
        room its token opens, and sends what it causes; returns the replies."""
        room = self.routes.route(conn, message)
        if isinstance(room, dict):
            return [(conn, room)]
        async with self._locks[self.rooms.index(room)]:
            replies = room.handle(conn, message, time.monotonic() if now is None else now)
            await self._flush(replies)
        return replies

    async def _flush(self, outbound) -> None:
        """Sends `outbound` (every event behind it is stored already)."""
        cached: tuple[int, bytes] | None = None
        for conn, message in outbound:
            ws = self.conns.get(conn)
            if ws is None:
                continue
            if cached is None or cached[0] != id(message):   # a broadcast is encoded once
                cached = (id(message), encode(message))
            try:
                await ws.send(cached[1], text=True)
                if message.get("type") in CLOSING:
                    await ws.close(1000, message["type"])
            except ConnectionClosed:
                pass

    async def _handler(self, ws: ServerConnection) -> None:
        conn = f"c{next(self._ids)}"
        self.conns[conn] = ws
        address = ws.remote_address[0] if ws.remote_address else ""
        tokens, last, strikes = self.burst, time.monotonic(), 0
        member = False
        join_by = time.monotonic() + self.limits.join_timeout
        try:
            while True:
                # undecoded: parse_client answers a frame that is not UTF-8 with an error
                if member:
                    frame = await ws.recv(decode=False)
                else:
                    try:
                        frame = await asyncio.wait_for(ws.recv(decode=False),
                                                       join_by - time.monotonic())
                    except TimeoutError:
                        await ws.close(1008, f"join within {self.limits.join_timeout:g} s")
                        break
                now = time.monotonic()
                tokens = min(self.burst, tokens + (now - last) * self.rate)
                last = now
                if tokens < 1:
                    strikes += 1
                    if strikes > STRIKES:
                        await ws.close(1008, "flooding")
                        break
                    await self._send(ws, error("rate_limited", "too many messages; slow down"))
                    continue
                tokens -= 1
                try:
                    message = parse_client(frame)
                except ProtocolError as err:
                    await self._send(ws, error(err.code, err.message))
                    continue
                if isinstance(message, Ping):
                    await self._send(ws, {"type": "pong"})
                    continue
                room = self.routes.route(conn, message)
                if isinstance(room, dict):
                    await self._send(ws, room)
                    continue
                if isinstance(message, Join) and new_seat(room, message) and \
                        not self.joins.allow(address, now):
                    await self._send(ws, error("join_rate", "too many new participants from "
                                                            "this address; try again in a few "
                                                            "seconds"))
                    continue
                index = self.rooms.index(room) if len(self.rooms) > 1 else 0
                self._spoke.setdefault(conn, set()).add(index)
                replies = await self._submit(index, conn, message)   # handled and sent
                welcomed = any(m.get("type") == "welcome" for m in replies)
                if welcomed:
                    self.routes.joined[conn] = room
                if not member and (welcomed or any(m.get("type") == "ok" for m in replies)):
                    member = True
                    self.gate.admit(ws)
                text = self.debrief_texts.get(index)
                if member and room.ended and text and welcomed:
                    await self._send(ws, {"type": "debrief", "text": text})
        except ConnectionClosed:
            pass
        finally:
            self.conns.pop(conn, None)
            self.routes.joined.pop(conn, None)
            for index in self._spoke.pop(conn, ()):
                await self._flush(self.rooms[index].disconnect(conn, time.monotonic()))

    async def _submit(self, index: int, conn: str, message) -> list[dict]:
        """Has the room handle a client's message and sends what it causes; returns the
        replies to this client. The messages that come in one turn of the event loop are
        handled together (`Room.handle_batch`: their moves are stored in one transaction),
        then sent; only then does each caller go on. (Writing from a worker thread instead,
        so that the loop could serve other rooms meanwhile, was slower: the thread and the
        loop take turns at the interpreter lock.)"""
        loop = asyncio.get_running_loop()
        waiter = loop.create_future()
        inbox = self._inbox.setdefault(index, [])
        inbox.append((conn, message, waiter))
        if len(inbox) == 1:
            loop.call_soon(lambda: loop.create_task(self._handle_inbox(index)))
        return await waiter

    async def _handle_inbox(self, index: int) -> None:
        async with self._locks[index]:   # one batch of a room at a time, in order
            items = self._inbox.pop(index, [])
            if not items:
                return
            room = self.rooms[index]
            try:
                out = room.handle_batch([(conn, message) for conn, message, _ in items],
                                        time.monotonic())
            except Exception:  # noqa: BLE001 - a bug: these clients get an error, all go on
                self._log_internal(f"handling {len(items)} messages for room "
                                   f"{room.config.code}")
                out = [(conn, error("internal", "the server could not handle this"))
                       for conn, _, _ in items]
            try:
                await self._flush(out)
            finally:
                for conn, _, waiter in items:
                    if not waiter.done():
                        waiter.set_result([m for c, m in out if c == conn])

    @staticmethod
    async def _send(ws, message: dict) -> None:
        """Sends a reply that reports no event (an error about the frame itself)."""
        try:
            await ws.send(encode(message), text=True)
        except ConnectionClosed:
            pass

    def _log_internal(self, where: str) -> None:
        """Prints an internal error (the first 20 in full, then one line each)."""
        import sys
        import traceback

        self._internal_errors += 1
        print(f"classroom server: internal error while {where}:", file=sys.stderr)
        if self._internal_errors <= 20:
            traceback.print_exc(file=sys.stderr)


__all__ = ["ClassroomServer", "Recorder", "ServerLimits", "build_room", "open_session",
           "session_event"]
