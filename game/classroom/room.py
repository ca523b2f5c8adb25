"""Provides `Room`: one classroom session as a pure state machine.

`room.handle(conn, message, now)` takes a validated client message and returns the messages to
send as `(conn, dict)` pairs; `room.tick(now)` runs the timers; `room.disconnect(conn, now)`
forgets a connection. Every change of state is an *event* (a plain dict) applied by
`room.apply(event)` and queued in the journal, which the server drains and writes to the store
before it sends anything; replaying the stored events with `apply` rebuilds the room after a
crash. The engine is the referee: every move goes through `State.play`, and every message about
the game is built from `view_of(state, player)`, so nobody sees the other player's type before
their own outcome is revealed. No I/O, no clock, no global random state.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from game.classroom.outbox import Outbound
from game.classroom.protocol import Belief, Instructor, Join, Move, Ping, error
from game.classroom.requests import Requests
from game.classroom.seating import (
    MATCHINGS,
    ROLE_SCHEMES,
    Pair,
    RoomConfig,
    Seat,
    TypeDealer,
    new_code,
    new_token,
    pairing,
)
from game.engine.state import State, draw_index
from game.engine.view import view_of
from game.model.tree import Game

STATUS_INTERVAL = 0.5
"""Seconds between two status messages to the instructor's watching connections."""


