"""`r` reloads the open scenario file wherever a scenario is open: a broken file shows its
located problems and the current game stays; a fixed one is asked about during a decision and
re-solved on the debrief (keeping the play when the game tree is unchanged)."""

from __future__ import annotations

import threading
from fractions import Fraction
from pathlib import Path

from textual.widgets import LoadingIndicator, Static

from game.scenario.library import resolve
from game.tui.app import make_app
from game.tui.screens.briefing import BriefingScreen
from game.tui.screens.debrief import DebriefScreen
from game.tui.screens.decision import DecisionScreen
from game.tui.screens.dialogs import ConfirmDialog, ProblemsDialog
from game.tui.screens.outcome import OutcomeScreen
from game.tui.session import SolveCache
from tests.tui.helpers import fast_solver, solved, to_decision, wait_ready

SCENARIO = resolve("public-threat").read_text(encoding="utf-8")
BROKEN = SCENARIO.replace("  p:\n    value: 1/3", "  p:\n    value: 7/3")
NEW_TITLE = SCENARIO.replace("title: The Public Threat", "title: The Edited Threat")
NEW_COST = SCENARIO.replace("  a:\n    value: 1\n", "  a:\n    value: 2\n")
NEW_TREE = SCENARIO.replace("action: fight,", "action: strike,")


async def until(pilot, condition, tries: int = 300) -> None:
    """Waits (settling workers and messages, not sleeping blindly) until `condition()`."""
    for _ in range(tries):
        if condition():
            return
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    raise AssertionError(f"never true; at {pilot.app.screen!r}")


async def polled(pilot, condition, seconds: float = 60) -> None:
    """Waits until `condition()` without waiting for workers (a test's solve is held back)."""
    for _ in range(int(seconds / 0.02)):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"never true; at {pilot.app.screen!r}")


async def to_outcome(pilot) -> None:
    await to_decision(pilot)
    while isinstance(pilot.app.screen, DecisionScreen):
        await pilot.press("1")
        await pilot.pause()
    await wait_ready(pilot, OutcomeScreen)


async def break_and_see_problems(pilot, path: Path, screen_type) -> None:
    """Writes the broken file, presses r: the located problems, then the same screen again."""
    before = pilot.app.screen
    path.write_text(BROKEN, encoding="utf-8")
    await pilot.press("r")
    await wait_ready(pilot, ProblemsDialog)
    assert any(str(path) in problem.format() for problem in pilot.app.screen.problems)
    await pilot.press("escape")
    await wait_ready(pilot, screen_type)
    assert pilot.app.screen is before


async def test_reload_during_a_decision_asks_and_no_keeps_the_game(tmp_path: Path):
    path = tmp_path / "threat.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    app = make_app(str(path), seed=2, solver=fast_solver)
    async with app.run_test(size=(100, 32)) as pilot:
        await to_decision(pilot)
        screen = app.screen
        driver, state = screen.driver, screen.driver.state
        await break_and_see_problems(pilot, path, DecisionScreen)
        assert screen.driver is driver and driver.state is state
        path.write_text(NEW_TITLE, encoding="utf-8")
        await pilot.press("r")
        await wait_ready(pilot, ConfirmDialog)
        assert "The Edited Threat" in str(app.screen.query_one("#question", Static).render())
        await pilot.press("n")
        await wait_ready(pilot, DecisionScreen)
        assert app.screen is screen and screen.driver is driver and driver.state is state
        assert screen.spec.title == "The Public Threat"
        await pilot.press("1")                     # the game goes on as it was
        await pilot.pause()
        assert driver.state is not state


async def test_reload_during_a_decision_restarts_with_the_new_file(tmp_path: Path):
    path = tmp_path / "threat.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    app = make_app(str(path), seed=2, solver=fast_solver)
    async with app.run_test(size=(100, 32)) as pilot:
        await to_decision(pilot)
        path.write_text(NEW_TITLE, encoding="utf-8")
        await pilot.press("r")
        await wait_ready(pilot, ConfirmDialog)
        await pilot.press("y")
        await wait_ready(pilot, BriefingScreen)
        await solved(pilot)
        assert app.screen.spec.title == "The Edited Threat"
        await pilot.press("enter")
        await wait_ready(pilot, DecisionScreen)
        assert app.screen.spec.title == "The Edited Threat"


