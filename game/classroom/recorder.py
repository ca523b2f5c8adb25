"""Provides `Recorder`: writes a room's events to its log before the room applies them.

After a failed write it refuses further events at once, without touching the database, until
`retry` seconds have passed, then tries again; the room shows the problem to the instructor
(`Room.store_problem`) and `report` is told when it starts and when it ends.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from game.classroom.room import Room
from game.classroom.storage import NotStoredError, RoomLog

RETRY = 0.5
"""Seconds between two attempts to write to a database that refused a write."""


@dataclass
class Recorder:
    """Stores a room's events (see the module docstring)."""

    store: RoomLog
    room: Room
    report: Callable[[str | None], None] | None = None
    """Told the problem when storing fails, and None when it works again."""
    retry: float = RETRY
    failures: int = 0
    _retry_at: float = 0.0

    def __call__(self, event: dict) -> None:
        self.many([event])

    def many(self, events: list[dict]) -> None:
        """Writes events in one transaction, all or none.

        Raises:
            NotStoredError: nothing was written (the room must not apply them).
        """
        problem = self._before()
        try:
            self.store.append(events)
        except NotStoredError as err:
            self._failed(err)
            raise
        self._worked(problem)

    def _before(self) -> str | None:
        problem = self.room.store_problem
        if problem is not None and time.monotonic() < self._retry_at:
            raise NotStoredError(problem)
        return problem

    def _failed(self, err: NotStoredError) -> None:
        self.failures += 1
        self._retry_at = time.monotonic() + self.retry
        self.room.dirty = True
        if self.room.store_problem is None and self.report is not None:
            self.report(str(err))
        self.room.store_problem = str(err)

    def _worked(self, problem: str | None) -> None:
        if problem is not None:
            self.room.store_problem = None
            self.room.dirty = True
            if self.report is not None:
                self.report(None)


__all__ = ["RETRY", "Recorder"]
