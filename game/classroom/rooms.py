"""Provides the rooms one host serves: `RoomSpec`, read from a rooms file (`--rooms FILE`) or
from `--room` options, each problem located (file, line, column, key) in plain words.

A rooms file is YAML:

    defaults:              # optional: what every room has unless it says otherwise
      rounds: 6
      timeout: 45
    rooms:
      - name: Section A
        scenario: public-threat
      - name: Section B
        scenario: chain-store
        campaign_rounds: 3
        matching: fixed
        set: {a: 3}        # the scenario's parameter values
        roster: rosters/b.txt   # relative to the rooms file

A `--room` option is one room on one line: `NAME=SCENARIO[,KEY=VALUE...]` with the same keys
(`set.NAME=VALUE` for a parameter), e.g. `--room "Section B=chain-store,rounds=8"`. Whatever a
room does not say comes from the command line's own options.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from game.classroom.protocol import Label

MAX_ROOMS = 64
"""The most rooms one host serves."""


class RoomsFileError(Exception):
    """A rooms file or a `--room` option has problems (the instructor's to fix); the message
    lists every one, located."""


@dataclass(frozen=True)
class RoomSpec:
    """One room a host makes: its name, scenario and settings."""

    name: str
    scenario: str
    values: dict[str, Fraction] = dataclasses.field(default_factory=dict)
    rounds: int = 5
    campaign_rounds: int | None = None
    matching: str = "random"
    roles: str = "rotate"
    roster: tuple[str, ...] | None = None
    timeout: float | None = 60.0
    """Seconds per decision; None: no timer."""
    elicit_beliefs: bool = False
    seed: int | None = None
    autostart: int = 0
    bot: str = "equilibrium"
    max_students: int = 300


class _Settings(BaseModel):
    """What a room (or the file's `defaults`) may set; None: not said here."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    set: dict[Annotated[str, Field(min_length=1, max_length=40)],
              int | Decimal | str] | None = None
    """The scenario's parameter values (exact numbers: 3, 0.25, "1/4")."""
    rounds: Annotated[int, Field(ge=1, le=200)] | None = None
    campaign_rounds: Annotated[int, Field(ge=1, le=12)] | None = None
    matching: Literal["random", "fixed", "perfect-strangers"] | None = None
    roles: Literal["rotate", "fixed"] | None = None
    roster: Annotated[str, Field(min_length=1)] | None = None
    """A file with one participant label per line (relative to the rooms file)."""
    timeout: Annotated[float, Field(ge=0, le=86_400)] | None = None
    """Seconds per decision (0: no timer)."""
    elicit_beliefs: bool | None = None
    seed: Annotated[int, Field(ge=0, lt=2**31)] | None = None
    autostart: Annotated[int, Field(ge=0, le=5000)] | None = None
    bot: Annotated[str, Field(min_length=1, max_length=80)] | None = None
    max_students: Annotated[int, Field(ge=2, le=5000)] | None = None


class _Room(_Settings):
    name: Label
    """The room's name for people ("Section A")."""
    scenario: Annotated[str, Field(min_length=1, max_length=400)]
    """A shipped scenario id or a scenario file (relative to the rooms file)."""


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")

    defaults: _Settings = _Settings()
    rooms: Annotated[list[_Room], Field(min_length=1, max_length=MAX_ROOMS)]


def read_rooms_file(path: str | Path, base: RoomSpec) -> list[RoomSpec]:
    """The rooms of a rooms file; what they do not say comes from `base`.

    Raises:
        RoomsFileError: the file cannot be read, is not YAML, or has problems (all listed).
    """
    from game.scenario.yamlread import YamlReadError, read_yaml

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise RoomsFileError(f"--rooms: cannot read {path} ({getattr(err, 'strerror', None) or err})") \
            from None
    try:
        data, positions = read_yaml(text)
    except YamlReadError as err:
        problem = err.problem
        raise RoomsFileError(_line(path, problem.line, problem.column, problem.path,
                                   problem.message)) from None
    if not isinstance(data, dict):
        raise RoomsFileError(_line(path, 1, 1, (), "a rooms file is a mapping with `rooms:` "
                                                   "(a list of rooms) and optional `defaults:`"))
    try:
        parsed = _File.model_validate(data)
    except ValidationError as err:
        raise RoomsFileError(_problems(err, path, positions)) from None
    rooms = [_spec(room, parsed.defaults, base, path.parent) for room in parsed.rooms]
    _check_names(rooms, lambda i: _line(path, *positions.get(("rooms", i), (1, 1)),
                                        ("rooms", i, "name"), "another room has this name"))
    return rooms


def parse_room_option(text: str, base: RoomSpec) -> RoomSpec:
    """One `--room NAME=SCENARIO[,KEY=VALUE...]` option.

    Raises:
        RoomsFileError: the option is malformed (the message says how).
    """
    head, *pairs = [part.strip() for part in text.split(",")]
    name, sep, scenario = head.partition("=")
    if not sep or not name.strip() or not scenario.strip():
        raise RoomsFileError(f"--room {text!r}: write NAME=SCENARIO[,KEY=VALUE...], like "
                             "--room 'Section A=public-threat,rounds=8'")
    data: dict = {"name": name.strip(), "scenario": scenario.strip()}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise RoomsFileError(f"--room {text!r}: {pair!r} is not KEY=VALUE")
        if key.startswith("set."):
            data.setdefault("set", {})[key[4:]] = value.strip()
        else:
            data[key.replace("-", "_")] = value.strip()
    try:
        room = _Room.model_validate(data)
    except ValidationError as err:
        messages = "; ".join(f"{'.'.join(str(p) for p in e['loc'][:1]) or 'room'}: "
                             f"{_message(e)}" for e in err.errors())
        raise RoomsFileError(f"--room {text!r}: {messages}") from None
    return _spec(room, _Settings(), base, Path.cwd())


def _check_names(rooms: list[RoomSpec], where) -> None:
    seen: set[str] = set()
    for i, room in enumerate(rooms):
        if room.name in seen:
            raise RoomsFileError(where(i))
        seen.add(room.name)


def check_room_names(rooms: list[RoomSpec]) -> None:
    """Raises RoomsFileError when two rooms share a name."""
    _check_names(rooms, lambda i: f"--room: two rooms are named {rooms[i].name!r}")


def _spec(room: _Room, defaults: _Settings, base: RoomSpec, folder: Path) -> RoomSpec:
    def pick(key: str):
        value = getattr(room, key)
        return value if value is not None else getattr(defaults, key)

    changes: dict = {"name": room.name, "scenario": _relative(room.scenario, folder)}
    for key in ("rounds", "campaign_rounds", "matching", "roles", "elicit_beliefs", "seed",
                "autostart", "bot", "max_students"):
        if pick(key) is not None:
            changes[key] = pick(key)
    if pick("timeout") is not None:
        changes["timeout"] = pick("timeout") or None
    values = dict(base.values)
    for source in (defaults.set, room.set):
        for key, value in (source or {}).items():
            try:
                values[key] = Fraction(str(value).strip())
            except (ValueError, ZeroDivisionError):
                raise RoomsFileError(f"room {room.name!r}: set.{key} = {value!r} is not an "
                                     "exact number (like 3, 0.25 or 1/4)") from None
    changes["values"] = values
    roster = pick("roster")
    if roster is not None:
        changes["roster"] = _roster(folder / roster, room.name)
    return dataclasses.replace(base, **changes)


def _relative(scenario: str, folder: Path) -> str:
    """A scenario file named relative to the rooms file; a shipped id stays as it is."""
    candidate = folder / scenario
    return str(candidate) if ("/" in scenario or scenario.endswith((".yaml", ".yml"))) and \
        candidate.exists() else scenario


def _roster(path: Path, name: str) -> tuple[str, ...]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise RoomsFileError(f"room {name!r}: cannot read the roster {path} "
                             f"({getattr(err, 'strerror', None) or err})") from None
    roster = tuple(dict.fromkeys(x.strip() for x in lines if x.strip()))
    if not roster:
        raise RoomsFileError(f"room {name!r}: the roster {path} names nobody")
    return roster


def _message(error: dict) -> str:
    if error["type"] == "extra_forbidden":
        return "not a room setting (the settings: " + ", ".join(
            ["name", "scenario", *_Settings.model_fields]) + ")"
    if error["type"] == "missing":
        return "missing"
    return error["msg"]


def _problems(err: ValidationError, path: Path, positions: dict) -> str:
    lines = []
    for error in err.errors():
        loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p in (
            "int", "decimal", "str", "function-after[...]")) and not str(p).startswith(
            ("constrained-", "function-", "literal[")))
        where = loc
        while where and where not in positions:
            where = where[:-1]
        line, column = positions.get(where, (1, 1))
        lines.append((line, column, _line(path, line, column, loc, _message(error))))
    return "\n".join(text for *_, text in sorted(set(lines)))


def _line(path: Path, line: int, column: int, loc: tuple, message: str) -> str:
    from game.scenario.errors import format_path

    return f"{path}:{line}:{column}  {format_path(loc) or '(top)'}  {message}"


__all__ = ["MAX_ROOMS", "RoomSpec", "RoomsFileError", "check_room_names", "parse_room_option",
           "read_rooms_file"]
