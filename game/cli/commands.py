"""Handlers for each `deterrence` subcommand: load, call the library, print with rich."""

from __future__ import annotations

import json
import sys
import time
from fractions import Fraction
from pathlib import Path

from game.cli import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, STARTED, UsageError, parse_sets

LARGE_JSON = 50
"""`solve --format json` indents its output up to this many equilibria."""


class _Console:
    """A rich Console made on first use (loading rich costs a tenth of a second that
    `solve --format json` does not need)."""

    def __init__(self, **options) -> None:
        self._options = options
        self._console = None

    def get(self):
        """The rich Console itself (for rich objects that take one)."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return self._console

    def __getattr__(self, name: str):
        return getattr(self.get(), name)

    def __enter__(self):
        return self.get().__enter__()

    def __exit__(self, *exc):
        return self.get().__exit__(*exc)


console = _Console(highlight=False)
errors = _Console(stderr=True, highlight=False)


def print_problems(error) -> None:
    """Prints a ScenarioError's located problems to stderr, one per line."""
    for problem in error.problems:
        errors.print(problem.format(), markup=False, soft_wrap=True)


def known_concepts() -> set[str] | None:
    """Concept ids from seeds/concepts.yaml, or None when the glossary is absent."""
    from game.scenario.concepts import load_concepts
    from game.scenario.errors import ScenarioError

    try:
        return {c.id for c in load_concepts()}
    except (ScenarioError, FileNotFoundError):
        return None


def load_spec(name: str, values: dict[str, Fraction]):
    """Resolves and loads a scenario (raises ScenarioError)."""
    from game.scenario.library import resolve
    from game.scenario.load import load_scenario

    return load_scenario(resolve(name), known_concepts=known_concepts(), values=values)


def load_game(name: str, values: dict[str, Fraction], rounds: int | None = None):
    """Resolves a scenario or .efg file and returns (spec or None, expanded game)."""
    from game.model.expand import expand_game
    from game.model.tree import GameStructureError
    from game.scenario.errors import ScenarioError, ScenarioProblem
    from game.scenario.library import resolve

    path = resolve(name)
    if path.suffix == ".efg":
        from game.scenario.efg import load_efg

        if values:
            raise UsageError("--set applies to scenarios; a .efg file has no parameters")
        return None, load_efg(path)
    spec = load_spec(name, values)
    if rounds is not None and not 1 <= rounds <= 12:
        raise UsageError("--rounds must be between 1 and 12")
    try:
        return spec, expand_game(spec, values, rounds=rounds)
    except GameStructureError as error:
        raise ScenarioError([ScenarioProblem(1, 1, "", f"At these parameter values: {error}.",
                                             str(path))]) from None


def run_list(args) -> int:
    """`deterrence list`."""
    from game.scenario.errors import ScenarioError
    from game.scenario.library import shipped
    from game.scenario.load import load_scenario

    rows = []
    for entry in shipped():
        try:
            spec = load_scenario(entry.path)
            rows.append({"id": spec.id, "title": spec.title, "concepts": list(spec.concepts),
                         "difficulty": spec.difficulty, "minutes": spec.minutes, "ok": True})
        except ScenarioError:
            rows.append({"id": entry.id, "title": "(has problems: run deterrence check)",
                         "concepts": [], "difficulty": "", "minutes": 0, "ok": False})
    if args.format == "json":
        print(json.dumps(rows, indent=2))
        return EXIT_OK
    from game.cli.render import scenario_table

    console.print(scenario_table(rows))
    return EXIT_OK


def run_check(args) -> int:
    """`deterrence check PATH...`."""
    from game.scenario.errors import ScenarioError
    from game.scenario.load import load_scenario
    from game.scenario.text import printable

    files: list[Path] = []
    for name in args.paths:
        path = Path(name)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml")))
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(f"no such file or folder: {name}")
    if not files:
        raise UsageError("no scenario files (*.yaml) found in " + ", ".join(args.paths))
    concepts = known_concepts()
    failed = 0
    for path in files:
        try:
            load_scenario(path, known_concepts=concepts)
            console.print(f"ok  {printable(str(path))}", markup=False, highlight=False)
        except ScenarioError as error:
            failed += 1
            print_problems(error)
    if failed:
        errors.print(f"{failed} of {len(files)} file{'s' if len(files) != 1 else ''} "
                     f"{'has' if failed == 1 else 'have'} problems.", markup=False)
        return EXIT_PROBLEMS
    return EXIT_OK


def run_show(args) -> int:
    """`deterrence show SCENARIO`."""
    from game.cli.render import show_scenario
    from game.scenario.errors import ScenarioError

    try:
        spec, game = load_game(args.scenario, parse_sets(args.set))
    except ScenarioError as error:
        print_problems(error)
        return EXIT_PROBLEMS
    if spec is None:
        from game.cli.render import show_game

        show_game(console, game)
        return EXIT_OK
    show_scenario(console, spec, game)
    return EXIT_OK


