"""Provides the expanded form: an explicit finite extensive-form game with exact numbers.

Nodes live in one tuple and refer to each other by index. Chance nodes belong to `NATURE`;
terminal nodes to nobody. Information sets group decision nodes a player cannot tell apart.
Infosets that share a *belief group* share one belief over their members' *keys* (in a
scenario: the opponent's type, plus a concealed simultaneous move), because a player's
belief about the other side does not depend on its own type.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

NATURE = -1
"""The chance player's index."""
TERMINAL = -2
"""The `player` of a terminal node."""


class GameStructureError(ValueError):
    """The game breaks a structural rule (probabilities, perfect recall, labels)."""


@dataclass(frozen=True, slots=True)
class Node:
    """One node of the expanded tree."""

    id: int
    parent: int
    """The parent's index (-1 at the root)."""
    player: int
    """0 or 1 for a decision node, `NATURE` for chance, `TERMINAL` for a leaf."""
    infoset: int
    """The information set's index (-1 for chance and terminal nodes)."""
    actions: tuple[str, ...]
    children: tuple[int, ...]
    probs: tuple[Fraction, ...] = ()
    """Chance probabilities, one per action."""
    label: str = ""
    """A readable node label, unique in the game."""
    payoffs: tuple[Fraction, ...] = ()
    """Total payoff per player, at a terminal node."""
    outcome: str = ""
    """The outcome label, at a terminal node."""
    stage: str = ""
    """The scenario node this node stands for ("" outside scenarios)."""
    round: int = 1
    """The campaign round (1 outside campaigns)."""
    private_to: int = -1
    """For a chance node that draws a type: the player who alone sees the result."""
    conceals: bool = False
    """A simultaneous first move: hidden from the other player until it has moved too."""

    @property
    def is_terminal(self) -> bool:
        """True at a leaf."""
        return self.player == TERMINAL

    @property
    def is_chance(self) -> bool:
        """True at a chance node."""
        return self.player == NATURE


@dataclass(frozen=True, slots=True)
class Infoset:
    """An information set: decision nodes its player cannot tell apart."""

    id: int
    player: int
    label: str
    """A readable id, unique in the game."""
    actions: tuple[str, ...]
    members: tuple[int, ...]
    keys: tuple[str, ...]
    """One key per member; beliefs are stated over keys."""
    group: int
    """Infosets of one group share a belief over keys."""
    own_type: str = ""
    """In a scenario: the type of the player who owns the infoset."""
    stage: str = ""
    round: int = 1


@dataclass(frozen=True)
class Game:
    """An explicit finite extensive-form game with exact payoffs and probabilities."""

    title: str
    players: tuple[str, ...]
    """Display names, in player order."""
    nodes: tuple[Node, ...]
    infosets: tuple[Infoset, ...]
    player_ids: tuple[str, ...] = ()
    """Ids of the players (scenario ids, or names for `.efg` games)."""
    myopic: tuple[bool, ...] = ()
    """Per player: a short-run player whose every decision maximises that round's payoff only."""
    round_payoffs: dict[int, tuple[tuple[Fraction, ...], ...]] | None = None
    """For games with a myopic player: per terminal, per round, the undiscounted payoff per player."""
    round_scores: dict[int, tuple[tuple[Fraction, ...], ...]] | None = field(
        default=None, compare=False, repr=False)
    """For a campaign: per terminal, each round's undiscounted payoffs per player (for the
    scoreboard; the solver reads `payoffs` and `round_payoffs`)."""
    spec: object | None = field(default=None, compare=False, repr=False)
    """The `GameSpec` this game was expanded from, if any."""
    values: dict[str, Fraction] = field(default_factory=dict)
    """The parameter values used."""
    rounds: int = 1

    @property
    def root(self) -> Node:
        """The root node."""
        return self.nodes[0]

    @cached_property
    def terminals(self) -> tuple[int, ...]:
        """Indices of the terminal nodes."""
        return tuple(node.id for node in self.nodes if node.player == TERMINAL)

    @cached_property
    def group_infosets(self) -> dict[int, tuple[int, ...]]:
        """Belief group -> the infosets in it."""
        groups: dict[int, list[int]] = {}
        for infoset in self.infosets:
            groups.setdefault(infoset.group, []).append(infoset.id)
        return {group: tuple(members) for group, members in groups.items()}

    @cached_property
    def infoset_by_label(self) -> dict[str, Infoset]:
        """Label -> infoset."""
        return {infoset.label: infoset for infoset in self.infosets}

    @cached_property
    def node_by_label(self) -> dict[str, Node]:
        """Label -> node."""
        return {node.label: node for node in self.nodes}

    def player_index(self, name_or_id: str) -> int:
        """Returns the index of a player given its id or display name."""
        for index, (name, pid) in enumerate(zip(self.players, self.player_ids or self.players)):
            if name_or_id in (name, pid):
                return index
        raise KeyError(name_or_id)

    def path(self, node_id: int) -> list[tuple[int, int]]:
        """Returns the (node, action index) steps from the root to `node_id`."""
        steps: list[tuple[int, int]] = []
        current = self.nodes[node_id]
        while current.parent >= 0:
            parent = self.nodes[current.parent]
            steps.append((parent.id, parent.children.index(current.id)))
            current = parent
        steps.reverse()
        return steps

    def chance_reach(self, node_id: int) -> Fraction:
        """Returns the product of chance probabilities on the path to `node_id`."""
        reach = Fraction(1)
        for parent, index in self.path(node_id):
            node = self.nodes[parent]
            if node.player == NATURE:
                reach *= node.probs[index]
        return reach

    def is_myopic(self, player: int) -> bool:
        """True when `player` is short-run."""
        return bool(self.myopic) and self.myopic[player]


