"""Provides `non_credible_nash`: Nash equilibria that rest on threats that would not be carried out.

For games without private information: every pure Nash equilibrium that is not among the
perfect Bayesian (here: subgame-perfect) equilibria, with, for each information set where the
prescribed move is not a best reply, a plain sentence and the least probability with which
the threat would have to be carried out to keep deterring.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from itertools import product

from game.model.expr import format_fraction
from game.solver.evaluate import Evaluation
from game.solver.results import Equilibrium, NashReport
from game.solver.structure import ONE, ZERO, Structure

MAX_PROFILES = 20_000


def best_response_value(structure: Structure, behaviour: dict, player: int) -> Fraction:
    """The most `player` can get against the others' behaviour (a pure best reply, bottom-up)."""
    game = structure.game
    current = dict(behaviour)
    for infoset_id in reversed(structure.order):
        infoset = game.infosets[infoset_id]
        if infoset.player != player:
            continue
        evaluation = Evaluation(structure, current)
        weights = evaluation.omega[player]
        totals = []
        for action in range(len(infoset.actions)):
            totals.append(sum((weights[m] * evaluation.value(game.nodes[m].children[action], player)
                               for m in infoset.members), ZERO))
        best = max(range(len(totals)), key=totals.__getitem__)
        current[infoset_id] = tuple(ONE if a == best else ZERO for a in range(len(infoset.actions)))
    return Evaluation(structure, current).payoffs[player]


def non_credible_nash(structure: Structure, equilibria: Sequence[Equilibrium],
                      deadline: float | None = None) -> list[NashReport] | None:
    """Pure Nash equilibria that are not perfect Bayesian, each with its non-credible threats.

    Returns None when the game has too many pure profiles or `deadline` (a `time.monotonic()`
    value) passes before the search ends.
    """
    import time

    game = structure.game
    sizes = [len(i.actions) for i in game.infosets]
    total = 1
    for size in sizes:
        total *= size
    if total > MAX_PROFILES:
        return None
    known = {tuple(sorted(eq.behaviour.items())) for eq in equilibria if eq.pure}
    reports = []
    for count, choice in enumerate(product(*(range(n) for n in sizes))):
        if deadline is not None and count % 64 == 0 and time.monotonic() > deadline:
            return None
        behaviour = {i: tuple(ONE if a == c else ZERO for a in range(n))
                     for i, (c, n) in enumerate(zip(choice, sizes))}
        if tuple(sorted(behaviour.items())) in known:
            continue
        evaluation = Evaluation(structure, behaviour)
        if any(best_response_value(structure, behaviour, p) > evaluation.payoffs[p] for p in (0, 1)):
            continue
        threats = _threats(structure, behaviour, evaluation)
        if threats:
            reports.append(NashReport(behaviour=behaviour, outcomes=dict(evaluation.outcomes),
                                      non_credible=tuple(threats)))
    return reports


def _threats(structure: Structure, behaviour: dict, evaluation: Evaluation) -> list[str]:
    game = structure.game
    sentences = []
    for infoset in game.infosets:
        belief = evaluation.group_belief(infoset.group)
        if belief is None:
            belief = {k: ONE / len(infoset.keys) for k in infoset.keys} if len(infoset.keys) > 1 \
                else {infoset.keys[0]: ONE}
        values = evaluation.action_values(infoset.id, belief)
        chosen = max(range(len(values)), key=lambda a: behaviour[infoset.id][a])
        best = max(range(len(values)), key=values.__getitem__)
        if values[chosen] >= values[best]:
            continue
        from game.solver.explain.prose import action_name, actor_name, stage_name

        who = actor_name(game, infoset)
        where = stage_name(game, infoset)
        threat, better = action_name(game, infoset, chosen), action_name(game, infoset, best)
        sentence = (f"{who}'s threat to {threat} at {where} is not credible: once there, "
                    f"{threat} gives {who} {format_fraction(values[chosen])}, but {better} "
                    f"gives {format_fraction(values[best])}.")
        threshold = _deterring_probability(structure, behaviour, infoset.id, chosen, best)
        if threshold is not None and 0 < threshold < 1:
            sentence += (f" It deters only if carried out with probability at least "
                         f"{format_fraction(threshold)}.")
        if sentence not in sentences:
            sentences.append(sentence)
    return sentences


def _deterring_probability(structure: Structure, behaviour: dict, infoset_id: int, threat: int,
                           alternative: int) -> Fraction | None:
    """The least probability of the threat at which no other player gains by deviating (or None).

    Each pure strategy of the deviator earns a payoff linear in the probability f of the threat;
    deterrence needs every one of them to earn no more than the equilibrium does.
    """
    game = structure.game
    owner = game.infosets[infoset_id].player
    size = len(game.infosets[infoset_id].actions)

    def mixed(f: Fraction) -> dict:
        result = dict(behaviour)
        result[infoset_id] = tuple(f if a == threat else (ONE - f if a == alternative else ZERO)
                                   for a in range(size))
        return result

    threshold = ZERO
    for player in (0, 1):
        if player == owner:
            continue
        own = [i for i in game.infosets if i.player == player]
        for choice in product(*(range(len(i.actions)) for i in own)):
            ends = []
            for f in (ZERO, ONE):
                profile = mixed(f)
                equilibrium = Evaluation(structure, profile).payoffs[player]
                for i, c in zip(own, choice):
                    profile[i.id] = tuple(ONE if a == c else ZERO for a in range(len(i.actions)))
                ends.append(Evaluation(structure, profile).payoffs[player] - equilibrium)
            gain0, gain1 = ends
            if gain1 > 0:
                return None
            if gain0 > 0:
                threshold = max(threshold, gain0 / (gain0 - gain1))
    return threshold
