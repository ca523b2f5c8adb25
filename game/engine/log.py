"""Provides the event log: everything needed to replay a game exactly."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from fractions import Fraction

from game.engine.state import IllegalMoveError, State
from game.model.expr import format_fraction, parse_exact
from game.model.tree import Game


class LogFormatError(ValueError):
    """A saved log cannot be read."""


@dataclass(frozen=True, slots=True)
class EventLog:
    """A played game: the scenario, its parameters, the seed and every action in order."""

    scenario: str
    actions: tuple[str, ...]
    """Moves and chance outcomes (type draws included), in order."""
    values: dict[str, Fraction] = field(default_factory=dict)
    seed: int | None = None
    rounds: int = 1

    @classmethod
    def of(cls, state: State, scenario: str, seed: int | None = None) -> EventLog:
        """Returns the log of the game that led to `state`."""
        return cls(scenario=scenario, actions=state.actions_taken(), values=dict(state.game.values),
                   seed=seed, rounds=state.game.rounds)

    def to_json(self) -> str:
        """Serialises the log (exact values as "p/q" strings)."""
        return json.dumps({
            "format": "deterrence-log/1",
            "scenario": self.scenario,
            "values": {k: format_fraction(v) for k, v in sorted(self.values.items())},
            "seed": self.seed,
            "rounds": self.rounds,
            "actions": list(self.actions),
        }, indent=2)

    @classmethod
    def from_json(cls, text: str) -> EventLog:
        """Reads a log written by `to_json`.

        Raises:
            LogFormatError: the text is not a log.
        """
        try:
            data = json.loads(text)
            if data.get("format") != "deterrence-log/1":
                raise LogFormatError("this is not a deterrence game log (format deterrence-log/1)")
            return cls(scenario=str(data["scenario"]),
                       actions=tuple(str(a) for a in data["actions"]),
                       values={str(k): parse_exact(str(v))
                               for k, v in data.get("values", {}).items()},
                       seed=data.get("seed"), rounds=int(data.get("rounds", 1)))
        except LogFormatError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError, ZeroDivisionError) as error:
            raise LogFormatError(f"the log cannot be read: {error}") from None


def replay(game: Game, actions: tuple[str, ...] | list[str]) -> State:
    """Replays `actions` from the root and returns the final state.

    Raises:
        IllegalMoveError: an action is not legal where it was played.
    """
    state = State.initial(game)
    for position, action in enumerate(actions):
        try:
            state = state.play(action)
        except IllegalMoveError as error:
            raise IllegalMoveError(f"step {position + 1}: {error}") from None
    return state
