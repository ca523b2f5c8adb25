"""Provides `solve`: every perfect Bayesian equilibrium of a game, explained.

Pure equilibria come from `pure_pbe_search` (all of them, within the time budget), mixed ones
from `mixed_pbe_solve`; each is then described (beliefs on and off the path, outcome
distribution, kind) and judged by the Intuitive Criterion and D1. For games without private
information, the Nash equilibria that are not subgame perfect are listed with the threats
they rest on.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

from game.model.tree import Game
from game.solver.build import make_equilibrium
from game.solver.search.mixed import mixed_pbe_solve
from game.solver.search.pure import pure_pbe_search
from game.solver.results import Continuum, Equilibrium, SolveResult
from game.solver.structure import ONE, ZERO, Structure

MAX_LISTED_PURE = 400
"""The most pure equilibria listed one by one; larger families are summarised."""


def solve(game: Game, *, mixed: bool = True, refine: bool = True,
          max_mixed_leaves: int = 200_000, seconds: float = 5.0,
          all_pure: bool = False, qre_seconds: float | None = None) -> SolveResult:
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
            short (default: `seconds`, between half a second and two seconds). The trace stops earlier when
            it reaches its last lambda, so a generous bound makes the result independent of
            the machine's speed.
    """
    structure = Structure(game)
    equilibria: list[Equilibrium] = []
    notes: list[str] = []
    listed = 0
    families, pure_truncated = pure_pbe_search(structure, seconds=seconds)
    if pure_truncated:
        notes.append(f"the search for pure equilibria was too large to finish in {seconds:g} s: "
                     "the pure equilibria shown were found within the time allowed, more may "
                     "exist, and the counts of equilibria sharing their play may be low")
    for family in families:
        count = family.count
        for profile in family.profiles():
            if listed >= MAX_LISTED_PURE:
                break
            behaviour = {i: _pure(a, len(game.infosets[i].actions)) for i, a in profile.items()}
            equilibria.append(make_equilibrium(structure, behaviour, alternatives=count))
            listed += 1
            if not all_pure:
                break
    if listed >= MAX_LISTED_PURE:
        notes.append(f"only the first {MAX_LISTED_PURE} pure equilibria are listed")
    complete = not pure_truncated
    if mixed:
        solutions, truncated = mixed_pbe_solve(structure, max_leaves=max_mixed_leaves,
                                               seconds=seconds)
        complete = complete and not truncated
        if truncated:
            from game.solver.search.guided import qre_guided_solve

            known = {tuple(sorted(s.behaviour.items())) for s in solutions}
            budget = qre_seconds if qre_seconds is not None else min(max(seconds, 0.5), 2.0)
            for found in qre_guided_solve(structure, seconds=budget):
                if tuple(sorted(found.behaviour.items())) not in known:
                    solutions.append(found)
            notes.append("the full search for mixed equilibria was too large; the mixed "
                         "equilibria shown were found by it within the time allowed and by "
                         "following the logit QRE, and more may exist")
        for solution in solutions:
            continuum = (Continuum(solution.ranges, solution.endpoints)
                         if solution.continuum else None)
            equilibria.append(make_equilibrium(structure, solution.behaviour, continuum=continuum))
    if refine:
        from game.solver.checks.refine import apply_refinements

        equilibria = [apply_refinements(structure, eq) for eq in equilibria]
    nash = ()
    spec = game.spec
    if spec is None or all(len(p.types) == 1 for p in spec.players):
        from game.solver.checks.credibility import non_credible_nash

        import time

        found = non_credible_nash(structure, equilibria,
                                  deadline=time.monotonic() + max(seconds, 0.5))
        if found is None:
            notes.append("the game is too large to list the Nash equilibria that rest on "
                         "non-credible threats")
        nash = tuple(found or ())
    return SolveResult(game=game, method="pure enumeration + sequence-form support enumeration",
                       parameters=dict(game.values), equilibria=tuple(equilibria),
                       complete=complete, nash_not_spe=nash, notes=tuple(notes))


@lru_cache(maxsize=4096)
def _pure(action: int, size: int) -> tuple[Fraction, ...]:
    return tuple(ONE if a == action else ZERO for a in range(size))
