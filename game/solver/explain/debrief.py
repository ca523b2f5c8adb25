"""Provides debrief facts for a played game: what the theory says about each decision taken.

For one equilibrium of the solver's list and one play (an engine `State`), each decision gets:
the equilibrium's prescription at that information set, what every action was worth given the
equilibrium's beliefs and continuation, the opponent's belief about the mover's type before and
after the move (Bayes' rule on the public history), and, for a reply to the opponent's move,
whether the harshest reply (the threat) was a best reply at that moment: was it credible.

Everything here reads only what the mover could know, except where a fact is explicitly about
the whole play (the debrief comes after both types are revealed).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from fractions import Fraction
from typing import Protocol

from game.model.expr import format_fraction
from game.model.tree import NATURE, TERMINAL, Game
from game.solver.evaluate import Evaluation
from game.solver.results import Equilibrium, SolveResult
from game.solver.structure import ONE, ZERO, Structure


class State(Protocol):
    """A play position: what `game.engine.state.State` provides (the solver does not import the
    engine, its sibling layer)."""

    node: int
    steps: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class DecisionFact:
    """What the theory says about one decision of a played game."""

    round: int
    stage: str
    """The scenario node id ("" for a .efg game)."""
    player: int
    infoset: str
    """The information set's label."""
    action: str
    """The move actually played."""
    prescribed: dict[str, Fraction]
    """The equilibrium's probability of each action at this information set."""
    values: dict[str, Fraction] | None
    """The mover's expected payoff of each action, given the equilibrium's beliefs and play
    afterwards (None when the equilibrium leaves the belief undefined)."""
    belief_before: dict[str, Fraction] | None
    """The opponent's belief about the mover's type before the move (None: one type)."""
    belief_after: dict[str, Fraction] | None
    """... and after it (None: one type, or no type would make this move in equilibrium)."""
    off_path: bool
    """The move (by this type, after this history) has probability zero in the equilibrium."""
    threat: str | None
    """For a reply to the opponent's move: the reply that hurts the opponent most, when it
    ends the round without another move by the opponent (a threat to carry out; not an
    answer to a posture, not a simultaneous move)."""
    credible: bool | None
    """Whether carrying out `threat` was a best reply at that moment (None: not a reply)."""
    note: str
    """One plain sentence summarising the above."""


def _evaluation(game: Game, equilibrium: Equilibrium, structure: Structure | None = None
                ) -> Evaluation:
    return Evaluation(structure or Structure(game), equilibrium.behaviour)


def infoset_belief(game: Game, equilibrium: Equilibrium, infoset_id: int
                   ) -> dict[str, Fraction] | None:
    """The equilibrium's belief at an information set (Bayes, or a supporting off-path one)."""
    group = game.infosets[infoset_id].group
    if group in equilibrium.beliefs:
        return dict(equilibrium.beliefs[group])
    belief_set = equilibrium.off_path_beliefs.get(group)
    if belief_set is not None and belief_set.vertices:
        return dict(zip(belief_set.keys, belief_set.vertices[0]))
    keys = game.infosets[infoset_id].keys
    if len(set(keys)) == 1:
        return {keys[0]: ONE}
    return None


def action_values(game: Game, equilibrium: Equilibrium, infoset_id: int,
                  evaluation: Evaluation | None = None) -> dict[str, Fraction] | None:
    """The owner's expected payoff of each action at an information set under the equilibrium."""
    belief = infoset_belief(game, equilibrium, infoset_id)
    if belief is None:
        return None
    evaluation = evaluation or _evaluation(game, equilibrium)
    infoset = game.infosets[infoset_id]
    return dict(zip(infoset.actions, evaluation.action_values(infoset_id, belief)))


def _type_names(game: Game, player: int) -> dict[str, str]:
    spec = game.spec
    if spec is None:
        return {}
    return {t.id: t.name or t.id for t in spec.players[player].types}


