"""Provides `mixed_completion`: off-path play that mixes, where no pure completion exists.

Some equilibria exist only if a player mixes at an information set nobody reaches: the reply
to a message no type sends must leave every type indifferent enough not to send it, and no
single reply does. The pure enumerator (`game.solver.search.pure`) completes the play off the
path one cluster of information sets at a time; when a cluster has no pure completion, this
module looks for a mixed one, in two exact ways:

- *Continuation games.* Where every open information set of the cluster lies below public
  states whose beliefs are numbers (nobody was surprised: for example the move that left the
  path was made by a player without private information), the play below each such state is
  an equilibrium of the game that starts there with those beliefs as the prior. That game is
  solved on its own (pure and mixed, with the same solver), and its equilibria are tried
  against the conditions above it.
- *Last moves.* Where every open information set has nothing open below it, each gets a
  support: some belief must make all its actions optimal (checked exactly, as in the pure
  search), and the mixing probabilities must keep every earlier choice optimal, a linear
  program in the probabilities (each path passes through at most one such set).

Anything else is not searched; the caller then says the search was incomplete.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from itertools import combinations, product

from game.model.tree import NATURE, TERMINAL
from game.solver.linear.lp import solve_lp
from game.solver.search.assess import PureValues
from game.solver.search.atoms import Atom, check_atom
from game.solver.structure import ONE, ZERO, Structure

MAX_SUPPORT_PROFILES = 4096
"""The most support combinations tried for last moves that must be decided together."""

CONST = -1
"""The constant term's key in an affine value."""

UNKNOWN = "unknown"
"""`mixed_completion`'s answer when the cluster is outside what it searches."""


def mixed_completion(structure: Structure, base: Mapping, infosets: set[int],
                     atoms: list[tuple[Atom, frozenset[int]]], domains: dict[int, tuple[int, ...]],
                     continuation=None):
    """A mixed completion of one cluster: its information sets -> action probabilities, None
    when there is none, or `UNKNOWN` when the cluster is of a shape not searched.

    Args:
        base: the fixed play (on the path, and forced).
        infosets: the cluster's open information sets.
        atoms: the cluster's checks, with the open sets each depends on.
        domains: the candidate actions per information set (the pre-pass).
        continuation: a callable (state, beliefs) -> (list of behaviour dicts: equilibria of
            the game starting at that public state, whether that list is complete), or
            `UNKNOWN`; None to skip that way.
    """
    if _refuted(structure, base, infosets, atoms):
        return None
    if continuation is not None and structure.public.ok:
        from game.solver.search.continuation import by_continuation

        found = by_continuation(structure, base, infosets, atoms, continuation, domains)
        if found is not UNKNOWN:
            return found
    below = _open_below(structure, infosets)
    if all(not below[i] for i in infosets):
        return _last_moves(structure, base, infosets, atoms, domains)
    return UNKNOWN


def _open_below(structure: Structure, infosets: set[int]) -> dict[int, bool]:
    """Per open information set: is another open one below it?"""
    game = structure.game
    return {i: any(structure.subtree_infosets[m] & infosets for m in game.infosets[i].members)
            for i in infosets}


# ---------------------------------------------------------------------- bounds
def _refuted(structure: Structure, base: Mapping, infosets: set[int],
             atoms: list[tuple[Atom, frozenset[int]]]) -> bool:
    """Does some earlier choice fail whatever is played at the open sets? A deviation is sure
    to pay when even its worst case (the other side choosing what hurts most, the deviator
    keeping one fixed plan) beats the best case of the choice it leaves."""
    game = structure.game
    for atom, _ in atoms:
        if atom.kind != "alt":
            continue
        infoset = game.infosets[atom.infoset]
        player = infoset.player
        horizon = structure.myopic_round[atom.infoset]
        belief = dict(atom.belief)
        chosen = base[atom.infoset]
        kept = (chosen,) if isinstance(chosen, int) else tuple(
            a for a, p in enumerate(chosen) if p > 0)
        live = [(belief.get(key, ZERO), m) for key, m in zip(infoset.keys, infoset.members)
                if belief.get(key)]
        low = _bounds(structure, [game.nodes[m].children[atom.action] for _, m in live],
                      player, horizon, base, infosets, worst=True)
        deviation = sum((w * low[game.nodes[m].children[atom.action]] for w, m in live), ZERO)
        for action in kept:
            roots = [game.nodes[m].children[action] for _, m in live]
            high = _bounds(structure, roots, player, horizon, base, infosets, worst=False)
            if deviation > sum((w * high[r] for (w, _), r in zip(live, roots)), ZERO):
                return True
    return False


