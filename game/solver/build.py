"""Provides `make_equilibrium`: behaviour + supporting beliefs -> an `Equilibrium` record."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from game.model.tree import NATURE
from game.solver.evaluate import Behaviour, Evaluation
from game.solver.linear.region import simplex_region
from game.solver.results import BeliefSet, Continuum, Equilibrium
from game.solver.structure import ONE, ZERO, Structure


def node_types(structure: Structure) -> list[tuple[str, str]]:
    """For every node: the types drawn so far for (player 0, player 1) ("" if not drawn)."""
    known = structure.memo.get("node_types")
    if known is None:
        known = structure.memo["node_types"] = _node_types(structure)
    return known


def _node_types(structure: Structure) -> list[tuple[str, str]]:
    game = structure.game
    if game.spec is None and structure.public.ok:   # a .efg file: the inferred type draws
        labels = structure.public.labels
        return [("/".join(labels[n][0]), "/".join(labels[n][1])) for n in range(len(game.nodes))]
    types: list[tuple[str, str]] = [("", "")] * len(game.nodes)
    for node in game.nodes:
        for index, child in enumerate(node.children):
            current = list(types[node.id])
            if node.player == NATURE and node.private_to >= 0:
                current[node.private_to] = node.actions[index]
            types[child] = (current[0], current[1])
    return types


def belief_set(structure: Structure, evaluation: Evaluation, group: int,
               behaviour: Behaviour) -> BeliefSet:
    """The beliefs over a group's keys under which its prescribed play is optimal.

    It depends only on the play at the group's infosets and below them (and on the round
    payoffs, which are the game's), so it is memoised per game on that play."""
    play = structure.group_subtree_infosets[group]
    keys = evaluation.play_keys
    memo_key = ("belief_set", group, tuple(keys[i] for i in play))
    known = structure.memo.get(memo_key)
    if known is None:
        known = structure.memo[memo_key] = _belief_set(structure, evaluation, group, behaviour)
    return known


def _belief_set(structure: Structure, evaluation: Evaluation, group: int,
                behaviour: Behaviour) -> BeliefSet:
    keys = structure.group_keys[group]
    position = {key: k for k, key in enumerate(keys)}
    rows: list[tuple[Fraction, ...]] = []
    for infoset_id in structure.game.group_infosets[group]:
        infoset = structure.game.infosets[infoset_id]
        values = evaluation.member_action_values(infoset_id)
        for action, p in enumerate(behaviour[infoset_id]):
            if p == 0:
                continue
            for other in range(len(infoset.actions)):
                if other == action:
                    continue
                row = [ZERO] * len(keys)
                for key, member_values in zip(infoset.keys, values):
                    row[position[key]] += member_values[action] - member_values[other]
                rows.append(tuple(row))
    unique = list(dict.fromkeys(rows))
    _, vertices = simplex_region(unique, len(keys))
    return BeliefSet(keys=keys, vertices=tuple(vertices), constraints=tuple(unique))


def make_equilibrium(structure: Structure, behaviour: Behaviour, kind_hint: str = "",
                     continuum: Continuum | None = None, alternatives: int = 1) -> Equilibrium:
    """Builds the full record of an equilibrium from its behaviour profile."""
    game = structure.game
    evaluation = Evaluation(structure, behaviour)
    reach = evaluation.reach
    beliefs: dict[int, dict[str, Fraction]] = {}
    off_path: dict[int, BeliefSet] = {}
    report = None
    if structure.fudenberg_tirole and not structure.one_signal_stage:
        report = structure.ft.assess(behaviour.__getitem__, evaluation.value)
    per_set = structure.one_signal_stage   # FT beliefs read per information set
    for group, infosets in game.group_infosets.items():
        if report is not None and not report.problems:
            first = infosets[0]
            if first in report.bayes:
                beliefs[group] = dict(report.bayes[first])
                continue
            points = report.free.get(first)
            if points:
                keys = structure.group_keys[group]
                off_path[group] = BeliefSet(
                    keys=keys, vertices=tuple(dict.fromkeys(tuple(p.get(k, ZERO) for k in keys)
                                                            for p in points)))
                continue
        keys = structure.group_keys[group]
        if len(keys) == 1 and per_set:
            beliefs[group] = {keys[0]: ONE}   # one type possible: the belief is certain
            continue
        bayes = evaluation.group_belief(group)
        if bayes is not None:
            beliefs[group] = bayes
        else:
            off_path[group] = belief_set(structure, evaluation, group, behaviour)
    on_path = {i.id: any(reach[m] > 0 for m in i.members) for i in game.infosets}
    pure = all(ONE in p for p in behaviour.values())
    type_payoffs = _type_payoffs(structure, evaluation)
    return Equilibrium(
        behaviour={k: tuple(v) for k, v in behaviour.items()},
        beliefs=beliefs,
        off_path_beliefs=off_path,
        on_path=on_path,
        pure=pure,
        kind=kind_hint or classify(structure, behaviour, on_path),
        outcomes=dict(sorted(evaluation.outcomes.items())),
        payoffs=evaluation.payoffs,
        type_payoffs=type_payoffs,
        continuum=continuum,
        alternatives=alternatives,
    )


