"""Provides `solve`: every perfect Bayesian equilibrium of a game, explained.

Pure equilibria come from `pure_pbe_search` (all of them, within the time budget), mixed ones
from `mixed_pbe_solve`; each is then described (beliefs on and off the path, outcome
distribution, kind) and judged by the Intuitive Criterion and D1. For games without private
information, the Nash equilibria that are not subgame perfect are listed with the threats
they rest on.

The solution concept is perfect Bayesian equilibrium as Fudenberg and Tirole define it for
games with observed actions and independent types (`game.solver.beliefs`), or, on request or
where a `.efg` file lacks that structure, weak perfect Bayesian equilibrium; the result says
which. A finite game always has an equilibrium, so a search that finds none says it is
incomplete rather than that there is none.
"""

from __future__ import annotations

import time
from dataclasses import replace
from fractions import Fraction
from functools import lru_cache

from game.model.tree import Game
from game.solver.aside import Aside, available
from game.solver.build import make_equilibrium
from game.solver.results import Continuum, Equilibrium, SolveResult, Verdict
from game.solver.search.family import PureFamily
from game.solver.search.mixed import mixed_pbe_solve
from game.solver.search.pure import pure_pbe_search
from game.solver.structure import ONE, ZERO, Structure

MAX_LISTED_PURE = 400
"""The most families of pure equilibria listed (one member each)."""

MAX_LISTED_ALL = 10_000
"""With `all_pure`, the most pure equilibria listed one by one."""

MAX_FAMILY_VERDICTS = 256
"""The most members of a family of pure equilibria whose D1 verdicts are computed."""

CONCEPTS = ("pbe", "weak")
"""The solution concepts `solve` knows: Fudenberg-Tirole PBE, and weak PBE."""


