"""Event logs: exact values survive a round trip; a log with huge numbers is refused at once."""

from __future__ import annotations

import json
import time
from fractions import Fraction

import pytest

from game.engine.log import EventLog, LogFormatError


def _log(values: dict) -> str:
    return json.dumps({"format": "deterrence-log/1", "scenario": "x", "values": values,
                       "seed": 3, "rounds": 1, "actions": ["a"]})


def test_exact_values_are_read_back():
    log = EventLog.from_json(_log({"p": "1/3", "a": "-2", "q": "0.25"}))
    assert log.values == {"p": Fraction(1, 3), "a": Fraction(-2), "q": Fraction(1, 4)}


@pytest.mark.parametrize("value", ["1e999999999", "9" * 5000, "1.5e309", "1/0", "x"])
def test_a_value_that_is_not_a_bounded_exact_number_is_refused(value):
    start = time.perf_counter()
    with pytest.raises(LogFormatError, match="cannot be read"):
        EventLog.from_json(_log({"p": value}))
    assert time.perf_counter() - start < 0.5
