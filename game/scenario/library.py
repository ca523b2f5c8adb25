"""Provides the shipped scenario library: where it is, what is in it, and name resolution."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from game.scenario.errors import ScenarioError, ScenarioProblem

_PACKAGE = Path(__file__).resolve().parent.parent


def data_dir(name: str) -> Path:
    """Returns a top-level data folder (`scenarios`, `seeds`), in a checkout or a wheel."""
    for candidate in (_PACKAGE / "data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    return _PACKAGE.parent / name


def scenarios_dir() -> Path:
    """The folder of shipped scenarios."""
    return data_dir("scenarios")


@dataclass(frozen=True, slots=True)
class LibraryEntry:
    """A shipped scenario file."""

    id: str
    path: Path


def shipped() -> list[LibraryEntry]:
    """Every shipped scenario file, sorted by id."""
    folder = scenarios_dir()
    return [LibraryEntry(p.stem, p) for p in sorted(folder.glob("*.yaml"))]


def resolve(name: str) -> Path:
    """Turns a shipped scenario id or a path into a file path.

    Raises:
        ScenarioError: neither a shipped id nor an existing file.
    """
    path = Path(name)
    if path.suffix in (".yaml", ".yml", ".efg") or "/" in name or path.exists():
        if path.is_file():
            return path
        raise ScenarioError([ScenarioProblem(1, 1, "", f"There is no file {name!r}.", name)])
    for entry in shipped():
        if entry.id == name:
            return entry.path
    from game.scenario.messages import did_you_mean

    ids = [e.id for e in shipped()]
    raise ScenarioError([ScenarioProblem(1, 1, "", f"There is no shipped scenario {name!r}."
                                         f"{did_you_mean(name, ids)} `deterrence list` shows "
                                         "them all.", name)])
