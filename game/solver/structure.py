"""Provides `Structure`: facts about a game's tree that every solver step needs, computed once."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

from game.model.tree import NATURE, TERMINAL, Game

ZERO = Fraction(0)
ONE = Fraction(1)


@dataclass(frozen=True)
class Structure:
    """Precomputed indices over a game (the game itself stays untouched)."""

    game: Game
    concept: str = "pbe"
    """The solution concept: "pbe" (Fudenberg-Tirole, where the game has observed actions and
    independent types; otherwise weak) or "weak" (weak perfect Bayesian equilibrium)."""
    nesting: int = field(default=0, compare=False)
    """How many continuation games this one sits inside (`game.solver.search.offpath`)."""

    @cached_property
    def public(self):
        """The game's public states (`game.solver.public.PublicTree`)."""
        from game.solver.public import PublicTree

        return PublicTree(self.game)

    @cached_property
    def fudenberg_tirole(self) -> bool:
        """True when beliefs follow Fudenberg and Tirole (the concept asks for it and the game
        has the structure); False: weak perfect Bayesian equilibrium."""
        return self.concept == "pbe" and self.public.ok

    @cached_property
    def ft(self):
        """Fudenberg-Tirole beliefs and checks (`game.solver.beliefs.FTBeliefs`)."""
        from game.solver.beliefs import FTBeliefs

        return FTBeliefs(self)

    @cached_property
    def one_signal_stage(self) -> bool:
        """Do Fudenberg-Tirole beliefs coincide here with the weak ones, so that each
        information set's belief can be read off alone? True for a game with observed actions
        where one player has no private type and moves at most once on every path, and before
        each of its moves the other has moved exactly once, with no public chance event and no
        simultaneous move on the way: then the uninformed player's belief at its move is Bayes'
        rule from the prior where the path reaches it, and after a surprise it is free over
        the types with nothing tying it to another belief, as in weak PBE. (A chance event or
        a second move of the informed player between a surprise and the reply would tie
        several replies to one belief.)"""
        if not self.fudenberg_tirole:
            return False
        tree = self.public
        terminals = self.terminal_list
        uninformed = [p for p in (0, 1) if len({tree.labels[z][p] for z in terminals}) == 1]
        if len(uninformed) != 1:
            return False
        player = uninformed[0]
        informed = 1 - player
        if not all(tree.possible[z][informed] for z in terminals):
            return False   # a type of prior probability zero: FT never gives it weight
        states = tree.states
        for state in states:
            if state.concealed:
                return False
            if state.mover != player:
                continue
            if any(player in tree.movers_below[child] for child in tree.child_states[state.id]):
                return False
            signals = 0
            above = state.parent
            while above >= 0:
                mover = states[above].mover
                if mover == informed:
                    signals += 1
                elif mover != player:
                    return False   # a public chance event before the reply
                above = states[above].parent
            if signals != 1:
                return False
        return True

    @cached_property
    def memo(self) -> dict:
        """A scratch memo for derived results that depend only on the game (e.g. the belief
        set of a group given the play at and below it), shared by every equilibrium."""
        return {}

    @cached_property
    def group_belief_infosets(self) -> dict[int, tuple[int, ...]]:
        """Per belief group: the infosets whose moves shape its Bayes belief."""
        nodes = self.game.nodes
        result = {}
        for group, infosets in self.game.group_infosets.items():
            shaping = {nodes[parent].infoset for i in infosets
                       for member in self.game.infosets[i].members
                       for parent, _ in self.belief_steps[member]}
            result[group] = tuple(sorted(shaping))
        return result

    @cached_property
    def group_subtree_infosets(self) -> dict[int, tuple[int, ...]]:
        """Per belief group: its infosets, then every infoset below one of their members."""
        result = {}
        for group, infosets in self.game.group_infosets.items():
            below: set[int] = set()
            for infoset_id in infosets:
                for member in self.game.infosets[infoset_id].members:
                    below |= self.subtree_infosets[member]
            result[group] = tuple(infosets) + tuple(sorted(below - set(infosets)))
        return result

    @cached_property
    def depth(self) -> tuple[int, ...]:
        """Depth of every node."""
        depth = [0] * len(self.game.nodes)
        for node in self.game.nodes:
            for child in node.children:
                depth[child] = depth[node.id] + 1
        return tuple(depth)

    @cached_property
    def order(self) -> tuple[int, ...]:
        """Infosets in top-down (topological) order: ancestors before descendants."""
        depth = self.depth
        return tuple(sorted(range(len(self.game.infosets)),
                            key=lambda i: (min(depth[m] for m in self.game.infosets[i].members), i)))

    @cached_property
    def subtree_infosets(self) -> tuple[frozenset[int], ...]:
        """For every node: the infosets that have a member in the subtree strictly below it."""
        nodes = self.game.nodes
        below: list[frozenset[int]] = [frozenset()] * len(nodes)
        for node in reversed(nodes):  # children always have larger indices than parents
            acc: set[int] = set()
            for child in node.children:
                acc |= below[child]
                if nodes[child].infoset >= 0:
                    acc.add(nodes[child].infoset)
            below[node.id] = frozenset(acc)
        return tuple(below)

    @cached_property
    def child_subtree_infosets(self) -> dict[tuple[int, int], frozenset[int]]:
        """For (node, action index): the infosets in the subtree rooted at that child."""
        nodes = self.game.nodes
        result = {}
        for node in nodes:
            for index, child in enumerate(node.children):
                own = {nodes[child].infoset} if nodes[child].infoset >= 0 else set()
                result[(node.id, index)] = frozenset(own) | self.subtree_infosets[child]
        return result

    @cached_property
    def chance(self) -> tuple[Fraction, ...]:
        """Product of chance probabilities from the root to every node."""
        chance = [ONE] * len(self.game.nodes)
        for node in self.game.nodes:
            for index, child in enumerate(node.children):
                chance[child] = chance[node.id] * (node.probs[index] if node.player == NATURE else ONE)
        return tuple(chance)

    @cached_property
    def steps(self) -> tuple[tuple[tuple[int, int], ...], ...]:
        """For every node: the (node, action index) steps from the root."""
        nodes = self.game.nodes
        steps: list[tuple[tuple[int, int], ...]] = [()] * len(nodes)
        for node in nodes:
            for index, child in enumerate(node.children):
                steps[child] = (*steps[node.id], (node.id, index))
        return tuple(steps)

    @cached_property
    def belief_steps(self) -> dict[int, tuple[tuple[int, int], ...]]:
        """For every decision node: the player moves on its path that shape its owner's belief.

        Under weak perfect Bayesian equilibrium, every move: Bayes' rule applies where the
        information set is reached with positive probability, and nowhere else. Otherwise a
        player's belief ignores its own earlier moves (Bayes' rule conditions on what the
        others did, also after its own deviation), except that a short-run player is a fresh
        agent each round: its earlier rounds' moves count as someone else's.
        """
        if self.concept == "weak":
            game = self.game
            return {node.id: tuple((p, a) for p, a in self.steps[node.id]
                                   if game.nodes[p].player in (0, 1))
                    for node in game.nodes if node.player in (0, 1)}
        return self.opponent_steps

    @cached_property
    def opponent_steps(self) -> dict[int, tuple[tuple[int, int], ...]]:
        """For every decision node: the moves on its path made by others than its owner (for a
        short-run owner, its own earlier rounds count as others): with chance, what decides
        whether the owner's information set can be reached whatever the owner does."""
        game = self.game
        result = {}
        for node in game.nodes:
            if node.player not in (0, 1):
                continue
            owner = node.player
            myopic = game.is_myopic(owner)
            result[node.id] = tuple(
                (p, a) for p, a in self.steps[node.id]
                if game.nodes[p].player in (0, 1)
                and (game.nodes[p].player != owner
                     or (myopic and game.nodes[p].round < node.round)))
        return result

    @cached_property
    def sequences(self) -> tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]:
        """Per player: its sequences as (infoset, action index); index 0 is the empty sequence."""
        result = []
        for player in (0, 1):
            seqs = [(-1, -1)]
            for infoset in self.game.infosets:
                if infoset.player == player:
                    seqs.extend((infoset.id, a) for a in range(len(infoset.actions)))
            result.append(tuple(seqs))
        return (result[0], result[1])

    @cached_property
    def sequence_index(self) -> tuple[dict[tuple[int, int], int], dict[tuple[int, int], int]]:
        """Per player: (infoset, action index) -> sequence index."""
        return tuple({s: k for k, s in enumerate(seqs)} for seqs in self.sequences)  # type: ignore[return-value]

    @cached_property
    def node_sequence(self) -> tuple[tuple[int, int], ...]:
        """For every node: (player 0's sequence, player 1's sequence) leading to it."""
        nodes = self.game.nodes
        result = [(0, 0)] * len(nodes)
        for node in nodes:
            for index, child in enumerate(node.children):
                seq = list(result[node.id])
                if node.player in (0, 1):
                    seq[node.player] = self.sequence_index[node.player][(node.infoset, index)]
                result[child] = (seq[0], seq[1])
        return tuple(result)

    @cached_property
    def infoset_parent_sequence(self) -> tuple[int, ...]:
        """For every infoset: its owner's sequence leading to it (perfect recall: unique)."""
        return tuple(self.node_sequence[infoset.members[0]][infoset.player]
                     for infoset in self.game.infosets)

    @cached_property
    def group_keys(self) -> dict[int, tuple[str, ...]]:
        """Belief group -> the keys beliefs are stated over (in first-seen order)."""
        keys: dict[int, list[str]] = {}
        for infoset in self.game.infosets:
            bucket = keys.setdefault(infoset.group, [])
            for key in infoset.keys:
                if key not in bucket:
                    bucket.append(key)
        return {group: tuple(values) for group, values in keys.items()}

    @cached_property
    def myopic_round(self) -> tuple[int, ...]:
        """For every infoset: the round whose payoff its owner maximises (0: the whole game)."""
        game = self.game
        return tuple(infoset.round if game.is_myopic(infoset.player) else 0
                     for infoset in game.infosets)

    @cached_property
    def round_count(self) -> int:
        """How many rounds payoffs are split into (1 unless a player is myopic)."""
        if not self.game.round_payoffs:
            return 1
        return max(len(v) for v in self.game.round_payoffs.values())

    def payoff(self, terminal: int, player: int, round_: int = 0) -> Fraction:
        """A terminal's payoff to `player`: total (round 0) or one round's payoff."""
        if round_ == 0:
            return self.game.nodes[terminal].payoffs[player]
        rounds = self.game.round_payoffs[terminal]  # type: ignore[index]
        return rounds[round_ - 1][player] if round_ <= len(rounds) else ZERO

    @cached_property
    def terminal_list(self) -> tuple[int, ...]:
        """Terminal node indices."""
        return tuple(n.id for n in self.game.nodes if n.player == TERMINAL)

    @cached_property
    def round_payoff_table(self) -> tuple[tuple[tuple[Fraction, ...], ...], ...]:
        """For every node id: per player, per 'horizon' (0 = total, r = round r) the payoff.

        Only terminals have entries; other nodes hold empty tuples.
        """
        rounds = self.round_count
        table: list = [()] * len(self.game.nodes)
        for z in self.terminal_list:
            table[z] = tuple(tuple(self.payoff(z, p, r) for r in range(rounds + 1 if rounds > 1 or self.game.round_payoffs else 1))
                             for p in (0, 1))
        return tuple(table)
