"""Provides the theory's reasons in words, with labels (never ids) and exact arithmetic:

- `history_words`: where an information set is, a campaign's history named ("round 2, after
  War in round 1");
- `outcome_terms` / `arithmetic`: an action's worth as a sum over the outcomes it can lead to,
  for indifference arithmetic ("1/2 x 1 (Threat succeeds) + 1/2 x -1 (...) = 0");
- `mixing_lines`: why a player mixes at an information set (the actions it mixes are worth the
  same);
- `threats`: the threats that Nash equilibria which are not subgame perfect rest on, each
  once, only where the threat hurts the other side and deters it;
- `off_path_plans`: for a game without private information, what the equilibrium would do
  after each move it never makes: the plan that makes deterrence work.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from itertools import product

from game.model.expr import format_fraction
from game.model.tree import NATURE, TERMINAL

ZERO, ONE = Fraction(0), Fraction(1)
MAX_TERMS = 4
"""An arithmetic line lists at most this many outcomes (else it gives the total only)."""


def label(game, node, action: str) -> str:
    """An action's display label at a node."""
    spec = game.spec
    if node.player == NATURE and node.private_to >= 0 and spec is not None:
        return spec.type_of(node.private_to, action).name
    return spec.action_label(node.stage, action) if spec is not None else action


def title(game, stage: str) -> str:
    """A stage's title in quotes ('Resist or concede?'), or its id outside scenarios."""
    spec = game.spec
    found = getattr(spec.nodes.get(stage), "title", "") if spec is not None else ""
    return f"'{found}'" if found else f"'{stage}'"


def _first_terminal(game, node_id: int) -> int:
    nodes = game.nodes
    while nodes[node_id].player != TERMINAL:
        node_id = nodes[node_id].children[0]
    return node_id


def history_words(game, node_id: int) -> str:
    """'round 2, after War in round 1' for a campaign's node; '' in a one-shot game."""
    node = game.nodes[node_id]
    if game.rounds < 2 or node.round < 2:
        return ""
    parts = game.nodes[_first_terminal(game, node_id)].outcome.split(" / ")[:node.round - 1]
    if len(parts) == 1:
        return f"round {node.round}, after {parts[0]} in round 1"
    return f"round {node.round}, after {', then '.join(parts)}"


def where(game, infoset) -> str:
    """An information set's place in words: its stage title, and a campaign's history."""
    history = history_words(game, infoset.members[0])
    return title(game, infoset.stage) + (f" ({history})" if history else "")


def outcome_terms(game, behaviour, start: list[tuple[Fraction, int]], player: int
                  ) -> list[tuple[Fraction, str, Fraction]]:
    """(probability, outcome, `player`'s payoff) of every end reachable from weighted start
    nodes under `behaviour`, merged by outcome and payoff, likeliest first."""
    nodes = game.nodes
    merged: dict[tuple[str, Fraction], Fraction] = {}
    stack = [(weight, node_id) for weight, node_id in start if weight]
    while stack:
        weight, node_id = stack.pop()
        node = nodes[node_id]
        if node.player == TERMINAL:
            key = (node.outcome, node.payoffs[player])
            merged[key] = merged.get(key, ZERO) + weight
            continue
        probs = node.probs if node.player == NATURE else behaviour[node.infoset]
        stack.extend((weight * p, child) for p, child in zip(probs, node.children) if p)
    terms = [(p, outcome, pay) for (outcome, pay), p in merged.items()]
    return sorted(terms, key=lambda t: (-t[0], t[1]))


def arithmetic(terms: list[tuple[Fraction, str, Fraction]]) -> str:
    """'1/2 x 1 (Threat succeeds) + 1/2 x -1 (Challenger backs down) = 0'."""
    total = sum((p * pay for p, _, pay in terms), ZERO)
    if len(terms) == 1 and terms[0][0] == 1:
        return f"{format_fraction(total)} ({terms[0][1]})"
    if len(terms) > MAX_TERMS:
        return f"{format_fraction(total)} (over {len(terms)} outcomes)"
    shown = " + ".join(f"{format_fraction(p)} x {format_fraction(pay)} ({outcome})"
                       for p, outcome, pay in terms)
    return f"{shown} = {format_fraction(total)}"


