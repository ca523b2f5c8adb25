"""Provides `mixed_pbe_solve`: perfect Bayesian equilibria in which some player mixes on the path.

Support enumeration in the sequence form. A depth-first search assigns a support (a non-empty
set of actions) to every information set reached on the path, top down. For given supports,
each player's best-reply conditions are linear in the opponent's realization plan and its own
continuation values, so whether an equilibrium with exactly those supports exists is a pair of
exact linear programs (built by `game.solver.linear.replylp`). Off the path, behaviour is first left free (a relaxation that prunes
soundly), then completed so that it is sequentially rational; every equilibrium returned is
verified by `check_assessment`. Where the solutions form a continuum, its end points are
reported.

Speed without losing exactness: a partial assignment is checked only when a real choice is
still to come; each check first tries the player's recent feasible points, then is solved in
floating point (`lpfloat.screen_lp`), whose answer is used only to go on (always sound) or to
prune on a dual proof checked exactly; and
a last move that is dominant whatever the opponent does has its value written out instead of
a variable with its rows.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations

from game.solver.checks.check import check_assessment
from game.solver.evaluate import Evaluation
from game.solver.linear.lp import LPTimeout
from game.solver.linear.region import simplex_region
from game.solver.linear.replylp import FREE, ReplyLP, ReplyLPs
from game.solver.search.assess import PureValues
from game.solver.search.prepass import candidate_actions
from game.solver.structure import ONE, ZERO, Structure

CHECK_BEFORE = 1
"""The search checks a partial assignment only when at least this many real choices (information
sets with more than one candidate action) follow it; otherwise the leaf's own check is as good."""


@dataclass(frozen=True)
class MixedSolution:
    """One mixed equilibrium (or a point of a continuum) found by support enumeration."""

    behaviour: dict[int, tuple[Fraction, ...]]
    free_beliefs: dict[int, list[dict[str, Fraction]]]
    supports: dict[int, tuple[int, ...]]
    ranges: dict[int, tuple[tuple[Fraction, Fraction], ...]] = field(default_factory=dict)
    """For a continuum: infoset -> per action, the (lowest, highest) probability."""
    endpoints: tuple[dict[int, tuple[Fraction, ...]], ...] = ()
    """For a continuum: behaviour at its extreme points (on the path)."""

    @property
    def continuum(self) -> bool:
        """True when the equilibrium belongs to a continuum."""
        return bool(self.ranges)


