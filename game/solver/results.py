"""Provides the solver's result records (frozen; each records how it was made)."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from game.model.tree import Game


@dataclass(frozen=True)
class BeliefSet:
    """The beliefs, off the equilibrium path, that support the prescribed play at a group."""

    keys: tuple[str, ...]
    """What the belief is about (the opponent's types, in scenarios)."""
    vertices: tuple[tuple[Fraction, ...], ...]
    """Extreme points of the set (for two keys: its two end points, or one)."""
    constraints: tuple[tuple[Fraction, ...], ...] = ()
    """Rows r with r . mu >= 0 (together with mu >= 0 and sum(mu) = 1)."""

    @property
    def interval(self) -> tuple[Fraction, Fraction] | None:
        """For two keys: the range of the first key's probability."""
        if len(self.keys) != 2:
            return None
        firsts = [v[0] for v in self.vertices]
        return (min(firsts), max(firsts))

    @property
    def unrestricted(self) -> bool:
        """True when every belief supports the play."""
        if len(self.keys) == 1:
            return True
        interval = self.interval
        if interval is not None:
            return interval == (Fraction(0), Fraction(1))
        if self.constraints:
            return all(all(c >= 0 for c in row) for row in self.constraints)
        # Given by its points only: the whole simplex exactly when every key can be certain.
        return all(any(v[k] == 1 for v in self.vertices) for k in range(len(self.keys)))


@dataclass(frozen=True)
class Verdict:
    """A refinement's verdict on one equilibrium."""

    passed: bool | None
    """True or False; None when the test was not computed (the reason says why)."""
    reason: str
    """One line in plain words."""

    @property
    def word(self) -> str:
        """'passes', 'fails' or 'not computed'."""
        return {True: "passes", False: "fails", None: "not computed"}[self.passed]


@dataclass(frozen=True)
class Continuum:
    """The equilibrium belongs to a continuum; its probability ranges and end points."""

    ranges: dict[int, tuple[tuple[Fraction, Fraction], ...]]
    """Infoset -> (lowest, highest) probability of each action."""
    endpoints: tuple[dict[int, tuple[Fraction, ...]], ...] = ()


@dataclass(frozen=True)
class Equilibrium:
    """A perfect Bayesian equilibrium: behaviour, beliefs, and what follows from them."""

    behaviour: dict[int, tuple[Fraction, ...]]
    """Infoset -> probability of each action."""
    beliefs: dict[int, dict[str, Fraction]]
    """Belief group -> Bayes belief over its keys (where Bayes' rule applies)."""
    off_path_beliefs: dict[int, BeliefSet]
    """Belief group -> the supporting set of beliefs (where it does not)."""
    on_path: dict[int, bool]
    """Infoset -> reached with positive probability."""
    pure: bool
    kind: str
    """'separating', 'pooling on X', 'semi-separating', 'pure', 'mixed', ..."""
    outcomes: dict[str, Fraction]
    """Outcome label -> probability."""
    payoffs: tuple[Fraction, Fraction]
    """Ex-ante expected payoff per player."""
    type_payoffs: dict[tuple[int, str], Fraction]
    """(player, type id) -> expected payoff given that type."""
    intuitive: Verdict | None = None
    d1: Verdict | None = None
    continuum: Continuum | None = None
    alternatives: int = 1
    """How many pure PBE share this equilibrium's on-path play (this one included)."""


@dataclass(frozen=True)
class NashReport:
    """A Nash equilibrium that is not subgame perfect, and the threat it rests on."""

    behaviour: dict[int, tuple[Fraction, ...]]
    outcomes: dict[str, Fraction]
    non_credible: tuple[str, ...]
    """One sentence per threat that would not be carried out."""


@dataclass(frozen=True)
class WeakOnly:
    """A weak perfect Bayesian equilibrium that is not a perfect Bayesian equilibrium."""

    equilibrium: Equilibrium
    """Its record (beliefs as weak PBE allows them)."""
    reason: str
    """What it needs that Fudenberg-Tirole beliefs do not allow, in words."""


@dataclass(frozen=True)
class SolveResult:
    """Everything the solver found for one game at one parameter point."""

    game: Game
    method: str
    parameters: dict[str, Fraction]
    equilibria: tuple[Equilibrium, ...]
    complete: bool = True
    """False when some search was cut short or met a case it does not decide (the notes say
    which); never True with no equilibrium."""
    nash_not_spe: tuple[NashReport, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    concept: str = "pbe"
    """The solution concept used: "pbe" (perfect Bayesian equilibrium as Fudenberg and Tirole
    define it) or "weak" (weak perfect Bayesian equilibrium)."""
    weak_only: tuple[WeakOnly, ...] = ()
    """Under "pbe": paths of pure weak PBE that no PBE shares, each with what it needs."""
    timings: dict[str, float] = field(default_factory=dict, compare=False)
    """Seconds spent per stage of the solve (for benchmarks)."""
