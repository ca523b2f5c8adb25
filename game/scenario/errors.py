"""Provides located scenario problems: `file:line:col  key.path  plain sentence`."""

from __future__ import annotations

from dataclasses import dataclass

from game.scenario.text import is_printable, printable


@dataclass(frozen=True, slots=True, order=True)
class ScenarioProblem:
    """One problem in a scenario file, located to line and key.

    The key path, message and file name are cleaned of control characters when the problem is
    made (they may quote the file and its name), so showing a problem is always safe.
    """

    line: int
    column: int
    key_path: str
    message: str
    file: str = ""

    def __post_init__(self) -> None:
        for name in ("key_path", "message", "file"):
            value = getattr(self, name)
            if not is_printable(value):
                object.__setattr__(self, name, printable(value))

    def format(self) -> str:
        """Returns `file:line:col  key.path  message`."""
        where = f"{self.file}:{self.line}:{self.column}"
        return f"{where}  {self.key_path or '(top)'}  {self.message}"


class ScenarioError(Exception):
    """A scenario file has problems; the instructor's to fix. Holds every problem found."""

    def __init__(self, problems: list[ScenarioProblem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.line, p.column, p.key_path, p.message))
        super().__init__("\n".join(p.format() for p in self.problems))

    def format(self) -> str:
        """Returns every problem, one per line."""
        return "\n".join(problem.format() for problem in self.problems)


def format_path(path: tuple) -> str:
    """Formats a key path: `nodes[3].moves[0].to`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text
