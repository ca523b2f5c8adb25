"""Provides the scenario-level game: players with private types, a public stage tree, parameters.

This is the class of two-player Bayesian multi-stage games with observed actions: Nature draws
each player's type independently from a prior, then players move at public decision nodes
(or simultaneously at a simultaneous node), with public chance nodes, until a terminal
outcome. A campaign repeats the stage tree for several rounds with types persisting.
`game.model.expand.expand_game` turns a `GameSpec` and parameter values into the explicit tree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from game.model.expr import Expr

ALL_TYPES = "all"
"""Payoff key meaning "whatever this player's own type"; a type may not use this id."""


@dataclass(frozen=True, slots=True)
class Parameter:
    """A named exact value that expressions may use, with its allowed range."""

    name: str
    """The name expressions use."""
    value: Fraction
    """The default value."""
    minimum: Fraction | None = None
    """The smallest allowed value, if any."""
    maximum: Fraction | None = None
    """The largest allowed value, if any."""
    description: str = ""
    """What the parameter means, for students and instructors."""


@dataclass(frozen=True, slots=True)
class PlayerType:
    """A private type of a player, drawn by Nature."""

    id: str
    """The type's id, used in payoffs."""
    name: str
    """Display name ("Resolved")."""
    prior: Expr
    """The prior probability of this type."""
    description: str = ""
    """Shown to the player who holds the type."""


@dataclass(frozen=True, slots=True)
class Player:
    """One of the two players."""

    id: str
    """The player's id."""
    name: str
    """Display name ("Challenger")."""
    role: str = ""
    """One line on the player's role."""
    types: tuple[PlayerType, ...] = ()
    """The player's possible types (one type when it has no private information)."""
    short_run: bool = False
    """In a campaign: a fresh opponent each round who cares about that round only."""


@dataclass(frozen=True, slots=True)
class Move:
    """An edge out of a decision or chance node."""

    action: str
    """The action's id (unique at its node)."""
    to: str
    """The id of the node the move leads to."""
    label: str = ""
    """How the action is shown to players (defaults to the id)."""
    prob: Expr | None = None
    """The probability, at a chance node."""


@dataclass(frozen=True, slots=True)
class DecisionNode:
    """A public decision by one player."""

    id: str
    player: str
    moves: tuple[Move, ...]
    title: str = ""
    text: str = ""


@dataclass(frozen=True, slots=True)
class ChanceNode:
    """A public chance event (for example, whether a crisis slips out of control)."""

    id: str
    moves: tuple[Move, ...]
    title: str = ""
    text: str = ""


@dataclass(frozen=True, slots=True)
class SimultaneousBranch:
    """Where a simultaneous stage goes for one pair of actions."""

    actions: tuple[str, str]
    """The first and second mover's actions."""
    to: str
    """The next node."""


@dataclass(frozen=True, slots=True)
class SimultaneousNode:
    """Both players choose without seeing the other's choice; then both choices become public."""

    id: str
    players: tuple[str, str]
    """The two players, in the order the expanded tree asks them."""
    actions: tuple[tuple[Move, ...], tuple[Move, ...]]
    """Each player's actions (`Move.to` is unused here)."""
    branches: tuple[SimultaneousBranch, ...]
    title: str = ""
    text: str = ""


@dataclass(frozen=True, slots=True)
class TerminalNode:
    """An outcome: the stage ends with a payoff for each player."""

    id: str
    outcome: str
    """The outcome's label (several terminal nodes may share one)."""
    payoffs: dict[tuple[str, str, str], Expr]
    """Payoff by (player id, that player's type id, opponent's type id)."""
    title: str = ""
    text: str = ""
    disaster: bool = False
    """Marks an outcome neither side wants (shown as risk)."""


StageNode = DecisionNode | ChanceNode | SimultaneousNode | TerminalNode


@dataclass(frozen=True, slots=True)
class Campaign:
    """The stage tree repeated for several rounds, types persisting, history public."""

    rounds: int
    discount: Expr | None = None
    """Weight of each later round relative to the one before (default 1)."""


@dataclass(frozen=True, slots=True)
class Reference:
    """A literature reference."""

    citation: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class GameSpec:
    """A scenario: the game plus everything shown to students about it."""

    id: str
    title: str
    players: tuple[Player, Player]
    nodes: dict[str, StageNode]
    root: str
    parameters: tuple[Parameter, ...] = ()
    campaign: Campaign | None = None
    summary: str = ""
    concepts: tuple[str, ...] = ()
    references: tuple[Reference, ...] = ()
    debrief: tuple[str, ...] = ()
    discussion: tuple[str, ...] = ()
    """Questions for a class discussion after the debrief, one each."""
    difficulty: str = "introductory"
    minutes: int = 10
    source_path: str | None = field(default=None, compare=False)
    """Where the scenario was loaded from, if from a file."""

    def player_index(self, player_id: str) -> int:
        """Returns 0 or 1 for a player id."""
        for index, player in enumerate(self.players):
            if player.id == player_id:
                return index
        raise KeyError(player_id)

    def action_label(self, stage_id: str, action: str) -> str:
        """How an action at a stage node is shown to players."""
        node = self.nodes.get(stage_id)
        if isinstance(node, (DecisionNode, ChanceNode)):
            for move in node.moves:
                if move.action == action:
                    return move.label or action
        if isinstance(node, SimultaneousNode):
            for moves in node.actions:
                for move in moves:
                    if move.action == action:
                        return move.label or action
        return action

    def type_of(self, player: int, type_id: str) -> PlayerType:
        """A player's type by id."""
        for player_type in self.players[player].types:
            if player_type.id == type_id:
                return player_type
        raise KeyError(type_id)

    def default_values(self) -> dict[str, Fraction]:
        """Returns the parameters' default values."""
        return {parameter.name: parameter.value for parameter in self.parameters}

    def parameter(self, name: str) -> Parameter:
        """Returns a parameter by name."""
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        raise KeyError(name)


def payoff_rows(spec: GameSpec, values: Mapping[str, Fraction]) -> list[tuple[str, ...]]:
    """Rows (outcome, types, payoff of player 0, payoff of player 1) as 'symbol = number'."""
    from game.model.expr import evaluate, format_fraction, to_text

    rows = []
    for node in spec.nodes.values():
        if not isinstance(node, TerminalNode):
            continue
        first = True
        for t0 in spec.players[0].types:
            for t1 in spec.players[1].types:
                cells = []
                for index, player in enumerate(spec.players):
                    own, opp = (t0, t1) if index == 0 else (t1, t0)
                    expr = node.payoffs[(player.id, own.id, opp.id)]
                    symbol = to_text(expr)
                    number = format_fraction(evaluate(expr, values))
                    cells.append(number if symbol == number else f"{symbol} = {number}")
                multi = [t.name for t, p in zip((t0, t1), spec.players) if len(p.types) > 1]
                outcome = node.outcome + (" (disaster)" if node.disaster else "")
                rows.append((outcome if first else "", ", ".join(multi) or "-", *cells))
                first = False
    return rows