def _bounds(structure: Structure, roots: list[int], player: int, horizon: int, base: Mapping,
            infosets: set[int], worst: bool) -> dict[int, Fraction]:
    """Bounds on the player's value at every node below `roots`, whatever is played at the
    open `infosets`: the best case (`worst=False`: every open move as the player likes) or
    the worst case (the other side's open moves as the player likes least, the player's own
    following one plan: the best per node where that is one plan, else the worst)."""
    game = structure.game
    nodes = game.nodes
    order: list[int] = []
    stack = list(roots)
    while stack:
        node_id = stack.pop()
        order.append(node_id)
        stack.extend(nodes[node_id].children)
    order.sort()
    pessimistic: set[int] = set()
    while True:
        values: dict[int, Fraction] = {}
        picks: dict[int, set[int]] = {}
        for node_id in reversed(order):
            node = nodes[node_id]
            if node.player == TERMINAL:
                values[node_id] = structure.payoff(node_id, player, horizon)
                continue
            children = [values[c] for c in node.children]
            if node.player == NATURE:
                values[node_id] = sum((p * v for p, v in zip(node.probs, children) if p), ZERO)
            elif node.infoset in infosets:
                if not worst:
                    values[node_id] = max(children)
                elif node.player != player or node.infoset in pessimistic:
                    values[node_id] = min(children)
                else:
                    best = max(range(len(children)), key=children.__getitem__)
                    picks.setdefault(node.infoset, set()).add(best)
                    values[node_id] = children[best]
            else:
                probs = as_probs(base[node.infoset], len(children))
                values[node_id] = sum((p * v for p, v in zip(probs, children) if p), ZERO)
        clashes = {i for i, chosen in picks.items() if len(chosen) > 1} - pessimistic
        if not clashes:
            return values
        pessimistic |= clashes


# ---------------------------------------------------------------------- last moves
def _last_moves(structure, base, infosets, atoms, domains):
    alt_atoms = [a for a, _ in atoms if a.kind == "alt"]
    other_atoms = [a for a, _ in atoms if a.kind != "alt"]
    ordered = sorted(infosets)
    # The last moves that some 'alt' atom ties together are decided together.
    parent = {i: i for i in ordered}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    touches = {}
    for atom in alt_atoms:
        touched = sorted(_touched(structure, atom, base, infosets))
        touches[atom] = touched
        for other in touched[1:]:
            parent[find(touched[0])] = find(other)
    for atom, deps in atoms:   # a joint check (a belief group, a public state) joins its sets
        if atom.kind != "alt":
            joined = sorted(deps & infosets)
            for other in joined[1:]:
                parent[find(joined[0])] = find(other)
    components: dict[int, list[int]] = {}
    for i in ordered:
        components.setdefault(find(i), []).append(i)
    completion: dict[int, tuple[Fraction, ...]] = {}
    deps_of = {id(atom): deps for atom, deps in atoms}
    for members in components.values():
        relevant = [a for a in alt_atoms if set(touches[a]) & set(members) or not touches[a]]
        own = [a for a in other_atoms if deps_of[id(a)] & set(members) or not deps_of[id(a)]]
        found = _component(structure, base, members, relevant, own, domains, completion)
        if found is None or found is UNKNOWN:
            return found
        completion.update(found)
    return completion


def _touched(structure: Structure, atom: Atom, base: Mapping, infosets: set[int]) -> set[int]:
    """The open last moves whose play the atom's compared values depend on."""
    game = structure.game
    infoset = game.infosets[atom.infoset]
    chosen = base[atom.infoset]
    actions = {atom.action, *((chosen,) if isinstance(chosen, int) else
                              (a for a, p in enumerate(chosen) if p > 0))}
    belief = dict(atom.belief)
    found: set[int] = set()
    for key, m in zip(infoset.keys, infoset.members):
        if not belief.get(key):
            continue
        for a in actions:
            found |= structure.child_subtree_infosets[(m, a)] & infosets
    return found


