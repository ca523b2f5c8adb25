"""Provides the remote match driver: the play screens fed by a classroom server.

`ClassroomConnection` keeps one websocket connection in a background thread (its own asyncio
loop) and hands every server message to a callback. `RemoteDriver` implements the
`MatchDriver` contract (see `game.tui.driver`) for one round of the session from the server's
`state` messages, which the server builds from `PlayerView`s only: the driver never knows more
than the student may.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from fractions import Fraction

from game.engine.state import IllegalMoveError, State
from game.engine.view import PlayerView, ViewStep
from game.model.tree import NATURE
from game.tui.driver import MatchEvent


def state_from_view(game, message: dict) -> State | None:
    """Replays a student's view: their own type, the public moves, and for the other side's
    private type the first type it may have (see `RemoteDriver`). A concealed last move is
    replaced by the first legal action (the student's figures do not depend on it). None when
    the view does not fit the game."""
    role = message["role"]
    public = [s["action"] for s in message["history"]]
    state = State.initial(game)
    try:
        while not state.is_terminal:
            node = state.current
            if node.player == NATURE and node.private_to >= 0:
                if node.private_to == role:
                    state = state.play(message["own_type"])
                else:
                    state = state.play_index(next(i for i, p in enumerate(node.probs) if p > 0))
                continue
            if not public:
                break
            action = public.pop(0) or node.actions[0]
            state = state.play(action)
    except (IllegalMoveError, StopIteration, KeyError, ValueError):
        return None
    return state


class ClassroomConnection:
    """A joined seat: connects, joins, and calls `on_message(dict)` from its own thread.

    It keeps itself connected (`SeatLink`): after a lost connection it passes on the link's
    own messages (`reconnecting`, `rejoined`, `disconnected`) like the server's, and ends
    with `{"type": "closed"}`.
    """

    def __init__(self, url: str, code: str, name: str, token: str | None = None, *,
                 first_delay: float = 0.25) -> None:
        self.url, self.code, self.name, self.token = url, code, name, token
        self.first_delay = first_delay
        self._backlog: list[dict] = []
        self._handler: Callable[[dict], None] | None = None
        self._lock = threading.Lock()
        self.welcome: dict | None = None
        self.error_code: str | None = None
        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._error: Exception | None = None
        self.link = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self, timeout: float = 10.0) -> dict:
        """Connects and joins; returns the welcome (raises ConnectionError on failure)."""
        self.thread.start()
        if not self._ready.wait(timeout):
            raise ConnectionError(f"no answer from {self.url}")
        if self._error is not None:
            raise ConnectionError(str(self._error))
        return self.welcome

    def set_handler(self, handler: Callable[[dict], None]) -> None:
        """Routes server messages to `handler`, in arrival order, first the ones that came
        before. The handler is never called on the caller's thread: the backlog is replayed
        on a helper thread, and later messages come on the connection's thread."""

        def replay() -> None:
            while True:
                with self._lock:
                    backlog, self._backlog = self._backlog, []
                    if not backlog:
                        self._handler = handler   # from now on, on_message calls it
                        return
                try:
                    for message in backlog:
                        handler(message)
                except Exception:  # noqa: BLE001 - the app has gone, as in _main
                    return

        threading.Thread(target=replay, daemon=True).start()

    def on_message(self, message: dict) -> None:
        with self._lock:
            handler = self._handler
            if handler is None:
                self._backlog.append(message)
                return
        handler(message)

    def send(self, message: dict) -> None:
        """Sends from any thread (fire and forget; dropped while reconnecting)."""
        if self.link is not None and self.loop.is_running():
            asyncio.run_coroutine_threadsafe(self.link.send(message), self.loop)

    def close(self) -> None:
        if self.link is not None and self.loop.is_running():
            asyncio.run_coroutine_threadsafe(self.link.close(), self.loop)

    def _run(self) -> None:
        self.loop.run_until_complete(self._main())

    async def _main(self) -> None:
        from game.classroom.client import JoinRefusedError, SeatLink

        link = SeatLink(self.url, self.code, self.name, self.token,
                        first_delay=self.first_delay)
        try:
            self.welcome = await link.open()
        except Exception as error:  # noqa: BLE001 - reported to the caller of start()
            if isinstance(error, JoinRefusedError):
                self.error_code = error.code
                error = ConnectionError(error.message)
            self._error = error
            self._ready.set()
            return
        self.token, self.link = link.token, link
        self._ready.set()
        try:
            async for message in link.messages():
                if message.get("type") == "rejoined":
                    self.token = link.token
                self.on_message(message)
        except Exception:  # noqa: BLE001 - a closed app ends the loop
            pass
        try:
            self.on_message({"type": "closed"})
        except Exception:  # noqa: BLE001 - the app has gone
            pass


def view_from_message(message: dict) -> PlayerView:
    """Rebuilds the `PlayerView` the server built the message from."""
    return PlayerView(
        player=message["role"], own_type=message["own_type"],
        history=tuple(ViewStep(s["actor"], s["action"], s["stage"], s["round"], s["concealed"])
                      for s in message["history"]),
        to_move=message["to_move"] if message["your_turn"] or message["to_move"] !=
        message["role"] else -3,
        stage=message["stage"], round=message.get("game_round", 1),
        infoset=message["infoset"], legal_actions=tuple(message["legal"]),
        outcome=message.get("outcome", ""),
        payoffs=tuple(Fraction(p) for p in message["payoffs"]) if "payoffs" in message else None,
        types=tuple(message["types"]) if "types" in message else None)


class RemoteDriver:
    """One round of a classroom session, as a `MatchDriver` for the play screens.

    The live panels are computed here, from what the student may know: `state` rebuilds the
    game from the student's view, with the other side's private type replaced by one of its
    possible types; the panels' figures (`compute_insight`, with no opponent model: the
    opponent is a classmate) depend only on the public history and the student's own type,
    so they are the same whatever that type is (tests/classroom check it).
    """

    def __init__(self, spec, game, connection: ClassroomConnection, first: dict,
                 result=None, equilibrium_index: int | None = None) -> None:
        self.spec, self.game, self.connection = spec, game, connection
        self.round = first["round"]
        self.home = first["role"]
        self.humans = (self.home,)
        self.opponent_name = "classmate"
        self.opponent_description = "Another student in your class (a bot if they time out)."
        self.result = result
        self.equilibrium_index = equilibrium_index
        self.predictions: list[tuple[int, str]] = []
        self._structure = None
        self._message = first
        self._pending = False
        self._seen = 0
        self._events: list[MatchEvent] = []
        self._notify: Callable[[], None] | None = None
        self._lock = threading.Lock()
        self._absorb(first)

    # -- fed by the connection thread ---------------------------------------------------
    def update(self, message: dict) -> None:
        """A new `state` message for this round (from the connection thread)."""
        with self._lock:
            self._message = message
            self._pending = False
            self._absorb(message)
        if self._notify is not None:
            self._notify()

    def _absorb(self, message: dict) -> None:
        history = message["history"]
        for step in history[self._seen:]:
            if step["concealed"]:
                continue
            actor = step["actor"]
            label = self.spec.action_label(step["stage"], step["action"]) if self.spec else \
                step["action"]
            who = "Chance" if actor == NATURE else self.spec.players[actor].name
            self._events.append(MatchEvent("chance" if actor == NATURE else "move", actor,
                                           f"{who}: {label}.", step["round"]))
        self._seen = len([s for s in history if not s["concealed"]])
        if message["finished"]:
            self._events.append(MatchEvent("outcome", -2, f"Outcome: {message['outcome']}.",
                                           message.get("game_round", 1)))

    # -- the MatchDriver contract --------------------------------------------------------
    @property
    def seat(self) -> int:
        return self.home

    @property
    def finished(self) -> bool:
        return bool(self._message["finished"])

    def view(self) -> PlayerView:
        with self._lock:
            message = dict(self._message)
        if self._pending:
            message["your_turn"] = False
            message["legal"] = []
        return view_from_message(message)

    def submit(self, action: str) -> None:
        view = self.view()
        if not view.my_turn or action not in view.legal_actions:
            raise IllegalMoveError(f"{action!r} is not a legal action now")
        self._pending = True
        self.connection.send({"type": "move", "round": self.round,
                              "decision": self._message.get("decision", ""),
                              "action": action})

    @property
    def decision(self) -> str | None:
        """The id of the decision asked now (None when it is not this student's turn)."""
        return self._message.get("decision")

    def drain_events(self) -> list[MatchEvent]:
        with self._lock:
            events, self._events = self._events, []
        return events

    def final_state(self) -> State | None:
        """The whole play, rebuilt once the types are revealed."""
        message = self._message
        if not message["finished"]:
            return None
        types = message["types"]
        public = [s["action"] for s in message["history"]]
        state = State.initial(self.game)
        try:
            while not state.is_terminal:
                node = state.current
                if node.player == NATURE and node.private_to >= 0:
                    state = state.play(types[node.private_to])
                else:
                    state = state.play(public.pop(0))
        except (IllegalMoveError, IndexError):
            return None
        return state

    @property
    def state(self) -> State | None:
        """The game as the student may know it (see the class docstring), or None when the
        view cannot be replayed."""
        message = self._message
        if message["finished"]:
            return self.final_state()
        return state_from_view(self.game, message)

    def insight(self, seat: int):
        """The live panels for the student (see the class docstring)."""
        result, index = self.result, self.equilibrium_index
        if result is None or index is None or not result.equilibria:
            return None
        state = self.state
        if state is None:
            return None
        from game.tui.teach.panels import compute_insight

        if self._structure is None:
            from game.solver.structure import Structure

            self._structure = Structure(self.game)
        return compute_insight(self.game, result, index, state, seat, None, self._structure)

    def use_result(self, result, equilibrium_index: int | None) -> None:
        """Takes the solve (done on this machine once the game was loaded)."""
        self.result = result
        if self.equilibrium_index is None:
            self.equilibrium_index = equilibrium_index

    def attach(self, notify: Callable[[], None]) -> None:
        self._notify = notify


__all__ = ["ClassroomConnection", "RemoteDriver", "view_from_message"]
