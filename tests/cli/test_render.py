"""What the command line prints: nothing cut at 80 columns, deep trees in sections, no recursion."""

from __future__ import annotations

import io
import re
from pathlib import Path

from rich.console import Console

from game.cli import main
from game.cli.render import scenario_table
from game.cli.solution import show_solution
from game.model.expand import expand_game
from game.scenario.efg import load_efg_text
from game.scenario.library import resolve
from game.scenario.load import load_scenario
from tests.scenario.generated import chain_scenario, deep_efg, shallow_stack


def _at_80(monkeypatch) -> io.StringIO:
    """Points the command's console at an 80-column buffer; returns the buffer."""
    buffer = io.StringIO()
    monkeypatch.setattr("game.cli.commands.console", Console(width=80, file=buffer,
                                                             highlight=False))
    return buffer


def test_list_never_cuts_an_id_at_80_columns(monkeypatch):
    out = _at_80(monkeypatch)
    assert main(["list"]) == 0
    text = out.getvalue()
    assert "…" not in text
    ids = [p.stem for p in sorted((Path(__file__).parents[2] / "scenarios").glob("*.yaml"))]
    for scenario_id in ids:
        assert re.search(rf"^ {re.escape(scenario_id)} ", text, re.MULTILINE), scenario_id
    assert max(len(line) for line in text.splitlines()) <= 80


def test_a_40_character_id_is_whole_and_the_other_columns_wrap():
    rows = [{"id": "a" * 40, "title": "A Very Long Title That Must Wrap", "minutes": 180,
             "concepts": ["stability-instability", "pooling-and-separating"],
             "difficulty": "introductory"}]
    console = Console(width=80, file=io.StringIO())
    console.print(scenario_table(rows))
    text = console.file.getvalue()
    assert "a" * 40 in text and "…" not in text
    assert "introductory" in text and "180" in text


def test_solve_wraps_information_set_names_instead_of_cutting_them():
    from game.solver.solve import solve

    game = expand_game(load_scenario(resolve("deterrence-baseline")), rounds=3)
    result = solve(game, seconds=5.0)
    assert result.equilibria
    console = Console(width=80, file=io.StringIO())
    show_solution(console, result)
    text = console.file.getvalue()
    assert "…" not in text
    lines = text.splitlines()
    header = next(line for line in lines if "information set" in line)
    start = header.index("information set")
    end = header.index("play", start)
    column = "".join(line[start:end] for line in lines[lines.index(header) + 1:]
                     if line.startswith("│ State")
                     or (line.startswith("│   ") and line[start:end].strip()))
    column = re.sub(r"\s", "", column)
    longest = max((i.label for i in game.infosets), key=len)
    assert len(longest) > end - start  # it must wrap to fit
    for infoset in game.infosets:
        assert infoset.label in column, infoset.label


def test_show_prints_a_500_decision_chain_in_sections(tmp_path, monkeypatch):
    path = tmp_path / "chain.yaml"
    path.write_text(chain_scenario(500), encoding="utf-8")
    out = _at_80(monkeypatch)
    assert main(["show", str(path)]) == 0
    text = out.getvalue()
    assert "Continued at d5" in text and "Continued at d495" in text
    assert text.count("decides at d") == 500  # every decision drawn once
    assert max(len(line) for line in text.splitlines()) <= 80


def test_check_and_export_a_500_decision_chain(tmp_path, capsys):
    path = tmp_path / "chain.yaml"
    path.write_text(chain_scenario(500), encoding="utf-8")
    out = tmp_path / "chain.efg"
    with shallow_stack(400):  # rich and argparse need some frames; the tree's 1,001 need none
        assert main(["check", str(path)]) == 0
        assert main(["export", str(path), "--efg", str(out)]) == 0
        game = load_efg_text(out.read_text(encoding="utf-8"))
    assert len(game.nodes) == 1001


