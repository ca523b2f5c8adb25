"""Provides what the Textual screens need from the core, with no Textual inside: loading a
scenario, solving with a cache, the payoff table's rows and the debrief's game-tree data.

The app imports this module before its first paint, so the core (model, scenario, solver) is
imported inside the functions that use it, not here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fractions import Fraction

    from game.model.spec import GameSpec
    from game.model.tree import Game


@dataclass
class PlaySettings:
    """What the command line (or the picker) asked for."""

    scenario: str | None = None
    """A shipped id or a file path; None shows the picker."""
    role: str | None = None
    own_type: str | None = None
    opponent: str = "equilibrium"
    rounds: int | None = None
    seed: int | None = None
    exam: bool = False
    values: dict[str, Fraction] = field(default_factory=dict)
    library: Path | None = None
    """A folder of scenario files to list instead of the shipped ones (tests, instructors)."""


def known_concepts() -> set[str] | None:
    """Concept ids of the glossary, or None when there is none (or it is broken)."""
    from game.scenario.errors import ScenarioError

    try:
        from game.scenario.concepts import load_concepts

        return {c.id for c in load_concepts()}
    except (ScenarioError, FileNotFoundError, OSError):
        return None


def glossary() -> dict[str, tuple[str, str]]:
    """Concept id -> (name, definition); empty when the glossary is missing or broken."""
    from game.scenario.errors import ScenarioError

    try:
        from game.scenario.concepts import load_concepts

        return {c.id: (c.name, c.definition) for c in load_concepts()}
    except (ScenarioError, FileNotFoundError, OSError):
        return {}


def scenario_path(name: str) -> Path:
    """A shipped id or a path -> the file (raises ScenarioError)."""
    from game.scenario.library import resolve

    return resolve(name)


def load(name: str, values: dict[str, Fraction] | None = None, rounds: int | None = None
         ) -> tuple[GameSpec, Game]:
    """Loads and expands a scenario; every problem is raised as a located `ScenarioError`."""
    from game.model.expand import expand_game
    from game.model.tree import GameStructureError
    from game.scenario.errors import ScenarioError, ScenarioProblem
    from game.scenario.load import load_scenario

    path = scenario_path(name)
    if path.suffix == ".efg":
        raise ScenarioError([ScenarioProblem(1, 1, "", "The game is played from scenario files "
                                             "(.yaml); a .efg file has no story to play.",
                                             str(path))])
    values = dict(values or {})
    spec = load_scenario(path, known_concepts=known_concepts(), values=values)
    try:
        return spec, expand_game(spec, values, rounds=rounds)
    except GameStructureError as error:
        raise ScenarioError([ScenarioProblem(1, 1, "", f"At these parameter values: {error}.",
                                             str(path))]) from None


def library(folder: Path | None = None) -> list[tuple[str, GameSpec | None, str]]:
    """Every shipped scenario (or every one in `folder`): (name, spec or None, problem text).

    The name is what `load` accepts: the shipped id, or the file's path for a folder.
    """
    from game.scenario.errors import ScenarioError
    from game.scenario.library import shipped
    from game.scenario.load import load_scenario

    if folder is None:
        entries = [(entry.id, entry.path) for entry in shipped()]
    else:
        entries = [(str(path), path) for path in sorted(Path(folder).glob("*.yaml"))]
    rows = []
    for name, path in entries:
        try:
            rows.append((name, load_scenario(path), ""))
        except ScenarioError as error:
            rows.append((name, None, f"{len(error.problems)} problem(s)"))
    return rows


Solver = Callable[["Game"], object]


LARGE_GAME = 150
"""Nodes past which a game (a long campaign of a one-shot scenario) gets `LARGE_GAME_SECONDS`."""

LARGE_GAME_SECONDS = 1.0
"""The solver's budget for a large game, so the briefing is ready within seconds even when the
game is too large to enumerate (the result then says it is incomplete)."""


def default_solver(game: Game):
    """The solver the game uses: all equilibria (the searches with their default budget; a
    shorter one past `LARGE_GAME` nodes)."""
    from game.solver.solve import solve

    if len(game.nodes) > LARGE_GAME:
        return solve(game, seconds=LARGE_GAME_SECONDS)
    return solve(game)


class SolveCache:
    """Solve results per game (scenario file, parameter values, rounds and the expanded tree
    itself); thread-safe, and a game being solved is solved once: a second caller waits for
    the first one's result instead of starting again."""

    def __init__(self, solver: Solver | None = None) -> None:
        self.solver = solver or default_solver
        self._results: dict[tuple, object] = {}
        self._running: dict[tuple, threading.Event] = {}
        self._lock = threading.Lock()

    @staticmethod
    def key(game: Game) -> tuple:
        """What identifies a solve: the file, the values, the rounds and the tree's content
        (so an edited file with the same shape but other payoffs is solved again)."""
        spec = game.spec
        source = getattr(spec, "source_path", None) or getattr(spec, "id", game.title)
        return (source, tuple(sorted(game.values.items())), game.rounds, len(game.nodes),
                hash((game.nodes, game.infosets)))

    def get(self, game: Game):
        """The cached result, or None."""
        with self._lock:
            return self._results.get(self.key(game))

    def wait(self, game: Game, timeout: float):
        """The result of a solve already running (or cached), waiting at most `timeout`
        seconds; None when it is not done by then (or no solve is running)."""
        key = self.key(game)
        with self._lock:
            if key in self._results:
                return self._results[key]
            done = self._running.get(key)
        if done is None:
            return None
        done.wait(timeout)
        with self._lock:
            return self._results.get(key)

    def running(self, game: Game) -> bool:
        """True while some thread is solving this game."""
        with self._lock:
            return self.key(game) in self._running

    def solve(self, game: Game):
        """Solves (or returns the cached result, or waits for a solve already running)."""
        key = self.key(game)
        while True:
            with self._lock:
                if key in self._results:
                    return self._results[key]
                done = self._running.get(key)
                if done is None:
                    done = self._running[key] = threading.Event()
                    break
            done.wait()          # then the result is cached, or that solve failed: try here
        try:
            result = self.solver(game)
            with self._lock:
                self._results[key] = result
            return result
        finally:
            with self._lock:
                self._running.pop(key, None)
            done.set()

    def forget(self, source: str | None = None) -> None:
        """Drops results (of one scenario file, or all)."""
        with self._lock:
            for key in list(self._results):
                if source is None or key[0] == source:
                    del self._results[key]


