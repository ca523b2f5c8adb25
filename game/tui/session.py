"""Provides what the Textual screens need from the core, with no Textual inside: loading a
scenario, solving with a cache, the payoff table's rows and the debrief's game-tree data."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from game.model.expr import format_fraction
from game.model.spec import GameSpec
from game.model.tree import NATURE, TERMINAL, Game


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


Solver = Callable[[Game], object]


def default_solver(game: Game):
    """The solver the game uses: all equilibria, with a short mixed-search budget."""
    from game.solver.solve import solve

    return solve(game, seconds=1.0)


class SolveCache:
    """Solve results per (scenario path, parameter values, rounds); thread-safe."""

    def __init__(self, solver: Solver | None = None) -> None:
        self.solver = solver or default_solver
        self._results: dict[tuple, object] = {}
        self._lock = threading.Lock()

    @staticmethod
    def key(game: Game) -> tuple:
        spec = game.spec
        source = getattr(spec, "source_path", None) or getattr(spec, "id", game.title)
        return (source, tuple(sorted(game.values.items())), game.rounds, len(game.nodes))

    def get(self, game: Game):
        """The cached result, or None."""
        with self._lock:
            return self._results.get(self.key(game))

    def solve(self, game: Game):
        """Solves (or returns the cached result)."""
        cached = self.get(game)
        if cached is not None:
            return cached
        result = self.solver(game)
        with self._lock:
            self._results[self.key(game)] = result
        return result

    def forget(self, source: str | None = None) -> None:
        """Drops results (of one scenario file, or all)."""
        with self._lock:
            for key in list(self._results):
                if source is None or key[0] == source:
                    del self._results[key]


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
    spec = game.spec
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
            size = len(infoset.members)
            text = (f"{game.players[node.player]} at information set {infoset.label}"
                    + (f" ({size} nodes it cannot tell apart)" if size > 1 else ""))
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
