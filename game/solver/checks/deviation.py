"""Provides `Deviation`: an unexpected move of an informed player and its reply.

What the Intuitive Criterion and D1 (`game.solver.checks.refine`) need to know of one move
that no type still possible takes: the deviator's types and their belief weights, the reply
(every information set of the other side below the move, answered with one belief), the pure
replies and their payoffs per type, which replies are best for a belief, the cells of mixed
best replies, and the payoffs as linear functions of the reply's realization plan. Each is
memoised per game where it does not depend on the rest of the play.
"""

from __future__ import annotations

from fractions import Fraction
from functools import cached_property
from itertools import product

from game.model.tree import NATURE, TERMINAL
from game.solver.linear.region import simplex_region
from game.solver.search.assess import PureValues
from game.solver.structure import ZERO, Structure

MAX_REPLIES = 4096
"""The most pure replies (combinations of actions over the reply's information sets) tested."""



class Deviation:
    """An unexpected move and everything about its reply that does not depend on the play
    (except the deviator's tied last moves, read from `behaviour` and kept in `variant`)."""

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
        self.settled = settled_moves(structure)
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


def settled_moves(structure: Structure) -> dict[int, int]:
    """Information sets whose move is settled whatever the beliefs and whatever happens
    elsewhere (one candidate after the pre-pass: for example a type's dominant last move),
    with that move."""
    known = structure.memo.get("settled-moves")
    if known is None:
        from game.solver.search.prepass import candidate_actions

        known = {i: d[0] for i, d in candidate_actions(structure).items() if len(d) == 1}
        structure.memo["settled-moves"] = known
    return known


__all__ = ["MAX_REPLIES", "Deviation", "settled_moves"]