class MixedSolver:
    """The support-enumeration search (see the module docstring); `run` returns what it found."""

    def __init__(self, structure: Structure, max_leaves: int, seconds: float | None) -> None:
        self.s = structure
        self.game = game = structure.game
        self.domains = candidate_actions(
            structure, time.monotonic() + seconds if seconds else None)
        self.forced = {i: d[0] for i, d in self.domains.items() if len(d) == 1}
        self.lps = ReplyLPs(structure, self.domains)
        self.order = structure.order
        self.choices_after = [0] * len(self.order)   # real choices after each position
        for p in range(len(self.order) - 2, -1, -1):
            self.choices_after[p] = (self.choices_after[p + 1]
                                     + (len(self.domains[self.order[p + 1]]) > 1))
        self.max_leaves = max_leaves
        self.lps.deadline = time.monotonic() + seconds if seconds else None
        self.leaves = 0
        self.truncated = False
        self.gaps = False
        """True when some support's off-path play was not decided (the list may be
        incomplete, though the search ran to its end)."""
        self.results: list[MixedSolution] = []
        self.seen: set = set()
        self._forced_cache: dict = {}
        self.last_to_fail = 0
        self.belief_steps = {m: tuple((game.nodes[p].infoset, a)
                                      for p, a in structure.belief_steps[m])
                             for infoset in game.infosets for m in infoset.members}
        """Per member: the moves that shape its owner's belief (`Structure.belief_steps`)."""
        self.member_steps = {m: tuple((game.nodes[p].infoset, a) for p, a in structure.steps[m]
                                      if game.nodes[p].player in (0, 1))
                             for infoset in game.infosets for m in infoset.members}

    @property
    def deadline(self) -> float | None:
        """When the search stops (`time.monotonic()`); its LPs keep to it too."""
        return self.lps.deadline

    def run(self) -> list[MixedSolution]:
        try:
            self.dfs(0, {})
        except LPTimeout:   # one linear program outlasted the budget
            self.truncated = True
        return self.results

    # ------------------------------------------------------------------ search
    def reached(self, infoset_id: int, supports: dict) -> bool:
        """Some member is reached when every move on its path is in an on-path support."""
        for m in self.game.infosets[infoset_id].members:
            if self.s.chance[m] and all(isinstance(supports.get(k), tuple) and a in supports[k]
                                        for k, a in self.member_steps[m]):
                return True
        return False

    def dfs(self, position: int, supports: dict) -> None:
        if self.truncated:
            return
        if self.deadline is not None and time.monotonic() > self.deadline:
            self.truncated = True
            return
        # Information sets with nothing to choose (unreached, or one candidate) are assigned in
        # a loop, not by recursion, so the depth is the number of real choices.
        assigned = []
        try:
            while position < len(self.order):
                infoset_id = self.order[position]
                if not self.reached(infoset_id, supports):
                    supports[infoset_id] = FREE
                elif len(self.domains[infoset_id]) == 1:
                    only = self.domains[infoset_id]
                    values = self.forced_values(infoset_id)
                    if values is not None and not self.some_belief_supports(
                            infoset_id, values, self.positive_keys(infoset_id, supports), only):
                        return
                    supports[infoset_id] = only
                else:
                    break
                assigned.append(infoset_id)
                position += 1
            if position == len(self.order):
                self.leaf(supports)
                return
            self.branch(position, supports)
        finally:
            for infoset_id in assigned:
                del supports[infoset_id]

    def branch(self, position: int, supports: dict) -> None:
        """Tries each support of the information set at `position` (it has a real choice)."""
        infoset_id = self.order[position]
        domain = self.domains[infoset_id]
        values = self.forced_values(infoset_id)
        keys = self.positive_keys(infoset_id, supports) if values is not None else None
        for size in range(1, len(domain) + 1):
            for subset in combinations(domain, size):
                if keys is not None and not self.some_belief_supports(infoset_id, values, keys,
                                                                      subset):
                    continue
                supports[infoset_id] = subset
                if (self.choices_after[position] >= CHECK_BEFORE
                        and (size > 1 or self.mixing(supports))
                        and not self.partial_feasible(supports)):
                    continue
                self.dfs(position + 1, supports)
        supports.pop(infoset_id, None)

    @staticmethod
    def mixing(supports: dict) -> bool:
        """Does some information set on the path mix?"""
        return any(isinstance(v, tuple) and len(v) > 1 for v in supports.values())

    def partial_feasible(self, supports: dict) -> bool:
        """The LP relaxation with everything unassigned left free: a sound early prune."""
        first = self.last_to_fail   # the player who failed last is likelier to fail again
        for player in (first, 1 - first):
            lp = self.lps.build(player, supports, screen="go on")
            if lp is None:
                continue   # plainly feasible in floating point: going on is always sound
            if lp.result.status != "optimal" or lp.result.value is None or lp.result.value <= 0:
                self.last_to_fail = player
                return False
        return True

    # ------------------------------------------------------------------ pruning helpers
    def forced_values(self, infoset_id: int) -> list[list[Fraction]] | None:
        """values[member][action] when everything below the infoset is forced, else None."""
        cached = self._forced_cache.get(infoset_id, False)
        if cached is not False:
            return cached
        try:
            values = PureValues(self.s, self.forced).member_values(infoset_id)
        except KeyError:
            values = None
        self._forced_cache[infoset_id] = values
        return values

    def positive_keys(self, infoset_id: int, supports: dict) -> list[str]:
        """The belief keys of the infoset's group that chance and the opponent can reach."""
        game = self.game
        group = game.infosets[infoset_id].group
        keys: list[str] = []
        blocked = self.lps.blocked(supports)
        for member_infoset in game.group_infosets[group]:
            infoset = game.infosets[member_infoset]
            for key, m in zip(infoset.keys, infoset.members):
                if key in keys or self.s.chance[m] == 0:
                    continue
                if blocked.isdisjoint(self.belief_steps[m]):
                    keys.append(key)
        return keys

    def some_belief_supports(self, infoset_id: int, values: list[list[Fraction]],
                             keys: list[str], subset: tuple[int, ...]) -> bool:
        """Can a belief on the reachable keys make every action of `subset` optimal?"""
        infoset = self.game.infosets[infoset_id]
        position = {k: j for j, k in enumerate(keys)}
        rows = []
        for a in subset:
            for b in range(len(infoset.actions)):
                if b == a:
                    continue
                row = [ZERO] * len(keys)
                for key, member_values in zip(infoset.keys, values):
                    if key in position:
                        row[position[key]] += member_values[a] - member_values[b]
                rows.append(tuple(row))
        return simplex_region(rows, len(keys), first_only=True)[0] if keys else True

    # ------------------------------------------------------------------ leaves
    def leaf(self, supports: dict) -> None:
        if not self.mixing(supports):
            return  # all pure on the path: the pure enumerator covers these
        self.leaves += 1
        if self.leaves > self.max_leaves:
            self.truncated = True
            return
        for player in (0, 1):   # a proof that either player's LP fails spares both exact ones
            if self.lps.build(player, supports, screen="proof only") is not None:
                return
        lps = []
        for player in (0, 1):
            lp = self.lps.build(player, supports)
            if lp.result.status != "optimal" or lp.result.value is None or lp.result.value <= 0:
                return
            lps.append(lp)
        completed = self.complete(supports, lps)
        if completed is None:
            return
        behaviour, free, final_supports = completed
        key = tuple(sorted(behaviour.items()))
        if key in self.seen:
            return
        self.seen.add(key)
        ranges, endpoints = self.continuum(final_supports, behaviour)
        self.results.append(MixedSolution(
            behaviour=behaviour, free_beliefs=free,
            supports={i: s for i, s in supports.items() if isinstance(s, tuple)},
            ranges=ranges, endpoints=endpoints))

    def behaviour_of(self, lps: list[ReplyLP], supports: dict, fallback: dict) -> dict:
        """Behaviour from the two LPs' plans; `fallback` where the owner never gets there."""
        s = self.s
        behaviour = {}
        for infoset in self.game.infosets:
            plan = lps[1 - infoset.player]
            parent = plan.realization(s.infoset_parent_sequence[infoset.id])
            if parent:
                probs = tuple(plan.realization(s.sequence_index[infoset.player][(infoset.id, a)])
                              / parent for a in range(len(infoset.actions)))
                behaviour[infoset.id] = probs
            else:
                behaviour[infoset.id] = fallback.get(infoset.id) or _pure(
                    self.domains[infoset.id][0], len(infoset.actions))
        return behaviour

    def complete(self, supports: dict, lps: list[ReplyLP]):
        """Finds sequentially rational play off the path; returns (behaviour, free beliefs, supports).

        The on-path play read from the LPs is held fixed, and the off-path information sets are
        completed cluster by cluster exactly as in the pure enumeration.
        """
        from game.solver.search.pure import complete_off_path

        on_path = self.behaviour_of(lps, supports, {})
        base: dict = {}
        for infoset_id, support in supports.items():
            if isinstance(support, tuple):
                base[infoset_id] = support[0] if len(support) == 1 else on_path[infoset_id]
        seconds = None
        if self.deadline is not None:   # within what is left of the budget
            seconds = max(self.deadline - time.monotonic(), 0.01) / 2
        family, gaps = complete_off_path(self.s, base, first_only=True, seconds=seconds)
        if family is None:
            if self.deadline is not None and time.monotonic() > self.deadline:
                self.truncated = True   # cut short, not shown to fail
            elif gaps:
                self.gaps = True   # not decided; the search goes on
            return None
        for profile in family.profiles():
            behaviour = {}
            for infoset in self.game.infosets:
                chosen = profile[infoset.id]
                behaviour[infoset.id] = (_pure(chosen, len(infoset.actions))
                                         if isinstance(chosen, int) else tuple(chosen))
            free = self.free_beliefs(behaviour)
            if free is not None and not check_assessment(self.s, behaviour, free):
                if self.s.fudenberg_tirole and self.s.ft.assess(
                        behaviour.__getitem__, Evaluation(self.s, behaviour).value).problems:
                    return None
                return behaviour, free, supports
            break
        return None

    def free_beliefs(self, behaviour: dict) -> dict[int, list[dict[str, Fraction]]] | None:
        """Supporting beliefs (vertices) for every group Bayes' rule does not reach, or None."""
        from game.solver.build import belief_set

        evaluation = Evaluation(self.s, behaviour)
        free: dict[int, list[dict[str, Fraction]]] = {}
        for group in self.game.group_infosets:
            if evaluation.group_belief(group) is not None:
                continue
            region = belief_set(self.s, evaluation, group, behaviour)
            if not region.vertices:
                return None
            free[group] = [dict(zip(region.keys, v)) for v in region.vertices]
        return free

    def continuum(self, supports: dict, behaviour: dict):
        """If the supports admit a continuum, the probability ranges and extreme behaviours."""
        s = self.s
        ranges: dict[int, tuple[tuple[Fraction, Fraction], ...]] = {}
        extremes: list[dict[int, tuple[Fraction, ...]]] = []
        for infoset in self.game.infosets:
            support = supports.get(infoset.id)
            if not isinstance(support, tuple) or len(support) < 2:
                continue
            owner = infoset.player
            parent_seq = s.infoset_parent_sequence[infoset.id]
            lows, highs = [], []
            for a in range(len(infoset.actions)):
                if a not in support:
                    lows.append(ZERO)
                    highs.append(ZERO)
                    continue
                seq = s.sequence_index[owner][(infoset.id, a)]
                found = []
                for maximize in (False, True):
                    lp = self.lps.build(1 - owner, supports, objective_seq=seq, maximize=maximize,
                                    strict=False)
                    if lp.result.status != "optimal":
                        continue
                    parent = lp.realization(parent_seq)
                    if parent:
                        found.append(lp.realization(seq) / parent)
                        point = {}
                        for other in self.game.infosets:
                            if other.player != owner or not isinstance(supports.get(other.id), tuple):
                                continue
                            base = lp.realization(s.infoset_parent_sequence[other.id])
                            if base:
                                point[other.id] = tuple(
                                    lp.realization(s.sequence_index[owner][(other.id, b)]) / base
                                    for b in range(len(other.actions)))
                        extremes.append(point)
                lows.append(min(found) if found else behaviour[infoset.id][a])
                highs.append(max(found) if found else behaviour[infoset.id][a])
            if any(lo != hi for lo, hi in zip(lows, highs)):
                ranges[infoset.id] = tuple(zip(lows, highs))
        if not ranges:
            return {}, ()
        unique = []
        for point in extremes:
            if point not in unique:
                unique.append(point)
        return ranges, tuple(unique)


def _pure(action: int, size: int) -> tuple[Fraction, ...]:
    return tuple(ONE if a == action else ZERO for a in range(size))


def mixed_pbe_solve(structure: Structure, max_leaves: int = 100_000,
                    seconds: float | None = None) -> tuple[list[MixedSolution], bool]:
    """Returns the mixed equilibria found, and whether the search was cut short."""
    solver = MixedSolver(structure, max_leaves, seconds)
    results = solver.run()
    return results, solver.truncated or solver.gaps
