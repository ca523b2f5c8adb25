"""Provides the numbers behind the live panels, each with what it assumes.

- `bayes_working`: a player's belief about the other's type from the public history: the
  prior, the chance that each type would have made the moves seen (the likelihood, move by
  move), and the posterior by Bayes' rule; None-posterior off the path.
- `Outlook`: for one seat at its decision and one behaviour profile, what each action is worth
  and the risk of disaster after it, from now on (a campaign's earlier rounds do not count).
- `best_reply`: completes an opponent's behaviour with a best reply of the other player, so
  "against this opponent" figures assume the student then plays as well as possible.

Everything is exact (`Fraction`); the profiles come from the solver (an equilibrium) or from
`game.tui.teach.model` (the computer opponent).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from game.model.tree import NATURE, TERMINAL

ZERO, ONE = Fraction(0), Fraction(1)

Behaviour = Mapping[int, Sequence[Fraction]]


@dataclass(frozen=True)
class BeliefWorking:
    """A belief about `about`'s type with its Bayes arithmetic."""

    about: int
    prior: dict[str, Fraction]
    """Type id -> prior probability."""
    moves: tuple[str, ...]
    """The moves of `about` seen so far (display labels), in order."""
    factors: dict[str, tuple[Fraction, ...]]
    """Type id -> the probability that this type makes each of those moves."""
    posterior: dict[str, Fraction] | None
    """Type id -> posterior; None when no type makes those moves (off the path)."""

    def likelihood(self, type_id: str) -> Fraction:
        """The chance that this type makes all the moves seen."""
        product = ONE
        for factor in self.factors[type_id]:
            product *= factor
        return product


def prior_of(game, about: int) -> dict[str, Fraction] | None:
    for node in game.nodes:
        if node.player == NATURE and node.private_to == about:
            return dict(zip(node.actions, node.probs))
    return None


def bayes_working(game, behaviour: Behaviour, state, about: int) -> BeliefWorking | None:
    """The belief about `about`'s type given the public history of `state`, under `behaviour`.

    None when `about` has one type. A concealed simultaneous move not yet answered is not
    evidence (the other side has not seen it).
    """
    prior = prior_of(game, about)
    if prior is None:
        return None
    nodes, steps = game.nodes, state.steps
    spec = game.spec
    last = len(steps) - 1
    moves: list[str] = []
    factors: dict[str, list[Fraction]] = {}
    for type_id in prior:
        here = 0
        found: list[Fraction] = []
        for position, (node_id, index) in enumerate(steps):
            actual = nodes[node_id]
            node = nodes[here]
            if node.player == NATURE and node.private_to == about:
                here = node.children[node.actions.index(type_id)]
                continue
            action = actual.actions[index]
            if action not in node.actions:
                found = [ZERO]
                break
            k = node.actions.index(action)
            if node.player == about and not (actual.conceals and position == last):
                found.append(Fraction(behaviour[node.infoset][k]))
                if len(factors) == 0:
                    label = spec.action_label(node.stage, action) if spec is not None else action
                    moves.append(label)
            here = node.children[k]
        factors[type_id] = found
    working = BeliefWorking(about, prior, tuple(moves), {t: tuple(f) for t, f in factors.items()},
                            None)
    total = sum((prior[t] * working.likelihood(t) for t in prior), ZERO)
    if total == 0:
        return working
    posterior = {t: prior[t] * working.likelihood(t) / total for t in prior}
    return BeliefWorking(about, prior, working.moves, working.factors, posterior)


def marked_outcomes(spec) -> frozenset[str]:
    """The stage outcome labels a scenario marks as a disaster."""
    if spec is None:
        return frozenset()
    return frozenset(getattr(node, "outcome", "") for node in spec.nodes.values()
                     if getattr(node, "disaster", False))


def disaster_ahead(marked: frozenset[str], from_round: int) -> Callable[[str], bool]:
    """Whether an outcome label includes a disaster in round `from_round` or later (a
    campaign's label joins the rounds' outcomes with " / "; earlier rounds are history)."""
    def test(outcome: str) -> bool:
        return any(part in marked for part in outcome.split(" / ")[from_round - 1:])
    return test


def risks(game, behaviour: Behaviour, disaster: Callable[[str], bool]) -> list[Fraction]:
    """The chance of a disaster from every node under `behaviour` (children come after their
    parents in the node list, so one backward pass does it)."""
    nodes = game.nodes
    risk = [ZERO] * len(nodes)
    for node in reversed(nodes):
        if node.player == TERMINAL:
            risk[node.id] = ONE if disaster(node.outcome) else ZERO
            continue
        probs = node.probs if node.player == NATURE else behaviour[node.infoset]
        risk[node.id] = sum((p * risk[c] for p, c in zip(probs, node.children) if p), ZERO)
    return risk


