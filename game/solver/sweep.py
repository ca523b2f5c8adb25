"""Provides comparative statics: regime maps over one or two parameters, with exact thresholds.

A *regime* is the set of equilibrium families found at a parameter point; a family is named by
its kind and the outcomes it puts weight on ("pooling on bold: No challenge"). A one-parameter
sweep solves the game on a grid, then, between neighbouring grid points whose regimes differ,
searches for the threshold exactly: it walks the Stern-Brocot tree, always trying the simplest
fraction strictly between the two sides, so a rational threshold such as 9/17 is reached in a
handful of solves. A threshold is reported exactly when the regime at it differs from both
sides (a knife edge where both families coexist) or when the last point on one side is
confirmed as the boundary; otherwise the narrowest interval found is reported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import floor

from game.model.expand import expand_game
from game.model.spec import GameSpec
from game.model.tree import GameStructureError
from game.solver.results import Equilibrium, SolveResult
from game.solver.solve import solve

Regime = tuple[str, ...]
"""The sorted names of the equilibrium families at one point."""


@dataclass(frozen=True)
class SweepPoint:
    """The regime at one parameter point."""

    values: dict[str, Fraction]
    regime: Regime
    complete: bool = True
    """False when the mixed search was cut short at this point."""
    error: str = ""
    """The game could not be built at this point (e.g. a zero prior): why."""


@dataclass(frozen=True)
class Threshold:
    """A change of regime along one parameter."""

    parameter: str
    low: Fraction
    """The threshold lies in [low, high]; low == high when it was found exactly."""
    high: Fraction
    before: Regime
    after: Regime
    at: Regime | None = None
    """The regime exactly at the threshold, when it differs from both sides."""

    @property
    def exact(self) -> bool:
        """True when the threshold is known exactly."""
        return self.low == self.high


@dataclass(frozen=True)
class SweepResult:
    """A regime map: every grid point, and (for one parameter) the thresholds between them."""

    parameters: tuple[str, ...]
    grids: tuple[tuple[Fraction, ...], ...]
    points: tuple[SweepPoint, ...]
    """Row-major over the grids (the last parameter varies fastest)."""
    thresholds: tuple[Threshold, ...] = ()

    def regimes(self) -> list[Regime]:
        """The distinct regimes, in order of first appearance."""
        return list(dict.fromkeys(p.regime for p in self.points))


def family_name(game, eq: Equilibrium) -> str:
    """Names an equilibrium's family: its kind and the outcomes it reaches."""
    reached = sorted(label for label, p in eq.outcomes.items() if p > 0)
    name = f"{eq.kind}: {', '.join(reached)}"
    if eq.continuum is not None:
        name += " (continuum)"
    return name


def regime_of(result: SolveResult) -> Regime:
    """The regime of one solve."""
    return tuple(sorted({family_name(result.game, eq) for eq in result.equilibria}))


def parse_range(text: str) -> tuple[Fraction, Fraction, Fraction]:
    """Parses `start:stop:step` (exact numbers, e.g. `0:1:1/20`).

    Raises:
        ValueError: with a plain message.
    """
    parts = text.split(":")
    if len(parts) != 3:
        raise ValueError(f"expected start:stop:step, like 0:10:1/2, not {text!r}")
    try:
        start, stop, step = (_exact(part) for part in parts)
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"{text!r}: start, stop and step must be exact numbers like 0, 1/2, "
                         "0.25") from None
    if step <= 0:
        raise ValueError(f"{text!r}: the step must be positive")
    if stop < start:
        raise ValueError(f"{text!r}: the stop must not be below the start")
    if (stop - start) / step > 10_000:
        raise ValueError(f"{text!r}: more than 10,000 grid points")
    return start, stop, step


def _exact(text: str) -> Fraction:
    text = text.strip()
    if not text or any(c not in "0123456789+-./" for c in text):
        raise ValueError(text)
    return Fraction(text)


def grid(start: Fraction, stop: Fraction, step: Fraction) -> tuple[Fraction, ...]:
    """start, start + step, ..., up to stop (included when it falls on the grid)."""
    count = floor((stop - start) / step)
    values = [start + k * step for k in range(count + 1)]
    if values[-1] != stop:
        values.append(stop)
    return tuple(values)


