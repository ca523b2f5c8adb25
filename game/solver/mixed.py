"""Provides `mixed_pbe_solve`: perfect Bayesian equilibria in which some player mixes on the path.

Support enumeration in the sequence form. For each choice of supports (on the path) and pure
actions (off the path), the best-reply conditions of each player are linear in the opponent's
realization plan and its own continuation values, so deciding whether an equilibrium with
exactly those supports exists is a pair of exact linear programs. Where the solutions form a
continuum, its end points are reported. Off the path, the play that supports the equilibrium is
completed with pure actions and checked with free beliefs; every equilibrium returned passes
`check_assessment`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations

from game.solver.check import check_assessment
from game.solver.evaluate import Evaluation
from game.solver.lp import LPResult, solve_lp
from game.solver.prepass import candidate_actions
from game.solver.sequence import SequenceForm
from game.solver.structure import ONE, ZERO, Structure

SKIP = None
"""The 'support' of an information set its owner never reaches (filled in afterwards)."""


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


class _MixedSolver:
    def __init__(self, structure: Structure, max_leaves: int) -> None:
        self.s = structure
        self.game = structure.game
        self.sf = SequenceForm(structure)
        self.domains = candidate_actions(structure)
        self.order = structure.order
        self.max_leaves = max_leaves
        self.leaves = 0
        self.truncated = False
        self.results: list[MixedSolution] = []
        game = self.game
        # For every member: the decision steps (infoset, action) on its path, and its chance.
        self.forced = {i: d[0] for i, d in self.domains.items() if len(d) == 1}
        self._forced_cache: dict = {}
        self.member_steps = {}
        for infoset in game.infosets:
            for m in infoset.members:
                self.member_steps[m] = tuple(
                    (game.nodes[p].infoset, a) for p, a in structure.steps[m]
                    if game.nodes[p].player in (0, 1))

    def run(self) -> list[MixedSolution]:
        self.dfs(0, {})
        return self.results

    def status(self, infoset_id: int, supports: dict) -> tuple[bool, bool, bool]:
        """(own-reached, reached, opponent-and-chance reached) for an infoset."""
        infoset = self.game.infosets[infoset_id]
        player = infoset.player
        own = reached = omega = False
        for m in infoset.members:
            steps = self.member_steps[m]
            own_ok = all(supports.get(k) is not SKIP and a in supports[k]
                         for k, a in steps if self.game.infosets[k].player == player)
            if self.s.chance[m] == 0:
                own = own or own_ok
                continue
            opp_ok = all(supports.get(k) is not SKIP and a in supports[k]
                         for k, a in steps if self.game.infosets[k].player != player)
            own = own or own_ok
            omega = omega or opp_ok
            reached = reached or (own_ok and opp_ok)
        return own, reached, omega

    def dfs(self, position: int, supports: dict) -> None:
        if self.truncated:
            return
        if position == len(self.order):
            self.leaf(supports)
            return
        infoset_id = self.order[position]
        own, reached, _ = self.status(infoset_id, supports)
        domain = self.domains[infoset_id]
        if not own:
            supports[infoset_id] = SKIP
            self.dfs(position + 1, supports)
        elif reached:
            values = self.forced_values(infoset_id)
            keys = self.positive_keys(infoset_id, supports) if values is not None else None
            for size in range(1, len(domain) + 1):
                for subset in combinations(domain, size):
                    if keys is not None and not self.some_belief_supports(infoset_id, values, keys,
                                                                          subset):
                        continue
                    supports[infoset_id] = subset
                    self.dfs(position + 1, supports)
        else:
            for action in domain:
                supports[infoset_id] = (action,)
                self.dfs(position + 1, supports)
        del supports[infoset_id]

    # ------------------------------------------------------------------ pruning
    def forced_values(self, infoset_id: int) -> list[list[Fraction]] | None:
        """values[member][action] when everything below the infoset is forced, else None."""
        cached = self._forced_cache.get(infoset_id, False)
        if cached is not False:
            return cached
        from game.solver.assess import PureValues

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
                if all(supports.get(k) is not SKIP and a in supports[k]
                       for k, a in self.member_steps[m]
                       if self.game.infosets[k].player != infoset.player):
                    keys.append(key)
        return keys

    def some_belief_supports(self, infoset_id: int, values: list[list[Fraction]],
                             keys: list[str], subset: tuple[int, ...]) -> bool:
        """Can a belief on the reachable keys make exactly `subset` optimal (ties allowed)?"""
        from game.solver.lp import simplex_region

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
        return simplex_region(rows, len(keys))[0] if keys else True

    # ------------------------------------------------------------------ leaves
    def leaf(self, supports: dict) -> None:
        statuses = {i: self.status(i, supports) for i in range(len(self.game.infosets))}
        if not any(statuses[i][1] and supports[i] is not SKIP and len(supports[i]) > 1
                   for i in statuses):
            return  # all pure on the path: the pure enumerator covers these
        self.leaves += 1
        if self.leaves > self.max_leaves:
            self.truncated = True
            return
        plans = []
        for player in (0, 1):
            solved = self.solve_player(player, supports, statuses)
            if solved is None:
                return
            plans.append(solved)
        # plans[i] = (lp for player i's optimality, variable index of the opponent's sequences)
        realization = {1 - player: plan for player, plan in enumerate(plans)}
        behaviour = self.behaviour_from(realization, supports)
        completed = self.complete(behaviour, supports, statuses)
        if completed is None:
            return
        behaviour, free = completed
        if check_assessment(self.s, behaviour, free):
            return
        ranges, endpoints = self.continuum(supports, statuses, behaviour)
        solution = MixedSolution(behaviour=behaviour, free_beliefs=free,
                                 supports={i: s for i, s in supports.items() if s is not SKIP},
                                 ranges=ranges, endpoints=endpoints)
        self.results.append(solution)

    def lp_for(self, player: int, supports: dict, statuses: dict, objective_var=None,
               maximize: bool = True, strict: bool = True):
        """Builds and solves player's best-reply LP over (opponent plan, own values, t).

        Opponent sequences at pure information sets are aliased to their parent sequence, so
        only the mixing information sets contribute variables.

        Returns:
            (result, seq_value): seq_value(seq, x) reads a positive sequence's realization.
        """
        game = self.game
        s = self.s
        opponent = 1 - player
        seqs = s.sequences[opponent]
        index = s.sequence_index[opponent]
        # alias[seq] = (variable or None for the constant 1); zero sequences are absent.
        alias: dict[int, int | None] = {0: None}
        variables: list[int] = []
        eq_rows: list = []
        le_rows: list = []
        mixed_rows = []
        for infoset_id in self.order:
            infoset = game.infosets[infoset_id]
            if infoset.player != opponent:
                continue
            support = supports.get(infoset_id)
            if support is SKIP:
                continue
            parent = s.infoset_parent_sequence[infoset_id]
            if parent not in alias:
                continue
            if len(support) == 1:
                alias[index[(infoset_id, support[0])]] = alias[parent]
                continue
            for a in support:
                alias[index[(infoset_id, a)]] = len(variables)
                variables.append(index[(infoset_id, a)])
            mixed_rows.append((parent, [index[(infoset_id, a)] for a in support]))
        n_r = len(variables)
        active = [i.id for i in game.infosets if i.player == player and statuses[i.id][2]]
        var_of_value = {infoset_id: n_r + k for k, infoset_id in enumerate(active)}
        t_var = n_r + len(active)
        n_vars = t_var + 1

        def add_seq(row: dict, seq: int, coeff: Fraction) -> Fraction:
            """Adds coeff * r(seq) to row; returns the constant part (for the 1-sequence)."""
            if seq not in alias:
                return ZERO
            var = alias[seq]
            if var is None:
                return coeff
            row[var] = row.get(var, ZERO) + coeff
            return ZERO

        for parent, children in mixed_rows:
            row: dict[int, Fraction] = {}
            for child in children:
                add_seq(row, child, ONE)
            constant = add_seq(row, parent, -ONE)
            eq_rows.append((row, -constant))
            if strict:
                for child in children:
                    le_rows.append(({t_var: ONE, alias[child]: -ONE}, ZERO))
        for infoset_id in active:
            infoset = game.infosets[infoset_id]
            support = supports.get(infoset_id)
            for action in range(len(infoset.actions)):
                terms = self.sf.terms[(infoset_id, action)]
                # row . x + constant represents v_I - Q(I, a)
                row: dict[int, Fraction] = {var_of_value[infoset_id]: ONE}
                constant = ZERO
                for _, seq, coeff in terms.leaves:
                    constant += add_seq(row, seq, -coeff)
                for nxt in terms.next_infosets:
                    if nxt in var_of_value:
                        row[var_of_value[nxt]] = row.get(var_of_value[nxt], ZERO) - ONE
                if support is not SKIP and action in support:
                    eq_rows.append((row, -constant))
                else:
                    le_rows.append(({k: -v for k, v in row.items()}, constant))
        le_rows.append(({t_var: ONE}, ONE))
        free = list(var_of_value.values())
        if objective_var is None:
            objective = {t_var: ONE}
        else:
            target = alias.get(objective_var)
            objective = {target: ONE} if target is not None else {}
        if not strict and objective_var is None:
            objective = {}
        result = solve_lp(n_vars, objective, eq_rows, le_rows, free=free, maximize=maximize)
        if not mixed_rows and strict and result.status == "optimal":
            result = LPResult("optimal", result.x, ONE)

        def seq_value(seq: int, x) -> Fraction:
            if seq not in alias:
                return ZERO
            var = alias[seq]
            return ONE if var is None else x[var]

        return result, seq_value, list(alias)

    def solve_player(self, player: int, supports: dict, statuses: dict):
        result, seq_value, positive = self.lp_for(player, supports, statuses)
        if result.status != "optimal" or result.value is None or result.value <= 0:
            return None
        return {seq: seq_value(seq, result.x) for seq in positive}

    def behaviour_from(self, realization: dict[int, dict[int, Fraction]], supports: dict
                       ) -> dict[int, tuple[Fraction, ...]]:
        s = self.s
        behaviour = {}
        for infoset in self.game.infosets:
            support = supports.get(infoset.id)
            if support is SKIP:
                continue
            plan = realization[infoset.player]
            parent = plan.get(s.infoset_parent_sequence[infoset.id], ZERO)
            probs = []
            for a in range(len(infoset.actions)):
                seq = s.sequence_index[infoset.player][(infoset.id, a)]
                value = plan.get(seq, ZERO)
                probs.append(value / parent if parent else ZERO)
            behaviour[infoset.id] = tuple(probs)
        return behaviour

    def complete(self, behaviour: dict, supports: dict, statuses: dict):
        """Fills in never-reached information sets and finds supporting free beliefs."""
        from game.solver.assess import free_belief_region

        game = self.game
        s = self.s
        behaviour = dict(behaviour)
        pending = [i for i in reversed(self.order) if supports.get(i) is SKIP]
        # Provisional pure choices so that values can be computed; refined bottom-up.
        for infoset_id in pending:
            behaviour[infoset_id] = _pure(self.domains[infoset_id][0], len(game.infosets[infoset_id].actions))
        for infoset_id in pending:
            evaluation = Evaluation(s, behaviour)
            infoset = game.infosets[infoset_id]
            belief = evaluation.group_belief(infoset.group)
            domain = self.domains[infoset_id]
            if belief is not None:
                values = evaluation.action_values(infoset_id, belief)
                best = max(values[a] for a in domain)
                choice = next(a for a in domain if values[a] == best)
            else:
                choice = None
                for a in domain:
                    trial = dict(behaviour)
                    trial[infoset_id] = _pure(a, len(infoset.actions))
                    rows = self.group_rows(Evaluation(s, trial), infoset.group, trial, upto=infoset_id)
                    if free_belief_region(s, infoset.group, rows)[0]:
                        choice = a
                        break
                if choice is None:
                    return None
            behaviour[infoset_id] = _pure(choice, len(infoset.actions))
        evaluation = Evaluation(s, behaviour)
        free: dict[int, list[dict[str, Fraction]]] = {}
        for group in game.group_infosets:
            if evaluation.group_belief(group) is not None:
                continue
            rows = self.group_rows(evaluation, group, behaviour)
            ok, vertices, _ = free_belief_region(s, group, rows)
            if not ok:
                return None
            keys = s.group_keys[group]
            free[group] = [dict(zip(keys, v)) for v in vertices]
        return behaviour, free

    def group_rows(self, evaluation: Evaluation, group: int, behaviour: dict, upto: int | None = None):
        rows = {}
        for infoset_id in self.game.group_infosets[group]:
            probs = behaviour[infoset_id]
            chosen = next(a for a, p in enumerate(probs) if p > 0)
            if len([p for p in probs if p > 0]) > 1:
                chosen = chosen  # mixing at a zero-probability set: check via the first action
            rows[infoset_id] = (evaluation.member_action_values(infoset_id), chosen)
        return rows

    def continuum(self, supports: dict, statuses: dict, behaviour: dict):
        """If the supports admit a continuum, the probability ranges and extreme behaviours."""
        s = self.s
        ranges: dict[int, tuple[tuple[Fraction, Fraction], ...]] = {}
        extremes: list[dict[int, tuple[Fraction, ...]]] = []
        for player in (0, 1):
            opponent = 1 - player
            for infoset in self.game.infosets:
                if infoset.player != opponent or supports.get(infoset.id) is SKIP:
                    continue
                support = supports[infoset.id]
                if len(support) < 2:
                    continue
                parent_seq = s.infoset_parent_sequence[infoset.id]
                lows, highs = [], []
                for a in range(len(infoset.actions)):
                    if a not in support:
                        lows.append(ZERO)
                        highs.append(ZERO)
                        continue
                    seq = s.sequence_index[opponent][(infoset.id, a)]
                    found = []
                    for maximize in (False, True):
                        result, seq_value, positive = self.lp_for(
                            player, supports, statuses, objective_var=seq, maximize=maximize,
                            strict=False)
                        if result.status != "optimal":
                            continue
                        parent = seq_value(parent_seq, result.x)
                        if not parent:
                            continue
                        found.append(seq_value(seq, result.x) / parent)
                        plan = {q: seq_value(q, result.x) for q in positive}
                        point = self.behaviour_from({opponent: plan}, {
                            i: (supports.get(i) if self.game.infosets[i].player == opponent
                                else SKIP) for i in supports})
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


def mixed_pbe_solve(structure: Structure, max_leaves: int = 200_000) -> tuple[list[MixedSolution], bool]:
    """Returns the mixed equilibria found, and whether the search was cut short."""
    solver = _MixedSolver(structure, max_leaves)
    results = solver.run()
    return results, solver.truncated


__all__ = ["LPResult", "MixedSolution", "mixed_pbe_solve"]