def best_reply(game, behaviour: Behaviour, player: int, structure=None
               ) -> dict[int, tuple[Fraction, ...]]:
    """`behaviour` with `player`'s information sets replaced by a pure best reply to the rest.

    Bottom-up over `player`'s information sets: each takes the action with the highest payoff,
    weighting its nodes by how likely chance and the opponent make them (ties: the first
    action; an information set the opponent never lets happen weighs its nodes equally).
    A short-run player counts its own round only, as the solver does.
    """
    from game.solver.evaluate import Evaluation
    from game.solver.structure import Structure

    structure = structure or Structure(game)
    profile: dict[int, tuple[Fraction, ...]] = {}
    for infoset in game.infosets:
        size = len(infoset.actions)
        profile[infoset.id] = (tuple(behaviour[infoset.id]) if infoset.player != player
                               else (ONE / size,) * size)
    omega = Evaluation(structure, profile).omega[player]
    nodes = game.nodes
    memo: dict[tuple[int, int], Fraction] = {}

    def value(start: int, horizon: int) -> Fraction:
        """The player's payoff from a node on under `profile` (children first, no recursion;
        a node's value is kept once its information sets below are settled)."""
        stack = [start]
        while stack:
            node_id = stack[-1]
            if (node_id, horizon) in memo:
                stack.pop()
                continue
            node = nodes[node_id]
            if node.player == TERMINAL:
                memo[(node_id, horizon)] = structure.payoff(node_id, player, horizon)
                stack.pop()
                continue
            probs = node.probs if node.player == NATURE else profile[node.infoset]
            pending = [c for p, c in zip(probs, node.children) if p and (c, horizon) not in memo]
            if pending:
                stack += pending
                continue
            memo[(node_id, horizon)] = sum((p * memo[(c, horizon)]
                                            for p, c in zip(probs, node.children) if p), ZERO)
            stack.pop()
        return memo[(start, horizon)]

    for infoset_id in reversed(structure.order):
        infoset = game.infosets[infoset_id]
        if infoset.player != player:
            continue
        horizon = structure.myopic_round[infoset_id]
        weights = [omega[m] for m in infoset.members]
        if not any(weights):
            weights = [ONE] * len(weights)
        totals = [sum((w * value(nodes[m].children[a], horizon)
                       for w, m in zip(weights, infoset.members) if w), ZERO)
                  for a in range(len(infoset.actions))]
        best = max(range(len(totals)), key=totals.__getitem__)
        profile[infoset_id] = tuple(ONE if a == best else ZERO for a in range(len(totals)))
    return profile


@dataclass(frozen=True)
class Outlook:
    """At one decision, under one profile: the belief used, and per action its worth and the
    risk of disaster after it (from now on)."""

    belief: dict[str, Fraction] | None
    """Over the information set's keys; None when the profile leaves it undefined."""
    worth: dict[str, Fraction]
    """Action id -> the mover's expected payoff."""
    risk: dict[str, Fraction] | None
    """Action id -> chance of a disaster from now on; None when no outcome is a disaster."""


def outlook(game, behaviour: Behaviour, infoset_id: int, belief: Mapping[str, Fraction] | None,
            disaster: Callable[[str], bool] | None, structure=None) -> Outlook:
    """Worth and forward risk of each action at an information set, weighting its nodes by
    `belief` (None: the profile's Bayes belief; equal weights if that is undefined too)."""
    from game.solver.evaluate import Evaluation
    from game.solver.structure import Structure

    structure = structure or Structure(game)
    evaluation = Evaluation(structure, behaviour)
    infoset = game.infosets[infoset_id]
    if belief is None:
        belief = evaluation.group_belief(infoset.group)
    used = dict(belief) if belief is not None else None
    if belief is None:
        belief = {k: ONE / len(set(infoset.keys)) for k in set(infoset.keys)}
    worth = dict(zip(infoset.actions, evaluation.action_values(infoset_id, belief)))
    risk = None
    if disaster is not None:
        per_node = risks(game, behaviour, disaster)
        nodes = game.nodes
        risk = {}
        for index, action in enumerate(infoset.actions):
            risk[action] = sum((belief.get(key, ZERO) * per_node[nodes[m].children[index]]
                                for key, m in zip(infoset.keys, infoset.members)), ZERO)
    return Outlook(used, worth, risk)


def ends_before(game, behaviour: Behaviour, player: int) -> Fraction:
    """The chance that the game ends before `player` has a move, under `behaviour`."""
    nodes = game.nodes
    reach = [ZERO] * len(nodes)
    reach[0] = ONE
    ended = ZERO
    for node in nodes:
        weight = reach[node.id]
        if not weight or node.player == player:
            continue
        if node.player == TERMINAL:
            ended += weight
            continue
        probs = node.probs if node.player == NATURE else behaviour[node.infoset]
        for p, child in zip(probs, node.children):
            if p:
                reach[child] += weight * p
    return ended