def solve(game: Game, *, mixed: bool = True, refine: bool = True,
          max_mixed_leaves: int = 200_000, seconds: float = 5.0,
          all_pure: bool = False, qre_seconds: float | None = None,
          concept: str = "pbe") -> SolveResult:
    """Finds and describes the perfect Bayesian equilibria of `game`.

    Args:
        game: the expanded game.
        mixed: also search for equilibria with mixing on the path.
        refine: apply the Intuitive Criterion and D1.
        max_mixed_leaves: a bound on the mixed search (the result says if it was reached).
        seconds: a time bound on the pure search (it keeps what it found; it stops at the
            latest after twice this) and on the full mixed search (past it, the search is
            guided by the logit QRE instead); either way the result says it may be incomplete.
        all_pure: list every pure equilibrium; by default one per family of pure equilibria
            that share their play on the path (`Equilibrium.alternatives` counts them).
        qre_seconds: a time bound on following the logit QRE when the full search was cut
            short (default: `seconds`, between half a second and two seconds). The trace stops
            earlier when it reaches its last lambda, so a generous bound makes the result
            independent of the machine's speed.
        concept: "pbe" (Fudenberg-Tirole perfect Bayesian equilibrium where the game has
            observed actions and independent types, else weak) or "weak" (weak PBE).
    """
    if concept not in CONCEPTS:
        raise ValueError(f"solve(): `concept` must be one of {CONCEPTS}, not {concept!r}")
    started = time.monotonic()
    deadline = started + seconds

    def left(share: float = 1.0) -> float:
        """What is left of the budget, times `share` (never negative)."""
        return max(deadline - time.monotonic(), 0.0) * share

    timings: dict[str, float] = {}
    clock = [started]

    def lap(stage: str) -> None:
        now = time.monotonic()
        timings[stage] = timings.get(stage, 0.0) + now - clock[0]
        clock[0] = now

    structure = Structure(game, concept=concept)
    used = "pbe" if structure.fudenberg_tirole else "weak"
    from game.solver.search.backward import perfect_information

    perfect = mixed and perfect_information(structure)   # then no mixed search is needed
    # A mid-sized game's mixed search runs in a child process meanwhile (see `aside`), with 70%
    # of the budget from now (in one process it has 70% of what the pure search leaves: never
    # more, so the child's search is never cut shorter).
    aside = None
    if mixed and not perfect and ASIDE_INFOSETS[0] <= len(game.infosets) <= ASIDE_INFOSETS[1] \
            and available():
        import numpy  # noqa: F401 - the LP screens' (0.2 s to import): once, for both processes

        aside = Aside.start(mixed_pbe_solve, structure, max_mixed_leaves, seconds * ASIDE_SHARE)
    equilibria: list[Equilibrium] = []
    notes: list[str] = []
    if concept == "pbe" and not structure.fudenberg_tirole:
        notes.append("weak perfect Bayesian equilibrium is used: the game does not have the "
                     "structure Fudenberg and Tirole's definition needs (moves everyone sees, "
                     f"types drawn privately): {structure.public.reason}")
    # The pure search gets a quarter of the budget (it stops at the latest after half).
    families, pure_truncated, gaps = pure_pbe_search(structure, seconds=seconds / 4,
                                                     with_gaps=True, listed=all_pure)
    lap("pure search")
    if pure_truncated:
        notes.append(f"the search for pure equilibria was too large to finish in {seconds:.1f} s: "
                     "the pure equilibria shown were found within the time allowed, more may "
                     "exist, and the counts of equilibria sharing their play may be low")
    listed = 0
    limit = MAX_LISTED_ALL if all_pure else MAX_LISTED_PURE
    listed_families: list[tuple[Equilibrium, PureFamily]] = []
    for family in families:
        if listed >= limit:
            break
        for profile in family.profiles():
            if listed >= limit:
                break
            equilibrium = make_equilibrium(structure, _behaviour(game, profile),
                                           alternatives=family.count)
            equilibria.append(equilibrium)
            listed_families.append((equilibrium, family))
            listed += 1
            if not all_pure:
                break
    lap("describe pure")
    complete = not pure_truncated and not gaps
    total = sum(f.count for f in families)
    if (listed < total if all_pure else listed < len(families)):
        complete = False
        shown = "pure equilibria" if all_pure else "paths of play (families)"
        notes.append(f"only {listed} {shown} are listed, of {total} pure equilibria in "
                     f"{len(families)} families" +
                     ("" if all_pure else "; `solve --all` lists more"))
    if gaps:
        notes.append("some paths of play would need mixing off the path of a kind the search "
                     "does not decide (after a move every type was thought never to make, in a "
                     "game that goes on for several stages); more equilibria may exist")
    if perfect:
        mixed = False   # no beliefs: mixing is only ever among tied moves
        if len(families) > 1:
            complete = False
            notes.append("where a player is indifferent on the path it may also mix; those "
                         "mixed equilibria are not listed")
    late = Verdict(None, "Not computed: the time allowed ran out before this equilibrium's "
                         "turn.")
    refine_until = deadline + 0.5   # the refinements may use half a second more
    judged: dict[int, Equilibrium] = {}   # id of a listed equilibrium -> it with verdicts
    from game.solver.checks.refine import apply_refinements

    if refine:
        # The pure equilibria are judged first (they are most of what a student sees); the
        # mixed search then has what is left.
        for eq in equilibria:
            if time.monotonic() > deadline:
                break
            judged[id(eq)] = apply_refinements(structure, eq)
        lap("refinements")
    compare = used == "pbe" and refine and not structure.one_signal_stage
    weak_families = None
    if aside is not None and compare:   # while the child searches
        weak_families = _weak_families(structure, min(left(0.3), 1.0))
        lap("weak PBE compared")
    found = aside.result(timeout=seconds * ASIDE_SHARE + 2.0) if aside is not None else None
    if mixed and found is None and left() < 0.05:
        complete = False
        notes.append("the time ran out before the search for mixed equilibria")
    elif mixed:
        solutions, truncated = found if found is not None else mixed_pbe_solve(
            structure, max_leaves=max_mixed_leaves, seconds=left(0.7))
        complete = complete and not truncated
        if truncated:
            from game.solver.search.guided import qre_guided_solve

            # Follow the logit QRE to more equilibria with most of what is left.
            budget = min(qre_seconds if qre_seconds is not None else 2.0, left(0.8))
            # Building the QRE's arrays and the exact checks costs time on a large game:
            # not worth starting with only a moment left.
            if budget >= 0.3:
                known = {tuple(sorted(s.behaviour.items())) for s in solutions}
                for found in qre_guided_solve(structure, seconds=budget):
                    if tuple(sorted(found.behaviour.items())) not in known:
                        solutions.append(found)
                notes.append("the full search for mixed equilibria was too large or met "
                             "off-path play it does not decide; the mixed equilibria shown "
                             "were found by it within the time allowed and by following the "
                             "logit QRE, and more may exist")
            else:
                notes.append("the full search for mixed equilibria was too large or met "
                             "off-path play it does not decide within the time allowed; the "
                             "mixed equilibria shown are those it found, and more may exist")
        for solution in solutions:
            continuum = (Continuum(solution.ranges, solution.endpoints)
                         if solution.continuum else None)
            equilibria.append(make_equilibrium(structure, solution.behaviour, continuum=continuum))
        lap("mixed search")
    if refine:
        by_family = {id(eq): family for eq, family in listed_families}
        # Then the rest (mixed equilibria, pure ones not reached), then (with what time is
        # left) the other members of the families, whose D1 verdicts may differ.
        refined = [judged[id(eq)] if id(eq) in judged else
                   replace(eq, intuitive=late, d1=late) if time.monotonic() > refine_until
                   else apply_refinements(structure, eq) for eq in equilibria]
        if not all_pure:
            for k, eq in enumerate(equilibria):
                family = by_family.get(id(eq))
                if family is not None and family.count > 1:
                    refined[k] = _refine_family(structure, refined[k], family, refine_until)
        equilibria = refined
        lap("refinements")
    if not equilibria:
        complete = False
        notes.append("no equilibrium was found within the time allowed; every finite game has "
                      "one, so this says the search is incomplete, not that there is none")
    weak_only = ()
    # In a game of one signalling stage the two concepts coincide: nothing to compare.
    if compare and (weak_families is not None or left() > 0.2):
        if weak_families is None:
            weak_families = _weak_families(structure, min(left(0.3), 1.0))
        weak_only = _weak_only(structure, equilibria, weak_families)
        for item in weak_only:
            outcomes = ", ".join(f"{k} {_text(v)}" for k, v in item.equilibrium.outcomes.items())
            notes.append(f"a weak perfect Bayesian equilibrium ({outcomes}) is not a perfect "
                         f"Bayesian equilibrium: {item.reason}")
        lap("weak PBE compared")
    nash = ()
    if not _has_types(structure):
        from game.solver.checks.credibility import non_credible_nash

        found = non_credible_nash(structure, equilibria,
                                  deadline=time.monotonic() + min(max(left(), 0.2), 2.0))
        if found is None:
            notes.append("the game is too large to list the Nash equilibria that rest on "
                         "non-credible threats")
        nash = tuple(found or ())
        lap("non-credible Nash")
    return SolveResult(game=game, method="pure enumeration + sequence-form support enumeration",
                       parameters=dict(game.values), equilibria=tuple(equilibria),
                       complete=complete, nash_not_spe=nash, notes=tuple(notes), concept=used,
                       weak_only=weak_only, timings=timings)