def posterior(game: Game, equilibrium: Equilibrium, state: State, about: int,
              upto: int | None = None) -> dict[str, Fraction] | None:
    """The other player's belief about `about`'s type given the public history of `state`.

    Bayes' rule over the histories that differ from the actual one only in `about`'s type,
    under the equilibrium's behaviour. Returns None when `about` has only one type or when the
    history has probability zero under the equilibrium (off the path). `upto` limits the
    history to its first `upto` steps.
    """
    steps = state.steps if upto is None else state.steps[:upto]
    nodes = game.nodes
    frontier: list[tuple[int, Fraction, str]] = [(0, ONE, "")]
    drew = False
    last = len(steps) - 1
    for position, (node_id, index) in enumerate(steps):
        actual = nodes[node_id]
        action = actual.actions[index]
        hidden_move = actual.conceals and position == last
        following: list[tuple[int, Fraction, str]] = []
        for node, weight, held in frontier:
            here = nodes[node]
            if here.player == NATURE and here.private_to == about:
                drew = True
                following.extend((child, weight * p, here.actions[k])
                                 for k, (child, p) in enumerate(zip(here.children, here.probs))
                                 if p > 0)
                continue
            if action not in here.actions:
                continue
            k = here.actions.index(action)
            factor = ONE
            if here.player == about and not hidden_move:
                factor = equilibrium.behaviour[here.infoset][k]
            if factor:
                following.append((here.children[k], weight * factor, held))
        frontier = following
    if not drew:
        return None
    total = sum((w for _, w, _ in frontier), ZERO)
    if total == 0:
        return None
    result: dict[str, Fraction] = {}
    for _, weight, held in frontier:
        result[held] = result.get(held, ZERO) + weight / total
    return result


def prior(game: Game, about: int) -> dict[str, Fraction] | None:
    """`about`'s prior over its types (None when it has one type)."""
    for node in game.nodes:
        if node.player == NATURE and node.private_to == about:
            return dict(zip(node.actions, node.probs))
    return None


def reputation_track(game: Game, equilibrium: Equilibrium, state: State, about: int
                     ) -> list[dict[str, Fraction] | None]:
    """The other player's belief about `about` after each completed round of a campaign."""
    track = []
    nodes = game.nodes
    for position, (node_id, _) in enumerate(state.steps):
        following = state.steps[position + 1][0] if position + 1 < len(state.steps) else state.node
        if nodes[following].round > nodes[node_id].round or (
                position + 1 == len(state.steps) and nodes[state.node].player == TERMINAL):
            track.append(posterior(game, equilibrium, state, about, upto=position + 1))
    return track


def outcome_risk(disaster: Collection[str], game: Game, equilibrium: Equilibrium, state: State,
                 player: int) -> Fraction | None:
    """The chance of a disaster outcome from here on, as `player` can judge it.

    At `player`'s own decision the nodes it cannot tell apart are weighted by its equilibrium
    belief, so the figure never reveals the opponent's type. Elsewhere it is computed from the
    actual position only when the opponent has a single type. None when the scenario marks no
    disaster outcome or the belief is undefined.
    """
    if not disaster:
        return None
    nodes = game.nodes
    memo: dict[int, Fraction] = {}

    def risk(node_id: int) -> Fraction:
        if node_id in memo:
            return memo[node_id]
        node = nodes[node_id]
        if node.player == TERMINAL:
            value = ONE if node.outcome in disaster else ZERO
        else:
            probs = node.probs if node.player == NATURE else equilibrium.behaviour[node.infoset]
            value = sum((p * risk(c) for p, c in zip(probs, node.children) if p), ZERO)
        memo[node_id] = value
        return value

    node = nodes[state.node]
    if node.player == player:
        infoset = game.infosets[node.infoset]
        belief = infoset_belief(game, equilibrium, infoset.id)
        if belief is None:
            return None
        return sum((belief.get(key, ZERO) * risk(member)
                    for key, member in zip(infoset.keys, infoset.members)), ZERO)
    if prior(game, 1 - player) is not None and node.player != TERMINAL:
        return None
    return risk(state.node)


def debrief_facts(result: SolveResult, equilibrium_index: int, state: State,
                  player: int | None = None) -> tuple[DecisionFact, ...]:
    """The facts for every decision of the play in `state` (only `player`'s, if given)."""
    game = result.game
    equilibrium = result.equilibria[equilibrium_index]
    structure = Structure(game)
    evaluation = _evaluation(game, equilibrium, structure)
    nodes = game.nodes
    facts = []
    for position, (node_id, index) in enumerate(state.steps):
        node = nodes[node_id]
        if node.player not in (0, 1):
            continue
        if player is not None and node.player != player:
            continue
        facts.append(_fact(game, equilibrium, evaluation, state, position, node_id, index))
    return tuple(facts)


