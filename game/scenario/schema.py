"""Provides the pydantic models of a scenario file (the YAML an instructor edits).

Every field carries a docstring; they become the descriptions in `scenarios/scenario.schema.json`
and the key reference in `scenarios/README.md`. Cross-references, the tree's shape and the
expressions are checked after this in `game.scenario.check`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Id = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$", max_length=40)]
ParameterName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=40)]
Expression = int | Decimal | str
"""An exact number (3, 0.25, 1/3) or an expression over parameters (1 - p, -a, max(0, w - c))."""
PayoffValue = Expression | dict[str, Expression | dict[str, Expression]]
Text = Annotated[str, Field(max_length=4000)]


class Strict(BaseModel):
    """Base: unknown keys are errors, numbers in text fields become text."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True,
                              coerce_numbers_to_str=True)


class ParameterSpec(Strict):
    """A named value that payoffs, priors and probabilities may use."""

    value: Expression
    """The default value (an exact number)."""
    min: Expression | None = None
    """The smallest value allowed (optional)."""
    max: Expression | None = None
    """The largest value allowed (optional)."""
    description: Text = ""
    """What the parameter means, in a sentence."""


class TypeSpec(Strict):
    """One private type of a player, drawn by Nature before play."""

    id: Id
    """The type's id, used in payoffs."""
    name: Text = ""
    """How the type is shown (defaults to the id)."""
    prior: Expression
    """The probability Nature draws this type; a player's priors add up to 1."""
    description: Text = ""
    """Shown only to the player who holds the type: what it means for their payoffs."""


class PlayerSpec(Strict):
    """One of the two players."""

    id: Id
    """The player's id, used by nodes and payoffs."""
    name: Text = ""
    """How the player is shown ("Challenger"); defaults to the id."""
    role: Text = ""
    """One sentence on the player's position in the story."""
    types: list[TypeSpec] = Field(default_factory=list, max_length=12)
    """The player's private types; leave out for a player with no private information."""
    short_run: bool = False
    """In a campaign, a fresh opponent every round who cares only about that round's payoff."""


class ReferenceSpec(Strict):
    """A literature reference."""

    citation: Text
    """The full citation."""
    note: Text = ""
    """What the scenario takes from it."""


class MoveSpec(Strict):
    """An action available at a decision or chance node, and where it leads."""

    action: Id
    """The action's id, unique at its node."""
    to: Id
    """The id of the node this action leads to."""
    label: Text = ""
    """How the action is shown to players (defaults to the id)."""
    prob: Expression | None = None
    """The probability of this branch; chance nodes only."""


class ActionSpec(Strict):
    """An action at a simultaneous node."""

    action: Id
    """The action's id."""
    label: Text = ""
    """How the action is shown to players (defaults to the id)."""


class DecisionSpec(Strict):
    """A public decision: one player chooses, and both see the choice."""

    kind: Literal["decision"]
    """Marks a decision node."""
    id: Id
    """The node's id."""
    player: Id
    """The id of the player who decides."""
    title: Text = ""
    """A short heading for the moment."""
    text: Text = ""
    """Narrative shown when this decision comes up."""
    moves: list[MoveSpec] = Field(min_length=1, max_length=20)
    """The actions, each with the node it leads to."""


class ChanceSpec(Strict):
    """A public chance event; each move has a probability."""

    kind: Literal["chance"]
    """Marks a chance node."""
    id: Id
    """The node's id."""
    title: Text = ""
    """A short heading for the moment."""
    text: Text = ""
    """Narrative shown when chance strikes."""
    moves: list[MoveSpec] = Field(min_length=1, max_length=20)
    """The possible results, each with `prob`; the probabilities add up to 1."""


class SimultaneousSpec(Strict):
    """Both players choose at once: neither sees the other's choice until both have chosen."""

    kind: Literal["simultaneous"]
    """Marks a simultaneous node."""
    id: Id
    """The node's id."""
    title: Text = ""
    """A short heading for the moment."""
    text: Text = ""
    """Narrative shown when the stage comes up."""
    actions: dict[Id, Annotated[list[ActionSpec | Id], Field(max_length=20)]]
    """Each player's actions, keyed by player id (an action may be a bare id)."""
    next: list[dict[Id, Id]] = Field(min_length=1, max_length=400)
    """One entry per pair of actions: each player's action, keyed by player id, and `to`."""


class TerminalSpec(Strict):
    """An end of the stage: an outcome with a payoff for each player."""

    kind: Literal["terminal"]
    """Marks a terminal node."""
    id: Id
    """The node's id."""
    outcome: Text
    """The outcome's label ("Status quo"); several terminal nodes may share one."""
    title: Text = ""
    """A short heading shown when the outcome is reached."""
    text: Text = ""
    """What happened, in words for students."""
    disaster: bool = False
    """Marks an outcome neither side wants; the risk panel tracks its probability."""
    payoffs: dict[Id, PayoffValue]
    """Per player id: a value, or a mapping from the player's own type (or `all`) to a value
    or to a mapping from the opponent's type to a value."""


NodeSpec = Annotated[
    DecisionSpec | ChanceSpec | SimultaneousSpec | TerminalSpec, Field(discriminator="kind")
]


class CampaignSpec(Strict):
    """Repeats the stage tree for several rounds; types persist and the history stays public."""

    rounds: int = Field(ge=1, le=12)
    """How many rounds."""
    discount: Expression | None = None
    """The weight of each round relative to the one before (default 1: payoffs simply add)."""


class ScenarioSpec(Strict):
    """A scenario file."""

    format: Literal["deterrence-scenario/1"] = "deterrence-scenario/1"
    """The file format's version."""
    id: Id
    """The scenario's id (its file name without `.yaml`)."""
    title: Text
    """The title students see."""
    summary: Text = ""
    """One paragraph: what the scenario is about and what it teaches."""
    concepts: list[Id] = Field(default_factory=list)
    """Concept ids from `seeds/concepts.yaml` that the scenario teaches."""
    difficulty: Literal["introductory", "intermediate", "advanced"] = "introductory"
    """How hard the scenario is."""
    minutes: int = Field(default=10, ge=1, le=180)
    """About how long one play and its debrief take."""
    references: list[ReferenceSpec] = Field(default_factory=list)
    """The literature the scenario reduces."""
    parameters: dict[ParameterName, ParameterSpec] = Field(default_factory=dict)
    """Named values used by expressions; the command line may override them (`--set a=3`)."""
    players: list[PlayerSpec] = Field(min_length=2, max_length=2)
    """Exactly two players."""
    campaign: CampaignSpec | None = None
    """Optional: play the stage tree for several rounds."""
    root: Id
    """The id of the node where the stage begins."""
    nodes: list[NodeSpec] = Field(min_length=1)
    """The stage tree as a flat table of nodes that refer to each other by id."""
    debrief: list[Text] = Field(default_factory=list)
    """Notes for the debrief, each a paragraph connecting the equilibrium to the concepts."""
    discussion: list[Text] = Field(default_factory=list, max_length=12)
    """Questions for a class discussion after the debrief (abstract: about credibility,
    commitment, signals, reputation, escalation risk), one question each."""