def _component(structure, base, members, alt_atoms, other_atoms, domains, done):
    supports = []
    for i in members:
        domain = domains[i]
        supports.append([s for size in range(1, len(domain) + 1)
                         for s in combinations(domain, size)])
    total = 1
    for s in supports:
        total *= len(s)
    if total > MAX_SUPPORT_PROFILES:
        return UNKNOWN
    game = structure.game
    for profile in product(*supports):
        if all(len(s) == 1 for s in profile):
            continue   # pure: the pure enumeration has tried it
        assignment = dict(base)
        assignment.update(done)
        for i, s in zip(members, profile):
            size = len(game.infosets[i].actions)
            assignment[i] = tuple(Fraction(1, len(s)) if a in s else ZERO for a in range(size))
        values = PureValues(structure, assignment)
        if not all(check_atom(structure, atom, assignment, values) for atom in other_atoms
                   if _settled(atom, assignment)):
            continue
        solved = _mixing_lp(structure, assignment, dict(zip(members, profile)), alt_atoms)
        if solved is not None:
            return solved
    return None


def _settled(atom: Atom, assignment: Mapping) -> bool:
    return atom.kind != "bayes" or atom.infoset in assignment


def _mixing_lp(structure, assignment, profile: dict[int, tuple[int, ...]], alt_atoms):
    """Probabilities on the chosen supports that keep every earlier choice optimal, or None."""
    game = structure.game
    variables: dict[tuple[int, int], int] = {}
    for i, s in profile.items():
        for a in s:
            variables[(i, a)] = len(variables)
    eq_rows = [({variables[(i, a)]: ONE for a in s}, ONE) for i, s in profile.items()]
    le_rows = []
    bottom = set(profile)
    for atom in alt_atoms:
        infoset = game.infosets[atom.infoset]
        belief = dict(atom.belief)
        chosen = assignment[atom.infoset]
        kept = (chosen,) if isinstance(chosen, int) else tuple(
            a for a, p in enumerate(chosen) if p > 0)
        horizon = structure.myopic_round[atom.infoset]

        def total(action: int) -> dict[int, Fraction]:
            result: dict[int, Fraction] = {}
            for key, m in zip(infoset.keys, infoset.members):
                weight = belief.get(key, ZERO)
                if not weight:
                    continue
                child = game.nodes[m].children[action]
                for var, coeff in affine_value(structure, child, infoset.player, horizon,
                                               assignment, bottom).items():
                    result[var] = result.get(var, ZERO) + weight * coeff
            return result

        deviation = total(atom.action)
        for a in kept:
            # deviation - kept <= 0, over the mixing variables (constants moved right).
            row: dict[int, Fraction] = {}
            constant = ZERO
            for sign, terms in ((1, deviation), (-1, total(a))):
                for var, coeff in terms.items():
                    if var == CONST:
                        constant += sign * coeff
                    elif var in variables:   # an action outside the support: probability 0
                        index = variables[var]
                        row[index] = row.get(index, ZERO) + sign * coeff
            le_rows.append((row, -constant))
    result = solve_lp(len(variables), {}, eq_rows, le_rows)
    if result.status != "optimal":
        return None
    completion = {}
    for i, s in profile.items():
        size = len(game.infosets[i].actions)
        completion[i] = tuple(result.x[variables[(i, a)]] if a in s else ZERO
                              for a in range(size))
    return completion


def affine_value(structure: Structure, root: int, player: int, horizon: int,
                 assignment: Mapping, bottom: set[int]) -> dict:
    """The player's value at `root` as an affine function of the play at `bottom` information
    sets: {(infoset, action): coefficient, CONST: constant}. Bottom sets have nothing open
    below them and no path passes through two of them. Walks the subtree without recursion."""
    game = structure.game
    nodes = game.nodes
    values: dict[int, dict] = {}
    order = []
    stack = [root]
    while stack:
        node_id = stack.pop()
        order.append(node_id)
        stack.extend(nodes[node_id].children)
    for node_id in reversed(order):
        node = nodes[node_id]
        if node.player == TERMINAL:
            values[node_id] = {CONST: structure.payoff(node_id, player, horizon)}
            continue
        if node.player != NATURE and node.infoset in bottom:
            values[node_id] = {(node.infoset, a): values[c].get(CONST, ZERO)
                               for a, c in enumerate(node.children)}
            continue
        probs = node.probs if node.player == NATURE else as_probs(assignment[node.infoset],
                                                               len(node.children))
        merged: dict = {}
        for p, child in zip(probs, node.children):
            if p:
                for var, coeff in values[child].items():
                    merged[var] = merged.get(var, ZERO) + p * coeff
        values[node_id] = merged
    return values[root]


def as_probs(chosen, size: int) -> tuple[Fraction, ...]:
    """A play (an action index, or probabilities) as probabilities."""
    if isinstance(chosen, int):
        return tuple(ONE if a == chosen else ZERO for a in range(size))
    return tuple(chosen)
