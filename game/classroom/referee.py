"""Provides `Referee`: how a `Room` moves its games along.

A mixin of `game.classroom.room.Room`: it resolves Nature (the participants' types, dealt by
the session's design), sets the decision timers, makes the bots' moves (timeouts, swapped and
empty seats), reports finished games, and opens the next round or ends the session when every
pair is done. Every change goes through the room's `_emit`, so it is stored before it is
applied; when storing fails, the work left is picked up again at the next tick.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import TYPE_CHECKING

from game.classroom.outbox import Outbound
from game.classroom.seating import pairing
from game.classroom.store import NotStoredError
from game.engine.state import draw_index
from game.engine.view import view_of

if TYPE_CHECKING:
    from game.classroom.seating import Pair, RoomConfig, Seat, TypeDealer
    from game.engine.state import State


class Referee:
    """The progress of a `Room`'s games (see the module docstring)."""

    # What it reads and changes of the room (declared for readers and type checkers).
    config: RoomConfig
    seats: list[Seat]
    pairs: list[Pair]
    round: int
    started: bool
    paused: bool
    ended: bool
    bot: object
    beliefs: dict[tuple[int, int], dict]
    dealer: TypeDealer
    _rng: random.Random
    _touched: set[int]
    _reported: int
    _emit: Callable[[dict, float], list[Outbound]]
    _emit_many: Callable[[list[dict], float], list[Outbound]]

    def _settle(self, pair: Pair, now: float) -> None:
        """Resolves chance (the participants' types by the session's design) and sets the
        timer."""
        state = self._resolved(pair, pair.state)
        pair.state = state
        pair.turn_started = now
        pair.deadline = None if state.is_terminal else self._deadline(now)

    def _resolved(self, pair: Pair, state: State, deal: bool = True) -> State | None:
        """`state` with its chance moves made as `_settle` makes them: a participant's type
        dealt by the session's design, anything else drawn from the session's seed. With
        `deal` False nothing changes: None where the dealer would have to deal."""
        while state.is_chance:
            node = state.current
            index = None
            if node.private_to >= 0 and self.config.type_draws != "independent":
                seat = pair.seats[node.private_to]
                if seat is not None:
                    if not deal:
                        return None
                    index = self.dealer.deal(seat, node.private_to, node.probs)
            if index is None:
                rng = random.Random(f"{self.config.seed}:{self.round}:{pair.index}:"
                                    f"{len(state.steps)}")
                index = draw_index(node.probs, rng)
            state = state.play_index(index)
        return state

    def _deadline(self, now: float) -> float | None:
        if self.config.timeout is None or self.paused or self.ended:
            return None
        return now + self.config.timeout

    def decision_id(self, pair: Pair) -> str:
        """The id of the decision a pair waits for: round, pair and position in the game, so
        an answer to any other question (a repeated or late one) is recognised."""
        return f"{self.round}-{pair.index}-{len(pair.state.steps)}"

    def _move_event(self, pair: Pair, role: int, action: str, now: float, bot: bool,
                    reason: str) -> dict:
        view = view_of(pair.state, role)
        seat = pair.seats[role]
        return {"kind": "move", "round": self.round, "pair": pair.index, "role": role,
                "seat": seat, "label": self.seats[seat].label if seat is not None else "",
                "type": view.own_type, "infoset": view.infoset, "action": action, "bot": bot,
                "reason": reason, "decision": self.decision_id(pair),
                "ms": round(max(0.0, now - pair.turn_started) * 1000, 1),
                "belief": self.beliefs.get((self.round, seat)) if seat is not None else None}

    def _bot_move(self, pair: Pair, now: float, reason: str) -> list[Outbound]:
        state = pair.state
        if state.is_terminal or state.to_move not in (0, 1):
            return []
        role = state.to_move
        action = self.bot.choose(view_of(state, role), self._rng)
        return self._emit(self._move_event(pair, role, action, now, True, reason), now)

    def _progress(self, now: float) -> list[Outbound]:
        """Bots move where they must, finished games are reported, and the next round opens
        (or the session ends) once every pair is done. Stops where storing fails."""
        out: list[Outbound] = []
        try:
            if not self.started and self.config.autostart and \
                    len(self.seats) >= self.config.autostart:
                out += self._emit({"kind": "start"}, now)
            if not self.started or self.paused or self.ended:
                return out
            for _ in range(100_000):
                if self._touched:
                    finished = sorted(i for i in self._touched if not self.pairs[i].reported
                                      and self.pairs[i].state.is_terminal)
                    if finished:   # their results in one write (with the next round)
                        events = self._with_next_round([self._result_event(self.pairs[i])
                                                        for i in finished])
                        self._touched.difference_update(finished)
                        try:
                            out += self._emit_many(events, now)
                        except NotStoredError:
                            self._touched.update(finished)
                            raise
                        if self.ended:
                            return out
                        continue
                    index = self._touched.pop()
                    try:
                        out += self._advance_pair(self.pairs[index], now)
                    except NotStoredError:
                        self._touched.add(index)
                        raise
                    continue
                if self._reported == len(self.pairs):
                    out += self._emit(self._next_round(), now)
                    if self.ended:
                        return out
                    continue
                return out
        except NotStoredError:
            return out   # the rest waits for the next tick
        return out

    def _with_next_round(self, results: list[dict]) -> list[dict]:
        """Results of games not yet reported, and the next round (or the end) after them when
        they complete the round."""
        if results and self._reported + len(results) == len(self.pairs):
            return [*results, self._next_round()]
        return results

    def _next_round(self) -> dict:
        """The event that follows a round whose every pair is done: the next round, or the
        session's end after the last."""
        if self.round >= self.config.rounds:
            return {"kind": "end"}
        removed = frozenset(s.index for s in self.seats if s.removed)
        return {"kind": "round", "round": self.round + 1,
                "pairs": pairing(self.config, len(self.seats), self.round + 1, removed)}

    def _result_event(self, pair: Pair, state: State | None = None) -> dict:
        """The event that reports a finished game (the pair's, or `state` once it is)."""
        state = pair.state if state is None else state
        return {"kind": "result", "round": self.round, "pair": pair.index,
                "labels": [self.seats[s].label if s is not None else "" for s in pair.seats],
                "types": list(state.types()), "outcome": state.current.outcome,
                "payoffs": [str(p) for p in state.payoffs()],
                "actions": list(state.actions_taken())}

    def _advance_pair(self, pair: Pair, now: float) -> list[Outbound]:
        state = pair.state
        if state.is_terminal:
            if pair.reported:
                return []
            return self._emit(self._result_event(pair), now)
        seat = pair.seats[state.to_move]
        if seat is None:
            return self._bot_move(pair, now, "empty")
        if self.seats[seat].botted:
            return self._bot_move(pair, now, "removed" if self.seats[seat].removed else "swap")
        return []


__all__ = ["Referee"]
