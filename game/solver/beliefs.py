"""Provides `FTBeliefs`: Fudenberg-Tirole beliefs and the checks of a perfect Bayesian equilibrium.

In a game with observed actions and independent private types (`game.solver.public`), each
player holds one belief about the other's type per public state, the same whatever its own
type. From the prior, it moves only on the other player's moves, by Bayes' rule wherever that
is defined, also after a deviation (from the belief just before it); so a type that earlier
play ruled out stays ruled out as long as Bayes' rule applies. A move every type still in the
running would never make is a *surprise*: Bayes' rule says nothing, and the belief after it
is free over the types Nature could have drawn (a type with prior probability zero never
returns; one ruled out by play may: for two types this is exactly what sequential
equilibrium allows). From there on it moves by Bayes' rule again. Neither a player's own moves
nor public chance events move it.

A surprise's free belief is an unknown: the play below must be sequentially rational for some
value of it. For each set of types S' that may keep positive probability, the conditions are
linear in the belief (exactly: homogeneous rows over S'); a later surprise below starts a new
unknown. `FTBeliefs` enumerates those sets, solves the belief regions exactly
(`simplex_region`), and combines them from the deepest surprise up, so nothing recurses over
the tree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations

from game.solver.belief_states import BeliefStates, Fixed, Free, Label, Play, support
from game.solver.linear.region import simplex_region
from game.solver.structure import ONE, ZERO, Structure

Value = Callable[[int, int, int], Fraction]
"""(node, player, horizon) -> the player's expected payoff from the node."""


@dataclass
class _Region:
    """The conditions on one surprise's unknown for one set S' of types kept."""

    coords: tuple[Label, ...]
    rows: list[tuple[Fraction, ...]] = field(default_factory=list)
    nested: list[tuple[int, frozenset[Label]]] = field(default_factory=list)
    groups: dict[int, list[tuple[str, int, Fraction]]] = field(default_factory=dict)
    """Infoset -> its members' belief terms: (key, coordinate index, factor)."""
    vertices: list[tuple[Fraction, ...]] | None = None
    broken: bool = False
    """Some play below, under a belief that is a number there, is not a best reply."""
    closed: bool = False
    """The region stands for every set of types at once: any belief in the closed simplex
    will do (no move of the other player below comes before one of the holder's, so which
    types keep weight never matters later)."""


@dataclass
class BeliefReport:
    """What `FTBeliefs.assess` finds for a complete profile."""

    problems: list[str]
    """Why it is not a PBE (empty: it is one)."""
    bayes: dict[int, dict[str, Fraction]]
    """Infoset -> its belief over keys, where it is a number (no surprise on the way)."""
    free: dict[int, list[dict[str, Fraction]]]
    """Infoset -> the extreme points of its supporting beliefs, where it follows a surprise."""


