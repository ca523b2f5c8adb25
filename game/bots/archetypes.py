"""Provides the archetype bots: hawk, dove and bluffer, defined from the game's own outcomes.

An action's *aggression* is read off the game, with no knowledge of action names:

1. the chance of ending in a disaster outcome (one the scenario marks `disaster: true`) if
   both players choose uniformly at random from then on, averaged over the nodes of the
   information set; then, to break ties or where no disaster is marked,
2. how little the opponent gets on average after it (the opponent's payoff under the same
   uniform continuation, lower = more aggressive).

The hawk always takes the most aggressive legal action, the dove the least aggressive. The
bluffer talks tough and folds: at its first decision of each round it acts as a hawk (it
threatens, whatever its type), at any later decision of the round as a dove (it backs down
when challenged).
"""

from __future__ import annotations

import random
from fractions import Fraction

from game.engine.view import PlayerView
from game.model.tree import NATURE, TERMINAL, Game

ZERO, ONE = Fraction(0), Fraction(1)


def disaster_outcomes(game: Game) -> frozenset[str]:
    """The outcome labels of terminal nodes that include a disaster (campaigns: any round)."""
    spec = game.spec
    if spec is None:
        return frozenset()
    marked = {getattr(node, "outcome", "") for node in spec.nodes.values()
              if getattr(node, "disaster", False)}
    labels = set()
    for node in game.nodes:
        if node.player == TERMINAL and any(part in marked for part in node.outcome.split(" / ")):
            labels.add(node.outcome)
    return frozenset(labels)


class Aggression:
    """Aggression scores of every action at every information set of one game."""

    def __init__(self, game: Game) -> None:
        self.game = game
        disaster = disaster_outcomes(game)
        nodes = game.nodes
        risk = [ZERO] * len(nodes)
        value = [(ZERO, ZERO)] * len(nodes)
        for node in reversed(nodes):
            if node.player == TERMINAL:
                risk[node.id] = ONE if node.outcome in disaster else ZERO
                value[node.id] = (node.payoffs[0], node.payoffs[1])
                continue
            probs = (node.probs if node.player == NATURE
                     else (Fraction(1, len(node.children)),) * len(node.children))
            risk[node.id] = sum((p * risk[c] for p, c in zip(probs, node.children)), ZERO)
            value[node.id] = (sum((p * value[c][0] for p, c in zip(probs, node.children)), ZERO),
                              sum((p * value[c][1] for p, c in zip(probs, node.children)), ZERO))
        self.scores: dict[int, list[tuple[Fraction, Fraction]]] = {}
        for infoset in game.infosets:
            other = 1 - infoset.player
            size = len(infoset.members)
            scores = []
            for index in range(len(infoset.actions)):
                children = [nodes[m].children[index] for m in infoset.members]
                scores.append((sum((risk[c] for c in children), ZERO) / size,
                               -sum((value[c][other] for c in children), ZERO) / size))
            self.scores[infoset.id] = scores

    def ranked(self, infoset_label: str) -> list[str]:
        """The infoset's actions, most aggressive first (ties keep the file's order)."""
        infoset = self.game.infoset_by_label[infoset_label]
        scores = self.scores[infoset.id]
        order = sorted(range(len(infoset.actions)), key=lambda i: (-scores[i][0], -scores[i][1], i))
        return [infoset.actions[i] for i in order]


class HawkBot:
    """Always takes the most aggressive legal action."""

    name = "hawk"
    description = ("A hawk: always takes the most aggressive action (the one most likely to end "
                   "in disaster, or else the one that leaves you least).")

    def __init__(self, game: Game) -> None:
        self.aggression = Aggression(game)

    def choose(self, view: PlayerView, rng: random.Random) -> str:
        """Returns the most aggressive legal action."""
        return self.aggression.ranked(view.infoset)[0]


class DoveBot:
    """Always takes the least aggressive legal action."""

    name = "dove"
    description = ("A dove: always takes the least aggressive action (the one least likely to "
                   "end in disaster, or else the one that leaves you most).")

    def __init__(self, game: Game) -> None:
        self.aggression = Aggression(game)

    def choose(self, view: PlayerView, rng: random.Random) -> str:
        """Returns the least aggressive legal action."""
        return self.aggression.ranked(view.infoset)[-1]


class BlufferBot:
    """Hawk at its first decision of each round, dove afterwards in that round."""

    name = "bluffer"
    description = ("A bluffer: threatens at its first decision of each round whatever its type, "
                   "then backs down (plays the dove) if the round goes on.")

    def __init__(self, game: Game) -> None:
        self.aggression = Aggression(game)

    def choose(self, view: PlayerView, rng: random.Random) -> str:
        """Hawk if it has not moved yet this round, dove otherwise."""
        moved = any(step.actor == view.player and step.round == view.round
                    for step in view.history)
        ranked = self.aggression.ranked(view.infoset)
        return ranked[-1] if moved else ranked[0]
