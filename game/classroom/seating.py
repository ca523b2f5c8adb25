"""Provides how a classroom session is set up: its configuration, seats, pairs and matching.

`RoomConfig` is stored as a session's first event, so a resumed room is the same room;
`pairing` decides who plays whom (and in which role) in a round, from the seed alone;
`TypeDealer` deals each participant their private types.
"""

from __future__ import annotations

import math
import random
import secrets
from dataclasses import dataclass, field
from fractions import Fraction

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
    type_draws: str = "stratified"
    """How Nature deals private types: "stratified" (each participant gets their types in
    shuffled blocks in the prior's proportions) or "independent" (a fresh draw from the prior
    for every game: the design under fixed matching, where a partner's past types would
    otherwise tell the next one)."""
    max_seats: int = 300
    """The most participants the session admits (a roster admits its own names only)."""
    name: str = ""
    """The room's name for people ("Section A"; "" for a host's only room)."""

    def to_dict(self) -> dict:
        return {"code": self.code, "instructor_token": self.instructor_token, "seed": self.seed,
                "rounds": self.rounds, "matching": self.matching, "roles": self.roles,
                "roster": list(self.roster) if self.roster is not None else None,
                "timeout": self.timeout, "elicit_beliefs": self.elicit_beliefs,
                "autostart": self.autostart, "type_draws": self.type_draws,
                "max_seats": self.max_seats, "name": self.name}

    def design(self) -> str:
        """The session's design in words (for the report and the data)."""
        matching = {"random": "random partners each round", "fixed": "fixed partners",
                    "perfect-strangers": "perfect strangers (no partner twice)"}
        roles = "roles alternate every round" if self.roles == "rotate" else "fixed roles"
        draws = ("types drawn independently from the prior for every game"
                 if self.type_draws == "independent" else
                 "types dealt to each participant in shuffled blocks in the prior's "
                 "proportions (stratified)")
        return f"{matching.get(self.matching, self.matching)}, {roles}; {draws}"

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


def type_draws_for(matching: str) -> str:
    """The type-draw design that fits a matching scheme: independent draws with fixed
    partners (a stratified deck would let a partner count the types already seen),
    stratified otherwise."""
    return "independent" if matching == "fixed" else "stratified"


@dataclass
class Seat:
    index: int
    label: str
    token: str
    conn: str | None = None
    botted: bool = False
    removed: bool = False
    """Removed by the instructor: a bot finishes the current game, and the seat sits out
    every later round; its token no longer works."""


@dataclass
class Pair:
    index: int
    seats: tuple[int | None, int | None]
    """Seat index playing each role (None: a bot fills an odd place)."""
    state: State
    turn_started: float = 0.0
    deadline: float | None = None
    """When the decision timer runs out (monotonic seconds; None: no timer)."""
    reported: bool = False
    bot_steps: set[int] = field(default_factory=set)
    """Positions in `state.steps` of the moves a bot made (timeouts, swaps, empty seats)."""


def pairing(config: RoomConfig, seat_count: int, round_: int,
            removed: frozenset[int] = frozenset()) -> list[list[int | None]]:
    """Pairs for a round: even and odd seats face each other (None: a bot fills a gap), matched
    by the session's scheme, with roles swapped every other round when they rotate.

    Removed seats sit out: under fixed matching their partners keep their places and meet a
    bot; otherwise the remaining seats are paired among themselves."""
    if config.matching == "fixed":
        seats: list[int | None] = [None if s in removed else s for s in range(seat_count)]
    else:
        seats = [s for s in range(seat_count) if s not in removed]
    evens: list[int | None] = seats[0::2]
    odds: list[int | None] = seats[1::2]
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


__all__ = ["MATCHINGS", "ROLE_SCHEMES", "Pair", "RoomConfig", "Seat", "TypeDealer", "new_code",
           "new_token", "pairing", "type_draws_for"]


@dataclass
class TypeDealer:
    """Deals types from a shuffled deck per participant and role, so each participant meets
    each of their types about as often as the prior says (in blocks of the prior's common
    denominator D); from the session seed alone, so a resumed room deals the same."""

    seed: int
    draws: dict[tuple[int, int], int] = field(default_factory=dict)
    """(seat, role) -> how many types were dealt so far."""
    decks: dict[tuple[int, int], tuple[int, tuple, list[int]]] = field(default_factory=dict)
    """(seat, role) -> (block, prior, its shuffled deck of types)."""

    def deal(self, seat: int, role: int, probs: tuple[Fraction, ...]) -> int | None:
        """The next type's index for this seat in this role; None when D is past 24 (then the
        caller draws at random)."""
        size = math.lcm(*(p.denominator for p in probs))
        if size > 24:
            return None
        count = self.draws.get((seat, role), 0)
        self.draws[(seat, role)] = count + 1
        block, position = divmod(count, size)
        cached = self.decks.get((seat, role))
        if cached is not None and cached[:2] == (block, probs):
            deck = cached[2]
        else:   # shuffled once per block, not once per draw
            deck = [i for i, p in enumerate(probs) for _ in range(int(p * size))]
            random.Random(f"{self.seed}:deck:{seat}:{role}:{block}").shuffle(deck)
            self.decks[(seat, role)] = (block, probs, deck)
        return deck[position]
