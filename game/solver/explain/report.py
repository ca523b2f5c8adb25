"""Provides `result_to_json`: the stable JSON form of a `SolveResult` (documented in the README)."""

from __future__ import annotations

from fractions import Fraction

from game.model.expr import format_fraction
from game.solver.results import Equilibrium, SolveResult


def _f(value: Fraction) -> str:
    return format_fraction(value)


def equilibrium_to_json(result: SolveResult, eq: Equilibrium) -> dict:
    """One equilibrium in the JSON format."""
    game = result.game
    players = game.players
    behaviour: dict[str, dict] = {p: {} for p in players}
    beliefs: dict[str, dict] = {p: {} for p in players}
    on_path: dict[str, dict] = {p: {} for p in players}
    for infoset in game.infosets:
        player = players[infoset.player]
        behaviour[player][infoset.label] = {a: _f(p) for a, p in zip(infoset.actions,
                                                                        eq.behaviour[infoset.id])}
        on_path[player][infoset.label] = eq.on_path[infoset.id]
        if infoset.group in eq.beliefs:
            belief = eq.beliefs[infoset.group]
            beliefs[player][infoset.label] = {k: _f(belief.get(k, Fraction(0))) for k in infoset.keys}
        else:
            belief_set = eq.off_path_beliefs[infoset.group]
            entry = {}
            for k in infoset.keys:
                coords = ([v[belief_set.keys.index(k)] for v in belief_set.vertices]
                          if k in belief_set.keys else [Fraction(0)])
                entry[k] = [_f(min(coords)), _f(max(coords))]
            beliefs[player][infoset.label] = entry
    continuum = None
    if eq.continuum is not None:
        continuum = {
            "ranges": {game.infosets[i].label: {a: [_f(lo), _f(hi)] for a, (lo, hi) in
                                                 zip(game.infosets[i].actions, r)}
                       for i, r in eq.continuum.ranges.items()},
            "endpoints": [entry for entry in (
                {game.infosets[i].label: {a: _f(p) for a, p in
                                          zip(game.infosets[i].actions, probs)}
                 for i, probs in point.items() if i in eq.continuum.ranges}
                for point in eq.continuum.endpoints) if entry],
        }
    return {
        "pure": eq.pure,
        "kind": eq.kind,
        "behavior": behaviour,
        "beliefs": beliefs,
        "on_path": on_path,
        "outcomes": {k: _f(v) for k, v in eq.outcomes.items()},
        "payoffs": {p: _f(v) for p, v in zip(players, eq.payoffs)},
        "type_payoffs": {players[p]: {t: _f(v) for (q, t), v in eq.type_payoffs.items() if q == p}
                         for p in (0, 1)},
        "refinements": {   # true, false, or null when not computed (the reason says why)
            "intuitive_criterion": eq.intuitive.passed if eq.intuitive else None,
            "d1": eq.d1.passed if eq.d1 else None,
            "reasons": {"intuitive_criterion": eq.intuitive.reason if eq.intuitive else "",
                        "d1": eq.d1.reason if eq.d1 else ""},
        },
        "continuum": continuum,
        "alternatives": eq.alternatives,
    }


def result_to_json(result: SolveResult) -> dict:
    """The whole result in the JSON format."""
    game = result.game
    return {
        "format": "deterrence-solve/1",
        "game": {"title": game.title, "players": list(game.players)},
        "parameters": {k: _f(v) for k, v in sorted(result.parameters.items())},
        "concept": result.concept,
        "complete": result.complete,
        "equilibria": [equilibrium_to_json(result, eq) for eq in result.equilibria],
        "nash_not_subgame_perfect": [
            {"outcomes": {k: _f(v) for k, v in n.outcomes.items()},
             "non_credible": list(n.non_credible)} for n in result.nash_not_spe],
        "weak_only": [{"outcomes": {k: _f(v) for k, v in w.equilibrium.outcomes.items()},
                       "why": w.reason} for w in result.weak_only],
        "notes": list(result.notes),
    }
