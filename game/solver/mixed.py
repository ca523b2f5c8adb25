"""Provides `mixed_pbe_solve`: perfect Bayesian equilibria in which some player mixes on the path.

Support enumeration in the sequence form. A depth-first search assigns a support (a non-empty
set of actions) to every information set reached on the path, top down. For given supports,
each player's best-reply conditions are linear in the opponent's realization plan and its own
continuation values, so whether an equilibrium with exactly those supports exists is a pair of
exact linear programs. Off the path, behaviour is first left free (a relaxation that prunes
soundly), then completed so that it is sequentially rational; every equilibrium returned is
verified by `check_assessment`. Where the solutions form a continuum, its end points are
reported.

Speed without losing exactness: a partial assignment is checked only when a real choice is
still to come; each check is first solved in floating point (`lpfloat.screen_lp`), whose
answer is used only to go on (always sound) or to prune on a dual proof checked exactly; and
a last move that is dominant whatever the opponent does has its value written out instead of
a variable with its rows.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations
from math import lcm

from game.solver.assess import PureValues
from game.solver.check import check_assessment
from game.solver.evaluate import Evaluation
from game.solver.lp import LPResult, solve_lp
from game.solver.lpfloat import screen_lp
from game.solver.prepass import candidate_actions
from game.solver.region import simplex_region
from game.solver.sequence import SequenceForm
from game.solver.structure import ONE, ZERO, Structure

SCREEN_MARGIN = 1e-6
"""A floating-point optimum of t above this lets the search go on without an exact answer."""

CHECK_BEFORE = 1
"""The search checks a partial assignment only when at least this many real choices (information
sets with more than one candidate action) follow it; otherwise the leaf's own check is as good."""
FREE = "free"
"""The 'support' of an information set off the path: any of its candidate actions."""


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


@dataclass
class _LP:
    """A built best-reply LP and how to read realizations from its solution."""

    result: LPResult
    alias: dict[int, int | None]

    def realization(self, seq: int) -> Fraction:
        if seq not in self.alias:
            return ZERO
        var = self.alias[seq]
        return ONE if var is None else self.result.x[var]


