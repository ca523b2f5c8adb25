"""The instructor console runs the server, starts the session, shows progress and the debrief;
projected, it shows no token and no live per-type counts; `e` asks first (and an unconfirmed
end is not in the log a resumed session replays); `k` removes a student, `i` gives a new seat
token."""

from __future__ import annotations

import asyncio
import html
import re
import time

from game.classroom.client import BotClient
from game.classroom.protocol import Join, Move
from game.classroom.store import EventStore
from game.tui.classroom_console import AskDialog, DebriefDialog, InstructorConsole, SecretDialog
from tests.classroom.conftest import LOOSE, make_room, solved


async def _until(pilot, condition, seconds: float = 15.0) -> bool:
    """Waits (bounded) until the condition holds: the machine may be slow."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except Exception:  # noqa: BLE001 - the widget may not be mounted yet
            pass
        await pilot.pause(0.1)
    return False


def rendered(app) -> str:
    """The text of the whole screen as drawn (what a projector shows)."""
    svg = app.export_screenshot()
    runs = re.findall(r"<text[^>]*>(.*?)</text>", svg, re.DOTALL)
    return html.unescape("".join(runs)).replace("\xa0", " ")


def _console(tmp_path, scenario: str = "public-threat", **options):
    _, result = solved(scenario)
    room = make_room(scenario, **options)
    store = EventStore(tmp_path / "s.sqlite")
    store.append([{"kind": "session", "t": 0, "scenario": scenario, "values": {},
                   "config": room.config.to_dict()}])
    return room, store, InstructorConsole(room, store, "127.0.0.1", 0, result, limits=LOOSE)


async def test_console_runs_a_session(tmp_path):
    room, store, app = _console(tmp_path, rounds=2)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause(0.2)
        url = f"ws://127.0.0.1:{app.server.port}"
        bots = [BotClient(url, "ABC234", f"s{i}", seed=i) for i in range(4)]
        tasks = [asyncio.create_task(b.run(timeout=30)) for b in bots]
        assert await _until(pilot, lambda: app.query_one("#roster").row_count == 4)
        await pilot.press("s")
        assert await _until(pilot, lambda: room.ended, 20)
        await asyncio.wait_for(asyncio.gather(*tasks), 10)
        assert await _until(pilot, lambda: app.query_one("#choices").row_count >= 1)
        await pilot.press("d")
        assert await _until(pilot, lambda: isinstance(app.screen, DebriefDialog))
        assert "Frequencies per information set" in app.screen.text
    store.close()


async def test_the_projected_console_shows_no_token_and_no_live_per_type_counts(tmp_path):
    game, _ = solved("signal-choice")
    type_words = {w.lower() for p in game.spec.players for t in p.types for w in (t.id, t.name)}
    hidden = re.compile(r"\b(" + "|".join(sorted(type_words)) + r")\b", re.IGNORECASE)
    room, store, app = _console(tmp_path, "signal-choice", rounds=2, timeout=None)
    async with app.run_test(size=(140, 40)) as pilot:
        for i in range(4):
            room.handle(f"k{i}", Join(type="join", code="ABC234", name=f"s{i}"), 0.0)
        await pilot.press("s")
        assert room.started and room.round == 1

        def move_once() -> None:   # one decision in every pair, by its human
            for pair in room.pairs:
                state = pair.state
                if not state.is_terminal:
                    seat = pair.seats[state.to_move]
                    room.handle(f"k{seat}", Move(type="move", round=room.round,
                                                 decision=room.decision_id(pair),
                                                 action=state.legal_actions()[0]), 1.0)

        move_once()
        app.refresh_status()
        await pilot.pause(0.1)
        text = rendered(app)
        assert "Round 1 of 2" in text and "pairs done" in text   # it does show the round
        assert TOKEN_1 not in text and not any(s.token in text for s in room.seats)
        assert not hidden.findall(text), hidden.findall(text)   # no type, no count per type
        for _ in range(10):   # round 1 to its end; round 2 begins
            if room.round == 2:
                break
            move_once()
        assert room.round == 2
        app.refresh_status()
        await pilot.pause(0.1)
        choices = app.query_one("#choices")

        def rows() -> list[tuple]:
            return [tuple(choices.get_row_at(i)) for i in range(choices.row_count)]

        settled = rows()
        assert settled and all(str(r[1]) in rendered(app) for r in settled)   # round 1's
        move_once()   # a move in round 2 changes nothing on the screen's counts
        app.refresh_status()
        await pilot.pause(0.1)
        assert rows() == settled
        assert TOKEN_1 not in rendered(app)
        await pilot.press("t")   # the instructor asks for the token: a dialog shows it
        assert isinstance(app.screen, SecretDialog) and TOKEN_1 in rendered(app)
        await pilot.press("x")   # any key hides it
        assert not isinstance(app.screen, SecretDialog) and TOKEN_1 not in rendered(app)
    store.close()


TOKEN_1 = "instructor-token-1"


async def test_end_asks_first_and_an_unconfirmed_end_is_not_replayed(tmp_path):
    room, store, app = _console(tmp_path, rounds=3, timeout=None)
    async with app.run_test(size=(140, 40)) as pilot:
        for i in range(2):
            room.handle(f"k{i}", Join(type="join", code="ABC234", name=f"s{i}"), 0.0)
        await pilot.press("s")
        await pilot.press("e")
        assert isinstance(app.screen, AskDialog)
        await pilot.press("n")   # a stray key: nothing ends
        await pilot.pause(0.1)
        assert not room.ended and not isinstance(app.screen, AskDialog)
        events = store.events()
        assert not any(e["kind"] == "end" for e in events)
        twin = make_room(rounds=3, timeout=None)   # what a resumed host rebuilds
        twin.replay(events, 0.0)
        assert twin.started and not twin.ended
        await pilot.press("e", "y")
        assert await _until(pilot, lambda: room.ended, 5)
        assert [e["kind"] for e in store.events()][-1] == "end"
    store.close()


async def test_console_keys_remove_a_student_and_give_a_new_token(tmp_path):
    from textual.widgets import DataTable

    room, store, app = _console(tmp_path, rounds=2, timeout=None)
    async with app.run_test(size=(140, 40)) as pilot:
        for i, name in enumerate(["ann lee", "bo", "cy"]):
            room.handle(f"k{i}", Join(type="join", code="ABC234", name=name), 0.0)
        app.refresh_status()
        await pilot.pause(0.1)
        roster = app.query_one("#roster", DataTable)
        roster.focus()
        roster.move_cursor(row=2)
        await pilot.press("k")
        assert isinstance(app.screen, AskDialog)
        await pilot.press("y")
        assert await _until(pilot, lambda: room.seats[2].removed, 5)
        old = room.seats[0].token
        roster.move_cursor(row=0)
        await pilot.press("i")
        assert await _until(pilot, lambda: isinstance(app.screen, SecretDialog), 5)
        new = room.seats[0].token
        assert new != old and new in app.screen.text and "ann lee" in app.screen.text
        await pilot.press("escape")
        assert new not in rendered(app)
        assert [e["kind"] for e in store.events()][-2:] == ["kick", "token"]
    store.close()


def test_the_console_serves_a_session_on_uvloop(tmp_path):
    """`deterrence host` with its console runs on uvloop where it is installed (`run_app`), as
    the headless host does: the whole session, from the joins to the end, on that loop."""
    import pytest

    from game.classroom.eventloop import run_app

    pytest.importorskip("uvloop")
    room, store, app = _console(tmp_path, rounds=2)
    seen: dict[str, object] = {}

    async def session(pilot) -> None:
        url = f"ws://127.0.0.1:{app.server.port}"
        bots = [BotClient(url, "ABC234", f"s{i}", seed=i) for i in range(4)]
        tasks = [asyncio.create_task(b.run(timeout=30)) for b in bots]
        seen["seated"] = await _until(pilot, lambda: app.query_one("#roster").row_count == 4)
        await pilot.press("s")
        seen["ended"] = await _until(pilot, lambda: room.ended, 20)
        await asyncio.wait_for(asyncio.gather(*tasks), 10)
        seen["loop"] = type(asyncio.get_running_loop()).__module__
        seen["bots"] = all(b.ended and not b.errors for b in bots)
        app.exit()

    run_app(app, headless=True, size=(140, 40), auto_pilot=session)
    store.close()
    assert seen == {"seated": True, "ended": True, "loop": "uvloop", "bots": True}
