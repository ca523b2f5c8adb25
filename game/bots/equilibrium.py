"""Provides `EquilibriumBot`: plays one equilibrium's behaviour strategy at its information sets."""

from __future__ import annotations

import random
from fractions import Fraction

from game.engine.state import draw_index
from game.engine.view import PlayerView
from game.model.tree import Game
from game.solver.results import Equilibrium, SolveResult


def preferred_equilibrium(result: SolveResult) -> Equilibrium | None:
    """The equilibrium a bot plays by default: the refined one (passing D1, then the IC; a
    verdict not computed ranks between passing and failing), then one not in a continuum,
    pure first."""
    def rank(verdict) -> int:
        if verdict is None or verdict.passed:
            return 0
        return 1 if verdict.passed is None else 2

    def score(eq: Equilibrium) -> tuple:
        return (rank(eq.d1), rank(eq.intuitive), 1 if eq.continuum else 0,
                0 if eq.pure else 1)
    ranked = sorted(result.equilibria, key=score)
    return ranked[0] if ranked else None


class EquilibriumBot:
    """Plays the behaviour an equilibrium prescribes at each of its information sets."""

    name = "equilibrium"

    def __init__(self, game: Game, equilibrium: Equilibrium, index: int = 0) -> None:
        self.game = game
        self.equilibrium = equilibrium
        self.description = (f"Plays equilibrium {index + 1} ({equilibrium.kind}) of the solver's "
                            "list: each move drawn with the probabilities it prescribes.")

    def distribution(self, view: PlayerView) -> dict[str, Fraction]:
        """The prescribed probabilities of the legal actions at the bot's information set."""
        infoset = self.game.infoset_by_label[view.infoset]
        probs = self.equilibrium.behaviour[infoset.id]
        return dict(zip(infoset.actions, probs))

    def choose(self, view: PlayerView, rng: random.Random) -> str:
        """Draws an action with the equilibrium's probabilities."""
        infoset = self.game.infoset_by_label[view.infoset]
        probs = self.equilibrium.behaviour[infoset.id]
        return infoset.actions[draw_index(tuple(probs), rng)]
