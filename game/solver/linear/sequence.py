"""Provides the sequence-form terms of a game: what each action is worth, linearly in the opponent's plan.

For player i, information set I and action a, the unnormalised value is
    Q_i(I, a) = sum over leaves L after (I, a) of chance(L) * r_opp(seq_opp(L)) * u_i(L)
                + sum over i's next information sets J after (I, a) of v_J,
linear in the opponent's realization plan r_opp and i's own continuation values v.
A leaf is a terminal node, or, for a short-run (myopic) player, the first node of a later round.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

from game.model.tree import NATURE, TERMINAL
from game.solver.structure import Structure


@dataclass(frozen=True)
class ActionTerms:
    """The sequence-form pieces of Q_i(I, a)."""

    leaves: tuple[tuple[Fraction, int, Fraction], ...]
    """(chance, opponent sequence index, payoff) per leaf."""
    next_infosets: tuple[int, ...]
    """The owner's next information sets after (I, a)."""


class SequenceForm:
    """Sequence-form terms for every (infoset, action)."""

    def __init__(self, structure: Structure) -> None:
        self.structure = structure
        self.game = structure.game

    @cached_property
    def terms(self) -> dict[tuple[int, int], ActionTerms]:
        """(infoset, action index) -> its terms."""
        game = self.game
        s = self.structure
        result = {}
        for infoset in game.infosets:
            player = infoset.player
            horizon = s.myopic_round[infoset.id]
            for action in range(len(infoset.actions)):
                leaves: dict[int, Fraction] = {}
                chances: dict[int, Fraction] = {}
                nexts: list[int] = []
                stack = [game.nodes[m].children[action] for m in infoset.members]
                while stack:
                    node = game.nodes[stack.pop()]
                    if s.chance[node.id] == 0:
                        continue
                    if horizon and node.round > horizon:
                        leaf = self._first_terminal(node.id)
                        self._add_leaf(leaves, chances, node.id, s.payoff(leaf, player, horizon))
                        continue
                    if node.player == TERMINAL:
                        self._add_leaf(leaves, chances, node.id, s.payoff(node.id, player, horizon))
                        continue
                    if node.player == player:
                        if node.infoset not in nexts:
                            nexts.append(node.infoset)
                        continue
                    stack.extend(node.children)
                merged: dict[int, Fraction] = {}
                for node_id, payoff in leaves.items():
                    seq = s.node_sequence[node_id][1 - player]
                    merged[seq] = merged.get(seq, Fraction(0)) + s.chance[node_id] * payoff
                result[(infoset.id, action)] = ActionTerms(
                    leaves=tuple((Fraction(1), seq, coeff) for seq, coeff in merged.items() if coeff),
                    next_infosets=tuple(nexts))
        return result

    def _add_leaf(self, leaves, chances, node_id, payoff) -> None:
        leaves[node_id] = payoff

    def _first_terminal(self, node_id: int) -> int:
        node = self.game.nodes[node_id]
        while node.player != TERMINAL:
            node = self.game.nodes[node.children[0]]
        return node.id


__all__ = ["ActionTerms", "NATURE", "SequenceForm"]
