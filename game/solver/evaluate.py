"""Provides `Evaluation`: reach probabilities, beliefs and values of a behaviour profile."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from functools import cached_property

from game.model.tree import NATURE, TERMINAL
from game.solver.structure import ONE, ZERO, Structure

Behaviour = Mapping[int, Sequence[Fraction]]
"""Infoset index -> probability of each of its actions."""


class Evaluation:
    """Everything that follows from one behaviour profile (all exact)."""

    def __init__(self, structure: Structure, behaviour: Behaviour) -> None:
        self.structure = structure
        self.game = structure.game
        self.behaviour = behaviour

    def prob(self, node_id: int, index: int) -> Fraction:
        """The probability of the `index`-th action at a node under the profile."""
        node = self.game.nodes[node_id]
        if node.player == NATURE:
            return node.probs[index]
        return self.behaviour[node.infoset][index]

    @cached_property
    def play_keys(self) -> dict[int, object]:
        """Per infoset: a cheap hashable stand-in for its play (the action index if pure)."""
        keys: dict[int, object] = {}
        for infoset_id, probs in self.behaviour.items():
            probs = tuple(probs)
            keys[infoset_id] = probs.index(ONE) if ONE in probs else probs
        return keys

    @cached_property
    def reach(self) -> list[Fraction]:
        """Probability of reaching every node."""
        reach = [ZERO] * len(self.game.nodes)
        reach[0] = ONE
        for node in self.game.nodes:
            if node.player == TERMINAL or reach[node.id] == 0:
                continue
            for index, child in enumerate(node.children):
                reach[child] = reach[node.id] * self.prob(node.id, index)
        return reach

    @cached_property
    def omega(self) -> tuple[list[Fraction], list[Fraction]]:
        """Per player: the probability of reaching each node from chance and the opponent only."""
        result = []
        for player in (0, 1):
            omega = [ZERO] * len(self.game.nodes)
            omega[0] = ONE
            for node in self.game.nodes:
                if node.player == TERMINAL or omega[node.id] == 0:
                    continue
                for index, child in enumerate(node.children):
                    factor = ONE if node.player == player else self.prob(node.id, index)
                    omega[child] = omega[node.id] * factor
            result.append(omega)
        return (result[0], result[1])

    @cached_property
    def values(self) -> list[list[tuple[Fraction, Fraction]]]:
        """values[h][node]: expected payoffs from each node, total (h = 0) or of round h."""
        structure = self.structure
        horizons = structure.round_count + 1 if self.game.round_payoffs else 1
        nodes = self.game.nodes
        result = []
        for horizon in range(horizons):
            values: list[tuple[Fraction, Fraction]] = [(ZERO, ZERO)] * len(nodes)
            behaviour = self.behaviour
            for node in reversed(nodes):
                if node.player == TERMINAL:
                    values[node.id] = (structure.payoff(node.id, 0, horizon),
                                       structure.payoff(node.id, 1, horizon))
                    continue
                probs = node.probs if node.player == NATURE else behaviour[node.infoset]
                v0 = v1 = ZERO
                for p, child in zip(probs, node.children):
                    if p == 1:   # a pure move: no arithmetic
                        v0, v1 = values[child]
                        break
                    if p:
                        v0 += p * values[child][0]
                        v1 += p * values[child][1]
                values[node.id] = (v0, v1)
            result.append(values)
        return result

    def value(self, node_id: int, player: int, horizon: int = 0) -> Fraction:
        """The expected payoff to `player` from `node_id` (horizon 0: total; r: round r)."""
        return self.values[horizon][node_id][player]

    def infoset_weights(self, infoset_id: int) -> tuple[Fraction, ...]:
        """Chance-and-opponent reach of each member (the unnormalised Bayes belief)."""
        infoset = self.game.infosets[infoset_id]
        return tuple(self.belief_weight(m) for m in infoset.members)

    def belief_weight(self, member: int) -> Fraction:
        """Chance times the moves that shape the member's owner's belief (see `belief_steps`)."""
        weight = self.structure.chance[member]
        nodes, behaviour = self.game.nodes, self.behaviour
        for parent, index in self.structure.belief_steps[member]:
            p = behaviour[nodes[parent].infoset][index]
            if not p:
                return ZERO
            if p != 1:
                weight *= p
        return weight

    def group_belief(self, group: int) -> dict[str, Fraction] | None:
        """The Bayes belief over a belief group's keys, or None where Bayes' rule does not apply.

        Memoised per game on the play that shapes it (the same groups recur across equilibria).
        """
        memo = self.structure.memo
        keys = self.play_keys
        key = ("group_belief", group,
               tuple(keys[i] for i in self.structure.group_belief_infosets[group]))
        if key not in memo:
            memo[key] = self._group_belief(group)
        found = memo[key]
        return dict(found) if found is not None else None

    def _group_belief(self, group: int) -> dict[str, Fraction] | None:
        weights: dict[str, Fraction] = {}
        for infoset_id in self.game.group_infosets[group]:
            infoset = self.game.infosets[infoset_id]
            for key, member in zip(infoset.keys, infoset.members):
                weights[key] = weights.get(key, ZERO) + self.belief_weight(member)
        total = sum(weights.values(), ZERO)
        if total == 0:
            return None
        return {key: weight / total for key, weight in weights.items()}

    def action_values(self, infoset_id: int, belief: Mapping[str, Fraction]) -> list[Fraction]:
        """The owner's expected payoff of each action at an infoset, given a belief over keys."""
        infoset = self.game.infosets[infoset_id]
        horizon = self.structure.myopic_round[infoset_id]
        result = []
        for index in range(len(infoset.actions)):
            total = ZERO
            for key, member in zip(infoset.keys, infoset.members):
                weight = belief.get(key, ZERO)
                if weight:
                    child = self.game.nodes[member].children[index]
                    total += weight * self.values[horizon][child][infoset.player]
            result.append(total)
        return result

    def member_action_values(self, infoset_id: int) -> list[list[Fraction]]:
        """values[member position][action]: the owner's payoff of each action at each member."""
        infoset = self.game.infosets[infoset_id]
        horizon = self.structure.myopic_round[infoset_id]
        return [[self.values[horizon][self.game.nodes[m].children[a]][infoset.player]
                 for a in range(len(infoset.actions))] for m in infoset.members]

    @cached_property
    def outcomes(self) -> dict[str, Fraction]:
        """Probability of each outcome label."""
        result: dict[str, Fraction] = {}
        reach = self.reach
        for z in self.structure.terminal_list:
            if reach[z]:
                label = self.game.nodes[z].outcome
                result[label] = result.get(label, ZERO) + reach[z]
        return result

    @cached_property
    def payoffs(self) -> tuple[Fraction, Fraction]:
        """Ex-ante expected total payoff per player."""
        return self.values[0][0]
