"""Provides `DebriefMaker`: the class debriefs of a host's rooms, made in a child process.

A room's debrief (its decisions beside the equilibria and the logit QRE fitted to them) takes
a fraction of a second of computing. Made in a thread of the host, it would hold Python's
interpreter lock while the other rooms still play, and their students would wait. So the host
starts one child process when it starts serving (spawned, at the lowest CPU priority), which
traces each game's QRE at once, before the session; at a room's end the host reads the room's
events and the child makes the text. When no child can be started (or it dies), the debrief
is made in a thread instead.
"""

from __future__ import annotations

import asyncio
import os
import pickle
import sys
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

SHORT_TURN = 0.0005
"""Seconds a thread may hold the interpreter before it must let another run, while a debrief
is made in a thread (Python's default, 5 ms, would make the event loop wait that long after
each of its system calls)."""

ORPHAN_CHECK = 0.25
"""Seconds between the child's checks that the host that started it is still there."""
_threads = [0, 0.005]
"""Debriefs being made in threads now, and the switch interval to restore after them."""


class short_turns:  # noqa: N801 - used as a context manager, like a function
    """Shortens the interpreter's switch interval while any debrief is made in a thread."""

    def __enter__(self) -> None:
        if _threads[0] == 0:
            _threads[1] = sys.getswitchinterval()
            sys.setswitchinterval(SHORT_TURN)
        _threads[0] += 1

    def __exit__(self, *exc) -> None:
        _threads[0] -= 1
        if _threads[0] == 0:
            sys.setswitchinterval(_threads[1])


_GAMES: list = []
"""In the child: the (game, solver result) pairs it makes debriefs for."""


def _start(blob: bytes, parent: int) -> None:
    """The child's start: it ends with the host (even one killed by -9, which cannot tell
    it), runs at the lowest priority, and traces its games' QRE now."""
    global _GAMES
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(ORPHAN_CHECK)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()
    try:
        os.nice(19)
    except OSError:   # pragma: no cover - a system that does not allow it
        pass
    from game.classroom.report import prepare_debrief

    _GAMES = pickle.loads(blob)
    for game, _ in _GAMES:
        prepare_debrief(game)


def _ready() -> bool:
    return True


def _make(index: int, events: list[dict]) -> str:
    from game.classroom.report import analyse, render

    game, result = _GAMES[index]
    return render(analyse(events, game, result))


class DebriefMaker:
    """Makes each room's class debrief (see the module docstring)."""

    def __init__(self, games: list[tuple]) -> None:
        self.games = games
        """(game, solver result) of each room."""
        distinct: dict[int, int] = {}
        for game, _ in games:
            distinct.setdefault(id(game), len(distinct))
        self._slot = [distinct[id(game)] for game, _ in games]
        self._distinct = list({id(g): (g, r) for g, r in games}.values())
        self._pool: ProcessPoolExecutor | None = None

    def start(self) -> None:
        """Starts the child (it traces the games' QRE while the session begins)."""
        if self._pool is not None:
            return
        import multiprocessing

        try:
            blob = pickle.dumps(self._distinct)
            self._pool = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                initializer=_start, initargs=(blob, os.getpid()))
            self._pool.submit(_ready)
        except (OSError, pickle.PicklingError, RuntimeError, AttributeError, TypeError):
            self._pool = None

    async def make(self, index: int, events: list[dict]) -> str:
        """The debrief of room `index` from its events."""
        if self._pool is not None:
            try:
                return await asyncio.get_running_loop().run_in_executor(
                    self._pool, _make, self._slot[index], events)
            except (BrokenProcessPool, OSError, pickle.PicklingError, RuntimeError):
                self.close()   # the child is gone: threads from now on
        from game.classroom.report import analyse, render

        game, result = self.games[index]
        with short_turns():
            return await asyncio.to_thread(lambda: render(analyse(events, game, result)))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


__all__ = ["DebriefMaker", "short_turns"]