def validate_game(game: Game) -> None:
    """Checks the structural rules the engine and solver rely on.

    Raises:
        GameStructureError: with a plain sentence saying what is wrong.
    """
    if len(game.players) != 2:
        raise GameStructureError(f"a game needs exactly two players, not {len(game.players)}")
    labels: set[str] = set()
    for node in game.nodes:
        if node.label in labels:
            raise GameStructureError(f"node label {node.label!r} is used twice")
        labels.add(node.label)
        if len(node.actions) != len(node.children):
            raise GameStructureError(f"node {node.label!r}: actions and children differ in number")
        if node.player == NATURE:
            if len(node.probs) != len(node.actions) or any(p < 0 for p in node.probs):
                raise GameStructureError(f"chance node {node.label!r}: probabilities are invalid")
            if sum(node.probs) != 1:
                total = sum(node.probs)
                raise GameStructureError(
                    f"chance node {node.label!r}: probabilities add up to {total}, not 1"
                )
        elif node.player == TERMINAL:
            if node.children:
                raise GameStructureError(f"terminal node {node.label!r} has children")
            if len(node.payoffs) != 2:
                raise GameStructureError(f"terminal node {node.label!r} needs two payoffs")
        else:
            if not node.actions:
                raise GameStructureError(f"decision node {node.label!r} has no actions")
            if len(set(node.actions)) != len(node.actions):
                raise GameStructureError(f"node {node.label!r} repeats an action")
    seen_infoset_labels: set[str] = set()
    for infoset in game.infosets:
        if infoset.label in seen_infoset_labels:
            raise GameStructureError(f"information set label {infoset.label!r} is used twice")
        seen_infoset_labels.add(infoset.label)
        if len(set(infoset.keys)) != len(infoset.keys):
            raise GameStructureError(f"information set {infoset.label!r} has ambiguous members")
        for member in infoset.members:
            node = game.nodes[member]
            if node.infoset != infoset.id or node.player != infoset.player:
                raise GameStructureError(f"information set {infoset.label!r} is inconsistent")
            if node.actions != infoset.actions:
                raise GameStructureError(
                    f"information set {infoset.label!r}: its nodes offer different actions"
                )
    _check_perfect_recall(game)


def _check_perfect_recall(game: Game) -> None:
    """Every node of an infoset has the same own-experience (own infosets and actions) path.

    One pass from the root (no recursion, linear in the number of nodes): each node gets, per
    player, a number standing for the sequence of that player's (infoset, action) on its path.
    """
    sequences: dict[tuple[int, int, int], int] = {}
    experience = ([0] * len(game.nodes), [0] * len(game.nodes))
    stack = [game.root.id] if game.nodes else []
    while stack:
        node = game.nodes[stack.pop()]
        for index, child in enumerate(node.children):
            for player in (0, 1):
                sequence = experience[player][node.id]
                if node.player == player:
                    key = (sequence, node.infoset, index)
                    sequence = sequences.setdefault(key, len(sequences) + 1)
                experience[player][child] = sequence
            stack.append(child)
    for infoset in game.infosets:
        seen = {experience[infoset.player][member] for member in infoset.members}
        if len(seen) > 1:
            raise GameStructureError(
                f"information set {infoset.label!r}: the player would forget its own earlier "
                "moves (the game lacks perfect recall)"
            )