ASIDE_INFOSETS = (24, 200)
"""The sizes (information sets) whose mixed search runs in a child process beside the rest (see
`game.solver.aside`). From 24 it takes tenths of a second or more (chain-store, 39: about 0.4
s), below it milliseconds, less than starting a process costs; past 200 it mostly runs into the
budget, so the child would shorten nothing (and a huge game's memory would be copied page by
page as both processes touch it: the 10,000-node scenario took 0.3-0.9 s longer so).
"""
ASIDE_SHARE = 0.7
"""The share of the budget the child's search has (from the start)."""

MAX_WEAK_ONLY = 6
"""The most weak-only equilibria reported."""


def _weak_families(structure: Structure, seconds: float) -> tuple[Structure, list]:
    """The families of pure weak PBE (within `seconds`), with the weak structure."""
    weak = Structure(structure.game, concept="weak")
    # Only paths of pure play everywhere are compared: no off-path mixing is searched.
    families, _ = pure_pbe_search(weak, seconds=seconds, off_path_mixing=False)
    return weak, families


def _weak_only(structure: Structure, equilibria: list[Equilibrium],
               weak_families: tuple[Structure, list]):
    """The paths of pure weak PBE (`_weak_families`) that no PBE found shares, each with the
    first thing it needs that Fudenberg-Tirole beliefs rule out."""
    from game.solver.results import WeakOnly
    from game.solver.search.assess import PureValues

    game = structure.game
    weak, families = weak_families
    known = {_path(eq) for eq in equilibria}
    found = []
    for family in families:
        profile = family.first()
        if any(isinstance(a, tuple) for a in profile.values()):
            continue
        record = make_equilibrium(weak, _behaviour(game, profile), alternatives=family.count)
        if _path(record) in known:
            continue
        problems = structure.ft.assess(profile.__getitem__,
                                       PureValues(structure, profile).value).problems
        if problems:
            found.append(WeakOnly(record, problems[0]))
            known.add(_path(record))
        if len(found) >= MAX_WEAK_ONLY:
            break
    return tuple(found)


