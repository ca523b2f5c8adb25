"""Provides `Room`: one classroom session as a pure state machine.

`room.handle(conn, message, now)` takes a validated client message and returns the messages to
send as `(conn, dict)` pairs; `room.tick(now)` runs the timers; `room.disconnect(conn, now)`
forgets a connection. `now` is a monotonic clock (seconds): a step of the wall clock or a
laptop's sleep never fires a timer. Every change of state is an *event* (a plain dict, stamped
with the wall-clock time `t` for the data) that is first handed to `record` (the server stores
it) and only then applied by `room.apply(event, now)`: when `record` raises `NotStoredError`,
the event is not applied, the client is told, and the room stays as the log says (the timers
and the progress of the round try again at the next tick). Replaying the stored events with
`apply` rebuilds the room after a crash. The engine is the referee: every move goes through
`State.play`, and every message about the game is built from `view_of(state, player)`, so
nobody sees the other player's type before their own outcome is revealed. No I/O, no global
random state; the clocks are the caller's. Messages that arrive together go through
`room.handle_batch` (`game.classroom.batching`): one write for many students.
"""

from __future__ import annotations

import dataclasses
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

from game.classroom.batching import Batching, not_saved
from game.classroom.outbox import Outbound
from game.classroom.protocol import Belief, Instructor, Join, Move, Ping, error
from game.classroom.referee import Referee
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
)
from game.classroom.store import NotStoredError
from game.engine.state import State
from game.model.tree import Game

STATUS_INTERVAL = 0.5
"""Seconds between two status messages to the instructor's watching connections."""


