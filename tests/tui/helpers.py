"""Shared helpers for the TUI tests: a fast, memoised solver and a play-through driver."""

from __future__ import annotations

from game.solver.solve import solve
from game.tui.session import SolveCache

_CACHE: dict[tuple, object] = {}


def fast_solver(game):
    """A deterministic solver for tests: the complete search (no time budget that could cut
    it short under load) for games up to 100 nodes, pure equilibria only beyond; memoised."""
    key = SolveCache.key(game)
    if key not in _CACHE:
        big = len(game.nodes) > 100
        _CACHE[key] = solve(game, mixed=not big, seconds=120)
    return _CACHE[key]


async def wait_ready(pilot, screen_type, tries: int = 200) -> None:
    """Waits (awaiting workers, not sleeping blindly) until `screen_type` is on top."""
    for _ in range(tries):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if isinstance(pilot.app.screen, screen_type):
            return
    raise AssertionError(f"{screen_type.__name__} never appeared; at {pilot.app.screen!r}")


async def solved(pilot) -> None:
    """Waits until the briefing has its match."""
    for _ in range(200):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if getattr(pilot.app.screen, "driver", None) is not None:
            return
    raise AssertionError("the briefing never finished solving")


def screen_text(app) -> str:
    """All text currently rendered in the top screen's Static widgets and shown buttons."""
    from textual.widgets import Button, Static

    parts = []
    for widget in app.screen.query(Static):
        parts.append(str(widget.render()))
    parts += [str(button.label) for button in app.screen.query(Button) if button.display]
    return "\n".join(parts)


def painted(app) -> str:
    """Everything on the terminal right now (all layers), as plain text, one row per line."""
    import html
    import re

    svg = app.export_screenshot()
    rows: dict[float, list[tuple[float, str]]] = {}
    for match in re.finditer(r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]*)</text>',
                             svg):
        x, y = float(match.group(1)), float(match.group(2))
        rows.setdefault(y, []).append((x, html.unescape(match.group(3)).replace("\xa0", " ")))
    return "\n".join("".join(text for _, text in sorted(rows[y])) for y in sorted(rows))


async def to_decision(pilot) -> None:
    """From a briefing being solved to the match's first decision screen."""
    from game.tui.screens.decision import DecisionScreen

    await solved(pilot)
    await pilot.press("enter")
    await wait_ready(pilot, DecisionScreen)
