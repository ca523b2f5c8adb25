"""The headless host's event loop: uvloop where installed, asyncio's own otherwise."""

from __future__ import annotations

import asyncio
import sys

import pytest

from game.classroom.eventloop import run


async def _loop_module() -> str:
    await asyncio.sleep(0)
    return type(asyncio.get_running_loop()).__module__


@pytest.mark.skipif(sys.platform == "win32", reason="uvloop is not installed on Windows")
def test_the_host_runs_on_uvloop_where_it_is_installed():
    assert run(_loop_module()).startswith("uvloop")


def test_without_uvloop_the_standard_loop_serves(monkeypatch):
    monkeypatch.setitem(sys.modules, "uvloop", None)   # `import uvloop` raises ImportError
    assert run(_loop_module()).startswith("asyncio")


def test_a_failure_inside_comes_out_as_it_was():
    async def fails() -> None:
        raise ValueError("inside")

    with pytest.raises(ValueError, match="inside"):
        run(fails())
