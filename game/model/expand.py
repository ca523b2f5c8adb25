"""Provides `expand_game`: a scenario and parameter values -> the explicit extensive form."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from itertools import product

from game.model.expr import ExprError, check_size, evaluate
from game.model.spec import (
    ChanceNode,
    DecisionNode,
    GameSpec,
    SimultaneousNode,
    TerminalNode,
)
from game.model.tree import NATURE, TERMINAL, Game, GameStructureError, Infoset, Node

MAX_EXPANDED_NODES = 250_000
"""The largest expanded tree the game will build (campaigns grow exponentially)."""


LABEL_STEPS = 32
"""Histories up to this many steps are spelt out in full in node and information set labels;
longer ones show their last `LABEL_TAIL` steps (labels stay short in long chains)."""
LABEL_TAIL = 8


class _Histories:
    """Public histories as a trie: each history is an int (0 is the empty history).

    A long chain shares its prefixes, so memory grows with the number of nodes, not with the
    number of nodes times the depth.
    """

    def __init__(self) -> None:
        self.parents: list[int] = [-1]
        self.steps: list[str] = [""]
        self.lengths: list[int] = [0]
        self.index: dict[tuple[int, str], int] = {}

    def child(self, history: int, step: str) -> int:
        """The history `history` followed by `step`."""
        key = (history, step)
        found = self.index.get(key)
        if found is None:
            found = self.index[key] = len(self.steps)
            self.parents.append(history)
            self.steps.append(step)
            self.lengths.append(self.lengths[history] + 1)
        return found

    def tail(self, history: int, count: int | None = None) -> list[str]:
        """The last `count` steps of `history` (all of them when None), in order."""
        out: list[str] = []
        while history > 0 and (count is None or len(out) < count):
            out.append(self.steps[history])
            history = self.parents[history]
        out.reverse()
        return out

    def text(self, history: int) -> tuple[str, bool]:
        """The history as `a/b/c` (or `start`), and whether it was shortened."""
        if self.lengths[history] <= LABEL_STEPS:
            return "/".join(self.tail(history)) or "start", False
        return (f"...({self.lengths[history]} steps).../"
                + "/".join(self.tail(history, LABEL_TAIL)), True)


@dataclass
class _Builder:
    """Mutable scratch space while the tree is built."""

    spec: GameSpec
    values: Mapping[str, Fraction]
    rounds: int
    discount: Fraction
    nodes: list[dict] = field(default_factory=list)
    infoset_index: dict[tuple, int] = field(default_factory=dict)
    infoset_members: list[list[int]] = field(default_factory=list)
    infoset_keys: list[list[str]] = field(default_factory=list)
    infoset_info: list[dict] = field(default_factory=list)
    group_index: dict[tuple, int] = field(default_factory=dict)
    round_payoffs: dict[int, tuple[tuple[Fraction, ...], ...]] = field(default_factory=dict)
    round_scores: dict[int, tuple[tuple[Fraction, ...], ...]] = field(default_factory=dict)
    histories: _Histories = field(default_factory=_Histories)

    def value(self, expr, where: str) -> Fraction:
        try:
            return evaluate(expr, self.values)
        except ExprError as error:
            raise GameStructureError(f"{where}: {error}") from None

    def bounded(self, value: Fraction, where: str) -> Fraction:
        try:
            return check_size(value)
        except ExprError as error:
            raise GameStructureError(f"{where}: {error}") from None

    def add_node(self, **fields) -> int:
        if len(self.nodes) >= MAX_EXPANDED_NODES:
            raise GameStructureError(
                f"the expanded game would have more than {MAX_EXPANDED_NODES:,} nodes; "
                "use fewer rounds"
            )
        fields["id"] = len(self.nodes)
        self.nodes.append(fields)
        return fields["id"]

    def infoset_for(self, player: int, own_type: str, history: int, stage: str,
                    round_: int, key: str, actions: tuple[str, ...], node: int) -> int:
        identity = (player, own_type, history, stage, round_)
        index = self.infoset_index.get(identity)
        if index is None:
            index = len(self.infoset_members)
            self.infoset_index[identity] = index
            group_identity = (player, history, stage, round_)
            group = self.group_index.setdefault(group_identity, len(self.group_index))
            self.infoset_members.append([])
            self.infoset_keys.append([])
            self.infoset_info.append(
                {"player": player, "own_type": own_type, "history": history, "stage": stage,
                 "round": round_, "actions": actions, "group": group}
            )
        self.infoset_members[index].append(node)
        self.infoset_keys[index].append(key)
        return index


def expand_game(spec: GameSpec, values: Mapping[str, Fraction] | None = None,
                rounds: int | None = None) -> Game:
    """Builds the explicit extensive form of `spec` at the given parameter values.

    Args:
        spec: the scenario-level game.
        values: parameter values; missing ones take their defaults.
        rounds: overrides the number of rounds (turns a one-shot scenario into a campaign).

    Raises:
        GameStructureError: an expression cannot be evaluated, probabilities do not add up
            to 1, or the tree would be too large.
    """
    merged = spec.default_values()
    merged.update(values or {})
    campaign_rounds = spec.campaign.rounds if spec.campaign else 1
    total_rounds = rounds if rounds is not None else campaign_rounds
    discount = Fraction(1)
    if spec.campaign and spec.campaign.discount is not None:
        try:
            discount = evaluate(spec.campaign.discount, merged)
        except ExprError as error:
            raise GameStructureError(f"the campaign's discount: {error}") from None
    builder = _Builder(spec=spec, values=merged, rounds=total_rounds, discount=discount)

    priors = []
    for player in spec.players:
        probs = tuple(builder.value(t.prior, f"prior of {player.id}.{t.id}") for t in player.types)
        if any(p < 0 for p in probs) or sum(probs) != 1:
            raise GameStructureError(
                f"the priors of {player.id}'s types must be non-negative and add up to 1; "
                f"they add up to {sum(probs)}"
            )
        priors.append(probs)

    type_ids = [tuple(t.id for t in player.types) for player in spec.players]
    drawn = [index for index in (0, 1) if len(type_ids[index]) > 1]

    def draw(level: int, parent: int, chosen: dict[int, str]) -> int:
        if level == len(drawn):
            types = (chosen.get(0, type_ids[0][0]), chosen.get(1, type_ids[1][0]))
            return _expand_stage(builder, spec.root, 1, 0, types, parent, [])
        player = drawn[level]
        label = "Nature:" + spec.players[player].id + "".join(f"|{t}" for t in chosen.values())
        node = builder.add_node(parent=parent, player=NATURE, infoset=-1,
                                actions=type_ids[player], children=(), probs=priors[player],
                                label=label, private_to=player)
        children = tuple(draw(level + 1, node, {**chosen, player: t}) for t in type_ids[player])
        builder.nodes[node]["children"] = children
        return node

    draw(0, -1, {})
    return _finish(builder)


def _expand_stage(b: _Builder, stage_id: str, round_: int, history: int, types: tuple[str, str],
                  parent: int, round_results: list) -> int:
    """Expands the stage tree from `stage_id`; returns the new node's index.

    Iterative (an explicit stack, no recursion over the tree's depth), numbering nodes in
    pre-order: a node, then its first child's whole subtree, then the next child's.
    """
    root_slot: list[int | None] = [None]
    # A task: (stage id, round, history, results of earlier rounds, parent, slot list, index);
    # an inner task (the second mover of a simultaneous stage) starts with _INNER.
    stack: list[tuple] = [(stage_id, round_, history, round_results, parent, root_slot, 0)]
    while stack:
        task = stack.pop()
        if task[0] is _INNER:
            _expand_inner(b, task, types, stack)
            continue
        _expand_one(b, task, types, stack)
    assert root_slot[0] is not None
    return root_slot[0]


_INNER = object()
"""Marks a stack task that builds the second mover's node of a simultaneous stage."""


def _expand_one(b: _Builder, task: tuple, types: tuple[str, str], stack: list[tuple]) -> None:
    """Builds the node of one stage task and pushes its children's tasks (first child on top)."""
    stage_id, round_, history, round_results, parent, slots, slot = task
    spec = b.spec
    stage = spec.nodes[stage_id]
    type_text = ",".join(t for i, t in enumerate(types) if len(spec.players[i].types) > 1)
    where, shortened = b.histories.text(history)
    label = stage_id + (f"#{round_}" if b.rounds > 1 else "") + (f"|{type_text}" if type_text else "") + f"|{where}"
    if shortened:
        label += f" #{len(b.nodes)}"  # the node's own number keeps a shortened label unique

    if isinstance(stage, TerminalNode):
        payoffs = tuple(
            b.value(stage.payoffs[(player.id, types[i], types[1 - i])],
                    f"payoff of {player.id} at {stage_id}")
            for i, player in enumerate(spec.players)
        )
        results = [*round_results, (stage.outcome, payoffs)]
        if round_ < b.rounds:
            stack.append((spec.root, round_ + 1, b.histories.child(history, ";"), results, parent,
                          slots, slot))
            return
        if len(results) == 1:
            total = payoffs  # one round: nothing to add up (and each payoff is bounded)
        else:
            total = tuple(
                sum((b.discount ** k * result[1][i] for k, result in enumerate(results)),
                    Fraction(0))
                for i in range(2)
            )
            for value in total:
                b.bounded(value, f"the total payoff at {stage_id}")
        outcome = " / ".join(result[0] for result in results)
        node = b.add_node(parent=parent, player=TERMINAL, infoset=-1, actions=(), children=(),
                          label=label, payoffs=total, outcome=outcome, stage=stage_id,
                          round=round_)
        if any(p.short_run for p in spec.players):
            b.round_payoffs[node] = tuple(result[1] for result in results)
        if b.rounds > 1:
            b.round_scores[node] = tuple(result[1] for result in results)
        slots[slot] = node
        return

    if isinstance(stage, ChanceNode):
        probs = tuple(b.value(m.prob, f"probability of {stage_id}.{m.action}") for m in stage.moves)
        if any(p < 0 for p in probs) or sum(probs) != 1:
            raise GameStructureError(
                f"the probabilities at {stage_id} must be non-negative and add up to 1; "
                f"they add up to {sum(probs)}"
            )
        node = b.add_node(parent=parent, player=NATURE, infoset=-1,
                          actions=tuple(m.action for m in stage.moves), children=(), probs=probs,
                          label=label, stage=stage_id, round=round_)
        _push_children(b, node, stage.moves, round_, history, round_results, stack)
        slots[slot] = node
        return

    if isinstance(stage, DecisionNode):
        player = spec.player_index(stage.player)
        actions = tuple(m.action for m in stage.moves)
        node = b.add_node(parent=parent, player=player, infoset=-1, actions=actions, children=(),
                          label=label, stage=stage_id, round=round_)
        b.nodes[node]["infoset"] = b.infoset_for(player, types[player], history, stage_id, round_,
                                                 types[1 - player], actions, node)
        _push_children(b, node, stage.moves, round_, history, round_results, stack)
        slots[slot] = node
        return

    assert isinstance(stage, SimultaneousNode)
    first, second = (spec.player_index(p) for p in stage.players)
    first_actions = tuple(m.action for m in stage.actions[0])
    node = b.add_node(parent=parent, player=first, infoset=-1, actions=first_actions, children=(),
                      label=label, stage=stage_id, round=round_, conceals=True)
    b.nodes[node]["infoset"] = b.infoset_for(first, types[first], history, stage_id, round_,
                                             types[second], first_actions, node)
    children: list[int | None] = [None] * len(first_actions)
    b.nodes[node]["children"] = children
    for index in reversed(range(len(first_actions))):
        stack.append((_INNER, stage_id, first_actions[index], label, round_, history,
                      round_results, node, children, index))
    slots[slot] = node


def _expand_inner(b: _Builder, task: tuple, types: tuple[str, str], stack: list[tuple]) -> None:
    """Builds the second mover's node after one first move of a simultaneous stage."""
    _, stage_id, first_action, label, round_, history, round_results, parent, slots, slot = task
    spec = b.spec
    stage = spec.nodes[stage_id]
    assert isinstance(stage, SimultaneousNode)
    first, second = (spec.player_index(p) for p in stage.players)
    second_actions = tuple(m.action for m in stage.actions[1])
    targets = {branch.actions: branch.to for branch in stage.branches}
    inner = b.add_node(parent=parent, player=second, infoset=-1, actions=second_actions,
                       children=(), label=f"{label}|{first_action}", stage=stage_id,
                       round=round_)
    b.nodes[inner]["infoset"] = b.infoset_for(
        second, types[second], b.histories.child(history, "?"), stage_id, round_,
        f"{types[first]}+{first_action}", second_actions, inner)
    children: list[int | None] = [None] * len(second_actions)
    b.nodes[inner]["children"] = children
    for index in reversed(range(len(second_actions))):
        second_action = second_actions[index]
        stack.append((targets[(first_action, second_action)], round_,
                      b.histories.child(history, f"{first_action}&{second_action}"), round_results,
                      inner,
                      children, index))
    slots[slot] = inner


def _push_children(b: _Builder, node: int, moves, round_: int, history: int,
                   round_results: list, stack: list[tuple]) -> None:
    """Pushes one task per move, the first move's on top (so it is numbered first)."""
    children: list[int | None] = [None] * len(moves)
    b.nodes[node]["children"] = children
    for index in reversed(range(len(moves))):
        move = moves[index]
        stack.append((move.to, round_, b.histories.child(history, move.action), round_results,
                      node, children, index))


def _infoset_history(histories: _Histories, history: int) -> str:
    """The public history in an information set's label (moves only, long ones shortened)."""
    if histories.lengths[history] <= LABEL_STEPS:
        shown = [step for step in histories.tail(history) if step not in (";", "?")]
        return "/".join(shown) or "start"
    shown = [step for step in histories.tail(history, LABEL_TAIL) if step not in (";", "?")]
    return f"...({histories.lengths[history]} steps).../" + "/".join(shown)


def _finish(b: _Builder) -> Game:
    """Freezes the builder into a `Game`, giving infosets readable unique labels."""
    spec = b.spec
    infos = b.infoset_info
    histories_per_stage: dict[tuple, set] = {}
    for info in infos:
        histories_per_stage.setdefault((info["stage"], info["round"], info["player"]), set()).add(
            info["history"])
    infosets = []
    for index, info in enumerate(infos):
        player = spec.players[info["player"]]
        label = info["stage"]
        if b.rounds > 1:
            label += f"#{info['round']}"
        if len(histories_per_stage[(info["stage"], info["round"], info["player"])]) > 1:
            label += "@" + _infoset_history(b.histories, info["history"])
        if len(player.types) > 1:
            label += "|" + info["own_type"]
        infosets.append(
            Infoset(id=index, player=info["player"], label=label, actions=info["actions"],
                    members=tuple(b.infoset_members[index]),
                    keys=tuple(b.infoset_keys[index]), group=info["group"],
                    own_type=info["own_type"], stage=info["stage"], round=info["round"])
        )
    counts: dict[str, int] = {}
    for infoset in infosets:
        counts[infoset.label] = counts.get(infoset.label, 0) + 1
    infosets = [
        Infoset(id=i.id, player=i.player, label=f"{i.label}:{spec.players[i.player].id}",
                actions=i.actions, members=i.members, keys=i.keys, group=i.group,
                own_type=i.own_type, stage=i.stage, round=i.round)
        if counts[i.label] > 1 else i for i in infosets]
    seen: dict[str, int] = {}
    for position, infoset in enumerate(infosets):  # shortened histories may still coincide
        number = seen.get(infoset.label, 0) + 1
        seen[infoset.label] = number
        if number > 1:
            infosets[position] = replace(infoset, label=f"{infoset.label}~{number}")
    nodes = tuple(Node(**{**fields, "children": tuple(fields["children"])}) for fields in b.nodes)
    return Game(
        title=spec.title,
        players=tuple(p.name for p in spec.players),
        player_ids=tuple(p.id for p in spec.players),
        nodes=nodes,
        infosets=tuple(infosets),
        myopic=tuple(p.short_run for p in spec.players),
        round_payoffs=b.round_payoffs or None,
        round_scores=b.round_scores or None,
        spec=spec,
        values=dict(b.values),
        rounds=b.rounds,
    )


def type_profiles(spec: GameSpec) -> list[tuple[str, str]]:
    """Returns every (type of player 0, type of player 1) pair."""
    return list(product(*(tuple(t.id for t in p.types) for p in spec.players)))
