"""Provides `pure_pbe_solve`: every pure-strategy perfect Bayesian equilibrium, grouped in families.

A family fixes play on the equilibrium path; off the path, the information sets split into
independent clusters (what one cluster does never matters to another's checks), each with its
list of admissible completions. The equilibria of a family are all combinations of one
completion per cluster, so a game with many off-path messages is not enumerated one by one.
The checks a completion must pass are `game.solver.search.atoms`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from game.model.tree import NATURE, TERMINAL
from game.solver.search.assess import PureValues, best_reply_to_some_belief, group_omega, normalise
from game.solver.search.atoms import Atom, check_atom, support_of
from game.solver.search.continuation import reached_states, solve_continuation
from game.solver.search.family import PureFamily
from game.solver.search.offpath import UNKNOWN, mixed_completion
from game.solver.search.prepass import candidate_actions
from game.solver.structure import ZERO, Structure

SMALL_GAME = 64
"""Below this many nodes the general enumerator is as quick as the vectorised sender-receiver
path, and spares loading numpy."""


class _OutOfTime(Exception):
    """The hard deadline passed: the search stops where it is."""


class _Solver:
    def __init__(self, structure: Structure, nash: bool = False, fast: bool = True,
                 seconds: float | None = None, off_path_mixing: bool = True) -> None:
        self.s = structure
        self.off_path_mixing = off_path_mixing
        """False: a path whose off-path play would have to mix is dropped unsearched (for
        callers that want only equilibria pure everywhere)."""
        start = time.monotonic()
        self.deadline = start + seconds if seconds is not None else None
        """Past it, no new play on the path is tried and each off-path cluster keeps the
        completions found so far (at least one)."""
        self.hard_deadline = start + 2 * seconds if seconds is not None else None
        """Past it, the search stops at once (a first completion can take long to find)."""
        self.truncated = False
        self.gaps = False
        """True when some path of play was dropped because its off-path play would need
        mixing of a kind `mixed_completion` does not search (the list may be incomplete)."""
        self.fast = fast
        self.game = structure.game
        self.nash = nash
        self.domains = candidate_actions(structure, self.deadline) if not nash else {
            i.id: tuple(range(len(i.actions))) for i in self.game.infosets}
        self.rank = {infoset_id: k for k, infoset_id in enumerate(structure.order)}
        self.forced = {i: d[0] for i, d in self.domains.items() if len(d) == 1}
        self.omega_ancestors = self._omega_ancestors()
        self.families: list[PureFamily] = []

    def _omega_ancestors(self) -> dict[int, frozenset[int]]:
        """Group -> the infosets whose moves shape the group's belief."""
        game = self.game
        result: dict[int, set[int]] = {}
        for infoset in game.infosets:
            bucket = result.setdefault(infoset.group, set())
            for member in infoset.members:
                for parent, _ in self.s.belief_steps[member]:
                    bucket.add(game.nodes[parent].infoset)
        return {group: frozenset(v) for group, v in result.items()}

    # ---------------------------------------------------------------- phase 1: on the path
    def walk(self, node_id: int, assignment: Mapping[int, int], frontier: dict[int, list[int]]) -> None:
        nodes = self.game.nodes
        stack = [node_id]
        while stack:
            node = nodes[stack.pop()]
            if node.player == TERMINAL:
                continue
            if node.player == NATURE:
                stack.extend(c for p, c in zip(node.probs, node.children) if p)
                continue
            chosen = assignment.get(node.infoset)
            if chosen is None:
                frontier.setdefault(node.infoset, []).append(node.id)
            else:
                stack.append(node.children[chosen])

    def run(self) -> list[PureFamily]:
        if not self.nash and self.fast and len(self.s.game.nodes) >= SMALL_GAME:
            from game.solver.search.signalling import stage_families

            families = stage_families(self.s, self.domains, self.forced)
            if families is not None:
                return families
        frontier: dict[int, list[int]] = {}
        self.walk(0, self.forced, frontier)
        try:
            self.dfs(dict(self.forced), frontier, set())
        except _OutOfTime:
            self.truncated = True
        return self.families

    def out_of_time(self) -> bool:
        """Has the deadline passed? (Notes it; raises `_OutOfTime` past the hard deadline.)"""
        if self.deadline is None:
            return False
        now = time.monotonic()
        if now > self.hard_deadline:
            raise _OutOfTime
        if now > self.deadline:
            self.truncated = True
            return True
        return False

    def dfs(self, assignment: dict[int, int], frontier: dict[int, list[int]], reached: set[int]) -> None:
        if self.out_of_time():
            return
        if not frontier:
            self.phase2(assignment, reached)
            return
        infoset_id = min(frontier, key=self.rank.__getitem__)
        members = frontier[infoset_id]
        candidates = self.domains[infoset_id]
        if len(candidates) > 1 and not self.nash:
            candidates = self.bayes_best(infoset_id, assignment, candidates)
        rest = {k: v for k, v in frontier.items() if k != infoset_id}
        for action in candidates:
            new_assignment = dict(assignment)
            new_assignment[infoset_id] = action
            new_frontier = {k: list(v) for k, v in rest.items()}
            for member in members:
                self.walk(self.game.nodes[member].children[action], new_assignment, new_frontier)
            self.dfs(new_assignment, new_frontier, reached | {infoset_id})

    def bayes_best(self, infoset_id: int, assignment: Mapping[int, int],
                   candidates: tuple[int, ...]) -> tuple[int, ...]:
        """Filters candidates to best replies when belief and continuation are already fixed."""
        infoset = self.game.infosets[infoset_id]
        if not self.omega_ancestors[infoset.group] <= assignment.keys():
            return candidates
        weights = group_omega(self.s, infoset.group, assignment)
        belief = normalise(weights) if weights is not None else None
        if belief is None:
            return candidates
        values = PureValues(self.s, assignment)
        rows = []
        try:
            for key, member in zip(infoset.keys, infoset.members):
                if belief.get(key, ZERO):
                    rows.append(values.member_values_of(infoset_id, member))
                else:
                    rows.append(None)
        except KeyError:
            return candidates
        totals = [sum((belief[key] * row[a] for key, row in zip(infoset.keys, rows) if row is not None),
                      ZERO) for a in range(len(infoset.actions))]
        best = max(totals[a] for a in candidates)
        return tuple(a for a in candidates if totals[a] == best)

    # ---------------------------------------------------------------- phase 2: off the path
    def phase2(self, base: dict[int, int], reached: set[int]) -> None:
        family = self.completions(base)
        if family is not None:
            self.families.append(family)

    def completions(self, base: dict, first_only: bool = False) -> PureFamily | None:
        """Every off-path completion of `base` (which may hold mixed behaviour), by cluster."""
        game = self.game
        s = self.s
        unassigned = {i.id for i in game.infosets if i.id not in base}
        atoms: list[tuple[Atom, frozenset[int]]] = []
        for group, infosets in game.group_infosets.items():
            belief = None
            if self.omega_ancestors[group] <= base.keys():
                weights = group_omega(s, group, base)
                belief = normalise(weights) if weights is not None else None
            if self.nash:
                # Nash: only infosets reached with positive probability are checked, and a
                # deviation may change the deviator's own later moves (handled by best_response).
                continue
            if belief is not None:
                frozen_belief = tuple(sorted(belief.items()))
                for infoset_id in infosets:
                    infoset = game.infosets[infoset_id]
                    live = [m for key, m in zip(infoset.keys, infoset.members) if belief.get(key)]
                    if infoset_id in base:
                        chosen = base[infoset_id]
                        support = support_of(chosen)
                        for action in range(len(infoset.actions)):
                            if action in support and len(support) == 1:
                                continue
                            deps = set()
                            for m in live:
                                deps |= s.child_subtree_infosets[(m, action)]
                                for kept in support:
                                    deps |= s.child_subtree_infosets[(m, kept)]
                            atoms.append((Atom("alt", infoset_id, action, group, frozen_belief),
                                          frozenset(deps & unassigned)))
                    else:
                        deps = {infoset_id}
                        for m in live:
                            for action in range(len(infoset.actions)):
                                deps |= s.child_subtree_infosets[(m, action)]
                        atoms.append((Atom("bayes", infoset_id, group=group, belief=frozen_belief),
                                      frozenset(deps & unassigned)))
            else:
                deps = set(self.omega_ancestors[group])
                for infoset_id in infosets:
                    deps.add(infoset_id)
                    for m in game.infosets[infoset_id].members:
                        deps |= s.subtree_infosets[m]
                atoms.append((Atom("group", group=group), frozenset(deps & unassigned)))

        if s.fudenberg_tirole and not self.nash:
            tree = s.public
            for state in self.deviation_roots(base):
                deps = tree.state_infosets[state]
                if deps:
                    atoms.append((Atom("ft", state=state), frozenset(deps & unassigned)))
        values = PureValues(s, base)
        pending: list[tuple[Atom, frozenset[int]]] = []
        for atom, deps in atoms:
            if deps:
                pending.append((atom, deps))
            elif not check_atom(self.s, atom, base, values):
                return None
        clusters = self.cluster(pending, unassigned)
        completions_per_cluster = []
        cut = False
        for infosets, cluster_atoms in clusters:
            completions, cluster_cut = self.complete(base, infosets, cluster_atoms, first_only)
            if not completions and not self.nash and self.off_path_mixing:
                found = mixed_completion(s, base, infosets, cluster_atoms, self.domains,
                                         continuation=self.continuation)
                if found is UNKNOWN:
                    self.gaps = True
                elif found is not None:
                    completions = [found]
            if not completions:
                return None
            cut = cut or cluster_cut
            completions_per_cluster.append(tuple(completions))
        return PureFamily(base=dict(base), clusters=tuple(completions_per_cluster),
                          complete=not cut)

    def continuation(self, root: int, beliefs):
        """The equilibria of the game starting at public state `root` (for off-path mixing),
        within what is left of the time allowed."""
        seconds = None
        if self.hard_deadline is not None:
            seconds = max(self.hard_deadline - time.monotonic(), 0.01) / 2
        return solve_continuation(self.s, root, beliefs, seconds)

    def deviation_roots(self, base: Mapping) -> list[int]:
        """The public states the play leaves: not reached under `base`, their parents reached."""
        tree = self.s.public
        reached = reached_states(self.s, base)
        return [child for state in sorted(reached) for child in tree.child_states[state]
                if child not in reached]

    def cluster(self, pending, unassigned):
        parent = {i: i for i in unassigned}

        def find(x):
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for _, deps in pending:
            first, *others = deps
            for other in others:
                a, b = find(first), find(other)
                if a != b:
                    parent[a] = b
        groups: dict[int, tuple[set[int], list]] = {}
        for infoset_id in unassigned:
            groups.setdefault(find(infoset_id), (set(), []))[0].add(infoset_id)
        for atom, deps in pending:
            groups[find(next(iter(deps)))][1].append((atom, deps))
        return list(groups.values())

    def complete(self, base: dict[int, int], infosets: set[int],
                 atoms: list[tuple[Atom, frozenset[int]]],
                 first_only: bool = False) -> tuple[list[dict[int, int]], bool]:
        """Every assignment of the cluster's information sets that satisfies its atoms, and
        whether the list was cut short (the deadline passed once one was found).

        Each atom is checked as soon as the last information set it depends on is assigned,
        so a failing one cuts the search there instead of at every full assignment below.
        """
        order = sorted(infosets, key=self.rank.__getitem__, reverse=True)
        position_of = {infoset_id: k for k, infoset_id in enumerate(order)}
        due: dict[int, list[Atom]] = {}
        for atom, deps in atoms:
            due.setdefault(max(position_of[d] for d in deps), []).append(atom)
        results: list[dict[int, int]] = []
        assignment = dict(base)
        cut = False

        def holds(position: int) -> bool:
            checks = due.get(position)
            if not checks:
                return True
            values = PureValues(self.s, assignment)
            return all(check_atom(self.s, atom, assignment, values) for atom in checks)

        # Depth-first over the positions, with an explicit stack (a cluster can hold thousands
        # of information sets): stack[k] is the index of the next action to try at position k.
        stack = [0]
        while stack:
            position = len(stack) - 1
            if position == len(order):
                results.append({i: assignment[i] for i in order})
                stack.pop()
                continue
            infoset_id = order[position]
            domain = self.domains[infoset_id]
            tried = stack[position]
            late = self.out_of_time()   # past the hard deadline this raises _OutOfTime
            if tried >= len(domain) or (first_only and results) or (results and late):
                if tried < len(domain) and results and not first_only:
                    cut = True   # enough to show the family exists; its count is cut
                assignment.pop(infoset_id, None)
                stack.pop()
                continue
            stack[position] = tried + 1
            assignment[infoset_id] = domain[tried]
            if self.rationalizable(infoset_id, assignment) and holds(position):
                stack.append(0)
        return results, cut

    def rationalizable(self, infoset_id: int, assignment: Mapping[int, int]) -> bool:
        """Quick necessary check: the action is a best reply to some belief over its members."""
        try:
            values = PureValues(self.s, assignment).member_values(infoset_id)
        except KeyError:
            return True
        return best_reply_to_some_belief(values, assignment[infoset_id])


