"""Helpers for solver tests: solve a shipped scenario, read equilibria by label."""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

from game.model.expand import expand_game
from game.scenario.library import resolve
from game.scenario.load import load_scenario
from game.solver.results import Equilibrium, SolveResult
from game.solver.solve import solve


def solve_scenario(name: str, **values) -> SolveResult:
    """Solves a shipped scenario (cached: several tests read the same solutions)."""
    return _solve_cached(name, tuple(sorted((k, Fraction(v)) for k, v in values.items())))


@lru_cache(maxsize=64)
def _solve_cached(name: str, values: tuple) -> SolveResult:
    spec = load_scenario(resolve(name))
    return solve(expand_game(spec, dict(values)), qre_seconds=30)


def play(result: SolveResult, eq: Equilibrium) -> dict[str, dict[str, Fraction]]:
    """label -> action -> probability."""
    game = result.game
    return {i.label: dict(zip(i.actions, eq.behaviour[i.id])) for i in game.infosets}


def prob(result: SolveResult, eq: Equilibrium, label: str, action: str) -> Fraction:
    return play(result, eq)[label][action]


def on_path_play(result: SolveResult, eq: Equilibrium) -> dict:
    game = result.game
    return {i.label: eq.behaviour[i.id] for i in game.infosets if eq.on_path[i.id]}


def outcome(eq: Equilibrium, label: str) -> Fraction:
    return eq.outcomes.get(label, Fraction(0))
