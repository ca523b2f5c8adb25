"""Escape codes, NUL bytes and rich markup in a file never reach the terminal.

A hostile copy of a shipped scenario puts terminal escape sequences (colours, clearing the
screen, setting the window title, hyperlinks), NUL bytes, C1 controls, bidi overrides and
rich markup into every text; `check`, `show`, `list` and `solve` must print them as visible
stand-ins.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from game.cli import main
from game.scenario.load import load_scenario
from game.scenario.yamlread import read_yaml

ROOT = Path(__file__).parents[2]
PAYLOAD = ("\x1b[31m\x1b[2J\x1b]0;owned\x07\x00\x9b1m\u202e\r"
           "[link=http://example.invalid]x[/link][/]")
FORBIDDEN = ("\x1b", "\x00", "\x07", "\x9b", "\u202e", "\r", "]8;")
TEXT_KEYS = {"title", "summary", "name", "role", "description", "text", "outcome", "label",
             "citation", "note"}


def _poison(node, key=None):
    if isinstance(node, dict):
        return {k: _poison(v, k) for k, v in node.items()}
    if isinstance(node, list):
        return [_poison(v, key if key == "debrief" else None) for v in node]
    if isinstance(node, str) and key in TEXT_KEYS | {"debrief"}:
        return node + PAYLOAD
    return node


def hostile_text(scenario: str = "public-threat") -> str:
    """The scenario with the payload appended to every text, as YAML (JSON with escapes)."""
    data, _ = read_yaml((ROOT / "scenarios" / f"{scenario}.yaml").read_text(encoding="utf-8"))
    return json.dumps(_poison(data), default=str, ensure_ascii=True, indent=1)


@pytest.fixture
def hostile(tmp_path) -> Path:
    path = tmp_path / "public-threat.yaml"
    path.write_text(hostile_text(), encoding="utf-8")
    return path


def _clean(output: str) -> None:
    for char in FORBIDDEN:
        assert char not in output, f"{char!r} reached the terminal"


def test_the_model_holds_no_control_characters(hostile):
    spec = load_scenario(hostile)
    texts = [spec.title, spec.summary, *spec.debrief]
    for player in spec.players:
        texts += [player.name, player.role]
        texts += [t.name for t in player.types] + [t.description for t in player.types]
    for node in spec.nodes.values():
        texts += [getattr(node, "title", ""), getattr(node, "text", ""),
                  getattr(node, "outcome", "")]
        texts += [m.label for m in getattr(node, "moves", ())]
    assert sum("\u241b[31m" in text for text in texts) >= 20  # visible stand-ins instead
    _clean("".join(texts))


def test_check_show_and_solve_print_stand_ins(hostile, capsys):
    assert main(["check", str(hostile)]) == 0
    assert main(["show", str(hostile)]) == 0
    shown = capsys.readouterr()
    _clean(shown.out + shown.err)
    assert "\u241b[2J" in shown.out and "[link=http://example.invalid]x[/link][/]" in shown.out
    assert main(["solve", str(hostile)]) == 0
    solved = capsys.readouterr()
    _clean(solved.out + solved.err)
    assert "\u241b]0;owned\u2407" in solved.out


def test_list_prints_stand_ins(hostile, monkeypatch, capsys):
    monkeypatch.setattr("game.scenario.library.scenarios_dir", lambda: hostile.parent)
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    _clean(out)
    assert "public-threat" in out and "\u2400" in out


def test_problems_quoting_the_file_print_stand_ins(tmp_path, capsys):
    text = hostile_text().replace('"root": "threat"', '"root": "thr\\u001b[31meat"')
    text = text.replace('"minutes": 10', '"minutes": "ten\\u0000\\u001b[2J"')
    text = text.replace('"outcome": "Status quo', '"outc\\u001b]0;x\\u0007ome": "Status quo')
    bad = tmp_path / "bad\x1b[31m.yaml"
    bad.write_text(text, encoding="utf-8")
    assert main(["check", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    _clean(err)
    assert err.count("bad\u241b[31m.yaml:") >= 3
    assert "'thr\u241b[31meat'" in err and "outc\u241b]0;x\u2407ome" in err


def test_an_efg_file_prints_stand_ins(hostile, tmp_path, capsys):
    out = tmp_path / "game.efg"
    game_text = (tmp_path / "g.efg")
    assert main(["export", str(hostile), "--efg", str(out)]) == 0
    text = out.read_text(encoding="ascii")  # the writer writes ASCII labels
    game_text.write_text(text.replace('"War', '"W\x1b[31mar\x00'), encoding="utf-8")
    capsys.readouterr()
    assert main(["show", str(game_text)]) == 0
    assert main(["solve", str(game_text)]) == 0
    captured = capsys.readouterr()
    _clean(captured.out + captured.err)
    assert "W\u241b[31mar\u2400" in captured.out