def _fact(game: Game, equilibrium: Equilibrium, evaluation: Evaluation, state: State,
          position: int, node_id: int, index: int) -> DecisionFact:
    node = game.nodes[node_id]
    infoset = game.infosets[node.infoset]
    mover, other = node.player, 1 - node.player
    action = infoset.actions[index]
    prescribed = dict(zip(infoset.actions, equilibrium.behaviour[infoset.id]))
    values = action_values(game, equilibrium, infoset.id, evaluation)
    before = posterior(game, equilibrium, state, mover, upto=position)
    after = posterior(game, equilibrium, state, mover, upto=position + 1)
    off_path = evaluation.reach[node.children[index]] == 0
    threat = credible = None
    if is_reply(game, state.steps[:position], node_id) and len(infoset.actions) > 1 \
            and values is not None:
        harm = [evaluation.value(child, other) for child in node.children]
        if len(set(harm)) > 1:
            worst = min(range(len(harm)), key=harm.__getitem__)
            if ends_round(game, node.children[worst], other, node.round):
                threat = infoset.actions[worst]
                credible = values[threat] == max(values.values())
    note = _note(game, infoset, mover, action, prescribed, values, before, after, off_path,
                 threat, credible)
    return DecisionFact(round=node.round, stage=node.stage, player=mover, infoset=infoset.label,
                        action=action, prescribed=prescribed, values=values,
                        belief_before=before, belief_after=after,
                        off_path=off_path, threat=threat, credible=credible, note=note)


def is_reply(game: Game, earlier: tuple[tuple[int, int], ...], node_id: int) -> bool:
    """True when the move at `node_id` answers the other player's move of the same round, seen
    before choosing (not a simultaneous move)."""
    nodes = game.nodes
    node = nodes[node_id]
    if node.conceals or (node.parent >= 0 and nodes[node.parent].conceals):
        return False
    return any(nodes[n].player == 1 - node.player and nodes[n].round == node.round
               for n, _ in earlier)


def ends_round(game: Game, node_id: int, player: int, round_: int) -> bool:
    """True when, from `node_id`, round `round_` ends without another move by `player`: a
    reply that leads there is a threat to carry out, not an answer to a posture."""
    nodes = game.nodes
    start_round = round_
    stack = [node_id]
    while stack:
        node = nodes[stack.pop()]
        if node.round != start_round:
            continue
        if node.player == player:
            return False
        stack.extend(node.children)
    return True


def _label(game: Game, infoset, action: str) -> str:
    spec = game.spec
    if spec is None or not infoset.stage or infoset.stage not in spec.nodes:
        return action
    return spec.action_label(infoset.stage, action)


def _belief_text(game: Game, player: int, belief: dict[str, Fraction]) -> str:
    names = _type_names(game, player)
    return ", ".join(f"{names.get(t, t)} {format_fraction(p)}" for t, p in belief.items())


def _note(game: Game, infoset, mover: int, action: str, prescribed: dict[str, Fraction],
          values: dict[str, Fraction] | None, before, after, off_path: bool,
          threat: str | None, credible: bool | None) -> str:
    name = game.players[mover]
    other = game.players[1 - mover]
    shown = _label(game, infoset, action)
    parts = []
    p = prescribed[action]
    if p == 1:
        parts.append(f"{name} chose {shown}, as the equilibrium prescribes")
    elif p == 0:
        parts.append(f"{name} chose {shown}, which the equilibrium never plays here")
    else:
        parts.append(f"{name} chose {shown}, which the equilibrium plays with probability "
                     f"{format_fraction(p)}")
    if values is not None:
        best = max(values.values())
        worth = ", ".join(f"{_label(game, infoset, a)} {format_fraction(v)}"
                          for a, v in values.items())
        parts.append(f"worth: {worth}" + ("" if values[action] == best else
                                          f" (the best was worth {format_fraction(best)})"))
    if before is not None:
        if after is None:
            parts.append(f"the move is off the equilibrium path, so Bayes' rule says nothing "
                         f"about what {other} should now believe")
        elif after != before:
            parts.append(f"{other}'s belief about {name} moved from "
                         f"{_belief_text(game, mover, before)} to "
                         f"{_belief_text(game, mover, after)}")
        else:
            parts.append(f"the move told {other} nothing new")
    if threat is not None and credible is not None and values is not None:
        threat_shown = _label(game, infoset, threat)
        if credible:
            parts.append(f"carrying out the threat ({threat_shown}) was a best reply here, so "
                         "the threat was credible")
        else:
            best = max(values.values())
            parts.append(f"carrying out the threat ({threat_shown}) was worth "
                         f"{format_fraction(values[threat])}, less than {format_fraction(best)}, "
                         "so the threat was not credible")
    text = "; ".join(parts) + "."
    return text[:1].upper() + text[1:]
