"""Provides the checks of a scenario's nodes (decision, chance, simultaneous, terminal) and of its
stage graph, for `game.scenario.check`.

Each check reports located problems through the context and returns the model's node (None
when a problem was reported); `check_graph` finds cycles, unreachable nodes and games too
large to expand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from game.model.expand import MAX_EXPANDED_NODES
from game.model.expr import Expr, format_fraction
from game.model.spec import (
    ALL_TYPES,
    ChanceNode,
    DecisionNode,
    Move,
    SimultaneousBranch,
    SimultaneousNode,
    TerminalNode,
)
from game.scenario.messages import did_you_mean
from game.scenario.schema import (
    ActionSpec,
    ChanceSpec,
    DecisionSpec,
    SimultaneousSpec,
    TerminalSpec,
)

if TYPE_CHECKING:
    from game.scenario.check import CheckContext

SOLE_TYPE = "sole"
"""The type id of a player declared without types."""


def _player_ids(players) -> list[str]:
    return [p.id for p in players] if players else []


def _known_players(context: CheckContext, keys, ids: list[str], path: tuple) -> bool:
    """Reports every key that is not a player id (with "did you mean"); True if none."""
    ok = True
    for key in keys:
        if key not in ids:
            context.report((*path, key), f"Unknown player {key!r}.{did_you_mean(key, ids)}")
            ok = False
    return ok


def _check_moves(context: CheckContext, moves, path: tuple, all_ids: set, chance: bool) -> list[Move]:
    result = []
    seen: set[str] = set()
    for index, move in enumerate(moves):
        move_path = (*path, "moves", index)
        if move.action in seen:
            context.report((*move_path, "action"), f"The action {move.action!r} appears twice at "
                                                   "this node.")
        seen.add(move.action)
        if move.to not in all_ids:
            context.dangling = True
            if context.ids_known:
                context.report((*move_path, "to"), f"There is no node {move.to!r}."
                                                   f"{did_you_mean(move.to, all_ids)}")
        prob = None
        if chance:
            if move.prob is None:
                context.report(move_path, "A chance move needs a `prob`.")
            else:
                prob = context.expr(move.prob, (*move_path, "prob"))
        elif move.prob is not None:
            context.report((*move_path, "prob"), "Only chance nodes have probabilities; remove "
                                                 "`prob` or make the node `kind: chance`.")
        result.append(Move(action=move.action, to=move.to, label=move.label or _label(move.action),
                           prob=prob))
    return result


def _label(action: str) -> str:
    return action.replace("_", " ").replace("-", " ").capitalize()


def check_decision(context, node: DecisionSpec, path, players, all_ids) -> DecisionNode | None:
    ids = _player_ids(players)
    if players is not None and node.player not in ids:
        context.report((*path, "player"), f"Unknown player {node.player!r}."
                                          f"{did_you_mean(node.player, ids)}")
    moves = _check_moves(context, node.moves, path, all_ids, chance=False)
    return DecisionNode(id=node.id, player=node.player, moves=tuple(moves), title=node.title,
                        text=node.text.strip())


def check_chance(context, node: ChanceSpec, path, all_ids) -> ChanceNode | None:
    moves = _check_moves(context, node.moves, path, all_ids, chance=True)
    numbers = [context.number(m.prob) for m in moves]
    if moves and all(n is not None for n in numbers):
        for index, number in enumerate(numbers):
            if number < 0:
                context.report((*path, "moves", index, "prob"), f"A probability cannot be "
                               f"negative; this one is {format_fraction(number)}.")
        total = sum(numbers)
        if total != 1:
            context.report((*path, "moves"), f"The probabilities must add up to 1; these add up "
                                             f"to {format_fraction(total)}.")
    return ChanceNode(id=node.id, moves=tuple(moves), title=node.title, text=node.text.strip())


def check_simultaneous(context, node: SimultaneousSpec, path, players,
                        all_ids) -> SimultaneousNode | None:
    if players is None:
        return None
    ids = _player_ids(players)
    ok = _known_players(context, node.actions, ids, (*path, "actions"))
    for pid in ids:
        if pid not in node.actions:
            context.report((*path, "actions"), f"Both players choose at a simultaneous node; "
                                               f"the actions of {pid!r} are missing.")
            ok = False
    if not ok:
        return None
    actions: dict[str, list[Move]] = {}
    for pid in ids:
        seen: list[str] = []
        moves = []
        for index, item in enumerate(node.actions[pid]):
            action = item.action if isinstance(item, ActionSpec) else item
            label = item.label if isinstance(item, ActionSpec) and item.label else _label(action)
            if action in seen:
                context.report((*path, "actions", pid, index), f"The action {action!r} appears "
                                                               "twice.")
                ok = False
            seen.append(action)
            moves.append(Move(action=action, to="", label=label))
        if not moves:
            context.report((*path, "actions", pid), "Needs at least 1 action.")
            ok = False
        actions[pid] = moves
    branches = []
    covered: dict[tuple[str, str], int] = {}
    for index, entry in enumerate(node.next):
        entry_path = (*path, "next", index)
        for key in entry:
            if key != "to" and key not in ids:
                context.report((*entry_path, key), f"Unknown key {key!r}: each entry names both "
                               f"players' actions and `to`.{did_you_mean(key, [*ids, 'to'])}")
                ok = False
        if "to" not in entry:
            context.report(entry_path, "The key 'to' is missing.")
            ok = False
        elif entry["to"] not in all_ids:
            context.dangling = True
            if context.ids_known:
                context.report((*entry_path, "to"), f"There is no node {entry['to']!r}."
                                                    f"{did_you_mean(entry['to'], all_ids)}")
            ok = False
        pair = []
        for pid in ids:
            if pid not in entry:
                context.report(entry_path, f"The key {pid!r} is missing (the action of {pid}).")
                ok = False
                continue
            names = [m.action for m in actions[pid]]
            if entry[pid] not in names:
                context.report((*entry_path, pid), f"The player {pid!r} has no action {entry[pid]!r}."
                                                   f"{did_you_mean(entry[pid], names)}")
                ok = False
            pair.append(entry[pid])
        if len(pair) == 2:
            key = (pair[0], pair[1])
            if key in covered:
                context.report(entry_path, f"The pair {pair[0]} / {pair[1]} is listed twice "
                                           f"(first in next[{covered[key]}]).")
                ok = False
            covered[key] = index
            if "to" in entry:
                branches.append(SimultaneousBranch(actions=key, to=entry["to"]))
    if all(actions.get(pid) for pid in ids):
        for first in actions[ids[0]]:
            for second in actions[ids[1]]:
                if (first.action, second.action) not in covered:
                    context.report((*path, "next"), f"No entry says where {first.action} / "
                                                    f"{second.action} leads.")
                    ok = False
    if not ok:
        return None
    return SimultaneousNode(id=node.id, players=(ids[0], ids[1]),
                            actions=(tuple(actions[ids[0]]), tuple(actions[ids[1]])),
                            branches=tuple(branches), title=node.title, text=node.text.strip())


def check_terminal(context, node: TerminalSpec, path, players) -> TerminalNode | None:
    if players is None:
        return None
    ids = _player_ids(players)
    payoffs: dict[tuple[str, str, str], Expr] = {}
    ok = _known_players(context, node.payoffs, ids, (*path, "payoffs"))
    for index, player in enumerate(players):
        opponent = players[1 - index]
        own_types = [t.id for t in player.types]
        opp_types = [t.id for t in opponent.types]
        raw = node.payoffs.get(player.id)
        base = (*path, "payoffs", player.id)
        if raw is None:
            context.report((*path, "payoffs"), f"The payoff of {player.id!r} is missing.")
            ok = False
            continue
        if not isinstance(raw, dict):
            expr = context.expr(raw, base)
            if expr is None:
                ok = False
                continue
            for own in own_types:
                for opp in opp_types:
                    payoffs[(player.id, own, opp)] = expr
            continue
        explicit_own = [k for k in raw if k != ALL_TYPES]
        for key in raw:
            if key != ALL_TYPES and key not in own_types:
                hint = did_you_mean(key, own_types)
                if key in opp_types and not hint:
                    hint = (f" ({key!r} is a type of {opponent.id!r}; to make the payoff depend on "
                            f"the opponent's type, nest it under the player's own type or "
                            f"{ALL_TYPES!r})")
                context.report((*base, key), f"The player {player.id!r} has no type {key!r}.{hint}")
                ok = False
        for own in own_types:
            key = own if own in raw else ALL_TYPES if ALL_TYPES in raw else None
            if key is None:
                if len(own_types) == 1 and own == SOLE_TYPE and explicit_own:
                    continue
                context.report(base, f"The payoff of {player.id!r} for its type {own!r} is "
                                     f"missing.")
                ok = False
                continue
            value = raw[key]
            if isinstance(value, dict):
                for opp_key in value:
                    if opp_key not in opp_types:
                        context.report((*base, key, opp_key), f"The player {opponent.id!r} has no type "
                                       f"{opp_key!r}.{did_you_mean(opp_key, opp_types)}")
                        ok = False
                for opp in opp_types:
                    if opp not in value:
                        context.report((*base, key), f"The payoff of {player.id!r} against "
                                                     f"{opponent.id!r}'s type {opp!r} is missing.")
                        ok = False
                        continue
                    expr = context.expr(value[opp], (*base, key, opp))
                    if expr is None:
                        ok = False
                    else:
                        payoffs[(player.id, own, opp)] = expr
            else:
                expr = context.expr(value, (*base, key))
                if expr is None:
                    ok = False
                    continue
                for opp in opp_types:
                    payoffs[(player.id, own, opp)] = expr
    if not ok:
        return None
    return TerminalNode(id=node.id, outcome=node.outcome.strip(), payoffs=payoffs,
                        title=node.title, text=node.text.strip(), disaster=node.disaster)


def _successors(node) -> list[tuple[tuple, str]]:
    if isinstance(node, (DecisionSpec, ChanceSpec)):
        return [(("moves", i, "to"), m.to) for i, m in enumerate(node.moves)]
    if isinstance(node, SimultaneousSpec):
        return [(("next", i, "to"), e["to"]) for i, e in enumerate(node.next) if "to" in e]
    return []


def check_graph(context: CheckContext, root: str, by_id: dict, players) -> None:
    """Reports cycles, unreachable nodes, and trees too large to expand."""
    state: dict[str, int] = {}
    order: list[str] = []
    reported_cycle = False

    def visit(node_id: str, trail: list[str]) -> None:
        nonlocal reported_cycle
        stack = [(node_id, iter(_successors(by_id[node_id][1])))]
        state[node_id] = 1
        trail.append(node_id)
        while stack:
            current, successors = stack[-1]
            advanced = False
            for sub_path, target in successors:
                if target not in by_id:
                    continue
                if state.get(target) == 1:
                    if not reported_cycle:
                        loop = trail[trail.index(target):] + [target]
                        index = by_id[current][0]
                        context.report(("nodes", index, *sub_path),
                                       "The stage loops back on itself: " + " -> ".join(loop) +
                                       ". Every path must end at a terminal node (use a campaign "
                                       "to repeat the stage).")
                        reported_cycle = True
                    continue
                if target not in state:
                    state[target] = 1
                    trail.append(target)
                    stack.append((target, iter(_successors(by_id[target][1]))))
                    advanced = True
                    break
            if not advanced:
                stack.pop()
                trail.pop()
                state[current] = 2
                order.append(current)

    visit(root, [])
    for node_id, (index, _node) in by_id.items():
        if node_id not in state and not context.dangling:
            context.report(("nodes", index, "id"), f"The node {node_id!r} cannot be reached from "
                                                   f"the root {root!r}.")
    if reported_cycle or players is None:
        return
    # Count expanded nodes: per stage node, the nodes of its subtree (order is post-order).
    size: dict[str, int] = {}
    for node_id in order:
        node = by_id[node_id][1]
        if isinstance(node, SimultaneousSpec):
            counts = [len(v) for v in node.actions.values()]
            first = counts[0] if counts else 1
            size[node_id] = 1 + first + sum(size.get(t, 1) for _, t in _successors(node))
        else:
            size[node_id] = 1 + sum(size.get(t, 1) for _, t in _successors(node))
    profiles = 1
    for player in players:
        profiles *= max(1, len(player.types))
    rounds = context.shell.campaign.rounds if context.shell.campaign else 1
    stage_size = size.get(root, 1)
    estimate = profiles * stage_size ** rounds
    if estimate > MAX_EXPANDED_NODES:
        context.report(("nodes",), f"The full game would have about {estimate:,} nodes (types x "
                                   f"stage tree x rounds); the limit is {MAX_EXPANDED_NODES:,}.")
