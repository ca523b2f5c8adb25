"""Provides `PlayerView`: exactly what one player may know at a state, and nothing more.

A player sees its own type, the public history (every move and public chance event, except a
simultaneous move the other player has not answered yet) and, once the game is over, the
outcome with both types revealed. The TUI, the bots and the classroom server all show views,
so the opponent's type cannot leak through any of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from game.engine.state import State
from game.model.tree import NATURE, TERMINAL


@dataclass(frozen=True, slots=True)
class ViewStep:
    """One public event as a player sees it."""

    actor: int
    """0 or 1 for a player's move, `NATURE` for a public chance event."""
    action: str
    """The action id ("" when concealed)."""
    stage: str
    round: int
    concealed: bool = False
    """A simultaneous move whose content this player does not see yet."""


@dataclass(frozen=True, slots=True)
class PlayerView:
    """What one player knows at one moment."""

    player: int
    own_type: str
    history: tuple[ViewStep, ...]
    to_move: int
    """Who moves now (0, 1, `NATURE`, or `TERMINAL` when over)."""
    stage: str
    """The scenario node where the game stands."""
    round: int
    infoset: str = ""
    """This player's information set label, when it is this player's turn."""
    legal_actions: tuple[str, ...] = ()
    """The legal actions, when it is this player's turn."""
    outcome: str = ""
    payoffs: tuple[Fraction, ...] | None = None
    round_payoffs: tuple[tuple[Fraction, ...], ...] | None = None
    """When a campaign is over: each round's (undiscounted) payoffs per player."""
    types: tuple[str, str] | None = None
    """Both types, revealed when the game is over."""

    @property
    def my_turn(self) -> bool:
        """True when this player must act."""
        return self.to_move == self.player

    @property
    def finished(self) -> bool:
        """True when the game is over."""
        return self.to_move == TERMINAL


def view_of(state: State, player: int) -> PlayerView:
    """Returns what `player` may know at `state`."""
    game = state.game
    nodes = game.nodes
    history: list[ViewStep] = []
    steps = state.steps
    own_type = ""
    for position, (node_id, index) in enumerate(steps):
        node = nodes[node_id]
        if node.private_to >= 0:
            if node.private_to == player:
                own_type = node.actions[index]
            continue
        concealed = (
            node.conceals
            and node.player != player
            and position == len(steps) - 1
            and not state.is_terminal
        )
        history.append(ViewStep(actor=node.player, action="" if concealed else node.actions[index],
                                stage=node.stage, round=node.round, concealed=concealed))
    if not own_type and game.spec is not None:
        own_type = game.spec.players[player].types[0].id
    current = nodes[state.node]
    mine = current.player == player
    finished = current.player == TERMINAL
    return PlayerView(
        player=player,
        own_type=own_type,
        history=tuple(history),
        to_move=current.player,
        stage=current.stage,
        round=current.round,
        infoset=game.infosets[current.infoset].label if mine else "",
        legal_actions=current.actions if mine else (),
        outcome=current.outcome if finished else "",
        payoffs=current.payoffs if finished else None,
        types=state.types() if finished else None,
        round_payoffs=(game.round_scores or {}).get(current.id) if finished else None,
    )


__all__ = ["NATURE", "PlayerView", "ViewStep", "view_of"]
