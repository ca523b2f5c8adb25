"""Provides `BeliefStates`: how Fudenberg-Tirole beliefs move along the public states.

One belief per player and public state about the other player's type (`Fixed`: a number;
`Free`: proportional to an unknown set at a surprise). It moves only on the other player's
moves, by Bayes' rule (`enter`); after a move every type still in the running would never
make, it is a surprise. The checks built on these beliefs are in `game.solver.beliefs`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from game.solver.public import PublicTree
from game.solver.structure import ONE, ZERO, Structure

Label = tuple[str, ...]
Play = Callable[[int], object]
"""Infoset -> its play: an action index, or a tuple of probabilities."""


def probability(chosen, action: int) -> Fraction:
    """The probability of `action` under a play (an index, or a probability tuple)."""
    if isinstance(chosen, int):
        return ONE if chosen == action else ZERO
    return chosen[action]


def support(chosen) -> tuple[int, ...]:
    """The actions a play uses."""
    if isinstance(chosen, int):
        return (chosen,)
    return tuple(a for a, p in enumerate(chosen) if p > 0)


@dataclass(frozen=True)
class Fixed:
    """A belief known as a number: label -> (unnormalised) weight, positive in total."""

    weights: dict[Label, Fraction]


@dataclass(frozen=True)
class Free:
    """A belief proportional to `factor * mu'(coordinate)` for an unknown mu' at a surprise."""

    origin: int
    """The state right after the surprise."""
    terms: dict[Label, tuple[Label, Fraction]]
    """Label here -> (the coordinate of mu' it descends from, the factor)."""


class BeliefStates:
    """The holders' beliefs at the public states of one game, given the play."""

    def __init__(self, structure: Structure) -> None:
        self.structure = structure
        self.game = structure.game
        self.tree: PublicTree = structure.public

    # ------------------------------------------------------------------ transitions
    def enter(self, status: Fixed | Free, parent: int, child: int, holder: int, play: Play,
              keep: frozenset[Label] | None = None):
        """The holder's belief on entering `child` from `parent`: a status, or
        ("surprise", allowed labels) when every type still in the running is ruled out."""
        tree = self.tree
        other = 1 - holder
        state = tree.states[child]
        moves = [(made, action) for player, made, action in state.revealed if player == other]
        cut = tree.label_length[parent][other]
        labels: dict[Label, Fraction] = {}
        possible = []   # the labels Nature could have drawn: free after a surprise
        for node in state.main:
            label = tree.labels[node][other]
            if label not in labels:
                labels[label] = tree.entry_factor[node][other]
                if tree.possible[node][other]:
                    possible.append(label)
        allowed = sorted(possible)
        if isinstance(status, Fixed):
            weights: dict[Label, Fraction] = {}
            for label, entry in labels.items():
                before = status.weights.get(label[:cut], ZERO)
                if not before or not entry:
                    continue
                moved = self._moves(moves, label, other, play) if moves else ONE
                if moved:
                    weight = before if entry == 1 else before * entry
                    weights[label] = weight if moved == 1 else weight * moved
            if weights:
                return Fixed(weights)
            if len(allowed) == 1:   # one type left: the belief after a surprise is certain
                return Fixed({allowed[0]: ONE})
            return ("surprise", frozenset(allowed))
        terms: dict[Label, tuple[Label, Fraction]] = {}
        for label, entry in labels.items():
            before = status.terms.get(label[:cut])
            if before is None or not before[1] or not entry:
                continue
            if keep is not None and before[0] not in keep:
                continue
            factor = before[1] * entry * self._moves(moves, label, other, play)
            if factor:
                terms[label] = (before[0], factor)
        if terms:
            return Free(status.origin, terms)
        if len(allowed) == 1:   # one type possible: the belief after a surprise is certain
            return Fixed({allowed[0]: ONE})
        return ("surprise", frozenset(allowed))

    def entry_weights(self, status: Fixed, parent: int, child: int, holder: int, play: Play
                      ) -> dict[Label, Fraction] | None:
        """The holder's belief (unnormalised, over the other player's labels at `parent`) on
        entering `child`, before any type draw made inside it; None after a surprise."""
        other = 1 - holder
        moves = [(made, action) for player, made, action in self.tree.states[child].revealed
                 if player == other]
        weights = {label: weight * self._moves(moves, label, other, play)
                   for label, weight in status.weights.items()}
        if not any(weights.values()):
            if len(weights) != 1:
                return None   # a surprise: the belief there is not a number
            weights = {label: ONE for label in weights}   # one type left: certain
        return weights

    def _moves(self, moves, label: Label, player: int, play: Play) -> Fraction:
        tree = self.tree
        result = ONE
        for made, action in moves:
            infoset = tree.infoset_at(made, player, label[:tree.label_length[made][player]])
            if infoset is None:
                return ZERO
            chosen = play(infoset)
            if isinstance(chosen, int):
                if chosen != action:
                    return ZERO
                continue
            p = chosen[action]
            if not p:
                return ZERO
            if p != 1:
                result *= p
        return result

    def prior(self, holder: int) -> Fixed:
        """The holder's belief at the root state (before any move)."""
        tree = self.tree
        other = 1 - holder
        weights: dict[Label, Fraction] = {}
        for node in tree.states[0].main:
            label = tree.labels[node][other]
            weights.setdefault(label, tree.entry_factor[node][other])
        return Fixed({k: v for k, v in weights.items() if v})

    def status_at(self, state_id: int, holder: int, play: Play):
        """The holder's belief at a state reached without a surprise (a `Fixed`), found along
        the path from the root; None if a surprise lies on the way."""
        path = []
        current = state_id
        while current > 0:
            path.append(current)
            current = self.tree.states[current].parent
        status = self.prior(holder)
        parent = 0
        for child in reversed(path):
            status = self.enter(status, parent, child, holder, play)
            if not isinstance(status, Fixed):
                return None
            parent = child
        return status

    # ------------------------------------------------------------------ the holder's rows
    def member_terms(self, infoset_id: int, status, holder: int, play: Play):
        """Per member (key, label weight term): a number (`Fixed`) or (coordinate, factor)."""
        game = self.game
        tree = self.tree
        other = 1 - holder
        infoset = game.infosets[infoset_id]
        state = tree.states[tree.state_of[infoset.members[0]]]
        hidden_first = (state.parent >= 0 and tree.states[state.parent].concealed
                        and tree.states[state.parent].mover == other)
        result = []
        for key, member in zip(infoset.keys, infoset.members):
            label = tree.labels[member][other]
            factor = ONE
            if hidden_first:
                parent = game.nodes[game.nodes[member].parent]
                factor = probability(play(parent.infoset), parent.children.index(member))
            if isinstance(status, Fixed):
                result.append((key, member, status.weights.get(label, ZERO) * factor))
            else:
                term = status.terms.get(label)
                if term is None:
                    result.append((key, member, None))
                else:
                    result.append((key, member, (term[0], term[1] * factor)))
        return result


__all__ = ["BeliefStates", "Fixed", "Free", "Label", "Play", "probability", "support"]
