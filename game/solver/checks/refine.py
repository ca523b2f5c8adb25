"""Provides the Intuitive Criterion (Cho & Kreps 1987) and D1 (Banks & Sobel 1987), with reasons.

Both look at each off-path information set reached right after one player's unexpected move
(the 'deviation'). The deviator's types are what the other side's belief is about. A type's
equilibrium payoff is compared with what the deviation could bring it, given the replies that
are best for some belief.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from itertools import product

from game.model.expr import format_fraction
from game.solver.build import node_types
from game.solver.evaluate import Evaluation
from game.solver.linear.lp import solve_lp
from game.solver.linear.region import simplex_region
from game.solver.results import Equilibrium, Verdict
from game.solver.structure import ONE, ZERO, Structure


class _Deviation:
    """The data of one off-path group reached right after a deviation."""

    def __init__(self, structure: Structure, evaluation: Evaluation, group: int) -> None:
        game = structure.game
        self.structure = structure
        self.group = group
        self.infosets = list(game.group_infosets[group])
        self.owner = game.infosets[self.infosets[0]].player
        self.deviator = 1 - self.owner
        self.valid = True
        types = node_types(structure)
        self.keys: list[str] = []
        self.members: dict[str, list[tuple[int, int, Fraction]]] = {}  # key -> (infoset, member, w)
        self.action_label = ""
        reach = evaluation.reach
        omega = evaluation.omega[self.deviator]
        for infoset_id in self.infosets:
            infoset = game.infosets[infoset_id]
            for member in infoset.members:
                node = game.nodes[member]
                parent = game.nodes[node.parent] if node.parent >= 0 else None
                if (parent is None or parent.player != self.deviator or reach[parent.id] == 0):
                    self.valid = False
                    return
                index = parent.children.index(member)
                self.action_label = parent.actions[index]
                key = types[member][self.deviator] or game.infosets[infoset_id].keys[
                    infoset.members.index(member)]
                if key not in self.members:
                    self.members[key] = []
                    self.keys.append(key)
                self.members[key].append((infoset_id, member, omega[parent.id]))
        self.evaluation = evaluation
        horizon = structure.myopic_round
        self.owner_horizon = {i: horizon[i] for i in self.infosets}
        self.deviator_myopic = game.is_myopic(self.deviator)
        # Equilibrium payoff of each key at the deviation point.
        self.equilibrium_payoff = {}
        for key, entries in self.members.items():
            total_weight = sum((w for _, _, w in entries), ZERO)
            if total_weight == 0:
                self.valid = False
                return
            self.equilibrium_payoff[key] = sum(
                (w * evaluation.value(game.nodes[m].parent, self.deviator) for _, m, w in entries),
                ZERO) / total_weight
        self.responses = list(product(*(range(len(game.infosets[i].actions)) for i in self.infosets)))

    def payoff(self, key: str, response: tuple[int, ...]) -> Fraction:
        """The deviator's payoff, as type `key`, when the other side answers with `response`."""
        game = self.structure.game
        entries = self.members[key]
        total_weight = sum((w for _, _, w in entries), ZERO)
        value = ZERO
        for infoset_id, member, weight in entries:
            action = response[self.infosets.index(infoset_id)]
            child = game.nodes[member].children[action]
            value += weight * self.evaluation.value(child, self.deviator)
        return value / total_weight

    def best_reply_to_some_belief(self, response: tuple[int, ...], allowed: list[str]) -> bool:
        """Is `response` a best reply to some belief over the `allowed` types?"""
        game = self.structure.game
        rows = []
        for position, infoset_id in enumerate(self.infosets):
            infoset = game.infosets[infoset_id]
            horizon = self.owner_horizon[infoset_id]
            chosen = response[position]
            for other in range(len(infoset.actions)):
                if other == chosen:
                    continue
                row = [ZERO] * len(allowed)
                for member, key in zip(infoset.members, infoset.keys):
                    type_key = self._type_of(infoset_id, member)
                    if type_key not in allowed:
                        continue
                    node = game.nodes[member]
                    a = self.evaluation.value(node.children[chosen], self.owner, horizon)
                    b = self.evaluation.value(node.children[other], self.owner, horizon)
                    row[allowed.index(type_key)] += a - b
                rows.append(tuple(row))
        return simplex_region(rows, len(allowed), first_only=True)[0]

    def _type_of(self, infoset_id: int, member: int) -> str:
        for key, entries in self.members.items():
            if any(m == member for _, m, _ in entries):
                return key
        return ""

    def name(self, key: str) -> str:
        spec = self.structure.game.spec
        if spec is not None:
            for t in spec.players[self.deviator].types:
                if t.id == key:
                    return f"the {t.name} type"
        return f"type {key}"

    def player_name(self, player: int) -> str:
        return self.structure.game.players[player]


