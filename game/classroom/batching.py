"""Provides `Batching`: a `Room`'s group commit of the messages that arrive together.

A mixin of `game.classroom.room.Room`. The moves of different games, and the joins that make
new seats, are validated without changing anything (`stage`), then stored in one write and
applied (`_commit`). The results of the games those moves finish, and the next round when
they complete it, are stored in the same write (`_closing`). A class that answers, or
arrives, at once thus costs one write, not one per student. Anything else is handled on its
own, after what was staged before it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from game.classroom.outbox import Outbound
from game.classroom.protocol import Join, Move, error
from game.classroom.store import NotStoredError

if TYPE_CHECKING:
    from game.classroom.seating import Pair
    from game.engine.state import State


class Batching:
    """The group commit of a `Room` (see the module docstring)."""

    # What it uses of the room (declared for readers and type checkers; the room has them).
    pairs: list[Pair]
    record: Callable[[dict], None] | None
    record_many: Callable[[list[dict]], None] | None
    wall: Callable[[], float]
    handle: Callable[[str, object, float], list[Outbound]]
    _progress: Callable[[float], list[Outbound]]
    _emit_many: Callable[[list[dict], float], list[Outbound]]
    _stage_move: Callable[[str, Move, float], tuple[dict | None, dict | None]]
    _stage_join: Callable[[str, Join, list[tuple[str, dict]]], dict | None]
    _seated: Callable[[str, int], list[Outbound]]
    _resolved: Callable[..., State | None]
    _result_event: Callable[..., dict]
    _with_next_round: Callable[[list[dict]], list[dict]]

    def handle_batch(self, items: list[tuple[str, object]], now: float) -> list[Outbound]:
        """Handles messages that arrived together, in order. The moves among them in different
        games, and the joins that make new seats, are stored together (one transaction: a
        group commit), then applied, so a class answering (or arriving) at once costs one
        write, not one per student; any other message, or a second move in a game, waits for
        those before it to be stored and applied."""
        out: list[Outbound] = []
        rest = list(items)
        while rest:
            staged, refused, rest = self.stage(rest, now)
            out += refused + self._commit(staged, now)
            if rest:
                conn, message = rest.pop(0)
                out += self.handle(conn, message, now)
        return out + self._progress(now)

    def stage(self, items: list[tuple[str, object]], now: float
              ) -> tuple[list[tuple[str, dict]], list[Outbound], list[tuple[str, object]]]:
        """Validates the moves and new seats' joins at the head of `items` (up to any other
        message, a second move in a game, or a join that is not plainly a new seat) without
        changing anything. Returns the events of the valid ones (with their connections), the
        replies refusing the others, and the items left."""
        staged: list[tuple[str, dict]] = []
        refused: list[Outbound] = []
        if self.record is not None and self.record_many is None:
            return staged, refused, list(items)   # no group commit: one by one
        rest: list[tuple[str, object]] = []
        for position, (conn, message) in enumerate(items):
            if isinstance(message, Join):
                event = self._stage_join(conn, message, staged)
                if event is None:
                    rest = list(items[position:])
                    break
                staged.append((conn, event))
                continue
            if not isinstance(message, Move):
                rest = list(items[position:])
                break
            event, problem = self._stage_move(conn, message, now)
            if problem is not None:
                refused.append((conn, problem))
                continue
            if any(e["kind"] == "move" and e["pair"] == event["pair"] for _, e in staged):
                rest = list(items[position:])
                break
            event.setdefault("t", self.wall())
            staged.append((conn, event))
        return staged + self._closing(staged), refused, rest

    def _closing(self, staged: list[tuple[str, dict]]) -> list[tuple[str, dict]]:
        """The results of the games the staged moves finish (when nothing is left to chance
        that would deal a type), and the next round (or the end) when they complete the
        round: stored in the same write, applied after the moves (with no connection)."""
        results = []
        for _, event in staged:
            if event["kind"] != "move":
                continue
            pair = self.pairs[event["pair"]]
            after = self._resolved(pair, pair.state.play(event["action"]), deal=False)
            if after is not None and after.is_terminal:
                results.append(self._result_event(pair, after))
        results.sort(key=lambda e: e["pair"])
        stamp = self.wall()
        return [("", {**event, "t": stamp}) for event in self._with_next_round(results)]

    def _commit(self, staged: list[tuple[str, dict]], now: float) -> list[Outbound]:
        """Stores the staged moves and joins at once and applies them; when they cannot be
        stored, each sender is told and nothing changes."""
        if not staged:
            return []
        try:
            out = self._emit_many([event for _, event in staged], now)
        except NotStoredError as err:
            return refusals(staged, err)
        for conn, event in staged:
            if event["kind"] == "join":
                out += self._seated(conn, event["seat"])
        return out

def refusals(staged: list[tuple[str, dict]], err: NotStoredError) -> list[Outbound]:
    """The replies to the senders whose staged moves or joins could not be stored."""
    return [(conn, not_saved(err)) for conn, _ in staged if conn]


def not_saved(err: NotStoredError) -> dict:
    return error("not_saved", f"{err}. Nothing was recorded; the instructor has been told. "
                              "Try again in a moment.")


__all__ = ["Batching", "not_saved", "refusals"]
