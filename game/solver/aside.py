"""Provides `Aside`: one computation run in a forked child process while this one goes on.

The solver's searches are pure Python, so two of them share one core under the interpreter lock;
in a child made by `fork` one of them gets a core of its own, with the game already built (the
child inherits this process's memory, nothing is sent to it). Its answer comes back pickled
through a pipe.

It is used only where it is safe and pays: on Linux (on macOS a forked child may not use every
system library; Windows has no fork), with two cores or more for this process, and unless
`DETERRENCE_SOLVER_PROCESSES=1` asks for one process. Whatever goes wrong in the child (an
error, a crash, no answer in time) makes `result` return None, and the caller then computes it
itself: the child makes an answer sooner, not a different one.

The child runs only the function it was given: no garbage collection (which could run another
object's finaliser), no exit handlers and no buffered output flushed (it leaves by `os._exit`).
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import select
import signal
import sys
import time
import warnings
import weakref
from collections.abc import Callable
from typing import Any

ENVIRONMENT = "DETERRENCE_SOLVER_PROCESSES"
"""Set to 1 to keep every search in this process."""


def available() -> bool:
    """Can a computation be run aside here (see the module docstring)?"""
    if os.environ.get(ENVIRONMENT, "").strip() == "1":
        return False
    if sys.platform != "linux" or not hasattr(os, "fork"):
        return False
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):   # pragma: no cover - Linux has it
        cores = os.cpu_count() or 1
    return cores >= 2


def _stop(pid: int, read: int) -> None:
    """Stops and reaps an abandoned child (its Aside was dropped without `result`)."""
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        os.close(read)
    with contextlib.suppress(OSError):
        os.waitpid(pid, 0)


class Aside:
    """`function(*args)` computed in a forked child; `result(timeout)` collects it. A child
    whose Aside is dropped uncollected (the caller failed meanwhile) is stopped and reaped."""

    @classmethod
    def start(cls, function: Callable[..., Any], *args: Any) -> Aside | None:
        """A new Aside, or None when no process can be made now (the caller computes it)."""
        try:
            return cls(function, *args)
        except OSError:
            return None

    def __init__(self, function: Callable[..., Any], *args: Any) -> None:
        read, write = os.pipe()
        try:
            with warnings.catch_warnings():   # Python 3.12+ warns when threads exist; the
                warnings.simplefilter("ignore", DeprecationWarning)   # child only runs `function`
                pid = os.fork()
        except OSError:
            os.close(read)
            os.close(write)
            raise
        if pid == 0:   # the child: compute, send, leave at once
            status = 1
            try:
                gc.disable()
                os.close(read)
                with contextlib.suppress(ValueError):   # Ctrl+C ends it with the parent
                    signal.signal(signal.SIGINT, signal.SIG_DFL)
                payload = pickle.dumps(function(*args), protocol=pickle.HIGHEST_PROTOCOL)
                view = memoryview(payload)
                while view:
                    view = view[os.write(write, view):]
                status = 0
            except BaseException:  # noqa: BLE001, S110 - the parent computes it itself
                pass
            finally:
                os._exit(status)
        os.close(write)
        self.pid, self._read = pid, read
        self._done = False
        self._abandoned = weakref.finalize(self, _stop, pid, read)

    def result(self, timeout: float) -> Any | None:
        """The child's answer, or None when it failed or gave none within `timeout` seconds
        (it is then stopped). Only the first call waits; the others return None."""
        if self._done:
            return None
        self._done = True
        self._abandoned.detach()
        chunks: list[bytes] = []
        deadline = time.monotonic() + timeout
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([self._read], [], [], left)[0]:
                    os.kill(self.pid, signal.SIGKILL)
                    return None
                chunk = os.read(self._read, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
        finally:
            os.close(self._read)
            _, status = os.waitpid(self.pid, 0)
        if status != 0 or not chunks:
            return None
        try:
            return pickle.loads(b"".join(chunks))
        except Exception:  # noqa: BLE001 - a truncated answer: computed here instead
            return None

    def cancel(self) -> None:
        """Stops the child (when its answer is no longer wanted)."""
        if not self._done:
            self._done = True
            self._abandoned()


__all__ = ["ENVIRONMENT", "Aside", "available"]
