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

from game.model.expr import format_fraction
from game.solver.belief_states import Fixed, probability
from game.solver.checks.deviation import Deviation
from game.solver.evaluate import Evaluation
from game.solver.linear.lp import solve_lp
from game.solver.linear.region import simplex_region
from game.solver.results import Equilibrium, Verdict
from game.solver.structure import ONE, ZERO, Structure


@dataclass
class _Outcome:
    """One test's result on one unexpected move."""

    passed: bool | None
    reason: str


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

    def deviations(self) -> tuple[list[Deviation], str]:
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
                found.append(Deviation(structure, state_id, action, types, members,
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

    def equilibrium_payoffs(self, deviation: Deviation) -> dict:
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


def _intuitive(deviation: Deviation, behaviour, payoffs) -> _Outcome:
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


def _d1(deviation: Deviation, behaviour, payoffs) -> _Outcome:
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


def _contained(deviation: Deviation, cells, label, other, payoffs) -> bool:
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


def _contained_now(deviation: Deviation, cells, label, other, payoffs) -> bool:
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


def _lowest_by_lp(deviation: Deviation, index, parent, allowed: list[int], gain: dict,
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


def _names(deviation: Deviation, labels) -> str:
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