class FTBeliefs(BeliefStates):
    """Fudenberg-Tirole beliefs over the public states of one game, and the checks of a
    perfect Bayesian equilibrium under them (see the module docstring)."""

    def __init__(self, structure: Structure) -> None:
        super().__init__(structure)
        self._checked: dict = {}

    # ------------------------------------------------------------------ the holder's rows
    def _rows(self, infoset_id: int, members, play: Play, value: Value, coords=None):
        """Optimality rows at an infoset: per played action a and other action b, the sum over
        members of weight * (value of a - value of b) >= 0 (numbers, or rows over coords)."""
        game = self.game
        infoset = game.infosets[infoset_id]
        horizon = self.structure.myopic_round[infoset_id]
        owner = infoset.player
        chosen = play(infoset_id)
        nodes = game.nodes
        rows = []
        size = len(infoset.actions)
        values = {}
        for _, member, term in members:
            if term is None or (not isinstance(term, tuple) and not term):
                continue
            children = nodes[member].children
            values[member] = [value(children[a], owner, horizon) for a in range(size)]
        for a in support(chosen):
            for b in range(size):
                if b == a:
                    continue
                if coords is None:
                    total = ZERO
                    for _, member, term in members:
                        if member in values:
                            total += term * (values[member][a] - values[member][b])
                    rows.append(total)
                else:
                    row = [ZERO] * len(coords)
                    for _, member, term in members:
                        if member in values:
                            row[coords[term[0]]] += term[1] * (values[member][a] - values[member][b])
                    rows.append(tuple(row))
        return rows

    # ------------------------------------------------------------------ walks
    def _walk_fixed(self, start: int, status: Fixed, holder: int, play: Play, value: Value,
                    problems: list[str] | None, bayes: dict | None,
                    surprises: list[tuple[int, frozenset[Label]]]) -> bool:
        """Checks the holder's information sets in `start`'s subtree while its belief is a
        number; records the surprises met (their subtrees are left to `_feasible`)."""
        tree = self.tree
        statuses = {start: status}
        for state_id in tree.subtree_states[start]:
            current = statuses.get(state_id)
            if current is None:
                continue   # below a surprise
            state = tree.states[state_id]
            if state.mover == holder:
                for infoset_id in state.infosets.get(holder, {}).values():
                    members = self.member_terms(infoset_id, current, holder, play)
                    if bayes is not None:
                        total = sum((w for _, _, w in members), ZERO)
                        bayes[infoset_id] = _belief(members, total)
                    rows = self._rows(infoset_id, members, play, value)
                    if any(r < 0 for r in rows):
                        if problems is None:
                            return False
                        problems.append(self._why(infoset_id, members, play, value))
            for child in tree.child_states[state_id]:
                entered = self.enter(current, state_id, child, holder, play)
                if isinstance(entered, Fixed):
                    statuses[child] = entered
                else:
                    surprises.append((child, entered[1]))
        return True

    def _region(self, origin: int, kept: tuple[Label, ...], holder: int, play: Play,
                value: Value, record: bool) -> _Region:
        """The rows on mu' (over `kept`) from the holder's information sets below a surprise,
        down to the next surprises."""
        tree = self.tree
        coords = {label: k for k, label in enumerate(kept)}
        region = _Region(coords=kept)
        statuses = {origin: Free(origin, {label: (label, ONE) for label in kept})}
        keep = frozenset(kept)
        for state_id in tree.subtree_states[origin]:
            current = statuses.get(state_id)
            if current is None:
                continue
            state = tree.states[state_id]
            if state.mover == holder:
                for infoset_id in state.infosets.get(holder, {}).values():
                    members = self.member_terms(infoset_id, current, holder, play)
                    region.rows.extend(self._rows(infoset_id, members, play, value, coords))
                    if record:
                        region.groups[infoset_id] = [
                            (key, coords[term[0]], term[1]) for key, _, term in members
                            if term is not None]
            for child in tree.child_states[state_id]:
                entered = self.enter(current, state_id, child, holder, play, keep)
                if isinstance(entered, Free):
                    statuses[child] = entered
                elif isinstance(entered, Fixed):   # a surprise with one type possible
                    if not self._walk_fixed(child, entered, holder, play, value, None, None,
                                            region.nested):
                        region.broken = True
                else:
                    region.nested.append((child, entered[1]))
        return region

    def _feasible(self, roots: list[tuple[int, frozenset[Label]]], holder: int, play: Play,
                  value: Value, record: bool = False):
        """Decides every surprise below `roots` from the deepest up; returns (all feasible,
        the table (origin, allowed) -> [(region, feasible)] for reporting)."""
        table: dict[tuple[int, frozenset[Label]], list[_Region]] = {}
        pending = list(dict.fromkeys(roots))
        while pending:
            key = pending.pop()
            if key in table:
                continue
            origin, allowed = key
            regions = []
            ordered = sorted(allowed)
            if not self.tree.answered_below(origin, holder):
                # No move of the other player below comes before one of the holder's: which
                # types keep weight never matters, and one closed region decides.
                region = self._region(origin, tuple(ordered), holder, play, value, record)
                region.closed = True
                table[key] = [region]
                pending.extend(n for n in region.nested if n not in table)
                continue
            for size in range(1, len(ordered) + 1):
                for kept in combinations(ordered, size):
                    region = self._region(origin, kept, holder, play, value, record)
                    regions.append(region)
                    pending.extend(n for n in region.nested if n not in table)
            table[key] = regions
        verdict: dict[tuple[int, frozenset[Label]], bool] = {}
        ok_regions: dict[int, bool] = {}
        for key in sorted(table, key=lambda k: -k[0]):   # deeper surprises first
            found = False
            for region in table[key]:
                good = all(verdict.get(n, False) for n in region.nested) and _positive(region)
                ok_regions[id(region)] = good
                found = found or good
            verdict[key] = found
        return all(verdict[r] for r in roots), table, verdict, ok_regions

    # ------------------------------------------------------------------ entry points
    def check_subtree(self, start: int, play: Play, value: Value) -> bool:
        """Is play in `start`'s subtree sequentially rational for both players under FT beliefs?
        The parent of `start` must be reached without a surprise for both (its beliefs are
        numbers); a root `start` starts from the prior. Memoised on the play in the subtree
        and the beliefs on entering it (the values there depend on nothing else)."""
        tree = self.tree
        key = None
        if start:
            parent = tree.states[start].parent
            entering = []
            for holder in (0, 1):
                before = self.status_at(parent, holder, play)
                if before is None:
                    raise ValueError("check_subtree() needs a parent without a surprise above")
                entering.append(tuple(sorted(before.weights.items())))
            subtree = self.structure.memo.get(("sorted-infosets", start))
            if subtree is None:
                subtree = tuple(sorted(tree.state_infosets[start]))
                self.structure.memo[("sorted-infosets", start)] = subtree
            revealed = tuple(_maybe(play, i) for player, made, _ in tree.states[start].revealed
                             for i in tree.states[made].infosets.get(player, {}).values())
            key = ("ft-subtree", start, tuple(entering), revealed,
                   tuple(play(i) for i in subtree))
            known = self._checked.get(key)
            if known is not None:
                return known
        result = self._check_subtree(start, play, value)
        if key is not None:
            if len(self._checked) > 200_000:
                self._checked.clear()
            self._checked[key] = result
        return result

    def _check_subtree(self, start: int, play: Play, value: Value) -> bool:
        tree = self.tree
        for holder in (0, 1):
            if start == 0:
                status = self.prior(holder)
            else:
                parent = tree.states[start].parent
                before = self.status_at(parent, holder, play)
                if before is None:
                    raise ValueError("check_subtree() needs a parent without a surprise above")
                status = self.enter(before, parent, start, holder, play)
            surprises: list[tuple[int, frozenset[Label]]] = []
            if isinstance(status, Fixed):
                if not self._walk_fixed(start, status, holder, play, value, None, None,
                                        surprises):
                    return False
            else:
                surprises.append((start, status[1]))
            if surprises and not self._feasible(surprises, holder, play, value)[0]:
                return False
        return True

    def assess(self, play: Play, value: Value) -> BeliefReport:
        """Checks a complete profile and reports every belief (numbers, or supporting sets)."""
        problems: list[str] = []
        bayes: dict[int, dict[str, Fraction]] = {}
        free: dict[int, list[dict[str, Fraction]]] = {}
        for holder in (0, 1):
            surprises: list[tuple[int, frozenset[Label]]] = []
            self._walk_fixed(0, self.prior(holder), holder, play, value, problems, bayes,
                             surprises)
            if not surprises:
                continue
            ok, table, verdict, ok_regions = self._feasible(surprises, holder, play, value,
                                                           record=True)
            if not ok:
                for origin, allowed in surprises:
                    if not verdict[(origin, allowed)]:
                        problems.append(self._why_surprise(origin, holder))
                continue
            # Supporting beliefs: from every feasible region reachable from the roots.
            stack = list(dict.fromkeys(surprises))
            seen = set()
            while stack:
                key = stack.pop()
                if key in seen:
                    continue
                seen.add(key)
                for region in table[key]:
                    if not ok_regions[id(region)]:
                        continue
                    stack.extend(region.nested)
                    for infoset_id, terms in region.groups.items():
                        points = free.setdefault(infoset_id, [])
                        for vertex in region.vertices or ():
                            belief = _key_belief(terms, vertex)
                            if belief is not None and belief not in points:
                                points.append(belief)
        return BeliefReport(problems=problems, bayes=bayes, free=free)

    # ------------------------------------------------------------------ words
    def _why(self, infoset_id: int, members, play: Play, value: Value) -> str:
        """Why the play at an information set fails under its (numeric) belief, in words."""
        from game.model.expr import format_fraction
        from game.solver.explain.prose import action_name, actor_name, key_name, stage_name

        game = self.game
        infoset = game.infosets[infoset_id]
        total = sum((w for _, _, w in members), ZERO)
        belief = _belief(members, total)
        horizon = self.structure.myopic_round[infoset_id]
        worth = []
        for a in range(len(infoset.actions)):
            worth.append(sum((w * value(game.nodes[m].children[a], infoset.player, horizon)
                              for _, m, w in members if w), ZERO) / total)
        best = max(range(len(worth)), key=worth.__getitem__)
        played = [a for a in support(play(infoset_id)) if worth[a] < worth[best]]
        shown = ", ".join(f"{key_name(game, infoset, k)} {format_fraction(p)}"
                          for k, p in belief.items() if len(belief) > 1)
        about = f" (believing {shown})" if shown else ""
        action = played[0] if played else best
        return (f"{actor_name(game, infoset)} at {stage_name(game, infoset)}{about}: "
                f"{action_name(game, infoset, action)} is worth {format_fraction(worth[action])} "
                f"but {action_name(game, infoset, best)} {format_fraction(worth[best])}; the "
                "belief there is fixed by what came before (Bayes' rule from the belief before, "
                "and no weight on a type Nature never draws), and neither its own moves nor "
                "chance events change it")

    def _why_surprise(self, origin: int, holder: int) -> str:
        """Why no belief after a surprise supports the play, in words."""
        from game.solver.explain.prose import action_name

        game = self.game
        tree = self.tree
        other = 1 - holder
        moves = []
        for player, made, action in tree.states[origin].revealed:
            if player == other:
                node = game.nodes[tree.states[made].main[0]]
                moves.append(action_name(game, game.infosets[node.infoset], action))
        move = " and ".join(moves) or "the move"
        return (f"after {game.players[other]} chose {move}, which no type of it still "
                f"thought possible would choose, {game.players[holder]} may hold any belief "
                "about its type (over the types Nature could have drawn), and none of them "
                "makes its play that follows a best reply")


