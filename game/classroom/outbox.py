"""Provides `Outbox`: the messages a `Room` sends, built from the engine's views only.

A mixin of `game.classroom.room.Room` (it reads the room's seats, pairs, round and config):
the state a player may see (`view_of`, so nobody sees the other player's type before the
outcome), the welcome, the broadcasts and the instructor's status.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING

from game.engine.view import view_of

if TYPE_CHECKING:
    from game.classroom.seating import Pair, RoomConfig, Seat
    from game.model.tree import Game

Outbound = tuple[str, dict]
"""A message to send: (connection, message)."""


class Outbox:
    """The outgoing messages of a `Room` (see the module docstring)."""

    # What it reads of the room (declared for readers and type checkers; the room has them).
    game: Game
    config: RoomConfig
    source: dict
    seats: list[Seat]
    pairs: list[Pair]
    round: int
    started: bool
    paused: bool
    ended: bool
    aggregates: dict[str, dict[str, int]]
    outcomes: dict[int, list[dict]]
    store_problem: str | None
    told_end: set[int]
    addresses: list[str]
    _seat_pair: dict[int, tuple[int, int]]
    decision_id: Callable[[Pair], str]
    total: Callable[[int], Fraction]

    def _welcome(self, seat: Seat) -> dict:
        return {"type": "welcome", "name": seat.label, "token": seat.token,
                "scenario": self.game.title, "players": list(self.game.players),
                "source": self.source,
                "rounds": self.config.rounds, "timeout": self.config.timeout,
                "elicit_beliefs": self.config.elicit_beliefs, "started": self.started,
                "design": self.config.design(), "addresses": self.addresses}

    def _opponent_types(self, role: int) -> list[str]:
        spec = self.game.spec
        if spec is None:
            return []
        return [t.id for t in spec.players[1 - role].types]

    def state_message(self, pair: Pair, role: int) -> dict:
        """What the player in `role` of `pair` may see now: built from `view_of` only."""
        view = view_of(pair.state, role)
        my_turn = view.my_turn and not self.paused and not self.ended
        nodes = self.game.nodes
        # the positions in the game of the steps the view shows (it skips the type draws)
        shown = [position for position, (node_id, _) in enumerate(pair.state.steps)
                 if nodes[node_id].private_to < 0]
        message = {
            "type": "state", "round": self.round, "rounds": self.config.rounds,
            "role": role, "player": self.game.players[role], "own_type": view.own_type,
            "history": [{"actor": s.actor, "action": s.action, "stage": s.stage,
                         "round": s.round, "concealed": s.concealed,
                         "bot": position in pair.bot_steps}
                        for s, position in zip(view.history, shown)],
            "to_move": view.to_move, "stage": view.stage, "game_round": view.round,
            "your_turn": my_turn,
            "infoset": view.infoset, "legal": list(view.legal_actions) if my_turn else [],
            "timeout": self.config.timeout, "finished": view.finished,
            "paused": self.paused,
        }
        if my_turn:
            message["decision"] = self.decision_id(pair)
        if my_turn and self.config.elicit_beliefs and len(self._opponent_types(role)) > 1:
            message["ask_belief"] = self._opponent_types(role)
        if view.finished:
            message["outcome"] = view.outcome
            message["payoffs"] = [str(p) for p in view.payoffs]
            message["types"] = list(view.types)
        return message

    def _send_pair(self, pair: Pair) -> list[Outbound]:
        out = []
        for role, seat in enumerate(pair.seats):
            if seat is not None and self.seats[seat].conn:
                out.append((self.seats[seat].conn, self.state_message(pair, role)))
        return out

    def _send_all_states(self) -> list[Outbound]:
        out = []
        for pair in self.pairs:
            out += self._send_pair(pair)
        return out

    def _state_for_seat(self, seat: int) -> list[Outbound]:
        conn = self.seats[seat].conn
        if seat in self._seat_pair:
            index, role = self._seat_pair[seat]
            return [(conn, self.state_message(self.pairs[index], role))]
        if self.started:
            return [(conn, self._waiting())]
        return []

    def _waiting(self) -> dict:
        """For a participant without a pair this round."""
        return {"type": "waiting", "round": self.round, "message": "you join the next round"}

    def _broadcast(self, message: dict) -> list[Outbound]:
        return [(s.conn, message) for s in self.seats if s.conn]

    def ended_message(self, seat: int) -> dict:
        """The end of the session for one participant: their games and their total."""
        from game.model.expr import format_fraction

        total = format_fraction(self.total(seat))
        self.told_end.add(seat)
        return {"type": "ended", "rounds_played": self.round, "total": total,
                "games": self.outcomes.get(seat, []),
                "message": f"The session is over; your total is {total}."}

    def status(self) -> dict:
        """The instructor's view: roster, who holds up the round, progress, and the class's
        choices in the completed rounds only (the round in progress is not counted, so a
        projected screen tells nobody which types are in play)."""
        holding = []
        done = 0
        for pair in self.pairs:
            if pair.state.is_terminal:
                done += 1
            elif pair.state.to_move in (0, 1):
                seat = pair.seats[pair.state.to_move]
                if seat is not None:
                    holding.append(self.seats[seat].label)
        return {"type": "status", "round": self.round, "rounds": self.config.rounds,
                "started": self.started, "paused": self.paused, "ended": self.ended,
                "participants": [{"name": s.label, "connected": s.conn is not None,
                                  "bot": s.botted, "removed": s.removed} for s in self.seats],
                "pairs": len(self.pairs), "pairs_done": done, "waiting_for": holding,
                "aggregates": self.aggregates, "store_problem": self.store_problem}
