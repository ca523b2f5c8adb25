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
    (["public-threat", "--plain", "--opponent", "hawk"], "plain interface supports"),
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