def action_terms(game, behaviour, infoset, belief: dict[str, Fraction], index: int
                 ) -> list[tuple[Fraction, str, Fraction]]:
    """The outcomes of one action at an information set, weighting its nodes by `belief`."""
    nodes = game.nodes
    start = [(belief.get(key, ZERO), nodes[m].children[index])
             for key, m in zip(infoset.keys, infoset.members)]
    return outcome_terms(game, behaviour, start, infoset.player)


def mixing_lines(game, equilibrium, infoset, belief: dict[str, Fraction] | None) -> list[str]:
    """Why the owner mixes here: each action it mixes, worth the same (the arithmetic)."""
    probs = equilibrium.behaviour[infoset.id]
    support = [a for a, p in enumerate(probs) if p]
    if len(support) < 2 or belief is None or game.rounds > 1 and game.is_myopic(infoset.player):
        return []
    node = game.nodes[infoset.members[0]]
    parts = [f"{label(game, node, infoset.actions[a])} = "
             + arithmetic(action_terms(game, equilibrium.behaviour, infoset, belief, a))
             for a in support]
    who = game.players[infoset.player]
    return [f"{who} mixes at {where(game, infoset)} because it is indifferent: "
            + "; ".join(parts) + "."]


@dataclass(frozen=True)
class Threat:
    """A threat a Nash equilibrium rests on that would not be carried out."""

    player: int
    infoset: int
    threat: str
    """The action threatened (display label)."""
    better: str
    """The best reply there (display label)."""
    threat_value: Fraction
    better_value: Fraction
    deters_from: Fraction
    """The least probability of carrying it out that still deters."""
    count: int
    """How many of the Nash equilibria found rest on it."""

    def sentence(self, game) -> str:
        """The threat in words."""
        who = game.players[self.player]
        infoset = game.infosets[self.infoset]
        many = (f" {self.count} Nash equilibria that are not subgame perfect rest on it."
                if self.count > 1 else " A Nash equilibrium that is not subgame perfect "
                "rests on it.")
        return (f"{who}'s threat to {self.threat} at {where(game, infoset)} is not credible: "
                f"once there, {self.threat} gives {who} {format_fraction(self.threat_value)}, "
                f"less than {format_fraction(self.better_value)} for {self.better}. It would "
                f"deter only if carried out with probability at least "
                f"{format_fraction(self.deters_from)}; subgame perfection rules it out."
                + many)


def _values(structure, behaviour, infoset):
    from game.solver.evaluate import Evaluation

    evaluation = Evaluation(structure, behaviour)
    belief = evaluation.group_belief(infoset.group)
    if belief is None:
        keys = sorted(set(infoset.keys))
        belief = {k: ONE / len(keys) for k in keys}
    return evaluation, belief, evaluation.action_values(infoset.id, belief)


def _deters_from(structure, behaviour, infoset, threat: int, better: int) -> Fraction | None:
    """The least probability of `threat` (against `better`) at which the other player does
    not gain by any pure deviation; None when even certainty does not deter."""
    from game.solver.evaluate import Evaluation

    game = structure.game
    size = len(infoset.actions)
    other = 1 - infoset.player

    def mixed(f: Fraction) -> dict:
        result = dict(behaviour)
        result[infoset.id] = tuple(f if a == threat else (ONE - f if a == better else ZERO)
                                   for a in range(size))
        return result

    own = [i for i in game.infosets if i.player == other]
    threshold = ZERO
    for choice in product(*(range(len(i.actions)) for i in own)):
        gains = []
        for f in (ZERO, ONE):
            profile = mixed(f)
            base = Evaluation(structure, profile).payoffs[other]
            for i, c in zip(own, choice):
                profile[i.id] = tuple(ONE if a == c else ZERO for a in range(len(i.actions)))
            gains.append(Evaluation(structure, profile).payoffs[other] - base)
        at_zero, at_one = gains
        if at_one > 0:
            return None
        if at_zero > 0:
            threshold = max(threshold, at_zero / (at_zero - at_one))
    return threshold


