"""A large game's mixed search runs in a forked child (`game.solver.aside`): the same answers as
in one process, and every failure of the child falls back to computing it here."""

from __future__ import annotations

import os
import time

import pytest

from game.solver import aside as aside_module
from game.solver.aside import ENVIRONMENT, Aside, available
from game.solver.solve import ASIDE_INFOSETS, solve
from game.tui.session import load

pytestmark = pytest.mark.skipif(not available(), reason="no fork here, or a single core")


def _pid() -> int:
    return os.getpid()


def _fails() -> None:
    raise ValueError("in the child")


def _sleeps(seconds: float) -> str:
    time.sleep(seconds)
    return "late"


def _reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_the_answer_comes_from_another_process():
    work = Aside(_pid)
    assert work.result(timeout=10) not in (None, os.getpid())
    assert _reaped(work.pid)
    assert work.result(timeout=10) is None   # collected once


def test_an_error_in_the_child_gives_none():
    work = Aside(_fails)
    assert work.result(timeout=10) is None
    assert _reaped(work.pid)


def test_a_child_that_does_not_answer_in_time_is_stopped():
    work = Aside(_sleeps, 30.0)
    started = time.monotonic()
    assert work.result(timeout=0.3) is None
    assert time.monotonic() - started < 5
    assert _reaped(work.pid)


def test_a_cancelled_child_is_stopped():
    work = Aside(_sleeps, 30.0)
    work.cancel()
    assert _reaped(work.pid)


def test_one_process_when_asked(monkeypatch):
    monkeypatch.setenv(ENVIRONMENT, "1")
    assert not available()


def _facts(e) -> tuple:
    return (e.kind, e.behaviour, e.on_path, e.beliefs, e.off_path_beliefs, e.payoffs,
            e.intuitive, e.d1, e.continuum, e.alternatives)


def _same(first, second) -> None:
    assert first.complete == second.complete
    assert first.notes == second.notes
    assert [_facts(e) for e in first.equilibria] == [_facts(e) for e in second.equilibria]
    assert first.weak_only == second.weak_only


def test_chain_store_is_solved_the_same_with_the_search_aside(monkeypatch):
    """Chain-store (39 information sets) has its mixed search run aside; the answer equals the
    one computed in one process, and the child really ran (its stage is the wait)."""
    _, game = load("chain-store")
    assert ASIDE_INFOSETS[0] <= len(game.infosets) <= ASIDE_INFOSETS[1]
    made = []
    original = aside_module.Aside.__init__

    def counted(self, *args):
        made.append(args[0].__name__)
        original(self, *args)

    monkeypatch.setattr(aside_module.Aside, "__init__", counted)
    both = solve(game)
    assert made == ["mixed_pbe_solve"]
    monkeypatch.setenv(ENVIRONMENT, "1")
    one = solve(game)
    assert made == ["mixed_pbe_solve"]   # not again
    _same(both, one)
    assert both.complete and any(not e.pure for e in both.equilibria)


def test_when_the_child_fails_the_search_runs_here(monkeypatch):
    _, game = load("chain-store")
    monkeypatch.setattr(aside_module.Aside, "result", lambda self, timeout: self.cancel())
    failed = solve(game)
    monkeypatch.setenv(ENVIRONMENT, "1")
    _same(failed, solve(game))


def test_a_dropped_child_is_stopped_and_reaped():
    import gc

    work = Aside(_sleeps, 30.0)
    pid = work.pid
    del work
    gc.collect()
    assert _reaped(pid)


def test_when_no_process_can_be_made_the_search_runs_here(monkeypatch):
    def refuse() -> int:
        raise BlockingIOError("no more processes")

    monkeypatch.setattr(aside_module.os, "fork", refuse)
    assert Aside.start(_pid) is None
    _, game = load("chain-store")
    result = solve(game)
    assert result.complete and any(not e.pure for e in result.equilibria)
