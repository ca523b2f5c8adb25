"""Provides `run` and `run_app`: the host's event loop, uvloop where it is installed.

uvloop (libuv under asyncio's interface) halves the host's answer times when a whole
department's rooms answer at once: on the two-core benchmark machine, 8 rooms x 40 students
answering in the same instant with PostgreSQL, p99 fell from about 42 ms to about 23 ms
(`tests/benchmarks/classroom.py`), because accepting, reading and writing hundreds of sockets is
the server's main cost. It is not available on Windows; there, and wherever it is missing, the
standard loop serves, as before. The instructor console (a Textual app serving the rooms in its
own loop) gets the same loop through `run_app`."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's new loop, or None (asyncio's own) when uvloop cannot be imported."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def run(main: Coroutine[Any, Any, T]) -> T:
    """Runs `main` to its end on a new loop (see the module docstring), as `asyncio.run` does:
    Ctrl+C cancels it and raises KeyboardInterrupt."""
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        return runner.run(main)


def run_app(app, **options) -> Any:
    """Runs a Textual app (`app.run(**options)`) on a new loop (see the module docstring), and
    closes that loop after it."""
    factory = loop_factory()
    if factory is None:
        return app.run(**options)
    loop = factory()
    try:
        return app.run(loop=loop, **options)
    finally:
        loop.close()


__all__ = ["loop_factory", "run", "run_app"]