async def test_reload_on_the_debrief_keeps_the_play_when_the_tree_is_unchanged(tmp_path: Path):
    path = tmp_path / "threat.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    app = make_app(str(path), seed=2, solver=fast_solver)
    async with app.run_test(size=(100, 32)) as pilot:
        await to_outcome(pilot)
        await pilot.press("enter")
        await wait_ready(pilot, DebriefScreen)
        screen = app.screen
        played = screen.state.actions_taken()
        await break_and_see_problems(pilot, path, DebriefScreen)
        assert screen.game.values["a"] == 1 and screen.result is not None
        path.write_text(NEW_COST, encoding="utf-8")
        await pilot.press("r")
        await until(pilot, lambda: not screen.solving and screen.result is not None)
        assert screen.game.values["a"] == Fraction(2)
        assert screen.state.game is screen.game and screen.state.actions_taken() == played
        assert screen.result is fast_solver(screen.game)
        summary = str(screen.query_one("#summary", Static).render())
        assert "game tree is unchanged" in summary and "What happened:" in summary
        assert "YOUR DECISIONS" in str(screen.query_one("#decisions", Static).render())


async def test_reload_on_the_debrief_says_when_the_tree_changed(tmp_path: Path):
    path = tmp_path / "threat.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    app = make_app(str(path), seed=2, solver=fast_solver)
    async with app.run_test(size=(100, 32)) as pilot:
        await to_outcome(pilot)
        path.write_text(NEW_TREE, encoding="utf-8")
        await pilot.press("r")                     # from the outcome: reload, then the debrief
        await wait_ready(pilot, DebriefScreen)
        screen = app.screen
        await until(pilot, lambda: screen.note and not screen.solving)
        assert screen.state is None
        assert "game tree has changed" in str(screen.query_one("#summary", Static).render())
        assert "strike" in {a for node in screen.game.nodes for a in node.actions}
        assert "THE EQUILIBRIA (" in str(screen.query_one("#equilibria", Static).render())


async def test_the_debrief_shows_a_loading_indicator_while_the_solve_runs(tmp_path: Path):
    path = tmp_path / "threat.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    gate = threading.Event()
    gate.set()

    def gated(game):
        assert gate.wait(60)
        return fast_solver(game)

    app = make_app(str(path), seed=2, solver=gated)
    try:
        async with app.run_test(size=(100, 32)) as pilot:
            await to_outcome(pilot)
            await pilot.press("enter")
            await wait_ready(pilot, DebriefScreen)
            screen = app.screen
            gate.clear()
            path.write_text(NEW_COST, encoding="utf-8")
            await pilot.press("r")
            await until(pilot, lambda: screen.solving)
            await pilot.pause()
            assert screen.query_one("#loading", LoadingIndicator).display
            assert "being solved" in str(screen.query_one("#equilibria", Static).render())
            await pilot.press("t")                     # the screen answers meanwhile
            await pilot.pause()
            assert app.focused is screen.query_one("#tree")
            gate.set()
            await until(pilot, lambda: not screen.solving)
            assert not screen.query_one("#loading", LoadingIndicator).display
            assert "being solved" not in str(screen.query_one("#equilibria", Static).render())
    finally:
        gate.set()             # never leave a solver thread blocked


def test_the_solve_cache_solves_a_game_once_for_concurrent_callers():
    from game.tui.session import load

    _, game = load("public-threat")
    calls, started, release = [], threading.Event(), threading.Event()

    def slow(g):
        calls.append(g)
        started.set()
        assert release.wait(30)
        return object()

    cache = SolveCache(slow)
    results = []
    threads = [threading.Thread(target=lambda: results.append(cache.solve(game)))
               for _ in range(3)]
    threads[0].start()
    assert started.wait(30)
    for thread in threads[1:]:
        thread.start()
    assert cache.running(game)
    release.set()
    for thread in threads:
        thread.join(30)
    assert len(calls) == 1 and len(results) == 3 and len({id(r) for r in results}) == 1
    assert cache.get(game) is results[0] and not cache.running(game)


async def test_an_opponent_without_a_solve_starts_at_once_and_the_solve_is_shared():
    """Hawk needs no equilibrium: the match starts while the app's solve (begun when the game
    was chosen) runs; the panels and then the debrief take that same solve (one call)."""
    gate, calls = threading.Event(), []

    def gated(game):
        calls.append(game)
        assert gate.wait(60)
        return fast_solver(game)

    app = make_app("public-threat", opponent="hawk", seed=2, solver=gated)
    try:
        async with app.run_test(size=(100, 32)) as pilot:
            await polled(pilot, lambda: getattr(app.screen, "driver", None) is not None)
            assert isinstance(app.screen, BriefingScreen) and app.screen.result is None
            assert "still being solved" in str(app.screen.query_one("#status", Static).render())
            await pilot.press("enter")
            await polled(pilot, lambda: isinstance(app.screen, DecisionScreen))
            assert "not shown" in str(app.screen.query_one("#belief", Static).render())
            while isinstance(app.screen, DecisionScreen):
                await pilot.press("1")
                await pilot.pause()
            await polled(pilot, lambda: isinstance(app.screen, OutcomeScreen))
            await pilot.press("enter")
            await polled(pilot, lambda: isinstance(app.screen, DebriefScreen))
            screen = app.screen
            assert screen.solving and screen.query_one("#loading", LoadingIndicator).display
            gate.set()
            await until(pilot, lambda: not screen.solving)
            assert screen.result is not None and screen.state is not None
            assert "YOUR DECISIONS" in str(screen.query_one("#decisions", Static).render())
            assert len(calls) == 1
    finally:
        gate.set()             # never leave a solver thread blocked


