"""Recognising a one-shot sender-receiver stage, and what lies below its replies.

For `game.solver.search.signalling`: `recognise` finds the stage (Nature draws the sender's
type, each type a singleton information set, every signal leading to a receiver set with at
most one node per type, everything below the replies forced after the pre-pass);
`below_reply` reads what each reply leads to (with the sender's tied moves below it settled
into classes by the receiver's payoff), and `tie_combos` the combinations of those classes
below one receiver set.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from itertools import product
from math import prod

from game.model.tree import NATURE
from game.solver.search.assess import PureValues
from game.solver.structure import Structure

MAX_SETTLINGS = 256
"""The most ways to settle tied moves below one reply at one node."""
MAX_COMBOS = 4096
"""The most combinations of tie classes below one receiver set's replies."""


@dataclass(frozen=True)
class Stage:
    """Who moves where in a recognised stage."""

    priors: list[Fraction]
    """The sender's types' prior probabilities, in the root's order."""
    sender: int
    receiver: int
    sender_infosets: list[int]
    """Per type: its (singleton) information set."""
    reply: list[list[int]]
    """reply[type][signal]: the receiver's information set that follows."""
    members: dict[int, list[tuple[int, int, int]]]
    """Receiver information set -> its nodes as (type, signal, node)."""


def recognise(structure: Structure, forced) -> tuple[Stage, set[int]] | None:
    """The stage and the unforced infosets below the replies, or None for another shape."""
    game = structure.game
    if game.round_payoffs:
        return None
    root = game.nodes[0]
    if root.player != NATURE:
        return None
    types = [(p, c) for p, c in zip(root.probs, root.children) if p > 0]
    if len(types) < 2:
        return None
    sender = game.nodes[types[0][1]].player
    if sender not in (0, 1):
        return None
    receiver = 1 - sender
    sender_infosets: list[int] = []
    for _, child in types:
        node = game.nodes[child]
        if node.player != sender:
            return None
        infoset = game.infosets[node.infoset]
        if len(infoset.members) != 1 or node.infoset in sender_infosets:
            return None
        sender_infosets.append(node.infoset)
    # reply[i][a] = the receiver's infoset after type i sends a; members per receiver infoset.
    reply: list[list[int]] = []
    members: dict[int, list[tuple[int, int, int]]] = {}   # infoset -> (type, signal, node)
    for i, (_, child) in enumerate(types):
        row = []
        for a, below in enumerate(game.nodes[child].children):
            node = game.nodes[below]
            if node.player != receiver:
                return None
            row.append(node.infoset)
            members.setdefault(node.infoset, []).append((i, a, below))
        reply.append(row)
    loose: set[int] = set()
    for infoset_id, listed in members.items():
        infoset = game.infosets[infoset_id]
        if len(listed) != len(infoset.members) or len({t for t, _, _ in listed}) != len(listed):
            return None
        if len(game.group_infosets[infoset.group]) != 1:
            return None
        for _, _, node in listed:
            for b in range(len(infoset.actions)):
                loose |= structure.child_subtree_infosets[(node, b)] - forced.keys()
    stage = Stage([p for p, _ in types], sender, receiver, sender_infosets, reply, members)
    return stage, loose


@dataclass
class Below:
    """What one reply leads to at one node of a receiver set."""

    sender: Fraction
    """The sender's value (the same however its ties below are broken)."""
    classes: list[tuple[Fraction, list[dict[int, int]]]]
    """The receiver's value -> the settlements of the ties below that give it."""


def below_reply(structure: Structure, domains, forced, loose: set[int], stage: Stage, node: int,
           reply: int) -> Below | None:
    """The classes below one reply at one node, or None outside the shape (the sender's value
    depends on a tie, a tie at a set of several nodes, too many ways)."""
    game = structure.game
    child = game.nodes[node].children[reply]
    inside = sorted(structure.child_subtree_infosets[(node, reply)] & loose,
                    key=structure.order.index)
    if any(len(game.infosets[i].members) != 1 for i in inside):
        return None
    if prod(len(domains[i]) for i in inside) > MAX_SETTLINGS:
        return None
    senders: set[Fraction] = set()
    by_value: dict[Fraction, list[dict[int, int]]] = {}
    for choice in product(*(domains[i] for i in inside)):
        fixed = dict(forced)
        fixed.update(zip(inside, choice))
        values = PureValues(structure, fixed)
        if not all(max(row) == row[fixed[i]] for i in inside for row in values.member_values(i)):
            continue
        senders.add(values.value(child, stage.sender))
        by_value.setdefault(values.value(child, stage.receiver), []).append(
            dict(zip(inside, choice)))
    if len(senders) != 1:
        return None
    return Below(senders.pop(), sorted(by_value.items()))


def tie_combos(listed, actions: int, below) -> list[tuple[list[list[Fraction]], dict, int]] | None:
    """Every combination of tie classes below one receiver set: (values[member][reply],
    one settlement of each class, how many settlements the combination stands for)."""
    slots = [(m, b) for m in range(len(listed)) for b in range(actions)]
    options = [below[(listed[m][0], listed[m][1], b)].classes for m, b in slots]
    count = prod(len(o) for o in options)
    if count > MAX_COMBOS:
        return None
    combos = []
    for choice in product(*options):
        values = [[Fraction(0)] * actions for _ in listed]
        settled: dict[int, int] = {}
        multiplicity = 1
        for (m, b), (value, settlements) in zip(slots, choice):
            values[m][b] = value
            settled.update(settlements[0])
            multiplicity *= len(settlements)
        combos.append((values, settled, multiplicity))
    return combos
