"""Provides the match driver: the play screens' only link to a running game.

The screens never touch the engine directly: they ask a `MatchDriver` for the human seat's
`PlayerView`, send it the chosen action, and read back `MatchEvent`s (what the opponent and
Nature did, the outcome). `LocalDriver` runs the engine here with a computer opponent (or a
second human at the same terminal, "hot-seat"). A networked driver (the classroom) implements
the same protocol and calls the `notify` callback it was given by `attach` whenever something
arrives from the server; the screen then re-reads `view()` and `drain_events()`.

Contract (stable; other front ends rely on it):

- `spec`, `game`: the scenario and the expanded game being played.
- `seat`: the player index whose view the screen should show now (in hot-seat this changes
  to whoever must move; otherwise it is the human's fixed seat).
- `humans`: the seats played by people at this terminal.
- `view()`: the `PlayerView` for `seat`.
- `submit(action)`: play the human's move (the engine judges legality and raises
  `IllegalMoveError`); the driver then advances Nature and the opponent until a human must
  move or the game ends.
- `drain_events()`: the events since the last call, oldest first.
- `finished`: True when the game is over.
- `final_state()`: the full engine `State` once finished (for the debrief), else None.
- `insight(seat)`: the live analysis panels' content for `seat`, or None when unavailable.
- `opponent_name`, `opponent_description`: who the computer opponent is ("" for humans).
- `attach(notify)`: the decision screen passes a thread-safe callback; a remote driver calls
  it whenever its state changed (the opponent moved, the game ended). When `view()` shows
  that it is not the seat's turn, the screen shows "Waiting for ..." and no actions.
- optional `equilibrium_index`: which equilibrium of the solve result the panels and the
  debrief compare with (the debrief falls back to the refined one).
- optional `predictions`: exam mode's list of (opponent node, predicted action), graded on
  the outcome and debrief screens.
- optional `use_result(result, equilibrium_index)`: a local match that began before the solve
  finished (an opponent that needs none) takes it here; the decision screen fetches it.

Screens that take a driver: `DecisionScreen(spec, game, driver, result)` (then the outcome and
debrief screens follow by themselves; `result` is a `SolveResult` or None).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from game.engine.state import State
from game.engine.view import PlayerView, view_of
from game.model.tree import NATURE, Game
from game.tui.teach.panels import Insight


@dataclass(frozen=True)
class MatchEvent:
    """Something that happened in the match, in words a player may see."""

    kind: str
    """"chance", "move" (a player's move), "hidden" (a concealed simultaneous move), "outcome"."""
    actor: int
    """0 or 1, or `NATURE`; -2 for the outcome."""
    text: str
    round: int = 1


class MatchDriver(Protocol):
    """What the play screens need from a running match (see the module docstring)."""

    spec: object
    game: Game
    humans: tuple[int, ...]
    opponent_name: str
    opponent_description: str

    @property
    def seat(self) -> int: ...

    @property
    def finished(self) -> bool: ...

    def view(self) -> PlayerView: ...

    def submit(self, action: str) -> None: ...

    def drain_events(self) -> list[MatchEvent]: ...

    def final_state(self) -> State | None: ...

    def insight(self, seat: int) -> Insight | None: ...

    def attach(self, notify: Callable[[], None]) -> None: ...


def describe_step(spec, node, action: str) -> str:
    """'State B: Resist.' for a move, 'Chance: ...' for Nature."""
    label = spec.action_label(node.stage, action) if spec is not None else action
    if node.player == NATURE:
        return f"Chance: {label}."
    name = spec.players[node.player].name if spec is not None else str(node.player)
    return f"{name}: {label}."


class LocalDriver:
    """Runs a match in this process: the engine referees, a bot (or a human) is the opponent.

    Args:
        game: the expanded game (with its `spec`).
        seat: the human's player index.
        bot: the computer opponent (anything with `choose(view, rng)`), or None for hot-seat.
        seed: seeds Nature's draws (the bot has its own seeded RNG).
        own_type: the human's private type (hot-seat: seat's type); None to let Nature draw.
        result: a `SolveResult` for the live panels (optional).
        equilibrium_index: which equilibrium the panels assume.
    """

    def __init__(self, game: Game, seat: int, bot=None, seed: int | None = None,
                 own_type: str | None = None, result=None,
                 equilibrium_index: int | None = None) -> None:
        self.game = game
        self.spec = game.spec
        self.home = seat
        self.bot = bot
        self.humans = (seat,) if bot is not None else (0, 1)
        self.seed = seed
        self.rng = random.Random(seed)
        self.result = result
        self.equilibrium_index = equilibrium_index
        self.opponent_name = getattr(bot, "name", "") if bot is not None else "human"
        self.opponent_description = (getattr(bot, "description", "") if bot is not None
                                     else "Another player at this terminal (hot-seat).")
        self._events: list[MatchEvent] = []
        self._notify: Callable[[], None] | None = None
        self.predictions: list[tuple[int, str]] = []
        """Exam mode: (the opponent's node, the action predicted there), in order."""
        self._structure = None
        self._model = False
        """The opponent model once built (False: not yet)."""
        state = State.initial(game)
        while state.is_chance and state.current.private_to >= 0:
            if state.current.private_to == seat and own_type:
                state = state.play(own_type)
            else:
                state = state.sample_chance(self.rng)
        self.state = state
        self._advance()

    # -- protocol -------------------------------------------------------------------------
    @property
    def seat(self) -> int:
        """The seat to show: whoever must move if a human, else the home seat."""
        if not self.state.is_terminal and self.state.to_move in self.humans:
            return self.state.to_move
        return self.home

    @property
    def finished(self) -> bool:
        """True when the game is over."""
        return self.state.is_terminal

    def view(self) -> PlayerView:
        """The current seat's view."""
        return view_of(self.state, self.seat)

    def view_for(self, seat: int) -> PlayerView:
        """A given seat's view."""
        return view_of(self.state, seat)

    def submit(self, action: str) -> None:
        """Plays the human's action (raises `IllegalMoveError` if illegal) and advances."""
        node = self.state.current
        if node.player not in self.humans:
            from game.engine.state import IllegalMoveError

            raise IllegalMoveError("it is not a human player's turn")
        self.state = self.state.play(action)
        self._log(node, action)
        self._advance()

    def drain_events(self) -> list[MatchEvent]:
        """The events since the last call."""
        events, self._events = self._events, []
        return events

    def final_state(self) -> State | None:
        """The full state once the game is over."""
        return self.state if self.state.is_terminal else None

    def attach(self, notify: Callable[[], None]) -> None:
        """A local match changes only on `submit`, so `notify` is never needed; kept for remote."""
        self._notify = notify

    def insight(self, seat: int) -> Insight | None:
        """The live panels for `seat`: under the reference equilibrium, and against the
        computer opponent's model (its play written as probabilities; none for a human)."""
        if self.result is None or self.equilibrium_index is None or not self.result.equilibria:
            return None
        from game.tui.teach.panels import compute_insight

        if self._structure is None:
            from game.solver.structure import Structure

            self._structure = Structure(self.game)
        return compute_insight(self.game, self.result, self.equilibrium_index, self.state, seat,
                               self.model(), self._structure)

    def model(self):
        """The computer opponent's model (None in hot-seat or for an unknown bot), built once."""
        if self._model is False:
            from game.tui.teach.model import opponent_model

            opponent = 1 - self.home
            self._model = opponent_model(self.game, self.bot, opponent) \
                if self.bot is not None else None
        return self._model

    def use_result(self, result, equilibrium_index: int | None) -> None:
        """Takes a solve that finished after the match began (for the live panels)."""
        self.result = result
        if self.equilibrium_index is None:
            self.equilibrium_index = equilibrium_index

    # -- internals ------------------------------------------------------------------------
    def _log(self, node, action: str) -> None:
        if node.conceals:
            name = self.spec.players[node.player].name if self.spec else str(node.player)
            self._events.append(MatchEvent("hidden", node.player,
                                           f"{name} has chosen (shown once the other side "
                                           "chooses too).", node.round))
        else:
            kind = "chance" if node.player == NATURE else "move"
            self._events.append(MatchEvent(kind, node.player,
                                           describe_step(self.spec, node, action), node.round))

    def _advance(self) -> None:
        while not self.state.is_terminal:
            node = self.state.current
            if node.player == NATURE:
                self.state = self.state.sample_chance(self.rng)
                self._log(node, self.state.actions_taken()[-1])
                continue
            if node.player in self.humans:
                break
            view = view_of(self.state, node.player)
            action = self.bot.choose(view, self.rng)
            self.state = self.state.play(action)
            self._log(node, action)
        if self.state.is_terminal:
            outcome = self.state.current.outcome
            self._events.append(MatchEvent("outcome", -2, f"Outcome: {outcome}.",
                                           self.state.current.round))
