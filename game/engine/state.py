"""Provides `State`: an immutable position in an expanded game, and the only place rules live."""

from __future__ import annotations

import random
from dataclasses import dataclass
from fractions import Fraction

from game.model.tree import NATURE, TERMINAL, Game, Node


class IllegalMoveError(ValueError):
    """A player (or client) tried an action that is not legal here."""


@dataclass(frozen=True, slots=True)
class State:
    """A position: the current node and the steps that led to it."""

    game: Game
    node: int = 0
    steps: tuple[tuple[int, int], ...] = ()
    """(node, action index) for every move and chance event so far."""

    @classmethod
    def initial(cls, game: Game) -> State:
        """Returns the state at the root."""
        return cls(game=game)

    @property
    def current(self) -> Node:
        """The current node."""
        return self.game.nodes[self.node]

    @property
    def to_move(self) -> int:
        """The player to move: 0 or 1, `NATURE` at chance, `TERMINAL` at the end."""
        return self.game.nodes[self.node].player

    @property
    def is_terminal(self) -> bool:
        """True when the game is over."""
        return self.game.nodes[self.node].player == TERMINAL

    @property
    def is_chance(self) -> bool:
        """True when Nature moves next."""
        return self.game.nodes[self.node].player == NATURE

    def legal_actions(self) -> tuple[str, ...]:
        """Returns the legal actions (at a chance node: the outcomes with positive probability)."""
        node = self.game.nodes[self.node]
        if node.player == NATURE:
            return tuple(a for a, p in zip(node.actions, node.probs) if p > 0)
        return node.actions

    def chance_outcomes(self) -> tuple[tuple[str, Fraction], ...]:
        """Returns Nature's possible outcomes here with their probabilities.

        Raises:
            ValueError: the current node is not a chance node.
        """
        node = self.game.nodes[self.node]
        if node.player != NATURE:
            raise ValueError("chance_outcomes() called at a node where Nature does not move")
        return tuple((a, p) for a, p in zip(node.actions, node.probs) if p > 0)

    def play(self, action: str) -> State:
        """Returns the state after `action` (a move, or a chance outcome when replaying).

        Raises:
            IllegalMoveError: the game is over, or `action` is not legal here.
        """
        node = self.game.nodes[self.node]
        if node.player == TERMINAL:
            raise IllegalMoveError("the game is over; no more moves can be played")
        try:
            index = node.actions.index(action)
        except ValueError:
            legal = ", ".join(self.legal_actions())
            raise IllegalMoveError(f"{action!r} is not a legal action here (legal: {legal})") from None
        if node.player == NATURE and node.probs[index] == 0:
            raise IllegalMoveError(f"{action!r} has probability zero here")
        return State(self.game, node.children[index], (*self.steps, (self.node, index)))

    def play_index(self, index: int) -> State:
        """Returns the state after the action with this index (no label lookup)."""
        node = self.game.nodes[self.node]
        if not 0 <= index < len(node.children):
            raise IllegalMoveError(f"action index {index} is out of range")
        return State(self.game, node.children[index], (*self.steps, (self.node, index)))

    def sample_chance(self, rng: random.Random) -> State:
        """Draws Nature's outcome here with `rng` and returns the resulting state."""
        node = self.game.nodes[self.node]
        if node.player != NATURE:
            raise ValueError("sample_chance() called at a node where Nature does not move")
        return self.play_index(draw_index(node.probs, rng))

    def resolve_chance(self, rng: random.Random) -> State:
        """Resolves chance nodes until a player moves or the game ends."""
        state = self
        while state.game.nodes[state.node].player == NATURE:
            state = state.sample_chance(rng)
        return state

    def payoffs(self) -> tuple[Fraction, ...]:
        """Returns each player's payoff at the end.

        Raises:
            ValueError: the game is not over.
        """
        node = self.game.nodes[self.node]
        if node.player != TERMINAL:
            raise ValueError("payoffs() called before the game is over")
        return node.payoffs

    def types(self) -> tuple[str, str]:
        """Returns both players' types (the referee's knowledge; never shown to a player)."""
        drawn = {}
        for node_id, index in self.steps:
            node = self.game.nodes[node_id]
            if node.private_to >= 0:
                drawn[node.private_to] = node.actions[index]
        spec = self.game.spec
        defaults = [p.types[0].id for p in spec.players] if spec is not None else ["", ""]
        return (drawn.get(0, defaults[0]), drawn.get(1, defaults[1]))

    def actions_taken(self) -> tuple[str, ...]:
        """Returns every action and chance outcome so far, in order (the replayable log)."""
        return tuple(self.game.nodes[node_id].actions[index] for node_id, index in self.steps)


def draw_index(probs: tuple[Fraction, ...], rng: random.Random) -> int:
    """Draws an index with exact probabilities (a uniform integer against common denominators)."""
    denominator = 1
    for p in probs:
        denominator = denominator * p.denominator // _gcd(denominator, p.denominator)
    ticket = rng.randrange(denominator)
    cumulative = 0
    for index, p in enumerate(probs):
        cumulative += p.numerator * (denominator // p.denominator)
        if ticket < cumulative:
            return index
    raise AssertionError("probabilities do not add up to 1")


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a