def _maybe(play: Play, infoset: int):
    """The play at an information set, or None where it is not assigned (yet)."""
    try:
        return play(infoset)
    except KeyError:
        return None


def _belief(members, total: Fraction) -> dict[str, Fraction]:
    belief: dict[str, Fraction] = {}
    for key, _, weight in members:
        belief[key] = belief.get(key, ZERO) + (weight / total if total else ZERO)
    return belief


def _positive(region: _Region) -> bool:
    """Has the region a point with every coordinate positive? (It is convex: some vertex is
    positive in each coordinate exactly when some point is positive in all.)"""
    if region.broken:
        region.vertices = []
        return False
    ok, vertices = simplex_region(region.rows, len(region.coords))
    region.vertices = vertices
    if not ok or region.closed:
        return ok
    return all(any(v[k] > 0 for v in vertices) for k in range(len(region.coords)))


def _key_belief(terms: list[tuple[str, int, Fraction]], vertex: tuple[Fraction, ...]
                ) -> dict[str, Fraction] | None:
    weights: dict[str, Fraction] = {}
    for key, coord, factor in terms:
        weights[key] = weights.get(key, ZERO) + factor * vertex[coord]
    total = sum(weights.values(), ZERO)
    if not total:
        return None
    return {key: w / total for key, w in weights.items()}
