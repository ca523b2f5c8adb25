"""Golden tests: every bad scenario file gives exactly the expected located messages.

Each `bad/x.yaml` has `bad/x.expected.txt`. Set UPDATE_GOLDEN=1 to rewrite the goldens (then
review the diff: it is a change in what instructors read).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from game.scenario.errors import ScenarioError
from game.scenario.load import load_scenario_text

BAD = Path(__file__).parent / "bad"
FILES = sorted(BAD.glob("*.yaml"))


def test_there_are_at_least_25_bad_files():
    assert len(FILES) >= 25


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_bad_file_messages(path: Path):
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(path.read_text(encoding="utf-8"), path.name)
    got = caught.value.format() + "\n"
    for problem in caught.value.problems:
        assert problem.line >= 1 and problem.column >= 1
        assert problem.message.lstrip("'").strip()[0].isupper() or problem.message.startswith("'"), problem.message
    expected_path = path.with_suffix(".expected.txt")
    if os.environ.get("UPDATE_GOLDEN"):
        expected_path.write_text(got, encoding="utf-8")
    assert got == expected_path.read_text(encoding="utf-8")
