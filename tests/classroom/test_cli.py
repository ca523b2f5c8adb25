"""The classroom commands: usage errors exit 2 without a traceback; export and report run."""

from __future__ import annotations

import json

import pytest

from game.classroom.room import RoomConfig
from game.classroom.server import open_session, session_event
from game.cli import main
from tests.classroom.conftest import solved


@pytest.mark.parametrize("argv", [
    ["host"], ["host", "--resume"], ["host", "public-threat", "--rounds", "0"],
    ["host", "public-threat", "--roster", "/nonexistent/roster.txt"],
    ["host", "public-threat", "--bot", "nonsense"],
    ["host", "--resume", "--db", "/nonexistent/folder/x.sqlite"],
    ["join", "nocolon", "--code", "X", "--name", "a"],
    ["report", "/nonexistent.sqlite"], ["export", "/nonexistent.sqlite", "--csv", "/tmp/x"],
    ["loadtest", "--clients", "1"],
])
def test_usage_errors_exit_two(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        raise SystemExit(main(argv))
    assert exit_info.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def _finished_db(path):
    from game.classroom.protocol import Belief, Instructor, Join, Move

    game, result = solved("signal-choice")
    config = RoomConfig(code="ABC234", instructor_token="instructor-token-1", seed=2, rounds=2,
                        timeout=None, elicit_beliefs=True)
    room, store = open_session(str(path), resume=False, game=game, result=result,
                               session=session_event("signal-choice", {}, None, config,
                                                     "equilibrium", game))
    now = 1.0
    for i in range(4):
        room.handle(f"c{i}", Join(type="join", code="ABC234", name=f"s{i}"), now)
    room.handle("i", Instructor(type="instructor", token="instructor-token-1",
                                command="start"), now)
    store.append(room.drain())
    for _ in range(200):
        if room.ended:
            break
        for pair in room.pairs:
            state = pair.state
            if state.is_terminal:
                continue
            role = state.to_move
            conn = f"c{pair.seats[role]}"
            types = [t.id for t in game.spec.players[1 - role].types]
            decision = room.decision_id(pair)
            room.handle(conn, Belief(type="belief", round=room.round, decision=decision,
                                     beliefs={types[0]: 0.5, types[1]: 0.5}), now)
            room.handle(conn, Move(type="move", round=room.round, decision=decision,
                                   action=state.legal_actions()[0]), now)
            store.append(room.drain())
    store.close()
    assert room.ended


def test_export_and_report(tmp_path, capsys):
    db = tmp_path / "s.sqlite"
    _finished_db(db)
    assert main(["export", str(db), "--json", str(tmp_path / "x.json"),
                 "--csv", str(tmp_path / "csv")]) == 0
    data = json.loads((tmp_path / "x.json").read_text())
    assert data["decisions"] and all(not r["bot"] for r in data["decisions"])
    assert all(r["stated_belief"] for r in data["decisions"])
    assert (tmp_path / "csv" / "decisions.csv").read_text().startswith("session,round,pair")
    capsys.readouterr()
    assert main(["report", str(db), "--markdown"]) == 0
    text = capsys.readouterr().out
    assert "# Class debrief" in text and "| signal\\|high |" in text
    assert "Stated beliefs" in text


def test_the_data_has_times_move_order_partners_and_the_design(tmp_path, capsys):
    import csv
    from datetime import datetime

    db = tmp_path / "s.sqlite"
    _finished_db(db)
    assert main(["export", str(db), "--csv", str(tmp_path / "csv")]) == 0
    rows = list(csv.DictReader((tmp_path / "csv" / "decisions.csv").open()))
    assert rows
    for row in rows:
        stamp = datetime.fromisoformat(row["at"])   # absolute, with its UTC offset
        assert stamp.tzinfo is not None and stamp.year >= 2024
        assert row["partner"] and row["partner"] != row["participant"]
        assert (row["matching"], row["roles"], row["type_draws"]) == \
            ("random", "rotate", "stratified")
    games: dict[tuple, list[int]] = {}
    for row in rows:
        games.setdefault((row["round"], row["pair"]), []).append(int(row["move"]))
    assert all(order == list(range(1, len(order) + 1)) for order in games.values())
    assert any(len(order) > 1 for order in games.values())
    rounds = list(csv.DictReader((tmp_path / "csv" / "rounds.csv").open()))
    assert all(datetime.fromisoformat(r["started_at"]) <= datetime.fromisoformat(r["ended_at"])
               for r in rounds)
    session = next(csv.DictReader((tmp_path / "csv" / "session.csv").open()))
    assert "stratified" in session["design"] and session["type_draws"] == "stratified"
    capsys.readouterr()
    assert main(["report", str(db)]) == 0
    text = capsys.readouterr().out
    students = len({r["participant"] for r in rows})
    assert students == 4
    assert f"{len(rows)} decisions by 4 students over 2 rounds" in text
    assert "Design: random partners each round, roles alternate every round" in text
