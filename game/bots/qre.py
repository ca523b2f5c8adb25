"""Provides `QREBot`: plays the agent logit quantal response equilibrium at a given lambda.

At lambda 0 it plays uniformly at random; as lambda grows it plays better replies more often
and approaches an equilibrium: a model of a human-like, noisy but payoff-seeking opponent.
"""

from __future__ import annotations

import random

from game.engine.view import PlayerView
from game.model.tree import Game
from game.solver.qre import logit_qre


class QREBot:
    """Draws each move from the logit QRE behaviour at `lam`."""

    name = "qre"

    def __init__(self, game: Game, lam: float) -> None:
        if lam < 0:
            raise ValueError("QREBot(): `lam` must be zero or positive")
        self.game = game
        self.lam = lam
        self.behaviour = logit_qre(game, lam).behaviour
        self.name = f"qre:{lam:g}"
        self.description = (f"A noisy, human-like player (logit quantal response equilibrium, "
                            f"lambda {lam:g}): it chooses better actions more often, but not "
                            "always.")

    def distribution(self, view: PlayerView) -> dict[str, float]:
        """The QRE probabilities of the legal actions at the bot's information set."""
        infoset = self.game.infoset_by_label[view.infoset]
        return dict(zip(infoset.actions, self.behaviour[infoset.id]))

    def choose(self, view: PlayerView, rng: random.Random) -> str:
        """Draws an action with the QRE probabilities."""
        infoset = self.game.infoset_by_label[view.infoset]
        probs = self.behaviour[infoset.id]
        ticket = rng.random() * sum(probs)
        cumulative = 0.0
        for action, p in zip(infoset.actions, probs):
            cumulative += p
            if ticket < cumulative:
                return action
        return infoset.actions[-1]
