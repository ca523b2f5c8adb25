"""Provides how a classroom session is set up: its configuration, seats, pairs and matching.

`RoomConfig` is stored as a session's first event, so a resumed room is the same room;
`pairing` decides who plays whom (and in which role) in a round, from the seed alone.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass

from game.engine.state import State

MATCHINGS = ("random", "fixed", "perfect-strangers")
ROLE_SCHEMES = ("rotate", "fixed")


@dataclass(frozen=True)
class RoomConfig:
    """How a session runs (stored as the first event, so a resumed room is the same room)."""

    code: str
    instructor_token: str
    seed: int
    rounds: int = 5
    matching: str = "random"
    roles: str = "rotate"
    roster: tuple[str, ...] | None = None
    timeout: float | None = 60.0
    """Seconds per decision before a bot moves instead (None: no timer)."""
    elicit_beliefs: bool = False
    autostart: int = 0
    """Start by itself once this many participants have joined (0: wait for the instructor)."""

    def to_dict(self) -> dict:
        return {"code": self.code, "instructor_token": self.instructor_token, "seed": self.seed,
                "rounds": self.rounds, "matching": self.matching, "roles": self.roles,
                "roster": list(self.roster) if self.roster is not None else None,
                "timeout": self.timeout, "elicit_beliefs": self.elicit_beliefs,
                "autostart": self.autostart}

    @classmethod
    def from_dict(cls, data: dict) -> RoomConfig:
        data = dict(data)
        if data.get("roster") is not None:
            data["roster"] = tuple(data["roster"])
        return cls(**data)


def new_code(rng: random.Random | None = None) -> str:
    """A short room code (no look-alike letters)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    pick = (rng or secrets.SystemRandom()).choice
    return "".join(pick(alphabet) for _ in range(6))


def new_token() -> str:
    """A secret seat or instructor token."""
    return secrets.token_urlsafe(18)


@dataclass
class Seat:
    index: int
    label: str
    token: str
    conn: str | None = None
    botted: bool = False


@dataclass
class Pair:
    index: int
    seats: tuple[int | None, int | None]
    """Seat index playing each role (None: a bot fills an odd place)."""
    state: State
    turn_started: float = 0.0
    deadline: float | None = None
    reported: bool = False


def pairing(config: RoomConfig, seat_count: int, round_: int) -> list[list[int | None]]:
    """Pairs for a round: even and odd seats face each other (None: a bot fills a gap), matched
    by the session's scheme, with roles swapped every other round when they rotate."""
    evens: list[int | None] = list(range(0, seat_count, 2))
    odds: list[int | None] = list(range(1, seat_count, 2))
    n = max(len(evens), len(odds))
    evens += [None] * (n - len(evens))
    odds += [None] * (n - len(odds))
    scheme = config.matching
    if scheme == "random":
        random.Random(f"{config.seed}:match:{round_}").shuffle(odds)
    elif scheme == "perfect-strangers":
        shift = (round_ - 1) % n if n else 0
        odds = odds[shift:] + odds[:shift]
    pairs = []
    for a, b in zip(evens, odds):
        if a is None and b is None:
            continue
        if config.roles == "rotate" and round_ % 2 == 0:
            a, b = b, a
        pairs.append([a, b])
    return pairs


__all__ = ["MATCHINGS", "ROLE_SCHEMES", "Pair", "RoomConfig", "Seat", "new_code", "new_token",
           "pairing"]
