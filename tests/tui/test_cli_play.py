"""`deterrence play` arguments: every bad one ends in a clean usage error before any screen."""

from __future__ import annotations

import pytest

from game.cli import main


@pytest.mark.parametrize("args, message", [
    (["public-threat", "--opponent", "nonsense"], "unknown opponent"),
    (["public-threat", "--opponent", "qre:abc"], "qre:LAMBDA needs a number"),
    (["public-threat", "--as", "nobody"], "no player 'nobody'"),
    (["public-threat", "--as", "challenger", "--type", "bogus"], "has no type 'bogus'"),
    (["public-threat", "--rounds", "99"], "--rounds must be between 1 and 12"),
    (["public-threat", "--set", "p=abc"], "not an exact number"),
    (["--type", "resolved"], "need a scenario"),
    (["public-threat", "--plain", "--web"], "cannot be combined"),
    (["public-threat", "--plain", "--opponent", "nonsense"], "unknown opponent"),
    (["nosuch"], "There is no shipped scenario 'nosuch'"),
    (["chiken"], "Did you mean 'chicken'?"),
    (["chiken", "--plain"], "Did you mean 'chicken'?"),
])
def test_bad_play_arguments_are_clean_usage_errors(args, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["play", *args])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_the_web_command_uses_this_python_by_absolute_path():
    import argparse
    import sys

    from game.cli.play import web_command

    args = argparse.Namespace(scenario="public-threat", role="challenger", own_type=None,
                              opponent="qre:2", rounds=None, seed=3, exam=True,
                              set=["p=1/2"])
    command = web_command(args)
    assert command.startswith(sys.executable)
    assert "--web" not in command and "--opponent qre:2" in command and "--exam" in command


def _plain(monkeypatch, capsys, answers, *args):
    """Runs `deterrence play --plain` with scripted answers at the prompts."""
    import io

    from rich.console import Console

    from game.cli import commands

    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(answers) + "\n"))
    monkeypatch.setattr(commands, "console", Console(file=io.StringIO(), width=100,
                                                     highlight=False))
    assert main(["play", *args, "--plain"]) == 0
    return commands.console.file.getvalue()


@pytest.mark.parametrize("opponent", ["equilibrium", "qre:2", "learner", "hawk", "dove",
                                      "bluffer", "random"])
def test_plain_prints_the_equilibria_and_the_prior_against_every_opponent(
        opponent, monkeypatch, capsys):
    out = _plain(monkeypatch, capsys, ["1"] * 6, "public-threat", "--as", "challenger",
                 "--seed", "4", "--opponent", opponent)
    assert "Prior over State A's type: Resolved 1/3, Irresolute 2/3" in out
    assert "THE EQUILIBRIA" in out and "1. semi-separating:" in out
    assert "THE EQUILIBRIA IN FULL" in out and "YOUR DECISIONS" in out
    assert "Seed: 4" in out and f"Opponent: {opponent.split(':')[0]}" in out
    assert "Parameters: p = 1/3, a = 1" in out
    assert "Worth to you" in out and "What State B believes about you" in out


def test_plain_hot_seat_passes_the_keyboard(monkeypatch, capsys):
    out = _plain(monkeypatch, capsys, ["1", "", "1", "", "1", "", "1"], "escalation-ladder",
                 "--opponent", "human", "--seed", "1")
    assert "THE DECISIONS" in out and "Hot-seat" in out


def test_plain_exam_hides_the_answers_and_grades_predictions(monkeypatch, capsys):
    out = _plain(monkeypatch, capsys, ["1", "2", "1", "1"], "public-threat", "--as",
                 "challenger", "--type", "resolved", "--seed", "3", "--exam")
    before = out.split("DEBRIEF")[0]
    assert "Worth: hidden (exam mode)." in before and "Risk of disaster" not in before
    assert "The solver found" not in before and "so it always fights" not in before
    assert "YOUR PREDICTIONS:" in out


MARKUP = "[link=http://example.invalid]x[/link][/]"


@pytest.fixture
def hostile_file(tmp_path):
    """public-threat with escape codes, NUL bytes and rich markup (`[/]`) in every text."""
    from tests.cli.test_hostile import hostile_text

    path = tmp_path / "public-threat.yaml"
    path.write_text(hostile_text(), encoding="utf-8")
    return path


@pytest.mark.parametrize("extra", [["--as", "challenger", "--seed", "4"],
                                   ["--as", "defender", "--seed", "2", "--exam"]])
def test_plain_prints_file_text_with_markup_as_written(extra, hostile_file, monkeypatch,
                                                       capsys):
    out = _plain(monkeypatch, capsys, ["1"] * 8, str(hostile_file), *extra)
    # the title (a panel title), the payoff table's cells, a decision's title and actions,
    # the outcome's title and the debrief all print the text as it is, markup and all
    assert out.count(MARKUP) > 20
    for part in out.split("DEBRIEF"):
        assert MARKUP in part
    assert "\x1b" not in out and "\x00" not in out and "\u241b[31m" in out


def test_plain_hot_seat_with_markup_in_the_players_names(hostile_file, monkeypatch, capsys):
    out = _plain(monkeypatch, capsys, ["1", "", "1", "", "1", "", "1"], str(hostile_file),
                 "--opponent", "human", "--seed", "1")
    assert "THE DECISIONS" in out and out.count(MARKUP) > 20


@pytest.mark.parametrize("scenario, answers", [
    ("public-threat", ["1", "", "1", "", "2", "", "2"]),       # threat, resist, back down
    ("escalation-ladder", ["1", "", "1", "", "1", "", "1"]),
    ("chicken", ["1", "", "1", "", "1"]),
])
def test_hot_seat_decisions_speak_of_each_player_by_name(scenario, answers, monkeypatch,
                                                         capsys):
    import re

    out = _plain(monkeypatch, capsys, answers, scenario, "--opponent", "human", "--seed", "1")
    decisions = out.split("THE DECISIONS")[1].split("THE EQUILIBRIA")[0]
    words = re.findall(r"[a-z]+", decisions.lower())
    assert "you" not in words and "your" not in words, decisions
    assert "State A chose" in " ".join(decisions.split())
    assert "Hot-seat: two players shared this terminal" in out
