"""Provides the server's limits on strangers: `ServerLimits`, `Gate` and `JoinLimiter`.

A *stranger* is a connection that has not joined (nor shown the instructor token): it may be
a student about to join, or one of a thousand idle sockets. The `Gate` sees every socket as
soon as it opens, before the websocket handshake: it caps all connections and strangers, and
when strangers fill their quota it closes the oldest one that has idled past `evict_after`
(a real student joins within milliseconds), so idle sockets cannot lock students out. A
stranger must finish the handshake within `handshake_timeout` and join within
`join_timeout`, and may not send a frame past `protocol.OPENING_CAP`. `JoinLimiter` limits
how fast one address creates new seats in a session without a roster.
"""

from __future__ import annotations

import dataclasses
import resource
import time
from dataclasses import dataclass, field

from game.classroom.protocol import TRANSPORT_CAP


@dataclass(frozen=True)
class ServerLimits:
    """Resource limits of one classroom server."""

    max_connections: int = 1200
    """Open connections in all (joined or not); more are refused at once."""
    max_strangers: int = 128
    """Connections that have not joined yet."""
    evict_after: float = 1.0
    """A stranger idle this long may be closed to make room for a new connection."""
    handshake_timeout: float = 5.0
    """Seconds to complete the websocket handshake."""
    join_timeout: float = 30.0
    """Seconds from the handshake to a join (or an instructor command)."""
    join_rate: float = 60.0
    """New seats per minute from one address when there is no roster (0: no limit)."""
    join_burst: int = 20
    """New seats one address may create at once before `join_rate` applies."""


@dataclass
class Gate:
    """Admits sockets (see the module docstring); counts what it refused and closed."""

    limits: ServerLimits
    strangers: dict = field(default_factory=dict)
    """Connection -> when it opened (monotonic), oldest first."""
    members: set = field(default_factory=set)
    refused: int = 0
    evicted: int = 0

    def tighten_handshakes(self) -> None:
        """Caps what one handshake may make the server hold, and keeps the open connections
        below the process's file limit (raised to its maximum first), so a flood of sockets
        is refused here rather than failing inside the event loop."""
        from websockets import http11

        http11.MAX_NUM_HEADERS = min(http11.MAX_NUM_HEADERS, 32)
        http11.MAX_LINE_LENGTH = min(http11.MAX_LINE_LENGTH, 4096)
        try:
            soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
            if hard == resource.RLIM_INFINITY or soft < hard:
                target = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
                resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
                soft = target
        except (ValueError, OSError):   # pragma: no cover - a platform without the limit
            return
        room = max(16, soft - 64)
        if self.limits.max_connections > room:
            self.limits = dataclasses.replace(self.limits, max_connections=room)

    def opened(self, connection, transport) -> None:
        """A socket opened: admit it as a stranger, make room for it, or refuse it."""
        now = time.monotonic()
        full = len(self.strangers) >= self.limits.max_strangers or \
            len(self.strangers) + len(self.members) >= self.limits.max_connections
        if full and not self._evict(now):
            self.refused += 1
            transport.abort()
            return
        self.strangers[connection] = now

    def _evict(self, now: float) -> bool:
        for connection, since in self.strangers.items():   # the oldest first
            if now - since < self.limits.evict_after:
                return False
            del self.strangers[connection]
            self.evicted += 1
            connection.transport.abort()
            return True
        return False

    def admit(self, connection) -> None:
        """The connection joined (or proved to be the instructor's): it is no stranger."""
        if self.strangers.pop(connection, None) is not None:
            self.members.add(connection)
            connection.protocol.max_message_size = TRANSPORT_CAP

    def closed(self, connection) -> None:
        self.strangers.pop(connection, None)
        self.members.discard(connection)


@dataclass
class JoinLimiter:
    """A token bucket of new seats per address."""

    per_minute: float
    burst: int
    buckets: dict[str, tuple[float, float]] = field(default_factory=dict)
    """Address -> (tokens, when last filled)."""

    def allow(self, address: str, now: float) -> bool:
        """True (and counted) when `address` may create one more seat now."""
        if self.per_minute <= 0:
            return True
        tokens, last = self.buckets.get(address, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.per_minute / 60)
        if tokens < 1:
            self.buckets[address] = (tokens, now)
            return False
        self.buckets[address] = (tokens - 1, now)
        if len(self.buckets) > 10_000:   # forget the addresses that are full again
            full = [a for a, (t, w) in self.buckets.items()
                    if t + (now - w) * self.per_minute / 60 >= self.burst]
            for a in full:
                del self.buckets[a]
        return True


__all__ = ["Gate", "JoinLimiter", "ServerLimits"]