def _type_payoffs(structure: Structure, evaluation: Evaluation) -> dict[tuple[int, str], Fraction]:
    game = structure.game
    types = node_types(structure)
    reach = evaluation.reach
    mass: dict[tuple[int, str], Fraction] = {}
    total: dict[tuple[int, str], Fraction] = {}
    for z in structure.terminal_list:
        if not reach[z]:
            continue
        for player in (0, 1):
            t = types[z][player]
            if not t:
                continue
            key = (player, t)
            mass[key] = mass.get(key, ZERO) + reach[z]
            total[key] = total.get(key, ZERO) + reach[z] * game.nodes[z].payoffs[player]
    return {key: total[key] / mass[key] for key in mass if mass[key]}


def classify(structure: Structure, behaviour: Mapping[int, Sequence[Fraction]],
             on_path: Mapping[int, bool]) -> str:
    """Names the equilibrium: separating, pooling on an action, or semi-separating.

    The signal is the first move of a player with several types (its earliest information sets,
    one per type); complete-information games are 'pure' or 'mixed'.
    """
    game = structure.game
    pure = all(ONE in behaviour[i] for i, seen in on_path.items() if seen)
    spec = game.spec
    tree = structure.public
    if spec is not None:
        informed = [p for p in (0, 1) if len(spec.players[p].types) > 1]
    elif tree.ok:   # a .efg game: the types inferred from its information sets
        informed = [p for p in (0, 1) if len({tree.labels[n][p] for n in tree.states[0].main}
                                             | {tree.labels[n][p] for n in structure.terminal_list}) > 1]
    else:  # a player is informed where its information sets share beliefs
        informed = [p for p in (0, 1) if any(
            len(members) > 1 and game.infosets[members[0]].player == p
            for members in game.group_infosets.values())]
    for infoset_id in structure.order:
        infoset = game.infosets[infoset_id]
        if infoset.player not in informed or not on_path.get(infoset_id, False):
            continue
        if not _observed_later(structure, infoset):
            continue
        if tree.ok:   # the player's information sets at this public state, one per type
            state = tree.states[tree.state_of[infoset.members[0]]]
            group = state.infosets.get(infoset.player, {}).values()
        else:
            group = game.group_infosets[infoset.group]
        siblings = [game.infosets[i] for i in group if on_path.get(i, False)]
        if len(siblings) < 2:
            continue
        rows = [tuple(behaviour[i.id]) for i in siblings]
        supports = [frozenset(a for a, p in enumerate(r) if p > 0) for r in rows]
        if all(len(s) == 1 for s in supports):
            if len(set(supports)) == 1:
                return f"pooling on {infoset.actions[next(iter(supports[0]))]}"
            if len(set(supports)) == len(supports):
                return "separating"
            return "partially pooling"
        overlap = any(supports[i] & supports[j] for i in range(len(supports))
                      for j in range(i + 1, len(supports)))
        return "semi-separating" if overlap else "separating"
    if spec is not None and not informed:
        return "subgame perfect"
    return "pure" if pure else "mixed"


def _observed_later(structure: Structure, infoset) -> bool:
    """Does the other player move after this move (so the move can act as a signal)?"""
    game = structure.game
    other = 1 - infoset.player
    for member in infoset.members:
        for below in structure.subtree_infosets[member]:
            if game.infosets[below].player == other:
                return True
    return False
