"""Provides `LearnerBot`: a Bayesian learner that updates its belief about your type as you play.

It models you as playing the reference equilibrium with a small tremble (probability
`tremble` of a uniformly random action at each of your decisions), so every move you make,
even one the equilibrium never plays, updates its belief by Bayes' rule across all rounds of a
campaign. At each of its own decisions it takes the action with the highest expected payoff
given that belief and the equilibrium's play afterwards (ties broken at random).
"""

from __future__ import annotations

import random
from fractions import Fraction

from game.engine.view import PlayerView
from game.model.tree import Game
from game.solver.evaluate import Evaluation
from game.solver.results import Equilibrium
from game.solver.structure import Structure


class LearnerBot:
    """Bayes-updates its belief about the opponent and best-replies to it."""

    name = "learner"

    def __init__(self, game: Game, equilibrium: Equilibrium, tremble: Fraction = Fraction(1, 10)
                 ) -> None:
        self.game = game
        self.equilibrium = equilibrium
        structure = Structure(game)
        self.evaluation = Evaluation(structure, equilibrium.behaviour)
        self.tremble = tremble
        self._trembled: dict[int, Evaluation] = {}
        self._structure = structure
        self.description = ("A Bayesian learner: it updates its belief about your type after "
                            "every move you make (assuming you mostly play the equilibrium, "
                            f"with a {tremble} chance of a random move) and best-replies to "
                            "that belief.")

    def _evaluation_for(self, player: int) -> Evaluation:
        if player not in self._trembled:
            behaviour = {}
            for infoset in self.game.infosets:
                probs = self.equilibrium.behaviour[infoset.id]
                if infoset.player != player:
                    size = len(probs)
                    probs = tuple((1 - self.tremble) * p + self.tremble / size for p in probs)
                behaviour[infoset.id] = probs
            self._trembled[player] = Evaluation(self._structure, behaviour)
        return self._trembled[player]

    def belief(self, view: PlayerView) -> dict[str, Fraction] | None:
        """Its belief over the keys (your types) of its current information set."""
        infoset = self.game.infoset_by_label[view.infoset]
        return self._evaluation_for(view.player).group_belief(infoset.group)

    def values(self, view: PlayerView) -> dict[str, Fraction]:
        """Its expected payoff of each action given its belief."""
        infoset = self.game.infoset_by_label[view.infoset]
        belief = self.belief(view) or {k: Fraction(1, len(infoset.keys)) for k in infoset.keys}
        return dict(zip(infoset.actions, self.evaluation.action_values(infoset.id, belief)))

    def choose(self, view: PlayerView, rng: random.Random) -> str:
        """The best reply to its current belief (ties at random)."""
        values = self.values(view)
        best = max(values.values())
        return rng.choice([a for a in view.legal_actions if values[a] == best])
