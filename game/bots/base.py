"""Provides the `Bot` protocol: choose an action from a player's view."""

from __future__ import annotations

import random
from typing import Protocol

from game.engine.view import PlayerView


class Bot(Protocol):
    """A computer opponent."""

    name: str
    """What the debrief calls it."""
    description: str
    """One sentence on the model it plays."""

    def choose(self, view: PlayerView, rng: random.Random) -> str:
        """Returns one of `view.legal_actions`."""
        ...


class RandomBot:
    """Chooses uniformly among the legal actions."""

    name = "random"
    description = "Chooses uniformly at random among the legal actions."

    def choose(self, view: PlayerView, rng: random.Random) -> str:
        """Returns a uniformly random legal action."""
        return rng.choice(view.legal_actions)