@dataclass
class Room(Requests):
    """A classroom session (see the module docstring)."""

    game: Game
    config: RoomConfig
    bot: object
    """A computer player with `choose(view, rng) -> action` for timeouts, swaps and odd seats."""
    token_factory: Callable[[], str] = new_token
    source: dict = field(default_factory=dict)
    """Where the game comes from ({"scenario", "values", "campaign_rounds"}), told to clients
    so they can load the same scenario for their screens."""
    seats: list[Seat] = field(default_factory=list)
    pairs: list[Pair] = field(default_factory=list)
    round: int = 0
    started: bool = False
    paused: bool = False
    ended: bool = False
    journal: list[dict] = field(default_factory=list)
    watchers: set[str] = field(default_factory=set)
    beliefs: dict[tuple[int, int], dict] = field(default_factory=dict)
    dirty: bool = True
    _by_conn: dict[str, int] = field(default_factory=dict)
    _by_label: dict[str, int] = field(default_factory=dict)
    _seat_pair: dict[int, tuple[int, int]] = field(default_factory=dict)
    _rng: random.Random = field(default_factory=random.Random)
    aggregates: dict[str, dict[str, int]] = field(default_factory=dict)
    """Information set -> action -> how many students chose it so far (bots not counted)."""
    _touched: set[int] = field(default_factory=set)
    """Pairs changed since `_progress` last looked (so a move costs O(1), not O(pairs))."""
    _reported: int = 0
    _status_sent: float = -math.inf
    """When the watchers last got a status (see `STATUS_INTERVAL`)."""
    dealer: TypeDealer = field(init=False)
    """Deals the participants' types (see `TypeDealer`)."""

    def __post_init__(self) -> None:
        self.dealer = TypeDealer(self.config.seed)

    # ---- the public entry points -------------------------------------------------------

    def handle(self, conn: str, message, now: float) -> list[Outbound]:
        """Handles one validated client message; an error reply changes nothing."""
        if isinstance(message, Ping):
            return [(conn, {"type": "pong"})]
        if isinstance(message, Join):
            out = self._join(conn, message, now)
        elif isinstance(message, Instructor):
            out = self._instructor(conn, message, now)
        elif isinstance(message, Move):
            out = self._move(conn, message, now)
        elif isinstance(message, Belief):
            out = self._belief(conn, message, now)
        else:  # pragma: no cover - the protocol admits nothing else
            out = [(conn, error("invalid", "unknown message"))]
        return out + self._progress(now)

    def tick(self, now: float) -> list[Outbound]:
        """Runs the decision timers: an expired decision is made by the bot (marked so)."""
        out: list[Outbound] = []
        if self.started and not self.paused and not self.ended:
            for pair in self.pairs:
                if pair.deadline is not None and now >= pair.deadline:
                    out += self._bot_move(pair, now, "timeout")
            out += self._progress(now)
        if self.dirty and self.watchers and now - self._status_sent >= STATUS_INTERVAL:
            status = self.status()   # O(participants): sent at most every STATUS_INTERVAL
            out += [(w, status) for w in self.watchers]
            self.dirty = False
            self._status_sent = now
        return out

    def disconnect(self, conn: str, now: float) -> list[Outbound]:
        """Forgets a connection (the seat stays; its token restores it)."""
        self.watchers.discard(conn)
        seat = self._by_conn.pop(conn, None)
        if seat is not None and self.seats[seat].conn == conn:
            self.seats[seat].conn = None
            self.dirty = True
        return []

    def drain(self) -> list[dict]:
        """Returns and clears the events not yet written to the store."""
        events, self.journal = self.journal, []
        return events

    def replay(self, events: list[dict], now: float) -> None:
        """Rebuilds the room from stored events (the `session` event is skipped)."""
        for event in events:
            if event["kind"] != "session":
                self.apply(event)
        for pair in self.pairs:
            if not pair.state.is_terminal:
                pair.turn_started = now
                pair.deadline = self._deadline(now)
        self.journal = []

    # ---- events --------------------------------------------------------------------------

    def _emit(self, event: dict) -> list[Outbound]:
        self.journal.append(event)
        return self.apply(event)

    def apply(self, event: dict) -> list[Outbound]:
        """Applies one event (live or replayed) and returns the messages it causes."""
        kind = event["kind"]
        self.dirty = True
        t = event.get("t", 0.0)
        if kind == "join":
            seat = Seat(event["seat"], event["label"], event["token"])
            self.seats.append(seat)
            self._by_label[seat.label] = seat.index
            return []
        if kind == "start":
            self.started = True
            self._touched.update(range(len(self.pairs)))
            return []
        if kind == "pause":
            self.paused = True
            return self._broadcast({"type": "paused"})
        if kind == "resume":
            self.paused = False
            self._touched.update(range(len(self.pairs)))
            for pair in self.pairs:
                if not pair.state.is_terminal:
                    pair.deadline = self._deadline(t)
            return self._broadcast({"type": "resumed"}) + self._send_all_states()
        if kind == "swap":
            self.seats[event["seat"]].botted = event["on"]
            self._touched.update(range(len(self.pairs)))
            return []
        if kind == "round":
            self.round = event["round"]
            self.pairs = []
            self._seat_pair = {}
            self._reported = 0
            for index, (a, b) in enumerate(event["pairs"]):
                pair = Pair(index, (a, b), State.initial(self.game), turn_started=t)
                self.pairs.append(pair)
                for role, seat in enumerate((a, b)):
                    if seat is not None:
                        self._seat_pair[seat] = (index, role)
                self._settle(pair, t)
            self._touched = set(range(len(self.pairs)))
            waiting = [s for s in range(len(self.seats)) if s not in self._seat_pair]
            out = self._send_all_states()
            out += [(self.seats[s].conn, self._waiting()) for s in waiting if self.seats[s].conn]
            return out
        if kind == "move":
            pair = self.pairs[event["pair"]]
            pair.state = pair.state.play(event["action"])
            if not event["bot"]:
                counts = self.aggregates.setdefault(event["infoset"], {})
                counts[event["action"]] = counts.get(event["action"], 0) + 1
            self.beliefs.pop((event["round"], event["seat"]) if event["seat"] is not None
                             else (0, -1), None)
            self._settle(pair, t)
            self._touched.add(pair.index)
            return self._send_pair(pair)
        if kind == "belief":
            self.beliefs[(event["round"], event["seat"])] = event["beliefs"]
            return []
        if kind == "result":
            if not self.pairs[event["pair"]].reported:
                self.pairs[event["pair"]].reported = True
                self._reported += 1
            return []
        if kind == "end":
            self.ended = True
            for pair in self.pairs:
                pair.deadline = None
            return self._broadcast({"type": "ended", "rounds_played": self.round})
        return []

    def _settle(self, pair: Pair, t: float) -> None:
        """Resolves chance (stratified type draws from the session seed) and sets the timer."""
        state = pair.state
        while state.is_chance:
            node = state.current
            index = None
            if node.private_to >= 0:
                seat = pair.seats[node.private_to]
                if seat is not None:
                    index = self.dealer.deal(seat, node.private_to, node.probs)
            if index is None:
                rng = random.Random(f"{self.config.seed}:{self.round}:{pair.index}:"
                                    f"{len(state.steps)}")
                index = draw_index(node.probs, rng)
            state = state.play_index(index)
        pair.state = state
        pair.turn_started = t
        pair.deadline = None if state.is_terminal else self._deadline(t)

    def _deadline(self, t: float) -> float | None:
        if self.config.timeout is None or self.paused or self.ended:
            return None
        return t + self.config.timeout

    # ---- progress: rounds, bots ----------------------------------------------------------

    def _move_event(self, pair: Pair, role: int, action: str, now: float, bot: bool,
                    reason: str) -> dict:
        view = view_of(pair.state, role)
        seat = pair.seats[role]
        return {"kind": "move", "t": now, "round": self.round, "pair": pair.index, "role": role,
                "seat": seat, "label": self.seats[seat].label if seat is not None else "",
                "type": view.own_type, "infoset": view.infoset, "action": action, "bot": bot,
                "reason": reason, "ms": round(max(0.0, now - pair.turn_started) * 1000, 1),
                "belief": self.beliefs.get((self.round, seat)) if seat is not None else None}

    def _bot_move(self, pair: Pair, now: float, reason: str) -> list[Outbound]:
        state = pair.state
        if state.is_terminal or state.to_move not in (0, 1):
            return []
        role = state.to_move
        action = self.bot.choose(view_of(state, role), self._rng)
        return self._emit(self._move_event(pair, role, action, now, True, reason))

    def _progress(self, now: float) -> list[Outbound]:
        out: list[Outbound] = []
        if not self.started and self.config.autostart and len(self.seats) >= self.config.autostart:
            out += self._emit({"kind": "start", "t": now})
        if not self.started or self.paused or self.ended:
            return out
        for _ in range(100_000):
            if self._touched:
                index = self._touched.pop()
                pair = self.pairs[index]
                state = pair.state
                if state.is_terminal:
                    if not pair.reported:
                        a, b = pair.seats
                        out += self._emit({
                            "kind": "result", "t": now, "round": self.round, "pair": pair.index,
                            "labels": [self.seats[s].label if s is not None else "" for s in
                                       (a, b)],
                            "types": list(state.types()), "outcome": state.current.outcome,
                            "payoffs": [str(p) for p in state.payoffs()],
                            "actions": list(state.actions_taken())})
                    continue
                seat = pair.seats[state.to_move]
                if seat is None:
                    out += self._bot_move(pair, now, "empty")
                elif self.seats[seat].botted:
                    out += self._bot_move(pair, now, "swap")
                continue
            if self._reported == len(self.pairs):
                if self.round >= self.config.rounds:
                    out += self._emit({"kind": "end", "t": now})
                    return out
                out += self._emit({"kind": "round", "t": now, "round": self.round + 1,
                                   "pairs": pairing(self.config, len(self.seats), self.round + 1)})
                continue
            return out
        return out


__all__ = ["MATCHINGS", "ROLE_SCHEMES", "STATUS_INTERVAL", "Outbound", "Pair", "Room",
           "RoomConfig", "Seat", "new_code", "new_token"]
