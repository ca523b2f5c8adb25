"""The `deterrence` command: exit codes, output, and no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from game.cli import main

ROOT = Path(__file__).parents[2]
BAD = ROOT / "tests" / "scenario" / "bad"


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "game", *args], capture_output=True, text=True,
                          input=stdin, cwd=ROOT, timeout=120)


def test_help_lists_the_commands():
    result = run("--help")
    assert result.returncode == 0
    for command in ("play", "list", "check", "show", "solve"):
        assert command in result.stdout


def test_list_as_json(capsys):
    assert main(["list", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {"public-threat", "deterrence-baseline"} <= {r["id"] for r in rows}


def test_check_exit_codes(capsys):
    assert main(["check", str(ROOT / "scenarios")]) == 0
    assert main(["check", str(BAD / "cycle.yaml")]) == 1
    err = capsys.readouterr().err
    assert "cycle.yaml:29:26  nodes[1].moves[1].to  The stage loops back" in err
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "no/such/file.yaml"])
    assert exit_info.value.code == 2


def test_check_every_bad_file_without_a_traceback():
    result = run("check", str(BAD))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    assert result.stderr.count("\n") >= 25


def test_show_prints_tree_infosets_and_payoffs(capsys):
    assert main(["show", "public-threat", "--set", "a=2"]) == 0
    out = capsys.readouterr().out
    assert "Information sets" in out and "response" in out and "-a = -2" in out


@pytest.mark.parametrize("bad", [["--set", "a"], ["--set", "a=x+"], ["--set", "a=q"]])
def test_bad_set_is_a_usage_error(bad, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["show", "public-threat", *bad])
    assert exit_info.value.code == 2
    assert "--set" in capsys.readouterr().err


def test_out_of_range_set_is_a_located_problem(capsys):
    assert main(["show", "public-threat", "--set", "p=2"]) == 1
    assert "outside its range [0, 1]" in capsys.readouterr().err


def test_unknown_scenario_suggests(capsys):
    assert main(["show", "public-thret"]) == 1
    assert "Did you mean 'public-threat'" in capsys.readouterr().err


def test_solve_json_has_the_documented_shape(capsys):
    assert main(["solve", "public-threat", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["game"]["players"] == ["State A", "State B"]
    eq = data["equilibria"][0]
    assert set(eq) >= {"pure", "kind", "behavior", "beliefs", "on_path", "outcomes", "payoffs",
                       "refinements", "continuum"}
    assert eq["behavior"]["State B"]["response"] == {"concede": "1/2", "resist": "1/2"}


def test_play_plain_against_the_equilibrium_bot():
    result = run("play", "deterrence-baseline", "--as", "challenger", "--seed", "3", "--plain",
                 stdin="1\n")
    assert result.returncode == 0, result.stderr
    assert "Outcome" in result.stdout and "Traceback" not in result.stderr


def test_play_rejects_an_unknown_role():
    result = run("play", "public-threat", "--as", "nobody")
    assert result.returncode == 2 and "no player 'nobody'" in result.stderr


def test_export_efg_then_solve_the_file(tmp_path, capsys):
    out = tmp_path / "game.efg"
    assert main(["export", "signal-strength", "--efg", str(out)]) == 0
    assert out.read_text().startswith("EFG 2 R")
    capsys.readouterr()
    assert main(["solve", str(out), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["equilibria"]


def test_export_needs_a_destination(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["export", "signal-strength"])
    assert caught.value.code == 2
    assert "--efg" in capsys.readouterr().err


def test_a_broken_efg_file_is_located(tmp_path, capsys):
    bad = tmp_path / "bad.efg"
    bad.write_text('EFG 2 R "x" { "A" "B" }\n""\np "" 1 1 "s" { "a" } 0\nt "" 1 "o" { 1 }\n')
    assert main(["solve", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad.efg:4:" in err and "Traceback" not in err


def test_sweep_json_reports_exact_thresholds(capsys):
    assert main(["sweep", "brinkmanship", "--param", "p=1/2:3/5:1/10", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["format"] == "deterrence-sweep/1"
    assert [t["low"] for t in report["thresholds"] if t["exact"]] == ["9/17"]


def test_sweep_text_and_csv(capsys):
    assert main(["sweep", "signal-strength", "--param", "s=1/4:3/4:1/4"]) == 0
    out = capsys.readouterr().out
    assert "s = 1/2 exactly" in out and "Legend" in out
    assert main(["sweep", "signal-strength", "--param", "s=1/4:3/4:1/4", "--format", "csv"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0] == "s,regime,complete" and len(rows) == 4


@pytest.mark.parametrize("args", [
    ["sweep", "brinkmanship"],
    ["sweep", "brinkmanship", "--param", "q=0:1:1/2"],
    ["sweep", "brinkmanship", "--param", "p=0:2:1/2"],
    ["sweep", "brinkmanship", "--param", "p=0:1"],
    ["sweep", "brinkmanship", "--param", "p=0:1:1/10000"],
])
def test_sweep_bad_ranges_are_usage_errors(args, capsys):
    with pytest.raises(SystemExit) as caught:
        main(args)
    assert caught.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_show_reads_an_efg_file(tmp_path, capsys):
    out = tmp_path / "game.efg"
    assert main(["export", "public-threat", "--efg", str(out)]) == 0
    capsys.readouterr()
    assert main(["show", str(out)]) == 0
    shown = capsys.readouterr().out
    assert "threat|irresolute" in shown and "War" in shown


@pytest.mark.parametrize("value", ["1e999999999", "((9^12)^12)^12", "9" * 5000, "1.5e309"])
def test_huge_set_values_are_usage_errors_at_once(value, capsys):
    import time

    start = time.perf_counter()
    with pytest.raises(SystemExit) as caught:
        main(["show", "deterrence-baseline", "--set", f"k_C={value}"])
    assert caught.value.code == 2 and time.perf_counter() - start < 2
    assert "--set k_C" in capsys.readouterr().err


def test_a_sweep_range_with_huge_numbers_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["sweep", "deterrence-baseline", "--param", "k_C=0:" + "9" * 200 + ":1"])
    assert caught.value.code == 2
    assert "too many digits" in capsys.readouterr().err
