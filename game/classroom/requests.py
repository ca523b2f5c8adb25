"""Provides `Requests`: how a `Room` answers its clients' messages.

A mixin of `game.classroom.room.Room` (on top of its `Outbox`): each handler checks a
validated message against the room's state and either answers with a plain error (changing
nothing) or emits the event that carries it out (`Room.apply` does the rest). Moves go through
the engine: an illegal one gets the engine's own reason, and a move must name the decision it
answers (`Referee.decision_id`), so a repeated or late answer is refused instead of being taken
for the next question.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING

from game.classroom.outbox import Outbound, Outbox
from game.classroom.protocol import Belief, Instructor, Join, Move, error
from game.engine.state import IllegalMoveError
from game.engine.view import view_of

if TYPE_CHECKING:
    from game.classroom.seating import Pair


class Requests(Outbox):
    """The client-message handlers of a `Room` (see the module docstring); they answer with
    the `Outbox` messages."""

    # What else they read and change of the room (declared for readers and type checkers).
    dirty: bool
    watchers: set[str]
    token_factory: Callable[[], str]
    _by_conn: dict[str, int]
    _by_label: dict[str, int]
    _status_sent: float
    _emit: Callable[[dict, float], list[Outbound]]
    wall: Callable[[], float]

    def _join(self, conn: str, msg: Join, now: float) -> list[Outbound]:
        event = self._stage_join(conn, msg, [])   # a plain new seat: the batch's own test
        if event is not None:
            self._emit(event, now)
            return self._seated(conn, event["seat"])
        if msg.code.upper() != self.config.code:
            return [(conn, error("bad_code", "no session with this code"))]
        if conn in self._by_conn:
            return [(conn, error("already_joined", "this connection already holds a seat"))]
        seat_index = self._by_label.get(msg.name)
        if seat_index is not None:
            seat = self.seats[seat_index]
            if seat.removed:
                return [(conn, error("removed", "the instructor removed this name from the "
                                                "session"))]
            if msg.token is None or not secrets.compare_digest(msg.token, seat.token):
                return [(conn, error("taken", "this name is taken; rejoin with your seat token "
                                              "(the instructor can issue a new one)"))]
            if seat.conn is not None:
                self._by_conn.pop(seat.conn, None)
            seat.conn = conn
            self._by_conn[conn] = seat_index
            self.dirty = True
            if self.ended:
                return [(conn, self._welcome(seat)), (conn, self.ended_message(seat_index))]
            return [(conn, self._welcome(seat))] + self._state_for_seat(seat_index)
        if msg.token is not None:
            return [(conn, error("bad_token", "no seat has this name and token"))]
        if self.config.roster is not None and msg.name not in self.config.roster:
            return [(conn, error("not_on_roster", "this name is not on the roster"))]
        if self.ended:
            return [(conn, error("ended", "the session is over"))]
        if len(self.seats) >= self.config.max_seats:
            return [(conn, error("full", f"the session is full ({self.config.max_seats} "
                                         "participants)"))]
        raise AssertionError("a join neither refused nor a plain new seat (see _stage_join)")

    def _stage_join(self, conn: str, msg: Join, staged: list[tuple[str, dict]]) -> dict | None:
        """The event of a join that plainly makes a new seat, after the `staged` events (nothing
        is changed); None for any other join (a rejoin, or one to refuse): that one is handled
        on its own, once the staged events are applied. The one test of a new seat: `_join`
        asks it first too."""
        joining = [(c, e) for c, e in staged if e["kind"] == "join"]
        if (msg.token is not None or msg.code.upper() != self.config.code or self.ended
                or conn in self._by_conn or msg.name in self._by_label
                or (self.config.roster is not None and msg.name not in self.config.roster)
                or len(self.seats) + len(joining) >= self.config.max_seats
                or any(c == conn or e["label"] == msg.name for c, e in joining)):
            return None
        return {"kind": "join", "seat": len(self.seats) + len(joining), "label": msg.name,
                "token": self.token_factory(), "t": self.wall()}

    def _seated(self, conn: str, seat_index: int) -> list[Outbound]:
        """A new seat (its join applied) taken by `conn`: the welcome."""
        seat = self.seats[seat_index]
        seat.conn = conn
        self._by_conn[conn] = seat_index
        out = [(conn, self._welcome(seat))]
        if self.started:
            out.append((conn, self._waiting()))
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
            return out + self._emit({"kind": "start"}, now)
        if command == "pause":
            if self.paused:
                return [(conn, error("paused", "already paused"))]
            return out + self._emit({"kind": "pause"}, now)
        if command == "resume":
            if not self.paused:
                return [(conn, error("not_paused", "not paused"))]
            return out + self._emit({"kind": "resume"}, now)
        if command == "advance":
            for pair in self.pairs:
                out += self._bot_move(pair, now, "advance")
            return out
        if command == "end":
            return out + self._emit({"kind": "end"}, now)
        seat = self._by_label.get(msg.label or "")
        if seat is None:
            return [(conn, error("unknown", f"no participant named {msg.label or '(none)'}"))]
        if self.seats[seat].removed:
            return [(conn, error("removed", f"{msg.label} was removed from the session"))]
        if command in ("swap", "unswap"):
            return out + self._emit({"kind": "swap", "seat": seat, "on": command == "swap"},
                                    now)
        if command == "kick":
            return out + self._emit({"kind": "kick", "seat": seat}, now)
        if command == "reissue":
            token = self.token_factory()
            replies = self._emit({"kind": "token", "seat": seat, "token": token}, now)
            return [(conn, {"type": "ok", "command": command, "label": msg.label,
                            "token": token})] + replies
        return [(conn, error("invalid", "unknown command"))]  # pragma: no cover

    def _seat_of(self, conn: str) -> tuple[int | None, dict | None]:
        seat = self._by_conn.get(conn)
        if seat is None:
            return None, error("not_joined", "join first")
        return seat, None

    def _turn(self, conn: str, round_: int, decision: str
              ) -> tuple[Pair | None, int, int, dict | None]:
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
        current = self.decision_id(pair)
        if decision != current:
            return None, 0, 0, error("stale", f"this answers decision {decision}, not the one "
                                              f"asked now ({current}); it was not recorded")
        return pair, seat, role, None

    def _move(self, conn: str, msg: Move, now: float) -> list[Outbound]:
        event, problem = self._stage_move(conn, msg, now)
        if problem:
            return [(conn, problem)]
        return self._emit(event, now)

    def _stage_move(self, conn: str, msg: Move, now: float) -> tuple[dict | None, dict | None]:
        """The event a move makes, or the error that refuses it (nothing is changed)."""
        pair, _, role, problem = self._turn(conn, msg.round, msg.decision)
        if problem:
            return None, problem
        if msg.action not in pair.state.legal_actions():
            try:
                pair.state.play(msg.action)   # the engine says why
            except IllegalMoveError as err:
                return None, error("illegal", str(err))
        return self._move_event(pair, role, msg.action, now, False, "human"), None

    def _belief(self, conn: str, msg: Belief, now: float) -> list[Outbound]:
        if not self.config.elicit_beliefs:
            return [(conn, error("no_beliefs", "this session does not ask for beliefs"))]
        pair, seat, role, problem = self._turn(conn, msg.round, msg.decision)
        if problem:
            return [(conn, problem)]
        types = self._opponent_types(role)
        if set(msg.beliefs) != set(types):
            return [(conn, error("bad_belief", f"give a probability for each of {types}"))]
        if abs(sum(msg.beliefs.values()) - 1) > 1e-3:
            return [(conn, error("bad_belief", "the probabilities must add up to 1"))]
        view = view_of(pair.state, role)
        event = {"kind": "belief", "round": self.round, "pair": pair.index,
                 "seat": seat, "infoset": view.infoset, "beliefs": dict(msg.beliefs),
                 "opponent_type": pair.state.types()[1 - role]}
        self._emit(event, now)
        return [(conn, {"type": "ok", "command": "belief"})]