def apply_refinements(structure: Structure, equilibrium: Equilibrium) -> Equilibrium:
    """Returns the equilibrium with its Intuitive Criterion and D1 verdicts."""
    evaluation = Evaluation(structure, equilibrium.behaviour)
    ic_reasons, d1_reasons = [], []
    ic_ok = d1_ok = True
    tested = False
    for group, beliefs in equilibrium.off_path_beliefs.items():
        deviation = _Deviation(structure, evaluation, group)
        if not deviation.valid or len(deviation.keys) < 2 or deviation.deviator_myopic:
            continue
        tested = True
        passed, reason = _intuitive(deviation)
        ic_reasons.append(reason)
        ic_ok = ic_ok and passed
        passed, reason = _d1(deviation, beliefs)
        d1_reasons.append(reason)
        d1_ok = d1_ok and passed
    if not tested:
        text = ("Every information set is reached, so no belief off the path needs restricting."
                if not equilibrium.off_path_beliefs else
                "No unexpected move by an informed player leads off the path, so there is "
                "nothing to restrict.")
        return replace(equilibrium, intuitive=Verdict(True, text), d1=Verdict(True, text))
    return replace(equilibrium,
                   intuitive=Verdict(ic_ok, _pick(ic_ok, ic_reasons)),
                   d1=Verdict(d1_ok, _pick(d1_ok, d1_reasons)))


def _pick(ok: bool, reasons: list[str]) -> str:
    failing = [r for r in reasons if r.startswith("Fails")]
    return (failing[0] if failing else reasons[0]) if reasons else ""


def _intuitive(deviation: _Deviation) -> tuple[bool, str]:
    keys = deviation.keys
    responses = [r for r in deviation.responses if deviation.best_reply_to_some_belief(r, keys)]
    who = deviation.player_name(deviation.deviator)
    move = deviation.action_label
    dominated = []
    best = {}
    for key in keys:
        best[key] = max(deviation.payoff(key, r) for r in responses)
        if deviation.equilibrium_payoff[key] > best[key]:
            dominated.append(key)
    if not dominated:
        return True, (f"Passes: every type of {who} could gain from {move} for some reply, so "
                      f"no type is ruled out after it.")
    if len(dominated) == len(keys):
        return True, (f"Passes: no type of {who} could gain from {move} under any reply.")
    first = dominated[0]
    dominated_text = (f"{deviation.name(first)} would never choose {move}: its best payoff from "
                      f"it, {format_fraction(best[first])}, is below what it gets in equilibrium, "
                      f"{format_fraction(deviation.equilibrium_payoff[first])}")
    remaining = [k for k in keys if k not in dominated]
    restricted = [r for r in deviation.responses if deviation.best_reply_to_some_belief(r, remaining)]
    for key in remaining:
        worst = min(deviation.payoff(key, r) for r in restricted)
        if worst > deviation.equilibrium_payoff[key]:
            return False, (f"Fails: {dominated_text}; so after {move} the belief must be on "
                           f"{deviation.name(key)}, and then it gains at least "
                           f"{format_fraction(worst)} > {format_fraction(deviation.equilibrium_payoff[key])}"
                           f" by deviating.")
    return True, f"Passes: {dominated_text}, yet no other type is sure to gain from {move}."


def _d1(deviation: _Deviation, beliefs) -> tuple[bool, str]:
    keys = deviation.keys
    responses = [r for r in deviation.responses if deviation.best_reply_to_some_belief(r, keys)]
    gains = {k: [deviation.payoff(k, r) - deviation.equilibrium_payoff[k] for r in responses]
             for k in keys}
    eliminated = []
    because = {}
    for k in keys:
        for other in keys:
            if other == k:
                continue
            if _contained(gains[k], gains[other]):
                eliminated.append(k)
                because[k] = other
                break
    who = deviation.player_name(deviation.deviator)
    move = deviation.action_label
    if not eliminated or len(eliminated) == len(keys):
        return True, (f"Passes: D1 rules out no type of {who} after {move}.")
    remaining = [k for k in keys if k not in eliminated]
    # Does some supporting belief put all its weight on the remaining types?
    positions = [beliefs.keys.index(k) for k in eliminated if k in beliefs.keys]
    extra = [tuple(ONE if j == p else ZERO for j in range(len(beliefs.keys))) for p in positions]
    extra += [tuple(-ONE if j == p else ZERO for j in range(len(beliefs.keys))) for p in positions]
    ok, _ = simplex_region(list(beliefs.constraints) + extra, len(beliefs.keys), first_only=True)
    first = eliminated[0]
    why = (f"{deviation.name(first)} gains from {move} only for replies under which "
           f"{deviation.name(because[first])} gains too (and strictly)")
    if ok:
        return True, f"Passes: {why}, and beliefs on {', '.join(deviation.name(k) for k in remaining)} still support the play."
    return False, (f"Fails: {why}; so after {move} the belief must be on "
                   f"{', '.join(deviation.name(k) for k in remaining)}, and then the prescribed "
                   f"reply is no longer a best reply.")


def _contained(gain_k: list[Fraction], gain_other: list[Fraction]) -> bool:
    """Is {pi : gain_k . pi >= 0} within {pi : gain_other . pi > 0} (pi a distribution)?"""
    n = len(gain_k)
    objective = {j: gain_other[j] for j in range(n)}
    eq_rows = [({j: ONE for j in range(n)}, ONE)]
    le_rows = [({j: -gain_k[j] for j in range(n)}, ZERO)]
    result = solve_lp(n, objective, eq_rows, le_rows)
    if result.status == "infeasible":
        return True
    return result.status == "optimal" and result.value is not None and result.value > 0