def threats(result) -> list[Threat]:
    """The distinct threats that the Nash equilibria which are not subgame perfect rest on:
    only moves that are not best replies, that hurt the other player, and that deter it
    (a probability above 0 is needed); one entry per threat, with how many rest on it."""
    from game.solver.structure import Structure

    reports = getattr(result, "nash_not_spe", ()) or ()
    if not reports:
        return []
    game = result.game
    structure = Structure(game)
    found: dict[tuple[int, int, int], Threat] = {}
    order: list[tuple[int, int, int]] = []
    for report in reports:
        behaviour = report.behaviour
        for infoset in game.infosets:
            evaluation, belief, values = _values(structure, behaviour, infoset)
            chosen = max(range(len(values)), key=lambda a: behaviour[infoset.id][a])
            best = max(range(len(values)), key=values.__getitem__)
            if values[chosen] >= values[best]:
                continue
            other = 1 - infoset.player
            harm = [sum((belief.get(k, ZERO) * evaluation.value(game.nodes[m].children[a],
                                                                 other)
                         for k, m in zip(infoset.keys, infoset.members)), ZERO)
                    for a in (chosen, best)]
            if harm[0] >= harm[1]:
                continue                       # not a threat: it does not hurt the other side
            deters = _deters_from(structure, behaviour, infoset, chosen, best)
            if deters is None or deters == 0:
                continue                       # nothing to deter: no threat is needed there
            key = (infoset.id, chosen, best)
            if key in found:
                old = found[key]
                found[key] = Threat(old.player, old.infoset, old.threat, old.better,
                                    old.threat_value, old.better_value,
                                    min(old.deters_from, deters), old.count + 1)
                continue
            node = game.nodes[infoset.members[0]]
            found[key] = Threat(infoset.player, infoset.id,
                                label(game, node, infoset.actions[chosen]),
                                label(game, node, infoset.actions[best]), values[chosen],
                                values[best], deters, 1)
            order.append(key)
    return [found[key] for key in order]


def _plan(game, equilibrium, node_id: int) -> list[str]:
    """What the equilibrium does from a node on, step by step, in words (up to seven steps;
    a loop down the one path play takes, no recursion)."""
    nodes = game.nodes
    steps: list[str] = []
    for depth in range(8):
        node = nodes[node_id]
        if node.player == TERMINAL:
            return [*steps, f"it ends in {node.outcome}"]
        if depth > 6:
            return steps
        if node.player == NATURE:
            going = [(p, c, a) for p, c, a in zip(node.probs, node.children, node.actions)
                     if p and nodes[c].player != TERMINAL]
            if len(going) != 1:
                return steps
            p, node_id, action = going[0]
            steps.append(f"if {label(game, node, action).lower()} ({format_fraction(p)})")
            continue
        probs = equilibrium.behaviour[node.infoset]
        who = game.players[node.player]
        support = [a for a, p in enumerate(probs) if p]
        if len(support) > 1:
            mix = ", ".join(f"{label(game, node, node.actions[a])} {format_fraction(probs[a])}"
                            for a in support)
            return [*steps, f"{who} would mix ({mix})"]
        steps.append(f"{who} would answer with {label(game, node, node.actions[support[0]])}"
                     if depth == 0 else
                     f"{who} would {label(game, node, node.actions[support[0]])}")
        node_id = node.children[support[0]]
        if nodes[node_id].player == TERMINAL:
            return steps
    return steps


def off_path_plans(game, equilibrium) -> list[str]:
    """For a game without private types: after each move the equilibrium never makes on its
    path, what would follow, and what the move would be worth (why it is not made)."""
    from game.solver.evaluate import Evaluation
    from game.solver.structure import Structure

    spec = game.spec
    if spec is None or any(len(p.types) > 1 for p in spec.players):
        return []
    evaluation = Evaluation(Structure(game), equilibrium.behaviour)
    lines = []
    for node in game.nodes:
        if node.player not in (0, 1) or evaluation.reach[node.id] == 0 or node.round > 1:
            continue
        if node.conceals or game.nodes[node.parent].conceals if node.parent >= 0 else False:
            continue                             # a simultaneous stage: no one reacts to it
        probs = equilibrium.behaviour[node.infoset]
        for index, p in enumerate(probs):
            if p:
                continue
            child = node.children[index]
            if game.nodes[child].player == TERMINAL:
                continue
            who = game.players[node.player]
            steps = _plan(game, equilibrium, child)
            if not steps:
                continue
            worth = evaluation.value(child, node.player)
            gets = evaluation.value(node.id, node.player)
            move = label(game, node, node.actions[index])
            lines.append(f"Why {who} does not choose {move} at {title(game, node.stage)}: "
                         f"{'; '.join(steps)}. That would give {who} {format_fraction(worth)}, "
                         f"against {format_fraction(gets)} on the equilibrium path.")
    return lines
