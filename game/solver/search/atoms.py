"""Provides `Atom` and `check_atom`: the checks an off-path completion must pass.

The pure enumerator (`game.solver.search.pure`) splits sequential rationality off the path into
atoms, each checked as soon as everything it depends on is assigned: an action no better
than the one chosen under a known belief ('alt'), an unassigned information set with a known
belief ('bayes'), a belief group's joint check ('group': Bayes' rule where it applies, else
one free belief that supports every choice in the group: weak perfect Bayesian equilibrium),
or, for Fudenberg-Tirole beliefs, everything below a public state the play leaves ('ft':
beliefs carried by Bayes' rule from the last known belief or from a surprise; see
`game.solver.beliefs`). Under Fudenberg-Tirole beliefs the 'group' checks stay as early,
necessary ones (every FT belief is one of the beliefs they allow).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from game.solver.linear.region import simplex_region
from game.solver.search.assess import (
    PureValues,
    free_belief_region,
    group_omega,
    group_rows_with_supports,
    normalise,
    optimal_under,
)
from game.solver.structure import ZERO, Structure


@dataclass(frozen=True)
class Atom:
    """One check: 'alt' (action `action` is no better at `infoset`), 'bayes' (unassigned infoset
    with a known belief), 'group' (a group's joint check with a shared belief), or 'ft'
    (Fudenberg-Tirole beliefs and play below public state `state`)."""

    kind: str
    infoset: int = -1
    action: int = -1
    group: int = -1
    belief: tuple[tuple[str, Fraction], ...] = ()
    state: int = -1


def check_atom(structure: Structure, atom: Atom, assignment: Mapping[int, int],
               values: PureValues) -> bool:
    """Does the (partial) assignment pass the atom? `values` are its payoffs, memoised."""
    game = structure.game
    if atom.kind == "ft":
        return structure.ft.check_subtree(atom.state, assignment.__getitem__, values.value)
    if atom.kind in ("alt", "bayes"):
        infoset = game.infosets[atom.infoset]
        belief = dict(atom.belief)
        chosen = assignment[atom.infoset]
        support = support_of(chosen)
        totals: dict[int, Fraction] = {}
        actions = ([atom.action, *support] if atom.kind == "alt"
                   else range(len(infoset.actions)))
        horizon = structure.myopic_round[atom.infoset]
        for action in actions:
            total = ZERO
            for key, m in zip(infoset.keys, infoset.members):
                weight = belief.get(key, ZERO)
                if weight:
                    total += weight * values.value(game.nodes[m].children[action],
                                                   infoset.player, horizon)
            totals[action] = total
        return min(totals[a] for a in support) >= max(totals.values())
    # group: Bayes if the belief is defined now, otherwise a shared free belief must exist.
    weights = group_omega(structure, atom.group, assignment)
    assert weights is not None
    belief = normalise(weights)
    infosets = game.group_infosets[atom.group]
    if belief is not None:
        return all(optimal_under(values.member_values(i), game.infosets[i].keys, belief, a)
                   for i in infosets for a in support_of(assignment[i]))
    if any(not isinstance(assignment[i], int) for i in infosets):
        rows = group_rows_with_supports(structure, atom.group, values, assignment)
        return simplex_region(rows, len(structure.group_keys[atom.group]), first_only=True)[0]
    rows = {i: (values.member_values(i), assignment[i]) for i in infosets}
    return free_belief_region(structure, atom.group, rows)[0]


def support_of(chosen) -> tuple[int, ...]:
    """The actions played: an index, or the positive entries of a probability tuple."""
    if isinstance(chosen, int):
        return (chosen,)
    return tuple(a for a, p in enumerate(chosen) if p > 0)