def run_solve(args) -> int:
    """`deterrence solve SCENARIO_OR_EFG`."""
    from game.scenario.errors import ScenarioError
    from game.solver.explain.report import result_to_json
    from game.solver.solve import solve

    if not 0 < args.seconds <= 600:
        raise UsageError("--seconds must be between 0 and 600")
    try:
        _, game = load_game(args.scenario, parse_sets(args.set), rounds=args.rounds)
    except ScenarioError as error:
        print_problems(error)
        return EXIT_PROBLEMS
    # The budget covers the whole command: what reading the file took comes off it.
    # Writing a large result out takes time too (half a second for 200 equilibria of a big
    # game): a sixth of the budget (at most 1 s) is kept for it.
    spent = time.monotonic() - STARTED
    seconds = max(args.seconds - spent - min(args.seconds / 6, 1.0), args.seconds / 4)
    result = solve(game, concept=args.concept, seconds=seconds, all_pure=args.all_pure)
    if args.refine != "none":
        def survives(eq) -> bool:
            verdicts = [eq.intuitive] + ([eq.d1] if args.refine == "d1" else [])
            return all(v is None or v.passed for v in verdicts)

        keep = [eq for eq in result.equilibria if survives(eq)]
        unknown = sum(1 for eq in result.equilibria
                      if any(v is not None and v.passed is None
                             for v in (eq.intuitive, eq.d1 if args.refine == "d1" else None)))
        notes = result.notes
        if unknown:
            notes += (f"{unknown} equilibri{'um' if unknown == 1 else 'a'} whose verdict was "
                      "not computed are left out (see --refine none)",)
        from dataclasses import replace

        result = replace(result, equilibria=tuple(keep), notes=notes)
    if args.format == "json":
        # Indented for reading when small; a large result is written compactly (indenting
        # 200 equilibria of a big game takes a second and doubles the size).
        small = len(result.equilibria) <= LARGE_JSON
        sys.stdout.write(json.dumps(result_to_json(result), indent=2 if small else None) + "\n")
        return EXIT_OK
    from game.cli.solution import show_solution

    show_solution(console, result)
    return EXIT_OK


def run_concepts(args) -> int:
    """`deterrence concepts [ID]`."""
    from game.scenario.concepts import load_concepts
    from game.scenario.errors import ScenarioError
    from game.scenario.messages import did_you_mean

    try:
        concepts = load_concepts()
    except FileNotFoundError:
        raise UsageError("the glossary seeds/concepts.yaml is missing") from None
    except ScenarioError as error:
        print_problems(error)
        return EXIT_PROBLEMS
    from game.cli.render import show_concept, show_glossary

    if args.concept is None:
        show_glossary(console, concepts)
        return EXIT_OK
    by_id = {c.id: c for c in concepts}
    concept = by_id.get(args.concept.lower())
    if concept is None:
        raise UsageError(f"there is no concept {args.concept!r}."
                         + did_you_mean(args.concept, by_id) + " `deterrence concepts` lists "
                         "them all.")
    show_concept(console, concept)
    return EXIT_OK


def run_new(args) -> int:
    """`deterrence new NAME [--from SCENARIO]`: writes a starter file that validates."""
    import re

    from game.scenario.errors import ScenarioError
    from game.scenario.library import resolve
    from game.scenario.load import load_scenario_text

    target = Path(args.name if args.name.endswith((".yaml", ".yml")) else f"{args.name}.yaml")
    new_id = target.stem
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,63}", new_id):
        raise UsageError(f"{new_id!r} is not a valid scenario id: use lower-case letters, digits "
                         "and hyphens, starting with a letter or digit (like my-threat)")
    if target.exists() and not args.force:
        raise UsageError(f"{target} already exists; choose another name or pass --force to "
                         "overwrite it")
    if args.source:
        source = resolve(args.source)
        if source.suffix not in (".yaml", ".yml"):
            raise UsageError("--from needs a scenario file, not a .efg game")
        text = source.read_text(encoding="utf-8")
        header = (f"# Started from {source.name} by `deterrence new`. Check it with "
                  f"`deterrence check {target}`;\n# the guide to every key is "
                  "scenarios/README.md.\n")
    else:
        source = Path(__file__).parents[1] / "scenario" / "templates" / "starter.yaml"
        text = source.read_text(encoding="utf-8")
        header = ""
    text, count = re.subn(r"(?m)^id:[ \t]*\S+", f"id: {new_id}", text, count=1)
    if not count:
        raise UsageError(f"{source} has no top-level id to replace")
    text = header + text
    try:
        load_scenario_text(text, str(target), known_concepts=known_concepts())
    except ScenarioError as error:
        print_problems(error)
        return EXIT_PROBLEMS
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot write {target}: {error.strerror or error}") from None
    console.print(f"wrote {target}; next: deterrence check {target}, then deterrence play "
                  f"{target}", markup=False)
    return EXIT_OK


def _is_session_database(path: Path) -> bool:
    if path.suffix in (".db", ".sqlite", ".sqlite3"):
        return True
    try:
        with path.open("rb") as handle:
            return handle.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def run_export(args) -> int:
    """`deterrence export`: a scenario as Gambit .efg, or a session database as tables."""
    from game.scenario.errors import ScenarioError

    target = Path(args.target)
    if args.target.startswith(("postgresql://", "postgres://")) or \
            (target.exists() and _is_session_database(target)):
        if args.efg:
            raise UsageError("--efg exports a scenario; a session database takes --csv DIR or "
                             "--json FILE")
        from game.cli.classroom import run_export_db

        return run_export_db(args)
    if args.csv or args.json:
        raise UsageError("--csv and --json export a session database (a .db file); for a "
                         "scenario use --efg FILE")
    if not args.efg:
        raise UsageError("say where to write: --efg FILE ('-' for standard output)")
    from game.scenario.efg import game_to_efg

    try:
        _, game = load_game(args.target, parse_sets(args.set), rounds=args.rounds)
    except ScenarioError as error:
        print_problems(error)
        return EXIT_PROBLEMS
    text = game_to_efg(game)
    if args.efg == "-":
        sys.stdout.write(text)
        return EXIT_OK
    out = Path(args.efg)
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot write {out}: {error.strerror or error}") from None
    errors.print(f"wrote {out} ({len(game.nodes)} nodes, {len(game.infosets)} information sets)",
                 markup=False)
    return EXIT_OK


__all__ = ["EXIT_USAGE"]