def warm_up() -> None:
    """Imports what a match needs (the solver, the bots, the driver and the teaching texts),
    so picking a scenario does not wait for these imports (run in a worker after the picker
    is listed)."""
    import game.bots.equilibrium  # noqa: F401
    import game.solver.explain.debrief  # noqa: F401
    import game.solver.solve  # noqa: F401
    import game.tui.driver  # noqa: F401
    import game.tui.teach.drawing  # noqa: F401
    import game.tui.teach.panels  # noqa: F401


def tree_shape(game: Game) -> tuple:
    """The game tree without its numbers: who moves where, with which actions, in which
    information set (payoffs, probabilities and texts left out)."""
    return (tuple((n.player, n.actions, n.children, n.infoset, n.private_to, n.conceals)
                  for n in game.nodes),
            tuple((i.player, i.actions, i.members) for i in game.infosets))


def replay(state, game: Game):
    """The same moves played in `game` (a reloaded version of `state.game`), or None when
    the trees differ in shape or a move is no longer possible."""
    from game.engine.state import IllegalMoveError, State

    if state is None or tree_shape(state.game) != tree_shape(game):
        return None
    replayed = State.initial(game)
    try:
        for node_id, index in state.steps:
            node = replayed.current
            if replayed.node != node_id or node.probs and node.probs[index] == 0:
                return None
            replayed = replayed.play_index(index)
    except IllegalMoveError:
        return None
    return replayed


@dataclass(frozen=True)
class TreeLine:
    """One node of the game tree as the debrief draws it."""

    node: int
    text: str
    played: bool
    """On the path actually played."""
    children: tuple[int, ...]
    edge_texts: tuple[str, ...]
    """For each child: '[action] (eq 1/2) <- played'."""


def tree_lines(game: Game, equilibrium, played: set[tuple[int, int]]) -> dict[int, TreeLine]:
    """Every node's line: who moves at which information set, and the moves with their
    equilibrium probability and a text marker where play went."""
    from game.model.expr import format_fraction
    from game.model.tree import NATURE, TERMINAL
    from game.tui.teach.drawing import tags
    from game.tui.teach.theory import title

    spec = game.spec
    tag = tags(game)
    lines = {}
    for node in game.nodes:
        if node.player == TERMINAL:
            pays = ", ".join(format_fraction(p) for p in node.payoffs)
            text = f"outcome: {node.outcome}  ({pays})"
        elif node.player == NATURE:
            text = "Nature" + (f" draws {game.players[node.private_to]}'s type"
                               if node.private_to >= 0 else "")
        else:
            infoset = game.infosets[node.infoset]
            prefix = f"R{node.round} " if game.rounds > 1 else ""
            text = f"{prefix}{game.players[node.player]} [{tag[infoset.id]}] {title(game, node.stage)}"
        edges = []
        for index, action in enumerate(node.actions):
            label = spec.action_label(node.stage, action) if spec is not None else action
            if node.player == NATURE and node.private_to >= 0 and spec is not None:
                label = spec.type_of(node.private_to, action).name
            if node.player == NATURE:
                prob = f"p {format_fraction(node.probs[index])}"
            elif node.player >= 0 and equilibrium is not None:
                prob = f"eq {format_fraction(equilibrium.behaviour[node.infoset][index])}"
            else:
                prob = ""
            mark = "  <- played" if (node.id, index) in played else ""
            edges.append(f"[{label}]" + (f" ({prob})" if prob else "") + mark)
        lines[node.id] = TreeLine(node.id, text, False, node.children, tuple(edges))
    return lines
