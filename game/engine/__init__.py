"""The referee: game state, legal moves, per-player views, seeded chance, the event log."""

from game.engine.log import EventLog, replay
from game.engine.state import IllegalMoveError, State
from game.engine.view import PlayerView, view_of

__all__ = ["EventLog", "IllegalMoveError", "PlayerView", "State", "replay", "view_of"]