def simplest_between(low: Fraction, high: Fraction) -> Fraction:
    """The fraction with the smallest denominator strictly between low and high (low < high).

    The Stern-Brocot descent, by continued fractions.
    """
    if not low < high:
        raise ValueError("simplest_between needs low < high")
    if low < 0 < high:
        return Fraction(0)
    if high <= 0:
        return -simplest_between(-high, -low)
    whole = floor(low)
    if whole + 1 < high:
        return Fraction(whole + 1)
    if low == whole:
        return whole + Fraction(1, floor(1 / (high - whole)) + 1)
    return whole + 1 / simplest_between(1 / (high - whole), 1 / (low - whole))


class Sweeper:
    """Solves a scenario across parameter values, with a cache."""

    def __init__(self, spec: GameSpec, base: Mapping[str, Fraction] | None = None, *,
                 rounds: int | None = None, seconds: float = 5.0) -> None:
        self.spec = spec
        self.base = dict(base or {})
        self.rounds = rounds
        self.seconds = seconds
        self._cache: dict[tuple, SweepPoint] = {}

    def point(self, values: Mapping[str, Fraction]) -> SweepPoint:
        """The regime at one point (cached)."""
        key = tuple(sorted(values.items()))
        if key not in self._cache:
            merged = {**self.base, **values}
            try:
                game = expand_game(self.spec, merged, rounds=self.rounds)
            except (GameStructureError, ZeroDivisionError, ValueError) as error:
                self._cache[key] = SweepPoint(dict(values), (), error=str(error))
            else:
                result = solve(game, seconds=self.seconds)
                self._cache[key] = SweepPoint(dict(values), regime_of(result), result.complete)
        return self._cache[key]

    def threshold(self, name: str, low: Fraction, high: Fraction, before: Regime,
                  after: Regime, fixed: Mapping[str, Fraction] | None = None,
                  max_solves: int = 24) -> Threshold:
        """Searches (low, high) for the exact point where the regime changes."""
        fixed = dict(fixed or {})

        def regime(x: Fraction) -> Regime:
            return self.point({**fixed, name: x}).regime

        stuck_low = stuck_high = 0
        for _ in range(max_solves):
            if high - low <= 0:
                break
            middle = simplest_between(low, high)
            here = regime(middle)
            if here == before:
                low, stuck_low, stuck_high = middle, 0, stuck_high + 1
            elif here == after:
                high, stuck_high, stuck_low = middle, 0, stuck_low + 1
            else:
                return Threshold(name, middle, middle, before, after, at=here)
            # One side has not moved for a while: its end may be the threshold itself.
            if stuck_high >= 3 and self._confirm(regime, high, low, before, after):
                return Threshold(name, high, high, before, after, at=regime(high))
            if stuck_low >= 3 and self._confirm(regime, low, high, after, before):
                return Threshold(name, low, low, before, after, at=regime(low))
        return Threshold(name, low, high, before, after)

    @staticmethod
    def _confirm(regime: Callable[[Fraction], Regime], edge: Fraction, other: Fraction,
                 inside: Regime, outside: Regime) -> bool:
        """Is `edge` the boundary? The regime just beside it (towards `other`) is `inside`."""
        gap = abs(edge - other)
        step = min(gap / 2, Fraction(1, 10**9))
        probe = edge + step if other > edge else edge - step
        return regime(probe) == inside and regime(edge) != inside

    def sweep(self, ranges: Sequence[tuple[str, Sequence[Fraction]]],
              progress: Callable[[int, int], None] | None = None,
              thresholds: bool = True) -> SweepResult:
        """Solves every grid point; for one parameter, finds the thresholds between them."""
        names = tuple(name for name, _ in ranges)
        grids = tuple(tuple(values) for _, values in ranges)
        combos = list(_product(grids))
        points = []
        for done, combo in enumerate(combos, start=1):
            points.append(self.point(dict(zip(names, combo))))
            if progress:
                progress(done, len(combos))
        found: list[Threshold] = []
        if thresholds and len(names) == 1:
            for left, right in zip(points, points[1:]):
                if left.regime != right.regime and not left.error and not right.error:
                    found.append(self.threshold(names[0], left.values[names[0]],
                                                right.values[names[0]], left.regime,
                                                right.regime))
        return SweepResult(names, grids, tuple(points), tuple(found))


def _product(grids: Sequence[Sequence[Fraction]]) -> Iterator[tuple[Fraction, ...]]:
    if not grids:
        yield ()
        return
    for head in grids[0]:
        for rest in _product(grids[1:]):
            yield (head, *rest)
