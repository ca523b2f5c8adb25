"""Provides `ClassroomServer`: asyncio websockets around a `Room`, with an event store.

Every frame is validated (`protocol.parse_client`); an invalid or oversized one gets an error
reply and changes nothing (the connection and the seat stay). Only a frame past the transport
cap (`protocol.TRANSPORT_CAP`, 1 MiB), which websockets will not read, closes the connection
(1009); the seat stays for its token. Each connection has a token bucket: past it, frames get
a `rate_limited` error and a client that keeps flooding is disconnected. Events are written to
the store before any reply is sent. Binds 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from fractions import Fraction

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from game.classroom.protocol import TRANSPORT_CAP, ProtocolError, encode, error, parse_client
from game.classroom.room import Room, RoomConfig
from game.classroom.store import EventStore, StoreError

RATE = 20.0
"""Frames per second a client may send on average."""
BURST = 40.0
STRIKES = 50
"""Rate-limited frames after which a client is disconnected."""


class ClassroomServer:
    """One room served over websockets."""

    def __init__(self, room: Room, store: EventStore | None = None, *, host: str = "127.0.0.1",
                 port: int = 0, tick: float = 0.1, rate: float = RATE,
                 burst: float = BURST) -> None:
        self.rate, self.burst = rate, burst
        self.room = room
        self.store = store
        self.host = host
        self.port = port
        self.tick_seconds = tick
        self.conns: dict[str, ServerConnection] = {}
        self._ids = itertools.count(1)
        self._server = None
        self._ticker: asyncio.Task | None = None
        self._waiters: list[asyncio.Future] = []
        """Callers waiting for the pending group commit (see `_durable`)."""
        self.finished = asyncio.Event()

    async def start(self) -> None:
        self._server = await serve(self._handler, self.host, self.port, max_size=TRANSPORT_CAP,
                                   ping_interval=20, ping_timeout=20, max_queue=16,
                                   close_timeout=2, compression=None)
        self.port = self._server.sockets[0].getsockname()[1]
        self._ticker = asyncio.create_task(self._tick_loop())
        await self._flush(self.room.tick(time.time()))

    async def stop(self) -> None:
        if self._ticker:
            self._ticker.cancel()
        if self._server:
            self._server.close()
            await self._server.wait_closed()
        if self.room.journal:   # a group commit the closing left behind
            self._write()

    async def _tick_loop(self) -> None:
        while True:
            await asyncio.sleep(self.tick_seconds)
            try:
                await self._flush(self.room.tick(time.time()))
            except Exception:  # noqa: BLE001 - a bug must not stop every timer
                _log_internal("tick")
            if self.room.ended:
                self.finished.set()

    async def _flush(self, outbound) -> None:
        """Sends `outbound` once every event applied so far is in the store."""
        if self.room.journal:
            await self._durable()
        cached: tuple[int, bytes] | None = None
        for conn, message in outbound:
            ws = self.conns.get(conn)
            if ws is None:
                continue
            if cached is None or cached[0] != id(message):   # a broadcast is encoded once
                cached = (id(message), encode(message))
            try:
                await ws.send(cached[1], text=True)
            except ConnectionClosed:
                pass

    async def _durable(self) -> None:
        """Returns once every event applied so far is written to the store (group commit).

        The first caller in a turn of the event loop schedules one write for the end of that
        turn, after every handler that was ready in it has applied its message; the write
        stores all their events in one transaction, then each caller goes on to send its
        replies. So nothing is sent before the events behind it are stored, and a burst of
        moves costs one transaction per turn, not one per move.
        """
        loop = asyncio.get_running_loop()
        waiter = loop.create_future()   # one per caller: a cancelled caller cancels no other
        self._waiters.append(waiter)
        if len(self._waiters) == 1:
            loop.call_soon(self._write)
        await waiter

    def _write(self) -> None:
        waiters, self._waiters = self._waiters, []
        try:
            events = self.room.drain()
            if self.store is not None:
                self.store.append(events)
        except Exception as err:  # noqa: BLE001 - nothing is sent; each caller sees why
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_exception(err)
            return
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def _handler(self, ws: ServerConnection) -> None:
        conn = f"c{next(self._ids)}"
        self.conns[conn] = ws
        tokens, last, strikes = self.burst, time.monotonic(), 0
        try:
            while True:
                # undecoded: parse_client answers a frame that is not UTF-8 with an error
                frame = await ws.recv(decode=False)
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
                try:
                    replies = self.room.handle(conn, message, time.time())
                except Exception:  # noqa: BLE001 - a bug: this client gets an error, all go on
                    _log_internal(f"handling {type(message).__name__} from {conn}")
                    await self._flush([])   # whatever was applied is stored, as always
                    await self._send(ws, error("internal", "the server could not handle this"))
                    continue
                await self._flush(replies)
        except ConnectionClosed:
            pass
        finally:
            self.conns.pop(conn, None)
            await self._flush(self.room.disconnect(conn, time.time()))

    @staticmethod
    async def _send(ws, message: dict) -> None:
        """Sends a reply that reports no event (an error about the frame itself)."""
        try:
            await ws.send(encode(message), text=True)
        except ConnectionClosed:
            pass


def _log_internal(where: str) -> None:
    import sys
    import traceback

    print(f"classroom server: internal error while {where}:", file=sys.stderr)
    traceback.print_exc(file=sys.stderr)


def session_event(scenario: str, values: dict[str, Fraction], campaign_rounds: int | None,
                  config: RoomConfig, bot: str, game=None) -> dict:
    """The first event of a session database."""
    players = list(game.player_ids or game.players) if game is not None else ["0", "1"]
    return {"kind": "session", "t": time.time(), "scenario": scenario, "players": players,
            "title": game.title if game is not None else "",
            "values": {k: str(v) for k, v in values.items()}, "campaign_rounds": campaign_rounds,
            "config": config.to_dict(), "bot": bot}


def build_room(game, result, config: RoomConfig, bot_kind: str = "equilibrium") -> Room:
    """A room with the timeout bot (the equilibrium bot by default; random if none)."""
    from game.bots import BotSpecError, make_bot

    try:
        bot = make_bot(bot_kind, game, result, seed=config.seed)
    except BotSpecError:
        bot = make_bot("random", game, result, seed=config.seed)
    return Room(game, config, bot)


def open_session(db: str, *, resume: bool, session: dict | None, game, result,
                 bot_kind: str = "equilibrium") -> tuple[Room, EventStore]:
    """Creates a new session database, or reopens one and replays it (`resume`)."""
    store = EventStore(db)
    stored = store.session()
    if resume:
        if stored is None:
            store.close()
            raise StoreError(f"{db}: nothing to resume (no session in it)")
        room = build_room(game, result, RoomConfig.from_dict(stored["config"]),
                          stored.get("bot", bot_kind))
        room.source = {k: stored.get(k) for k in ("scenario", "values", "campaign_rounds")}
        room.replay(store.events(), time.time())
        return room, store
    if stored is not None:
        store.close()
        raise StoreError(f"{db} already holds a session; use --resume or another --db")
    assert session is not None
    room = build_room(game, result, RoomConfig.from_dict(session["config"]), bot_kind)
    room.source = {k: session.get(k) for k in ("scenario", "values", "campaign_rounds")}
    store.append([session])
    return room, store


__all__ = ["ClassroomServer", "build_room", "open_session", "session_event"]
