"""Provides `PureFamily`: pure equilibria that share their play on the path, counted."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import product
from math import prod


@dataclass(frozen=True)
class PureFamily:
    """Pure PBE sharing their on-path play: `base` plus one completion from each cluster."""

    base: dict[int, int]
    """Infoset -> action for everything fixed in the family (on the path, and forced)."""
    clusters: tuple[tuple[dict[int, int], ...], ...]
    """Per independent off-path cluster: its admissible completions."""
    complete: bool = True
    """False when the time ran out while listing the completions: then `clusters` holds only
    some of them (at least one per cluster) and `count` is a lower bound."""
    weight: int = 1
    """Equilibria per listed combination, for families counted rather than listed (backward
    induction counts the equilibria off the path without writing each out)."""
    multiplicities: tuple[tuple[int, ...], ...] = ()
    """Per cluster, per completion: how many equilibria it stands for (ties broken in ways
    that change no payoff that matters; empty: one each)."""

    @property
    def count(self) -> int:
        """How many pure PBE the family holds (a lower bound unless `complete`)."""
        if self.multiplicities:
            return self.weight * prod(sum(m) for m in self.multiplicities)
        return self.weight * prod(len(c) for c in self.clusters)

    def profiles(self) -> Iterator[dict[int, int]]:
        """Yields every equilibrium of the family as a full assignment."""
        for choice in product(*self.clusters):
            profile = dict(self.base)
            for completion in choice:
                profile.update(completion)
            yield profile

    def first(self) -> dict[int, int]:
        """The family's first equilibrium."""
        return next(self.profiles())