class MixedSolver:
    """The support-enumeration search (see the module docstring); `run` returns what it found."""

    def __init__(self, structure: Structure, max_leaves: int, seconds: float | None) -> None:
        self.s = structure
        self.game = structure.game
        self.sf = SequenceForm(structure)
        self.domains = candidate_actions(structure)
        self.forced = {i: d[0] for i, d in self.domains.items() if len(d) == 1}
        self.order = structure.order
        position = {infoset_id: k for k, infoset_id in enumerate(self.order)}
        self.bottom_up = {player: sorted((i.id for i in structure.game.infosets
                                          if i.player == player),
                                         key=position.__getitem__, reverse=True)
                          for player in (0, 1)}
        """Each player's information sets, later ones first."""
        self.choices_after = [sum(1 for i in self.order[p + 1:] if len(self.domains[i]) > 1)
                              for p in range(len(self.order))]
        self.max_leaves = max_leaves
        self.deadline = time.monotonic() + seconds if seconds else None
        self.leaves = 0
        self.truncated = False
        self.results: list[MixedSolution] = []
        self.seen: set = set()
        self._forced_cache: dict = {}
        game = self.game
        self.member_steps = {}
        self.belief_steps = {}
        for infoset in game.infosets:
            for m in infoset.members:
                self.member_steps[m] = tuple(
                    (game.nodes[p].infoset, a) for p, a in structure.steps[m]
                    if game.nodes[p].player in (0, 1))
                self.belief_steps[m] = tuple((game.nodes[p].infoset, a)
                                             for p, a in structure.belief_steps[m])

        # The best-reply rows in integers: player i's rows (and values) scaled by the common
        # denominator of its terms, so that building an LP needs no Fraction arithmetic.
        self.int_terms: dict[tuple[int, int], tuple[tuple[int, int], ...]] = {}
        for player in (0, 1):
            keys = [k for k in self.sf.terms if game.infosets[k[0]].player == player]
            scale = lcm(*(c.denominator for k in keys for _, _, c in self.sf.terms[k].leaves))
            for k in keys:
                self.int_terms[k] = tuple((seq, int(c * scale))
                                          for _, seq, c in self.sf.terms[k].leaves)
        self.settled = self._settled_infosets()

    def _settled_infosets(self) -> dict[int, int]:
        """Information sets whose value needs no variable: infoset -> its action.

        An information set qualifies when it has one candidate action, every action ends the
        owner's moves (no later own information set), and that action's term is at least every
        other action's term for each opponent sequence. Then Q(I, a*) >= Q(I, b) for every
        opponent plan, so v_I = Q(I, a*) in every equilibrium: the LP uses that expression
        instead of a variable with its rows. (The LP loses no equilibrium, so pruning stays
        sound; everything found is checked exactly anyway.)
        """
        settled = {}
        for infoset in self.game.infosets:
            domain = self.domains[infoset.id]
            if infoset.player not in (0, 1) or len(domain) != 1:
                continue
            keys = [(infoset.id, a) for a in range(len(infoset.actions))]
            if any(self.sf.terms[k].next_infosets for k in keys):
                continue
            best = dict(self.int_terms[(infoset.id, domain[0])])
            dominant = True
            for key in keys:
                other = dict(self.int_terms[key])
                if any(best.get(seq, 0) < other.get(seq, 0) for seq in best.keys() | other):
                    dominant = False
            if dominant:
                settled[infoset.id] = domain[0]
        return settled

    def run(self) -> list[MixedSolution]:
        self.dfs(0, {})
        return self.results

    # ------------------------------------------------------------------ search
    def allowed(self, infoset_id: int, action: int, supports: dict) -> bool:
        """May the action be played (in the support, or a candidate off the path)?"""
        support = supports.get(infoset_id, FREE)
        if support == FREE:
            return action in self.domains[infoset_id]
        return action in support

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
        if position == len(self.order):
            self.leaf(supports)
            return
        infoset_id = self.order[position]
        if not self.reached(infoset_id, supports):
            supports[infoset_id] = FREE
            self.dfs(position + 1, supports)
            del supports[infoset_id]
            return
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
                        and (size > 1 or (len(domain) > 1 and self.mixing(supports)))
                        and not self.partial_feasible(supports)):
                    continue
                self.dfs(position + 1, supports)
        del supports[infoset_id]

    @staticmethod
    def mixing(supports: dict) -> bool:
        """Does some information set on the path mix?"""
        return any(isinstance(v, tuple) and len(v) > 1 for v in supports.values())

    def partial_feasible(self, supports: dict) -> bool:
        """The LP relaxation with everything unassigned left free: a sound early prune."""
        for player in (0, 1):
            lp = self.build(player, supports, screen="go on")
            if lp is None:
                continue   # plainly feasible in floating point: going on is always sound
            if lp.result.status != "optimal" or lp.result.value is None or lp.result.value <= 0:
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
        for member_infoset in game.group_infosets[group]:
            infoset = game.infosets[member_infoset]
            for key, m in zip(infoset.keys, infoset.members):
                if key in keys or self.s.chance[m] == 0:
                    continue
                if all(self.allowed(k, a, supports) for k, a in self.belief_steps[m]):
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

    # ------------------------------------------------------------------ the LP
    def omega_possible(self, infoset_id: int, supports: dict) -> bool:
        """Could chance and the opponent reach the infoset (given supports and candidates)?"""
        infoset = self.game.infosets[infoset_id]
        for m in infoset.members:
            if self.s.chance[m] and all(self.allowed(k, a, supports)
                                        for k, a in self.belief_steps[m]):
                return True
        return False

    def build(self, player: int, supports: dict, objective_seq: int | None = None,
              maximize: bool = True, strict: bool = True, screen: str = "") -> _LP | None:
        """Player's best-reply LP over (opponent realization plan, own values, t).

        Opponent sequences at pure information sets are aliased to their parent, so only the
        mixing (or free) information sets contribute variables. With `strict`, t is a lower
        bound on every on-path mixing realization and is maximised. With `screen`, floating
        point goes first: the result is infeasible when a dual solution it suggests proves
        exactly that t > 0 is impossible. Otherwise, with screen="go on", it is None when
        floating point finds the LP plainly feasible with t > 0, and with "proof only" None
        whatever the float says (no exact answer in either case).
        """
        game = self.game
        s = self.s
        opponent = 1 - player
        index = s.sequence_index[opponent]
        alias: dict[int, int | None] = {0: None}
        n_vars = 0
        plan_rows: list[tuple[int, list[int], bool]] = []
        for infoset_id in self.order:
            infoset = game.infosets[infoset_id]
            if infoset.player != opponent:
                continue
            parent = s.infoset_parent_sequence[infoset_id]
            if parent not in alias:
                continue
            support = supports.get(infoset_id, FREE)
            on_path = isinstance(support, tuple)
            actions = support if on_path else self.domains[infoset_id]
            if len(actions) == 1:
                alias[index[(infoset_id, actions[0])]] = alias[parent]
                continue
            children = []
            for a in actions:
                alias[index[(infoset_id, a)]] = n_vars
                children.append(index[(infoset_id, a)])
                n_vars += 1
            plan_rows.append((parent, children, on_path))
        # Values, bottom up: a settled information set's value, and an on-path one's (the
        # value of the first action of its support), are written out as expressions in the
        # plan; only the off-path (free) ones keep a variable. v_I = Q(I, a) is then an
        # equality between expressions, v_I >= Q(I, b) an inequality.
        reachable = [i for i in self.bottom_up[player] if self.omega_possible(i, supports)]
        free_values = [i for i in reachable
                       if i not in self.settled and not isinstance(supports.get(i), tuple)]
        value_var = {infoset_id: n_vars + k for k, infoset_id in enumerate(free_values)}
        t_var = n_vars + len(free_values)
        eq_rows: list = []
        le_rows: list = []

        def add(row: dict, seq: int, coeff: int) -> int:
            if seq not in alias:
                return 0
            var = alias[seq]
            if var is None:
                return coeff
            row[var] = row.get(var, 0) + coeff
            return 0

        # All coefficients are integers: the value rows are scaled (see `int_terms`), so the
        # value variables are scaled too; only the plan variables are read from the solution.
        for parent, children, on_path in plan_rows:
            row: dict[int, int] = {}
            for child in children:
                add(row, child, 1)
            constant = add(row, parent, -1)
            eq_rows.append((row, -constant))
            if strict and on_path:
                for child in children:
                    le_rows.append(({t_var: 1, alias[child]: -1}, 0))
        written: dict[int, tuple[dict[int, int], int]] = {}

        def q(infoset_id: int, action: int) -> tuple[dict[int, int], int]:
            """Q(I, a) = row . x + constant."""
            row: dict[int, int] = {}
            constant = 0
            key = (infoset_id, action)
            for seq, coeff in self.int_terms[key]:
                constant += add(row, seq, coeff)
            for nxt in self.sf.terms[key].next_infosets:
                if nxt in value_var:
                    row[value_var[nxt]] = row.get(value_var[nxt], 0) + 1
                elif nxt in written:
                    other, other_constant = written[nxt]
                    for var, coeff in other.items():
                        row[var] = row.get(var, 0) + coeff
                    constant += other_constant
            return row, constant

        def difference(first, second) -> tuple[dict[int, int], int]:
            row = dict(first[0])
            for var, coeff in second[0].items():
                row[var] = row.get(var, 0) - coeff
            return {k: v for k, v in row.items() if v}, first[1] - second[1]

        for infoset_id in reachable:
            infoset = game.infosets[infoset_id]
            support = supports.get(infoset_id, FREE)
            if infoset_id in self.settled:
                written[infoset_id] = q(infoset_id, self.settled[infoset_id])
                continue
            if isinstance(support, tuple):
                base = written[infoset_id] = q(infoset_id, support[0])
                for action in range(len(infoset.actions)):
                    if action == support[0]:
                        continue
                    row, constant = difference(q(infoset_id, action), base)  # Q(a) - Q(a0)
                    (eq_rows if action in support else le_rows).append((row, -constant))
                continue
            value = {value_var[infoset_id]: 1}
            for action in range(len(infoset.actions)):
                row, constant = difference(q(infoset_id, action), (value, 0))  # Q(a) - v_I
                le_rows.append((row, -constant))
        le_rows.append(({t_var: 1}, 1))
        if objective_seq is not None:
            target = alias.get(objective_seq)
            objective = {target: 1} if target is not None else {}
        else:
            objective = {t_var: 1} if strict else {}
        problem = (t_var + 1, objective, eq_rows, le_rows, list(value_var.values()), maximize)
        if screen:
            estimate = screen_lp(*problem, enough=SCREEN_MARGIN if screen == "go on" else None)
            if estimate is not None:
                if screen == "go on" and estimate.status == "optimal" and (
                        estimate.value > SCREEN_MARGIN or not any(on for _, _, on in plan_rows)):
                    return None
                if estimate.proved_not_positive and any(on for _, _, on in plan_rows):
                    return _LP(LPResult("infeasible"), alias)
            if screen == "proof only":
                return None
        result = solve_lp(*problem)
        if strict and objective_seq is None and result.status == "optimal" and not any(
                on_path for _, _, on_path in plan_rows):
            result = LPResult("optimal", result.x, ONE)
        return _LP(result, alias)

    # ------------------------------------------------------------------ leaves
    def leaf(self, supports: dict) -> None:
        if not any(isinstance(v, tuple) and len(v) > 1 for v in supports.values()):
            return  # all pure on the path: the pure enumerator covers these
        self.leaves += 1
        if self.leaves > self.max_leaves:
            self.truncated = True
            return
        for player in (0, 1):   # a proof that either player's LP fails spares both exact ones
            if self.build(player, supports, screen="proof only") is not None:
                return
        lps = []
        for player in (0, 1):
            lp = self.build(player, supports)
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

    def behaviour_of(self, lps: list[_LP], supports: dict, fallback: dict) -> dict:
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

    def complete(self, supports: dict, lps: list[_LP]):
        """Finds sequentially rational play off the path; returns (behaviour, free beliefs, supports).

        The on-path play read from the LPs is held fixed, and the off-path information sets are
        completed cluster by cluster exactly as in the pure enumeration.
        """
        from game.solver.pure import complete_off_path

        on_path = self.behaviour_of(lps, supports, {})
        base: dict = {}
        for infoset_id, support in supports.items():
            if isinstance(support, tuple):
                base[infoset_id] = support[0] if len(support) == 1 else on_path[infoset_id]
        family = complete_off_path(self.s, base, first_only=True)   # only one is used
        if family is None:
            return None
        for profile in family.profiles():
            behaviour = {}
            for infoset in self.game.infosets:
                chosen = profile[infoset.id]
                behaviour[infoset.id] = (_pure(chosen, len(infoset.actions))
                                         if isinstance(chosen, int) else tuple(chosen))
            free = self.free_beliefs(behaviour)
            if free is not None and not check_assessment(self.s, behaviour, free):
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
                    lp = self.build(1 - owner, supports, objective_seq=seq, maximize=maximize,
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
    return results, solver.truncated