def test_show_a_900_deep_efg_file(tmp_path, monkeypatch):
    path = tmp_path / "deep.efg"
    path.write_text(deep_efg(900), encoding="utf-8")
    out = _at_80(monkeypatch)
    assert main(["show", str(path)]) == 0
    text = out.getvalue()
    assert "One at i0" in text and "Two at i899" in text and "Continued at node" in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_a_shared_stage_node_is_drawn_once():
    from game.cli.render import print_sections, stage_tree_sections

    spec = load_scenario(resolve("escalation-ladder"))
    console = Console(width=100, file=io.StringIO())
    print_sections(console, stage_tree_sections(spec))
    text = console.file.getvalue()
    decisions = [n for n in spec.nodes if f"at {n}" in text]
    assert all(text.count(f"decides at {n}") <= 1 for n in decisions)


def test_long_tree_lines_wrap_under_their_guides():
    from game.cli.render import print_sections, stage_tree_sections

    spec = load_scenario(resolve("escalation-ladder"))
    console = Console(width=60, file=io.StringIO())
    print_sections(console, stage_tree_sections(spec))
    lines = console.file.getvalue().splitlines()
    assert max(len(line) for line in lines) <= 60
    # A wrapped line continues under its own text, keeping the guide of the siblings below.
    first = next(i for i, line in enumerate(lines) if "It slides to the top" in line)
    assert lines[first].startswith("    │   │   ├── [It slides")
    assert lines[first + 1].startswith("    │   │   │   ") and "disaster" in lines[first + 1]


def test_a_10000_node_scenario_checks_shows_and_exports(tmp_path, monkeypatch, capsys):
    from tests.scenario.generated import wide_scenario

    path = tmp_path / "wide.yaml"
    path.write_text(wide_scenario(10_000), encoding="utf-8")
    assert path.stat().st_size < 1_000_000
    out = _at_80(monkeypatch)
    assert main(["check", str(path)]) == 0
    assert main(["show", str(path)]) == 0
    text = out.getvalue()
    # Past 300 rows, tables print as aligned lines; the tree draws every stage node once.
    assert "Information sets of the full game (3,749 rows)" in text
    assert "Payoffs (symbol = value) (14,996 rows)" in text
    assert text.count("decides at n") == 2_499
    efg = tmp_path / "wide.efg"
    assert main(["export", str(path), "--efg", str(efg)]) == 0
    assert len(load_efg_text(efg.read_text(encoding="utf-8")).nodes) == 1 + 2 * 9_997


def test_many_equilibria_past_the_first_are_listed_a_line_each(monkeypatch, tmp_path, capsys):
    """With more equilibria than are shown in full, the rest get one line each (number, kind,
    verdicts), a large game's tables keep to the path, and the JSON turns compact past its
    size limit; nothing is lost from the JSON."""
    import json

    from game.cli import commands, solution
    from game.scenario.efg import game_to_efg
    from tests.benchmarks.solver import random_game

    path = tmp_path / "g.efg"
    path.write_text(game_to_efg(random_game(3, 4, 4, 2, seed=1)), encoding="utf-8")
    monkeypatch.setattr(solution, "FULL_SHOWN", 2)
    monkeypatch.setattr(solution, "LARGE_GAME", 5)
    out = _at_80(monkeypatch)
    assert main(["solve", str(path), "--seconds", "20"]) == 0
    text = out.getvalue()
    assert "Equilibrium 2:" in text and "Equilibrium 3:" not in text
    brief = text[text.index("in brief"):]
    assert re.search(r"^3 ", brief, re.MULTILINE)
    assert "off the path (the game has" in " ".join(text.replace("│", " ").split())
    assert main(["solve", str(path), "--seconds", "20", "--format", "json"]) == 0
    indented = capsys.readouterr().out
    monkeypatch.setattr(commands, "LARGE_JSON", 1)
    assert main(["solve", str(path), "--seconds", "20", "--format", "json"]) == 0
    compact = capsys.readouterr().out
    assert "\n  " in indented and "\n" not in compact.strip()
    assert json.loads(compact)["equilibria"] == json.loads(indented)["equilibria"]
