"""Provides `opponent_model`: what a computer opponent plays at each of its information sets.

The live panels show figures "against this opponent" beside the equilibrium's. For that the
opponent's play is written as a behaviour strategy: the probability of each action at each of
its information sets. Every shipped bot plays a function of its information set (which, in a
game with observed actions, is the public history and its own type), so asking the bot at one
position of each information set gives its whole strategy:

- `equilibrium` and `qre:LAMBDA` publish their probabilities (`distribution`);
- `hawk`, `dove` and `bluffer` are deterministic (their choice has probability 1);
- `random` is uniform over the legal actions;
- `learner` best-replies to its belief (ties at random: uniform over its best actions).

A human opponent has no model (None).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from fractions import Fraction

ONE = Fraction(1)

HOW = {
    "equilibrium": "it plays equilibrium {n}'s probabilities",
    "qre": "it plays its logit QRE probabilities (rounded)",
    "hawk": "it always takes the most aggressive action",
    "dove": "it always takes the least aggressive action",
    "bluffer": "hawk at its first move of a round, then dove",
    "random": "it picks uniformly at random",
    "learner": "it best-replies to its Bayes belief about you",
}
"""How each kind of opponent's probabilities were found, in words."""


@dataclass(frozen=True)
class OpponentModel:
    """The computer opponent's play as a behaviour strategy."""

    name: str
    """The bot's name ("hawk", "qre:2", "equilibrium")."""
    player: int
    """The opponent's seat."""
    behaviour: dict[int, tuple[Fraction, ...]]
    """Infoset id -> probability of each action, for the opponent's information sets."""
    exact: bool
    """False when the probabilities were rounded from decimals (QRE)."""
    how: str
    """How its probabilities were found, in words."""
    equilibrium_index: int | None = None
    """For an equilibrium bot: the equilibrium it plays."""


def _exact(probs: list[float]) -> tuple[Fraction, ...]:
    """Decimal probabilities as fractions (denominators up to 10000) that add up to 1."""
    rounded = [Fraction(p).limit_denominator(10_000) for p in probs]
    rounded[-1] = ONE - sum(rounded[:-1], Fraction(0))
    if rounded[-1] < 0:                     # rounding pushed the others past 1
        total = sum((Fraction(p).limit_denominator(10_000) for p in probs), Fraction(0))
        rounded = [Fraction(p).limit_denominator(10_000) / total for p in probs]
    return tuple(rounded)


def _point(actions: tuple[str, ...], chosen) -> tuple[Fraction, ...]:
    size = len(chosen)
    return tuple(ONE / size if a in chosen else Fraction(0) for a in actions)


def opponent_model(game, bot, player: int) -> OpponentModel | None:
    """The bot's behaviour at every information set of `player` (None for a human or an
    unknown kind of bot)."""
    from game.engine.state import State
    from game.engine.view import view_of
    from game.solver.structure import Structure

    if bot is None:
        return None
    name = str(getattr(bot, "name", ""))
    kind = name.partition(":")[0]
    if kind not in HOW:
        return None
    structure = Structure(game)
    behaviour: dict[int, tuple[Fraction, ...]] = {}
    exact = True
    for infoset in game.infosets:
        if infoset.player != player:
            continue
        member = infoset.members[0]
        view = view_of(State(game, member, structure.steps[member]), player)
        actions = infoset.actions
        if kind in ("equilibrium", "qre"):
            shares = bot.distribution(view)
            raw = [shares.get(a, 0) for a in actions]
            if all(isinstance(p, Fraction) or isinstance(p, int) for p in raw):
                behaviour[infoset.id] = tuple(Fraction(p) for p in raw)
            else:
                exact = False
                behaviour[infoset.id] = _exact([float(p) for p in raw])
        elif kind == "random":
            behaviour[infoset.id] = _point(actions, actions)
        elif kind == "learner":
            values = bot.values(view)
            best = max(values.values())
            behaviour[infoset.id] = _point(actions, [a for a in actions if values[a] == best])
        else:
            behaviour[infoset.id] = _point(actions, [bot.choose(view, random.Random(0))])
    how = HOW[kind]
    index = getattr(bot, "equilibrium_index", None) if kind == "equilibrium" else None
    if index is not None:
        how = how.format(n=index + 1)
    return OpponentModel(name=name, player=player, behaviour=behaviour, exact=exact, how=how,
                         equilibrium_index=index)