async def test_the_live_panels_fill_in_when_a_late_solve_arrives():
    gate = threading.Event()

    def gated(game):
        assert gate.wait(60)
        return fast_solver(game)

    app = make_app("public-threat", opponent="hawk", seed=2, solver=gated)
    try:
        async with app.run_test(size=(100, 32)) as pilot:
            await polled(pilot, lambda: getattr(app.screen, "driver", None) is not None)
            await pilot.press("enter")
            await polled(pilot, lambda: isinstance(app.screen, DecisionScreen))
            screen = app.screen
            assert "not shown" in str(screen.query_one("#values", Static).render())
            gate.set()
            await until(pilot, lambda: screen.result is not None)
            await pilot.pause()
            assert "Worth to you" in str(screen.query_one("#values", Static).render())
    finally:
        gate.set()             # never leave a solver thread blocked


async def test_a_file_broken_at_the_start_loads_with_r_once_fixed(tmp_path: Path):
    """Opened broken (from the command line), the file's problems show in a dialog whose `r`
    loads it again: still broken, the dialog comes back; fixed, the briefing opens."""
    path = tmp_path / "threat.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    app = make_app(str(path), solver=fast_solver)
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_ready(pilot, ProblemsDialog)
        assert app.screen.retry and app.screen.problems
        await pilot.press("r")                       # not fixed yet: the problems again
        await wait_ready(pilot, ProblemsDialog)
        path.write_text(SCENARIO, encoding="utf-8")
        await pilot.press("r")
        await wait_ready(pilot, BriefingScreen)
        assert app.screen.spec.title == "The Public Threat"


async def test_a_large_game_is_ready_within_its_budget_and_takes_the_solve_when_it_comes():
    """A campaign past the large-game size: when the solve is not done within its budget,
    the briefing is Ready with a random opponent and says why; a solve that arrives before
    the match starts gives the equilibrium opponent back."""
    import time

    from game.tui.session import LARGE_GAME_SECONDS, default_solver, load

    gate = threading.Event()
    solved_once = default_solver(load("public-threat", rounds=3)[1])   # its 1 s budget

    def slow(game):
        assert gate.wait(60)
        return solved_once

    app = make_app("public-threat", rounds=3, seed=2, solver=slow)
    try:
        async with app.run_test(size=(100, 32)) as pilot:
            start = time.monotonic()
            await polled(pilot, lambda: getattr(app.screen, "driver", None) is not None)
            assert time.monotonic() - start < LARGE_GAME_SECONDS + 5
            status = str(app.screen.query_one("#status", Static).render())
            assert "still working on this game" in status and "random opponent" in status
            assert app.screen.bot.name == "random"
            gate.set()
            await polled(pilot, lambda: app.screen.result is not None)
            assert app.screen.bot.name != "random" or not app.screen.result.equilibria
    finally:
        gate.set()


async def test_chain_store_is_solved_with_its_mixed_search_aside_from_the_app(monkeypatch):
    """The app solves in a worker thread; there chain-store's mixed search runs in a forked
    child (`game.solver.aside`), and the briefing gets the complete answer from it."""
    import pytest

    from game.solver import aside as aside_module

    if not aside_module.available():
        pytest.skip("no fork here, or a single core")
    made = []
    original = aside_module.Aside.__init__

    def counted(self, *args) -> None:
        made.append(args[0].__name__)
        original(self, *args)

    monkeypatch.setattr(aside_module.Aside, "__init__", counted)
    app = make_app("chain-store", seed=1)   # the real solver, as `deterrence play` runs it
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_ready(pilot, BriefingScreen)
        await polled(pilot, lambda: app.screen.result is not None)
        result = app.screen.result
        status = str(app.screen.query_one("#status", Static).render())
    assert made == ["mixed_pbe_solve"]
    assert result.complete and any(not e.pure for e in result.equilibria)
    assert status.startswith("Ready (")