def complete_off_path(structure: Structure, base: dict, first_only: bool = False,
                      seconds: float | None = None) -> tuple[PureFamily | None, bool]:
    """Off-path completions (pure where possible, by independent cluster) of on-path play
    `base`; with `first_only`, just the first completion of each cluster (enough to show one
    exists). Returns the family (None if there is none) and whether the answer may be
    incomplete (time ran out, or a cluster needs mixing of a kind not searched)."""
    solver = _Solver(structure, seconds=seconds)
    merged = dict(solver.forced)
    merged.update(base)
    try:
        family = solver.completions(merged, first_only)
    except _OutOfTime:
        return None, True
    return family, solver.gaps


def pure_pbe_solve(structure: Structure, fast: bool = True) -> list[PureFamily]:
    """Returns every pure perfect Bayesian equilibrium, grouped into families.

    `fast=False` skips the vectorised sender-receiver path (`game.solver.search.signalling`), so
    tests can hold the two against each other."""
    return pure_pbe_search(structure, fast=fast)[0]


def pure_pbe_search(structure: Structure, seconds: float | None = None, fast: bool = True,
                    with_gaps: bool = False, listed: bool = False,
                    off_path_mixing: bool = True):
    """`pure_pbe_solve` within a time budget: the families found, and whether the search was
    cut short (then more may exist, and a family that is not `complete` lists only some of
    its off-path completions). It stops at the latest after twice `seconds`. With
    `with_gaps`, also whether some path was dropped for off-path mixing not searched.

    A game of perfect information is solved by backward induction (`spe_families`), and a
    sender-receiver stage by `stage_families`; both count the equilibria that differ only in
    ties off the path instead of writing each out. With `listed`, the general search writes
    out every one. Without `off_path_mixing`, only equilibria pure everywhere are sought (a
    path that needs mixing off it is dropped)."""
    fast = fast and not listed
    if fast:
        from game.solver.search.backward import perfect_information, spe_families

        if perfect_information(structure):
            found = spe_families(structure, seconds=seconds)
            if found is not None:
                listed, whole = found
                families = [PureFamily(base=profile, clusters=(), weight=count)
                            for profile, count in listed]
                return (families, not whole, False) if with_gaps else (families, not whole)
    solver = _Solver(structure, fast=fast, seconds=seconds, off_path_mixing=off_path_mixing)
    families = solver.run()
    if with_gaps:
        return families, solver.truncated, solver.gaps
    return families, solver.truncated
