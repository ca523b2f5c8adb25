"""Provides what a parameter change did to the refined equilibrium: which strategies and
beliefs moved, and why (the comparison that flipped, with its symbols and values: "Fight:
w_I = 1 (was -2); Back down: -a = -1: Fight is now the better move").
"""

from __future__ import annotations

from fractions import Fraction

from game.model.expr import format_fraction
from game.tui.teach.listing import _belief, _play, _who
from game.tui.teach.theory import title

ZERO = Fraction(0)


def _terminal_expression(spec, game, member: int, index: int) -> str:
    """The payoff expression of the owner at the end an action leads to directly ('' when it
    does not end the game at once)."""
    from game.model.expr import to_text

    node = game.nodes[member]
    child = game.nodes[node.children[index]]
    stage = spec.nodes.get(child.stage)
    payoffs = getattr(stage, "payoffs", None)
    if not payoffs or child.children or game.rounds > 1:
        return ""
    owner = spec.players[node.player].id
    types = {}
    for step in _types_of(game, member):
        types.update(step)
    own = types.get(node.player, spec.players[node.player].types[0].id)
    other = types.get(1 - node.player, spec.players[1 - node.player].types[0].id)
    expr = payoffs.get((owner, own, other))
    return to_text(expr) if expr is not None else ""


def _types_of(game, node_id: int) -> list[dict[int, str]]:
    """The type draws on the path to a node."""
    nodes = game.nodes
    found = []
    node = nodes[node_id]
    while node.parent >= 0:
        parent = nodes[node.parent]
        if parent.private_to >= 0:
            found.append({parent.private_to: parent.actions[parent.children.index(node.id)]})
        node = parent
    return found


def _reason(spec, before_game, before_eq, after_game, after_eq, infoset_label: str) -> str:
    """Why the play changed at one information set: each action's worth, before and after."""
    from game.solver.explain.debrief import action_values

    old = before_game.infoset_by_label[infoset_label]
    new = after_game.infoset_by_label[infoset_label]
    was = action_values(before_game, before_eq, old.id) or {}
    now = action_values(after_game, after_eq, new.id) or {}
    if not now:
        return ""
    node = after_game.nodes[new.members[0]]
    parts = []
    for index, action in enumerate(new.actions):
        name = spec.action_label(node.stage, action)
        symbol = _terminal_expression(spec, after_game, new.members[0], index)
        value = format_fraction(now[action])
        shown = f"{symbol} = {value}" if symbol and symbol != value else value
        if action in was and was[action] != now[action]:
            shown += f" (was {format_fraction(was[action])})"
        parts.append(f"{name}: {shown}")
    best = max(now.values())
    winners = [spec.action_label(node.stage, a) for a, v in now.items() if v == best]
    chosen = ", ".join(f"{spec.action_label(node.stage, a)}" for a, p in
                       zip(new.actions, after_eq.behaviour[new.id]) if p)
    verdict = (f"{' and '.join(winners)} {'is' if len(winners) == 1 else 'are'} now the best "
               "reply" if len(winners) < len(now) else f"all are worth the same, so {chosen} "
               "is a best reply too")
    return "; ".join(parts) + f": {verdict}."


def regime_changes(spec, before_game, before_eq, after_game, after_eq) -> list[str]:
    """The strategies and beliefs of the refined equilibrium that moved, each with why."""
    from game.solver.structure import Structure

    lines = []
    for infoset_id in reversed(Structure(after_game).order):   # last moves first: the cause
        infoset = after_game.infosets[infoset_id]
        old = before_game.infoset_by_label.get(infoset.label)
        if old is None:
            continue
        was = _play(before_game, before_eq, old)
        now = _play(after_game, after_eq, infoset)
        where = title(after_game, infoset.stage)
        if was != now:
            lines.append(f"- {_who(after_game, infoset)} at {where}: {was} -> {now}. "
                         + _reason(spec, before_game, before_eq, after_game, after_eq,
                                   infoset.label))
        if infoset.id != after_game.group_infosets[infoset.group][0]:
            continue
        belief_was = _belief(before_game, before_eq, old)
        belief_now = _belief(after_game, after_eq, infoset)
        if belief_was != belief_now and (belief_was or belief_now):
            lines.append(f"- {after_game.players[infoset.player]}'s belief at {where}: "
                         f"{belief_was or '-'} -> {belief_now or '-'}.")
    return lines