def _path(eq: Equilibrium) -> tuple:
    return tuple(sorted((i, tuple(p)) for i, p in eq.behaviour.items() if eq.on_path[i]))


def _text(value: Fraction) -> str:
    from game.model.expr import format_fraction

    return format_fraction(value)


def _has_types(structure: Structure) -> bool:
    """Does some player have private information (two or more possible types)?"""
    spec = structure.game.spec
    if spec is not None:
        return any(len(p.types) > 1 for p in spec.players)
    tree = structure.public
    if tree.ok:
        return any(len({tree.labels[n][p] for n in range(len(structure.game.nodes))}) > 1
                   for p in (0, 1))
    return any(len(members) > 1 for members in structure.game.group_infosets.values())


def _behaviour(game: Game, profile: dict) -> dict[int, tuple[Fraction, ...]]:
    return {i: (a if isinstance(a, tuple) else _pure(a, len(game.infosets[i].actions)))
            for i, a in profile.items()}


def _refine_family(structure: Structure, first: Equilibrium, family: PureFamily,
                   until: float | None = None) -> Equilibrium:
    """The verdicts for a family of pure equilibria sharing one path, given the listed member
    already judged (`first`). The Intuitive Criterion depends only on the path; D1 also on the
    replies off it, so it is computed for the other members too (up to `MAX_FAMILY_VERDICTS`,
    within `until`), and the member shown is one that passes where any does."""
    from game.solver.checks.refine import apply_refinements, d1_verdict

    if first.d1 is None or first.d1.passed is None:
        return first
    tried, passing = 1, int(bool(first.d1.passed))   # the member shown is always judged
    shown = first if first.d1.passed else None
    members = family.profiles()
    next(members, None)
    for profile in members:
        if tried >= MAX_FAMILY_VERDICTS or (until is not None and time.monotonic() > until):
            break
        tried += 1
        behaviour = _behaviour(structure.game, profile)
        verdict = d1_verdict(structure, behaviour)
        if verdict.passed:
            passing += 1
            if shown is None:
                shown = apply_refinements(structure, make_equilibrium(
                    structure, behaviour, alternatives=family.count))
        elif verdict.passed is None:
            tried -= 1   # not judged: counted neither way
            break
    total = family.count
    exact = tried == total and family.complete
    if passing == 0:
        scope = (f"all {total} equilibria that share this path fail" if exact else
                 f"the {tried} of the {total} equilibria sharing this path that were checked "
                 "all fail")
        return replace(first, d1=Verdict(False, f"{first.d1.reason} ({scope})"))
    if passing == tried:
        scope = (f"all {total} equilibria that share this path pass" if exact else
                 f"the {tried} of the {total} equilibria sharing this path that were checked "
                 "all pass")
        return replace(first, d1=Verdict(True, f"{first.d1.reason} ({scope})"))
    scope = (f"{passing} of the {total} equilibria that share this path pass" if exact else
             f"of the {tried} of {total} equilibria sharing this path that were checked, "
             f"{passing} pass")
    chosen = shown if shown is not None else first
    return replace(chosen, d1=Verdict(True, f"Some members pass: {scope}; the one shown does. "
                                            f"{chosen.d1.reason}"))


@lru_cache(maxsize=4096)
def _pure(action: int, size: int) -> tuple[Fraction, ...]:
    return tuple(ONE if a == action else ZERO for a in range(size))


__all__ = ["CONCEPTS", "ZERO", "solve"]
