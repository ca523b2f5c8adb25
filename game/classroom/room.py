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
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

from game.classroom.outbox import Outbox, Outbound
from game.classroom.protocol import Belief, Instructor, Join, Move, Ping, error
from game.classroom.seating import (
    MATCHINGS,
    ROLE_SCHEMES,
    Pair,
    RoomConfig,
    Seat,
    new_code,
    new_token,
    pairing,
)
from game.engine.state import IllegalMoveError, State, draw_index
from game.engine.view import view_of
from game.model.tree import Game

STATUS_INTERVAL = 0.5
"""Seconds between two status messages to the instructor's watching connections."""


@dataclass
class Room(Outbox):
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
    draws: dict[tuple[int, int], int] = field(default_factory=dict)
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
    _decks: dict[tuple[int, int], tuple[int, tuple, list[int]]] = field(default_factory=dict)
    """(seat, role) -> (block, prior, its shuffled deck of types): see `_stratified`."""

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
            out += [(self.seats[s].conn, {"type": "waiting", "round": self.round,
                                          "message": "you join the next round"})
                    for s in waiting if self.seats[s].conn]
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
                    index = self._stratified(seat, node.private_to, node.probs)
            if index is None:
                rng = random.Random(f"{self.config.seed}:{self.round}:{pair.index}:"
                                    f"{len(state.steps)}")
                index = draw_index(node.probs, rng)
            state = state.play_index(index)
        pair.state = state
        pair.turn_started = t
        pair.deadline = None if state.is_terminal else self._deadline(t)

    def _stratified(self, seat: int, role: int, probs: tuple[Fraction, ...]) -> int | None:
        """Deals types from a shuffled deck per participant and role, so each participant
        meets each of their types about as often as the prior says (blocks of size D)."""
        size = math.lcm(*(p.denominator for p in probs))
        if size > 24:
            return None
        count = self.draws.get((seat, role), 0)
        self.draws[(seat, role)] = count + 1
        block, position = divmod(count, size)
        cached = self._decks.get((seat, role))
        if cached is not None and cached[:2] == (block, probs):
            deck = cached[2]
        else:   # shuffled once per block, not once per draw
            deck = [i for i, p in enumerate(probs) for _ in range(int(p * size))]
            random.Random(f"{self.config.seed}:deck:{seat}:{role}:{block}").shuffle(deck)
            self._decks[(seat, role)] = (block, probs, deck)
        return deck[position]

    def _deadline(self, t: float) -> float | None:
        if self.config.timeout is None or self.paused or self.ended:
            return None
        return t + self.config.timeout

    # ---- client messages ---------------------------------------------------------------

    def _join(self, conn: str, msg: Join, now: float) -> list[Outbound]:
        if msg.code.upper() != self.config.code:
            return [(conn, error("bad_code", "no session with this code"))]
        if conn in self._by_conn:
            return [(conn, error("already_joined", "this connection already holds a seat"))]
        seat_index = self._by_label.get(msg.name)
        if seat_index is not None:
            seat = self.seats[seat_index]
            if msg.token is None or not secrets.compare_digest(msg.token, seat.token):
                return [(conn, error("taken", "this name is taken; rejoin with your seat token"))]
            if seat.conn is not None:
                self._by_conn.pop(seat.conn, None)
            seat.conn = conn
            self._by_conn[conn] = seat_index
            self.dirty = True
            return [(conn, self._welcome(seat))] + self._state_for_seat(seat_index)
        if msg.token is not None:
            return [(conn, error("bad_token", "no seat has this name and token"))]
        if self.config.roster is not None and msg.name not in self.config.roster:
            return [(conn, error("not_on_roster", "this name is not on the roster"))]
        if self.ended:
            return [(conn, error("ended", "the session is over"))]
        if len(self.seats) >= 2000:
            return [(conn, error("full", "the session is full"))]
        seat_index = len(self.seats)
        self._emit({"kind": "join", "t": now, "seat": seat_index, "label": msg.name,
                    "token": self.token_factory()})
        seat = self.seats[seat_index]
        seat.conn = conn
        self._by_conn[conn] = seat_index
        out = [(conn, self._welcome(seat))]
        if self.started:
            out.append((conn, {"type": "waiting", "round": self.round,
                               "message": "you join the next round"}))
        return out

    def _instructor(self, conn: str, msg: Instructor, now: float) -> list[Outbound]:
        if not secrets.compare_digest(msg.token, self.config.instructor_token):
            return [(conn, error("forbidden", "wrong instructor token"))]
        command = msg.command
        out: list[Outbound] = [(conn, {"type": "ok", "command": command})]
        if command == "watch":
            self.watchers.add(conn)
            self.dirty = True
            self._status_sent = -math.inf   # the new watcher gets a status at the next tick
            return out
        if self.ended:
            return [(conn, error("ended", "the session is over"))]
        if command == "start":
            if self.started:
                return [(conn, error("started", "the session has started already"))]
            if not self.seats:
                return [(conn, error("empty", "nobody has joined yet"))]
            return out + self._emit({"kind": "start", "t": now})
        if command == "pause":
            if self.paused:
                return [(conn, error("paused", "already paused"))]
            return out + self._emit({"kind": "pause", "t": now})
        if command == "resume":
            if not self.paused:
                return [(conn, error("not_paused", "not paused"))]
            return out + self._emit({"kind": "resume", "t": now})
        if command == "advance":
            for pair in self.pairs:
                out += self._bot_move(pair, now, "advance")
            return out
        if command in ("swap", "unswap"):
            seat = self._by_label.get(msg.label or "")
            if seat is None:
                return [(conn, error("unknown", "no participant with this name"))]
            return out + self._emit({"kind": "swap", "t": now, "seat": seat,
                                     "on": command == "swap"})
        if command == "end":
            return out + self._emit({"kind": "end", "t": now})
        return [(conn, error("invalid", "unknown command"))]  # pragma: no cover

    def _seat_of(self, conn: str) -> tuple[int | None, dict | None]:
        seat = self._by_conn.get(conn)
        if seat is None:
            return None, error("not_joined", "join first")
        return seat, None

    def _turn(self, conn: str, round_: int) -> tuple[Pair | None, int, int, dict | None]:
        seat, problem = self._seat_of(conn)
        if problem:
            return None, 0, 0, problem
        if self.ended:
            return None, 0, 0, error("ended", "the session is over")
        if self.paused:
            return None, 0, 0, error("paused", "the session is paused")
        if round_ != self.round or seat not in self._seat_pair:
            return None, 0, 0, error("wrong_round", f"round {round_} is not yours to play now")
        index, role = self._seat_pair[seat]
        pair = self.pairs[index]
        if pair.state.to_move != role:
            return None, 0, 0, error("not_your_turn", "it is not your turn")
        if self.seats[seat].botted:
            return None, 0, 0, error("botted", "a bot plays your seat; ask the instructor")
        return pair, seat, role, None

    def _move(self, conn: str, msg: Move, now: float) -> list[Outbound]:
        pair, seat, role, problem = self._turn(conn, msg.round)
        if problem:
            return [(conn, problem)]
        if msg.action not in pair.state.legal_actions():
            try:
                pair.state.play(msg.action)   # the engine says why
            except IllegalMoveError as err:
                return [(conn, error("illegal", str(err)))]
        return self._emit(self._move_event(pair, role, msg.action, now, False, "human"))

    def _belief(self, conn: str, msg: Belief, now: float) -> list[Outbound]:
        if not self.config.elicit_beliefs:
            return [(conn, error("no_beliefs", "this session does not ask for beliefs"))]
        pair, seat, role, problem = self._turn(conn, msg.round)
        if problem:
            return [(conn, problem)]
        types = self._opponent_types(role)
        if set(msg.beliefs) != set(types):
            return [(conn, error("bad_belief", f"give a probability for each of {types}"))]
        if abs(sum(msg.beliefs.values()) - 1) > 1e-3:
            return [(conn, error("bad_belief", "the probabilities must add up to 1"))]
        view = view_of(pair.state, role)
        event = {"kind": "belief", "t": now, "round": self.round, "pair": pair.index,
                 "seat": seat, "infoset": view.infoset, "beliefs": dict(msg.beliefs),
                 "opponent_type": pair.state.types()[1 - role]}
        return [(conn, {"type": "ok", "command": "belief"})] + self._emit(event)

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
