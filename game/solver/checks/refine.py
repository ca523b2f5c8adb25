"""Provides the Intuitive Criterion (Cho and Kreps 1987) and D1 (Banks and Sobel 1987), with reasons.

Both look at each *unexpected move*: at a public state the play reaches, a player with private
information (the deviator) takes an action that none of its types still possible there takes.
What follows is the other side's *reply*: every information set it has below that move (after
chance moves, for each of its own types), all answered with one belief about the deviator's
type, as Fudenberg-Tirole beliefs require. A reply is a best reply to a belief when it is
sequentially rational under it. The deviator's payoff from a reply is its expected payoff at
the unexpected move, over chance and over the other side's types as the deviator sees them.

- Intuitive Criterion: a type is *equilibrium-dominated* when its equilibrium payoff beats
  everything the move could bring it against any best reply to any belief. If some other type
  would gain from the move against every best reply to beliefs that leave out the dominated
  types, the equilibrium fails.
- D1: a type is deleted when every mixed best reply (to any belief) that would make it at
  least as well off as in equilibrium makes another type strictly better off. The equilibrium
  fails when its own reply is not a best reply to any belief on the types that remain.

The tests are defined for a move answered by the other side. A later move of the deviator
that nothing of the other side's follows is taken as the equilibrium plays it (a best reply
for its type, so it gives the type its best payoff there; where the type is indifferent the
equilibrium's choice is what the reply anticipates). When the deviator moves again before the
other side has answered for good (in a later stage or round), mixes in such a last move, or
the reply is too large to enumerate, the verdict is "not computed" with the reason; it is
never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction
from functools import cached_property
from itertools import product

from game.model.expr import format_fraction
from game.model.tree import NATURE, TERMINAL
from game.solver.beliefs import Fixed, probability
from game.solver.evaluate import Evaluation
from game.solver.linear.lp import solve_lp
from game.solver.linear.region import simplex_region
from game.solver.results import Equilibrium, Verdict
from game.solver.search.assess import PureValues
from game.solver.structure import ONE, ZERO, Structure

MAX_REPLIES = 4096
"""The most pure replies (combinations of actions over the reply's information sets) tested."""


@dataclass
class _Outcome:
    """One test's result on one unexpected move."""

    passed: bool | None
    reason: str


class _Deviation:
    """An unexpected move and everything about its reply that does not depend on the play."""

    def __init__(self, structure: Structure, state_id: int, action: int,
                 types: tuple[tuple[str, ...], ...],
                 members: dict[tuple[str, ...], list[tuple[int, Fraction]]],
                 behaviour: dict | None = None) -> None:
        self.structure = structure
        self.members = members
        """Per deviator type: its nodes at the move, weighted by its belief about the other
        side's type there (Bayes' rule on the path)."""
        game = structure.game
        tree = structure.public
        state = tree.states[state_id]
        self.state = state_id
        self.action = action
        self.deviator = state.mover
        self.receiver = 1 - self.deviator
        self.types = types
        first = game.nodes[state.main[0]]
        self.child = tree.states[state_id].children[(first.actions[action],)]
        self.problem = ""
        self.variant: tuple = ()
        below = tree.subtree_states[self.child]
        self.replies: list[int] = []
        self.settled = _settled_moves(structure)
        tied: dict[int, int] = {}
        for s in below:
            sub = tree.states[s]
            if sub.mover != self.deviator:
                pass
            elif all(self.receiver not in tree.movers_below[c] for c in tree.child_states[s]):
                # A last move (nothing of the other side's follows): the equilibrium's own
                # choice, a best reply for the type, gives it its best payoff there.
                for i in sub.infosets.get(self.deviator, {}).values():
                    if i not in self.settled:
                        chosen = behaviour.get(i) if behaviour is not None else None
                        if not isinstance(chosen, int):
                            self.problem = (f"after {self.move_name}, "
                                            f"{game.players[self.deviator]} mixes in a later "
                                            "move, and these tests take its later moves as "
                                            "the equilibrium plays them")
                            return
                        tied[i] = chosen
            elif any(i not in self.settled for i in sub.infosets.get(self.deviator, {}).values()):
                self.problem = (f"after {self.move_name}, {game.players[self.deviator]} moves "
                                "again, and these tests are defined for one move answered by "
                                "the other side")
                return
            if sub.mover == self.receiver:
                self.replies.extend(i for i in sub.infosets.get(self.receiver, {}).values()
                                    if len(game.infosets[i].actions) > 1)
        if tied:
            self.settled = {**self.settled, **tied}
        self.variant = tuple(sorted(tied.items()))
        """The deviator's later tied moves as the equilibrium plays them (part of memo keys)."""
        cut = tree.label_length[state_id][self.deviator]
        if any(tree.label_length[s][self.deviator] != cut for s in below):
            self.problem = "a type is drawn after the move"
            return
        count = 1
        for i in self.replies:
            count *= len(game.infosets[i].actions)
        if count > MAX_REPLIES:
            self.problem = (f"the reply to {self.move_name} has {count:,} combinations of "
                            "actions, more than these tests enumerate")
            return
        order = structure.order
        self.replies.sort(key=order.index)

    # ------------------------------------------------------------------ words
    @cached_property
    def move_name(self) -> str:
        from game.solver.explain.prose import action_name

        game = self.structure.game
        node = game.nodes[self.structure.public.states[self.state].main[0]]
        infoset = game.infosets[node.infoset]
        return action_name(game, infoset, self.action)

    def type_name(self, label: tuple[str, ...]) -> str:
        spec = self.structure.game.spec
        text = "/".join(label)
        if spec is not None and len(label) == 1:
            try:
                return f"the {spec.type_of(self.deviator, label[0]).name} type"
            except KeyError:
                pass
        return f"type {text}"

    @property
    def who(self) -> str:
        return self.structure.game.players[self.deviator]

    # ------------------------------------------------------------------ payoffs
    def deviator_members(self, label) -> list[tuple[int, Fraction]]:
        """The deviator's nodes at the move for one type, with its belief weight on each."""
        return self.members[label]

    def value_at_move(self, label, value) -> Fraction:
        """The deviator's expected payoff at its information set for `label`, given a value
        function of (node, player)."""
        total = weight_sum = ZERO
        game = self.structure.game
        for member, weight in self.deviator_members(label):
            child = game.nodes[member].children[self.action]
            total += weight * value(child)
            weight_sum += weight
        return total / weight_sum

    @cached_property
    def pure_replies(self) -> list[tuple[int, ...]]:
        game = self.structure.game
        return list(product(*(range(len(game.infosets[i].actions)) for i in self.replies)))

    def reply_payoffs(self, behaviour) -> dict[tuple[int, ...], dict]:
        """Per pure reply: the deviator's payoff per type (nothing else moves below the move,
        but for chance and moves with one action)."""
        key = ("reply-payoffs", self.state, self.action, self.variant,
               tuple((label, tuple(self.members[label])) for label in self.types))
        known = self.structure.memo.get(key)
        if known is not None:
            return known
        result = {}
        for reply in self.pure_replies:
            assignment = dict(behaviour)
            assignment.update(zip(self.replies, reply))
            values = PureValues(self.structure, assignment)
            result[reply] = {label: self.value_at_move(
                label, lambda node: values.value(node, self.deviator)) for label in self.types}
        self.structure.memo[key] = result
        return result

    # ------------------------------------------------------------------ the receiver's rows
    def rows(self, assignment, allowed: tuple) -> list[tuple[Fraction, ...]]:
        """Rows over beliefs on `allowed` types making the reply in `assignment` (actions or
        probabilities at the reply's information sets) sequentially rational."""
        game = self.structure.game
        tree = self.structure.public
        values = PureValues(self.structure, assignment)
        position = {label: k for k, label in enumerate(allowed)}
        cut = tree.label_length[self.state][self.deviator]
        rows = []
        for infoset_id in self.replies:
            infoset = game.infosets[infoset_id]
            horizon = self.structure.myopic_round[infoset_id]
            chosen = assignment[infoset_id]
            played = (chosen,) if isinstance(chosen, int) else tuple(
                a for a, p in enumerate(chosen) if p > 0)
            member_values = []
            for member in infoset.members:
                label = tree.labels[member][self.deviator][:cut]
                children = game.nodes[member].children
                member_values.append((label, [values.value(c, self.receiver, horizon)
                                              for c in children]))
            for a in played:
                for b in range(len(infoset.actions)):
                    if b == a:
                        continue
                    row = [ZERO] * len(allowed)
                    for label, vals in member_values:
                        if label in position:
                            row[position[label]] += vals[a] - vals[b]
                    rows.append(tuple(row))
        return rows

    def best_replies(self, behaviour, allowed: tuple) -> list[tuple[int, ...]]:
        """The pure replies that are best replies to some belief over `allowed` types."""
        key = ("best-replies", self.state, self.action, self.variant, allowed)
        known = self.structure.memo.get(key)
        if known is not None:
            return known
        found = []
        for reply in self.pure_replies:
            assignment = dict(behaviour)
            assignment.update(zip(self.replies, reply))
            if simplex_region(self.rows(assignment, allowed), len(allowed), first_only=True)[0]:
                found.append(reply)
        self.structure.memo[key] = found
        return found

    def cells(self, behaviour) -> list[tuple[frozenset[int], ...]]:
        """The largest sets of actions (per reply information set) that are best together
        under one belief: the mixed best replies are the plans within one of them."""
        key = ("cells", self.state, self.action, self.variant)
        known = self.structure.memo.get(key)
        if known is not None:
            return known
        allowed = self.types
        found: list[tuple[frozenset[int], ...]] = []
        for reply in self.best_replies(behaviour, allowed):
            assignment = dict(behaviour)
            assignment.update(zip(self.replies, reply))
            _, vertices = simplex_region(self.rows(assignment, allowed), len(allowed))
            for vertex in vertices:
                cell = self.best_sets(behaviour, dict(zip(allowed, vertex)))
                if cell not in found:
                    found.append(cell)
        maximal = [c for c in found
                   if not any(o != c and all(a <= b for a, b in zip(c, o)) for o in found)]
        self.structure.memo[key] = maximal
        return maximal

    def best_sets(self, behaviour, belief: dict) -> tuple[frozenset[int], ...]:
        """Per reply information set, its best actions under a belief (bottom-up: each with the
        best continuation below, whose value does not depend on how ties are broken)."""
        game = self.structure.game
        tree = self.structure.public
        cut = tree.label_length[self.state][self.deviator]
        assignment = dict(behaviour)
        best: dict[int, frozenset[int]] = {}
        for infoset_id in reversed(self.replies):   # later sets first
            infoset = game.infosets[infoset_id]
            horizon = self.structure.myopic_round[infoset_id]
            values = PureValues(self.structure, assignment)
            totals = [ZERO] * len(infoset.actions)
            for member in infoset.members:
                weight = belief.get(tree.labels[member][self.deviator][:cut], ZERO)
                if weight:
                    for a, child in enumerate(game.nodes[member].children):
                        totals[a] += weight * values.value(child, self.receiver, horizon)
            top = max(totals)
            best[infoset_id] = frozenset(a for a, t in enumerate(totals) if t == top)
            assignment[infoset_id] = min(best[infoset_id])
        return tuple(best[i] for i in self.replies)

    # ------------------------------------------------------------------ realization plans
    @cached_property
    def plan(self):
        """The reply's sequences and, per deviator type, the payoff as a linear function of a
        realization plan: (sequence list, parent sequence per reply set, coefficients)."""
        key = ("plan", self.state, self.action, self.variant,
               tuple((label, tuple(self.members[label])) for label in self.types))
        known = self.structure.memo.get(key)
        if known is None:
            known = self.structure.memo[key] = self._plan()
        return known

    def _plan(self):
        game = self.structure.game
        sequences = [(i, a) for i in self.replies for a in range(len(game.infosets[i].actions))]
        index = {s: k for k, s in enumerate(sequences)}
        replies = set(self.replies)
        parent: dict[int, int | None] = {}
        coefficients: dict[tuple[str, ...], dict[int | None, Fraction]] = {}
        for label in self.types:
            coeff: dict[int | None, Fraction] = {}
            members = self.deviator_members(label)
            total_weight = sum((w for _, w in members), ZERO)
            for member, weight in members:
                start = game.nodes[member].children[self.action]
                stack = [(start, weight / total_weight, None)]
                while stack:
                    node_id, mass, seq = stack.pop()
                    node = game.nodes[node_id]
                    if node.player == TERMINAL:
                        coeff[seq] = coeff.get(seq, ZERO) + mass * node.payoffs[self.deviator]
                        continue
                    if node.player == NATURE:
                        stack.extend((c, mass * p, seq) for p, c in zip(node.probs, node.children)
                                     if p)
                        continue
                    if node.infoset in replies:
                        parent.setdefault(node.infoset, seq)
                        stack.extend((c, mass, index[(node.infoset, a)])
                                     for a, c in enumerate(node.children))
                        continue
                    # a settled move of either side (the deviator's, or one with one action)
                    stack.append((node.children[self.settled.get(node.infoset, 0)], mass, seq))
            coefficients[label] = coeff
        return sequences, parent, coefficients


class _Refiner:
    """Finds the unexpected moves of an equilibrium and applies both tests to each."""

    def __init__(self, structure: Structure, behaviour) -> None:
        self.structure = structure
        self.full = behaviour
        """Infoset -> probabilities (the equilibrium's behaviour)."""
        self.behaviour = {i: _compact(p) for i, p in behaviour.items()}

    @cached_property
    def evaluation(self) -> Evaluation:
        return Evaluation(self.structure, self.full)

    def deviations(self) -> tuple[list[_Deviation], str]:
        """The unexpected moves, and why there is none to test (when there is none)."""
        structure = self.structure
        game = structure.game
        if not structure.public.ok:
            return [], ("not computed: the game does not show which moves are public and which "
                        f"types are private ({structure.public.reason})")
        tree = structure.public
        ft = structure.ft
        play = self.behaviour.__getitem__
        reach = self.evaluation.reach
        reached = {tree.state_of[n] for n in range(len(game.nodes)) if reach[n] > 0}
        found = []
        informed_move = False
        for state_id in sorted(reached):
            state = tree.states[state_id]
            if state.mover not in (0, 1) or state.concealed:
                continue
            deviator = state.mover
            belief = ft.status_at(state_id, 1 - deviator, play)
            if not isinstance(belief, Fixed):
                continue
            types = tuple(sorted(belief.weights))
            if len(types) < 2:
                continue
            informed_move = True
            infosets = {label: tree.infoset_at(state_id, deviator, label) for label in types}
            first = game.nodes[state.main[0]]
            members = self._deviator_weights(state_id, deviator, infosets)
            for action in range(len(first.actions)):
                if any(probability(play(infosets[label]), action) for label in types):
                    continue
                if (first.actions[action],) not in state.children:
                    continue
                found.append(_Deviation(structure, state_id, action, types, members,
                                        self.behaviour))
        if found:
            return found, ""
        if not informed_move:
            return [], ("Passes: no player with private information moves on the equilibrium "
                        "path, so there is no belief to restrict.")
        return [], ("Passes: every move of a player with private information is expected "
                    "(each is taken by some type), so no belief off the path needs restricting.")

    def _deviator_weights(self, state_id: int, deviator: int, infosets: dict) -> dict:
        """Per deviator type: its nodes at the state, with its belief weights on them."""
        ft = self.structure.ft
        play = self.behaviour.__getitem__
        status = ft.status_at(state_id, deviator, play)
        result = {}
        for label, infoset_id in infosets.items():
            members = ft.member_terms(infoset_id, status, deviator, play)
            result[label] = [(member, weight) for _, member, weight in members if weight]
        return result

    def equilibrium_payoffs(self, deviation: _Deviation) -> dict:
        evaluation = self.evaluation
        result = {}
        for label in deviation.types:
            members = deviation.deviator_members(label)
            total = sum((w for _, w in members), ZERO)
            result[label] = sum((w * evaluation.value(m, deviation.deviator)
                                 for m, w in members), ZERO) / total
        return result

    def run(self) -> tuple[Verdict, Verdict]:
        deviations, why_none = self.deviations()
        if not deviations:
            passed = None if why_none.startswith("not computed") else True
            text = why_none[:1].upper() + why_none[1:]
            return Verdict(passed, text), Verdict(passed, text)
        ic_results, d1_results = [], []
        for deviation in deviations:
            if deviation.problem:
                text = f"Not computed: {deviation.problem}."
                ic_results.append(_Outcome(None, text))
                d1_results.append(_Outcome(None, text))
                continue
            if not deviation.replies:
                continue
            payoffs = self.equilibrium_payoffs(deviation)
            ic_results.append(_intuitive(deviation, self.behaviour, payoffs))
            d1_results.append(_d1(deviation, self.behaviour, payoffs))
        return _combine(ic_results), _combine(d1_results)


def _settled_moves(structure: Structure) -> dict[int, int]:
    """Information sets whose move is settled whatever the beliefs and whatever happens
    elsewhere (one candidate after the pre-pass: for example a type's dominant last move),
    with that move."""
    known = structure.memo.get("settled-moves")
    if known is None:
        from game.solver.search.prepass import candidate_actions

        known = {i: d[0] for i, d in candidate_actions(structure).items() if len(d) == 1}
        structure.memo["settled-moves"] = known
    return known


def _combine(results: list[_Outcome]) -> Verdict:
    if not results:
        return Verdict(True, "Passes: nobody can answer the unexpected moves, so there is no "
                             "belief to restrict.")
    for outcome in results:
        if outcome.passed is False:
            return Verdict(False, outcome.reason)
    for outcome in results:
        if outcome.passed is None:
            return Verdict(None, outcome.reason)
    if len(results) == 1:
        return Verdict(True, results[0].reason)
    return Verdict(True, results[0].reason + f" (and {len(results) - 1} more unexpected "
                                              f"move{'s' if len(results) > 2 else ''} pass too)")


def _intuitive(deviation: _Deviation, behaviour, payoffs) -> _Outcome:
    types = deviation.types
    table = deviation.reply_payoffs(behaviour)
    replies = deviation.best_replies(behaviour, types)
    move, who = deviation.move_name, deviation.who
    best = {label: max(table[r][label] for r in replies) for label in types}
    dominated = [label for label in types if payoffs[label] > best[label]]
    if not dominated:
        return _Outcome(True, f"Passes: every type of {who} could gain from {move} for some "
                              "reply, so no type is ruled out after it.")
    if len(dominated) == len(types):
        return _Outcome(True, f"Passes: no type of {who} could gain from {move} under any reply.")
    first = dominated[0]
    text = (f"{deviation.type_name(first)} would never choose {move}: its best payoff from "
            f"it, {format_fraction(best[first])}, is below what it gets in equilibrium, "
            f"{format_fraction(payoffs[first])}")
    remaining = tuple(label for label in types if label not in dominated)
    restricted = deviation.best_replies(behaviour, remaining)
    for label in remaining:
        worst = min(table[r][label] for r in restricted)
        if worst > payoffs[label]:
            return _Outcome(False, f"Fails: {text}; so after {move} the belief must be on "
                                   f"{_names(deviation, remaining)}, and then "
                                   f"{deviation.type_name(label)} gets at least "
                                   f"{format_fraction(worst)} > {format_fraction(payoffs[label])} "
                                   f"by choosing {move}.")
    return _Outcome(True, f"Passes: {text}, yet no other type is sure to gain from {move}.")


def _d1(deviation: _Deviation, behaviour, payoffs) -> _Outcome:
    types = deviation.types
    cells = deviation.cells(behaviour)
    deleted: dict[tuple, tuple] = {}
    for label in types:
        for other in types:
            if other != label and _contained(deviation, cells, label, other, payoffs):
                deleted[label] = other
                break
    move, who = deviation.move_name, deviation.who
    if not deleted:
        return _Outcome(True, f"Passes: D1 rules out no type of {who} after {move}.")
    if len(deleted) == len(types):
        return _Outcome(True, f"Passes: D1 would rule out every type of {who} after {move}, "
                              "which restricts nothing.")
    remaining = tuple(label for label in types if label not in deleted)
    first = next(iter(deleted))
    why = (f"whenever {move} would leave {deviation.type_name(first)} at least as well off as "
           f"in equilibrium, {deviation.type_name(deleted[first])} would be strictly better off")
    rows = deviation.rows(behaviour, remaining)
    if simplex_region(rows, len(remaining), first_only=True)[0]:
        return _Outcome(True, f"Passes: {why}; beliefs on {_names(deviation, remaining)} still "
                              "support the reply.")
    return _Outcome(False, f"Fails: {why}; so after {move} the belief must be on "
                           f"{_names(deviation, remaining)}, and then the prescribed reply is "
                           "no longer a best reply.")


def _contained(deviation: _Deviation, cells, label, other, payoffs) -> bool:
    """Is every mixed best reply that leaves `label` at least as well off as in equilibrium one
    that makes `other` strictly better off? (Per cell: in closed form when the reply is one
    information set, else one linear program.) Memoised per game: the answer depends only on
    the move, the two types' weights and their equilibrium payoffs."""
    members = deviation.members
    key = ("contained", deviation.state, deviation.action, deviation.variant, label, other,
           tuple(members[label]), tuple(members[other]), payoffs[label], payoffs[other])
    memo = deviation.structure.memo
    known = memo.get(key)
    if known is None:
        known = memo[key] = _contained_now(deviation, cells, label, other, payoffs)
    return known


def _contained_now(deviation: _Deviation, cells, label, other, payoffs) -> bool:
    sequences, parent, coefficients = deviation.plan
    index = {s: k for k, s in enumerate(sequences)}
    gain, gain_const = _linear(coefficients[label])
    loss, loss_const = _linear(coefficients[other])
    single = len(deviation.replies) == 1
    for cell in cells:
        allowed = [index[(i, a)] for i, best in zip(deviation.replies, cell) for a in sorted(best)]
        if single:
            low = _lowest_at_one(allowed, gain, gain_const - payoffs[label], loss)
        else:
            low = _lowest_by_lp(deviation, index, parent, allowed, gain,
                                gain_const - payoffs[label], loss)
        if low is _INFEASIBLE:
            continue
        if low is None or low + loss_const <= payoffs[other]:
            return False
    return True


_INFEASIBLE = object()
"""No mixed reply in the cell leaves the type at least as well off."""


def _linear(coeff: dict) -> tuple[dict[int, Fraction], Fraction]:
    """A type's payoff as (coefficients per sequence, constant)."""
    return {k: v for k, v in coeff.items() if k is not None}, coeff.get(None, ZERO)


def _lowest_at_one(allowed: list[int], gain: dict, need: Fraction, loss: dict):
    """min loss.x over mixtures x of the `allowed` actions of one information set with
    gain.x >= -need (i.e. the type's payoff at least its equilibrium payoff). The optimum of
    a linear function over a simplex cut by one half-space lies at a vertex of the simplex
    or where an edge crosses the cut."""
    g = [gain.get(k, ZERO) + need for k in allowed]   # >= 0: at least as well off
    f = [loss.get(k, ZERO) for k in allowed]
    best = None
    for ga, fa in zip(g, f):
        if ga >= 0 and (best is None or fa < best):
            best = fa
    above = [(ga, fa) for ga, fa in zip(g, f) if ga > 0]
    below = [(gb, fb) for gb, fb in zip(g, f) if gb < 0]
    for ga, fa in above:
        for gb, fb in below:
            t = ga / (ga - gb)   # the weight on b where the payoff meets the bound
            value = fa + t * (fb - fa)
            if best is None or value < best:
                best = value
    return _INFEASIBLE if best is None else best


def _lowest_by_lp(deviation: _Deviation, index, parent, allowed: list[int], gain: dict,
                  need: Fraction, loss: dict):
    """The same minimum over the realization plans of several reply information sets."""
    game = deviation.structure.game
    eq_rows = []
    for i in deviation.replies:
        row = {index[(i, a)]: ONE for a in range(len(game.infosets[i].actions))}
        above = parent.get(i)
        if above is None:
            eq_rows.append((row, ONE))
        else:
            row[above] = -ONE
            eq_rows.append((row, ZERO))
    permitted = set(allowed)
    for k in index.values():
        if k not in permitted:
            eq_rows.append(({k: ONE}, ZERO))
    # payoff >= equilibrium payoff:  -gain . x <= need
    le_rows = [({k: -v for k, v in gain.items()}, need)]
    result = solve_lp(len(index), loss, eq_rows, le_rows)
    if result.status == "infeasible":
        return _INFEASIBLE
    if result.status != "optimal" or result.value is None:
        return None
    return result.value


def _names(deviation: _Deviation, labels) -> str:
    return " or ".join(deviation.type_name(label) for label in labels)


def _compact(probs):
    probs = tuple(probs)
    return probs.index(ONE) if ONE in probs else probs


def apply_refinements(structure: Structure, equilibrium: Equilibrium) -> Equilibrium:
    """Returns the equilibrium with its Intuitive Criterion and D1 verdicts."""
    intuitive, d1 = _Refiner(structure, equilibrium.behaviour).run()
    return replace(equilibrium, intuitive=intuitive, d1=d1)


def d1_verdict(structure: Structure, behaviour) -> Verdict:
    """The D1 verdict alone for a behaviour profile (a member of a family of pure equilibria,
    judged without building its full record)."""
    return _Refiner(structure, behaviour).run()[1]