@dataclass
class Room(Batching, Requests, Referee):
    """A classroom session (see the module docstring)."""

    game: Game
    config: RoomConfig
    bot: object
    """A computer player with `choose(view, rng) -> action` for timeouts, swaps and odd seats."""
    token_factory: Callable[[], str] = new_token
    source: dict = field(default_factory=dict)
    """Where the game comes from ({"scenario", "values", "campaign_rounds"}), told to clients
    so they can load the same scenario for their screens."""
    record: Callable[[dict], None] | None = None
    """Stores an event before it is applied (raises `NotStoredError` when it cannot); None
    keeps the events in `journal` (tests, and `drain`)."""
    record_many: Callable[[list[dict]], None] | None = None
    """Stores several events in one transaction, all or none (raises `NotStoredError`); None:
    each is stored and applied in turn."""
    wall: Callable[[], float] = time.time
    """The wall clock that stamps events (`t`, seconds since the epoch) for the data."""
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
    store_problem: str | None = None
    """Why the last event could not be stored (None once storing works again); shown to the
    instructor."""
    aggregates: dict[str, dict[str, int]] = field(default_factory=dict)
    """Information set -> action -> how many students chose it in the completed rounds (bots
    not counted). The round in progress is counted apart (`_round_counts`) and added when it
    ends: live counts per type would tell a watching class the types in play."""
    outcomes: dict[int, list[dict]] = field(default_factory=dict)
    """Seat -> its finished games (for its summary at the end)."""
    told_end: set[int] = field(default_factory=set)
    """The seats that were sent the end of the session."""
    addresses: list[str] = field(default_factory=list)
    """Standby addresses (ws:// URLs) told to clients in the welcome: where a resumed host
    may come up, so that they reconnect there by themselves."""
    _round_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    _by_conn: dict[str, int] = field(default_factory=dict)
    _by_label: dict[str, int] = field(default_factory=dict)
    _seat_pair: dict[int, tuple[int, int]] = field(default_factory=dict)
    _rng: random.Random = field(default_factory=random.Random)
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
        try:
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
        except NotStoredError as err:
            return [(conn, not_saved(err))]
        return out + self._progress(now)

    def tick(self, now: float) -> list[Outbound]:
        """Runs the decision timers: an expired decision is made by the bot (marked so)."""
        out: list[Outbound] = []
        if self.started and not self.paused and not self.ended:
            try:
                for pair in self.pairs:
                    if pair.deadline is not None and now >= pair.deadline:
                        out += self._bot_move(pair, now, "timeout")
            except NotStoredError:
                pass   # tried again at the next tick
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
        """Returns and clears the events kept in `journal` (when there is no `record`)."""
        events, self.journal = self.journal, []
        return events

    def replay(self, events: list[dict], now: float, grace: float = 0.0) -> None:
        """Rebuilds the room from stored events (the `session` event is skipped). The pending
        decisions' timers start `grace` seconds from `now`, so everyone has time to come back
        after a restart before a bot moves for them."""
        for event in events:
            if event["kind"] != "session":
                self.apply(event, now)
        self.restart_timers(now, grace)
        self.journal = []

    def restart_timers(self, now: float, grace: float = 0.0) -> None:
        """Every pending decision gets a full timer, starting `grace` seconds from now."""
        for pair in self.pairs:
            if not pair.state.is_terminal:
                pair.turn_started = now + grace
                pair.deadline = self._deadline(now + grace)

    # ---- events --------------------------------------------------------------------------

    def _emit(self, event: dict, now: float) -> list[Outbound]:
        """Stores the event (raises `NotStoredError`: then nothing changes), then applies it."""
        event.setdefault("t", self.wall())
        if self.record is not None:
            self.record(event)
        else:
            self.journal.append(event)
        return self.apply(event, now)

    def _emit_many(self, events: list[dict], now: float) -> list[Outbound]:
        """Stores the events in one transaction (raises `NotStoredError`: then none is
        stored and nothing changes), then applies them in order."""
        if len(events) == 1 or (self.record is not None and self.record_many is None):
            out: list[Outbound] = []
            for event in events:
                out += self._emit(event, now)
            return out
        for event in events:
            event.setdefault("t", self.wall())
        if self.record_many is not None:
            self.record_many(events)
        else:
            self.journal.extend(events)
        out = []
        for event in events:
            out += self.apply(event, now)
        return out

    def apply(self, event: dict, now: float = 0.0) -> list[Outbound]:
        """Applies one event (live or replayed) and returns the messages it causes; `now` (the
        monotonic clock) sets the timers."""
        kind = event["kind"]
        self.dirty = True
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
            return self._broadcast({"type": "paused", "message": "the instructor paused the "
                                                                 "session"})
        if kind == "resume":
            self.paused = False
            self._touched.update(range(len(self.pairs)))
            for pair in self.pairs:
                if not pair.state.is_terminal:
                    pair.deadline = self._deadline(now)
            return self._broadcast({"type": "resumed"}) + self._send_all_states()
        if kind == "settings":
            self.config = dataclasses.replace(self.config, timeout=event["timeout"])
            return []
        if kind == "addresses":
            self.addresses = list(event["addresses"])
            return []
        if kind == "swap":
            self.seats[event["seat"]].botted = event["on"]
            self._touched.update(range(len(self.pairs)))
            return []
        if kind == "kick":
            return self._remove(event["seat"])
        if kind == "token":
            return self._retoken(event["seat"], event["token"])
        if kind == "round":
            self._fold_counts()
            return self._new_round(event, now)
        if kind == "move":
            pair = self.pairs[event["pair"]]
            if event["bot"]:
                pair.bot_steps.add(len(pair.state.steps))
            pair.state = pair.state.play(event["action"])
            if not event["bot"]:
                counts = self._round_counts.setdefault(event["infoset"], {})
                counts[event["action"]] = counts.get(event["action"], 0) + 1
            self.beliefs.pop((event["round"], event["seat"]) if event["seat"] is not None
                             else (0, -1), None)
            self._settle(pair, now)
            self._touched.add(pair.index)
            return self._send_pair(pair)
        if kind == "belief":
            self.beliefs[(event["round"], event["seat"])] = event["beliefs"]
            return []
        if kind == "result":
            pair = self.pairs[event["pair"]]
            if not pair.reported:
                pair.reported = True
                self._reported += 1
                self._keep_outcome(event)
            return []
        if kind == "end":
            self.ended = True
            self._fold_counts()
            for pair in self.pairs:
                pair.deadline = None
            return [(s.conn, self.ended_message(s.index)) for s in self.seats if s.conn]
        return []

    def _new_round(self, event: dict, now: float) -> list[Outbound]:
        self.round = event["round"]
        self.pairs = []
        self._seat_pair = {}
        self._reported = 0
        for index, (a, b) in enumerate(event["pairs"]):
            pair = Pair(index, (a, b), State.initial(self.game), turn_started=now)
            self.pairs.append(pair)
            for role, seat in enumerate((a, b)):
                if seat is not None:
                    self._seat_pair[seat] = (index, role)
            self._settle(pair, now)
        self._touched = set(range(len(self.pairs)))
        waiting = [s for s in range(len(self.seats)) if s not in self._seat_pair]
        out = self._send_all_states()
        out += [(self.seats[s].conn, self._waiting()) for s in waiting
                if self.seats[s].conn and not self.seats[s].removed]
        return out

    def _fold_counts(self) -> None:
        """Adds the round that just ended to the aggregates the instructor sees."""
        for infoset, counts in self._round_counts.items():
            into = self.aggregates.setdefault(infoset, {})
            for action, n in counts.items():
                into[action] = into.get(action, 0) + n
        self._round_counts = {}

    def _keep_outcome(self, event: dict) -> None:
        """Remembers a finished game for each seat that played it (its summary)."""
        seats = self.pairs[event["pair"]].seats
        spec = self.game.spec
        names = [{t.id: t.name for t in p.types} if len(p.types) > 1 else {}
                 for p in spec.players] if spec is not None else [{}, {}]
        types = [names[r].get(t, "-" if spec is not None else t)
                 for r, t in enumerate(event["types"])]
        for role, seat in enumerate(seats):
            if seat is None:
                continue
            other = seats[1 - role]
            self.outcomes.setdefault(seat, []).append({
                "round": event["round"], "player": self.game.players[role],
                "type": types[role], "partner": self.seats[other].label
                if other is not None else "(bot)", "partner_type": types[1 - role],
                "outcome": event["outcome"], "payoff": event["payoffs"][role]})

    def total(self, seat: int) -> Fraction:
        """The seat's payoffs so far, added up."""
        return sum((Fraction(o["payoff"]) for o in self.outcomes.get(seat, ())), Fraction(0))

    def _remove(self, seat_index: int) -> list[Outbound]:
        seat = self.seats[seat_index]
        seat.removed = True
        seat.botted = True
        self._touched.update(range(len(self.pairs)))
        conn, seat.conn = seat.conn, None
        if conn is None:
            return []
        self._by_conn.pop(conn, None)
        return [(conn, {"type": "removed", "message": "the instructor removed you from this "
                                                      "session"})]

    def _retoken(self, seat_index: int, token: str) -> list[Outbound]:
        seat = self.seats[seat_index]
        seat.token = token
        conn, seat.conn = seat.conn, None
        if conn is None:
            return []
        self._by_conn.pop(conn, None)
        return [(conn, {"type": "replaced", "message": "the instructor gave this seat a new "
                                                       "token; ask them for it to rejoin"})]


__all__ = ["MATCHINGS", "ROLE_SCHEMES", "STATUS_INTERVAL", "Outbound", "Pair", "Room",
           "RoomConfig", "Seat", "new_code", "new_token"]
