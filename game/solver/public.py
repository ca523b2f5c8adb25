"""Provides `PublicTree`: the public histories of a game with observed actions and private types.

Fudenberg and Tirole's perfect Bayesian equilibrium is defined for multi-stage games with
observed actions and independent types: Nature draws each player's type privately, and every
move and every other chance event is seen by both players (a simultaneous move is seen once
both have moved). A *public state* is the set of tree nodes that share one public history;
they differ only in the types drawn (and, right after a simultaneous first move, in that
move). Beliefs are about the opponent's type, one per public state and holder.

Scenario games have this structure by construction (type draws are marked `private_to`, a
simultaneous first move `conceals`). For a `.efg` file it is inferred from the information
sets: a chance node whose outcome only one player ever tells apart draws that player's type, a
move the other player does not see before moving is a simultaneous one. When the tree does
not have the structure (a chance move nobody sees, a player who forgets, a move kept hidden
for longer), `PublicTree.ok` is False and `reason` says why; the solver then uses weak
perfect Bayesian equilibrium.

Everything here walks the nodes in index order (a parent's index is below its children's), so
nothing recurses over the depth of the tree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

from game.model.tree import NATURE, TERMINAL, Game

CONCEALED = "?"
"""The step label of a simultaneous first move not yet revealed."""


@dataclass
class PublicState:
    """One public history: the tree nodes that share it, and who moves there."""

    id: int
    parent: int
    """The parent state (-1 at the root)."""
    nodes: list[int] = field(default_factory=list)
    """Every tree node with this public history, private type draws included."""
    main: list[int] = field(default_factory=list)
    """The nodes after all type draws made in this state: decision, public chance or terminal."""
    mover: int = TERMINAL
    """0 or 1 (a decision), `NATURE` (a public chance event) or `TERMINAL`."""
    concealed: bool = False
    """The mover's move is a simultaneous first move: the next state does not reveal it."""
    revealed: tuple[tuple[int, int, int], ...] = ()
    """Moves that become public on entering this state: (player, state where made, action)."""
    children: dict[tuple, int] = field(default_factory=dict)
    """Public step (an action, a hidden move, or a revealed pair) -> child state."""
    infosets: dict[int, dict[tuple[str, ...], int]] = field(default_factory=dict)
    """Player -> own type label -> that player's information set here."""


class PublicTree:
    """The public states of a game, its players' type labels, and whether it fits the class."""

    def __init__(self, game: Game) -> None:
        self.game = game
        self.ok = True
        self.reason = ""
        nodes = game.nodes
        count = len(nodes)
        self.private_to = self._private_draws()
        # Type labels: the outcomes of each player's private draws on the path.
        labels: list[tuple[tuple[str, ...], tuple[str, ...]]] = [((), ())] * count
        entry_factor: list[tuple[Fraction, Fraction]] = [(Fraction(1), Fraction(1))] * count
        possible: list[tuple[bool, bool]] = [(True, True)] * count
        state_of = [0] * count
        states = [PublicState(id=0, parent=-1)]
        index: dict[tuple, int] = {}
        pending: dict[int, tuple[int, int]] = {}   # node -> (state of the hidden move, action)
        for node in nodes:
            state = states[state_of[node.id]]
            state.nodes.append(node.id)
            owner = self.private_to.get(node.id, -1)
            if owner >= 0:   # a private draw: the children share the public state
                for k, child in enumerate(node.children):
                    own = list(labels[node.id])
                    own[owner] = (*own[owner], node.actions[k])
                    labels[child] = (own[0], own[1])
                    factor = list(entry_factor[node.id])
                    factor[owner] = factor[owner] * node.probs[k]
                    entry_factor[child] = (factor[0], factor[1])
                    drawn = list(possible[node.id])
                    drawn[owner] = drawn[owner] and node.probs[k] > 0
                    possible[child] = (drawn[0], drawn[1])
                    state_of[child] = state.id
                continue
            state.main.append(node.id)
            hidden = self._hides(node)
            for k, child in enumerate(node.children):
                labels[child] = labels[node.id]
                possible[child] = possible[node.id]
                if hidden:
                    step: tuple = (CONCEALED,)
                    pending[child] = (state.id, k)
                elif node.id in pending:
                    first_state, first_action = pending[node.id]
                    step = (nodes[states[first_state].main[0]].actions[first_action],
                            node.actions[k])
                else:
                    step = (node.actions[k],)
                key = (state.id, step)
                child_state = index.get(key)
                if child_state is None:
                    child_state = index[key] = len(states)
                    revealed: tuple[tuple[int, int, int], ...] = ()
                    if node.player in (0, 1) and not hidden:
                        revealed = ((node.player, state.id, k),)
                        if node.id in pending:
                            first_state, first_action = pending[node.id]
                            first_player = nodes[states[first_state].main[0]].player
                            revealed = ((first_player, first_state, first_action), *revealed)
                    states.append(PublicState(id=child_state, parent=state.id,
                                              revealed=revealed))
                state_of[child] = child_state
                state.children.setdefault(step, child_state)
        self.labels = labels
        """Per node: (player 0's type label, player 1's type label)."""
        self.possible = possible
        """Per node and player: could Nature have drawn the player's type label there (no
        draw on the way has probability zero)?"""
        self.entry_factor = entry_factor
        """Per node: the probability of the type draws made in its own public state on its path
        (per player); 1 at a node whose state made no draws before it."""
        self.state_of = state_of
        """Per node: its public state."""
        self.states = states
        self._answered: dict[tuple[int, int], bool] = {}
        self._check(pending)

    # ------------------------------------------------------------------ inference
    def _private_draws(self) -> dict[int, int]:
        """Chance node -> the player who alone sees its outcome (type draws only)."""
        game = self.game
        if game.spec is not None:
            return {n.id: n.private_to for n in game.nodes
                    if n.player == NATURE and n.private_to >= 0}
        hidden = self.hidden_from
        result = {}
        for node in game.nodes:
            if node.player != NATURE or len(node.children) < 2:
                continue
            unseen = [node.id in hidden[p] for p in (0, 1)]
            if unseen[0] and unseen[1]:
                self._fail(f"a chance move ({node.label}) is seen by neither player")
            elif unseen[0] or unseen[1]:
                result[node.id] = 0 if unseen[1] else 1
        return result

    @cached_property
    def hidden_from(self) -> tuple[frozenset[int], frozenset[int]]:
        """Per player: the nodes (chance or the other player's) whose outcome it cannot tell
        apart at some information set (where that set's members' paths part)."""
        game = self.game
        hidden: tuple[set[int], set[int]] = (set(), set())
        for infoset in game.infosets:
            if len(infoset.members) < 2:
                continue
            # The members' paths part at the nodes where two of them first differ.
            paths = [game.path(m) for m in infoset.members]
            self._parting(paths, 0, hidden[infoset.player])
        return (frozenset(hidden[0]), frozenset(hidden[1]))

    @staticmethod
    def _parting(paths: list[list[tuple[int, int]]], depth: int, out: set[int]) -> None:
        stack = [(paths, depth)]
        while stack:
            group, level = stack.pop()
            by_step: dict[tuple[int, int], list] = {}
            for path in group:
                if level < len(path):
                    by_step.setdefault(path[level], []).append(path)
            nodes_here = {step[0] for step in by_step}
            for node in nodes_here:
                if sum(1 for step in by_step if step[0] == node) > 1:
                    out.add(node)
            for members in by_step.values():
                if len(members) > 1:
                    stack.append((members, level + 1))

    def _hides(self, node) -> bool:
        """Is this decision a simultaneous first move (the other player answers unseeing)?"""
        if node.player not in (0, 1):
            return False
        if self.game.spec is not None:
            return node.conceals
        return node.id in self.hidden_from[1 - node.player]

    def _fail(self, reason: str) -> None:
        if self.ok:
            self.ok = False
            self.reason = reason

    def _check(self, pending: dict[int, tuple[int, int]]) -> None:
        """Does the game fit the class (see the module docstring)? Fills `mover` and `infosets`."""
        game = self.game
        nodes = game.nodes
        for state in self.states:
            kinds = {nodes[n].player for n in state.main}
            if len(kinds) != 1:
                self._fail("different kinds of move share one public history")
                continue
            state.mover = kinds.pop()
            first = nodes[state.main[0]]
            state.concealed = self._hides(first)
            if state.mover == NATURE:
                if any(nodes[n].probs != first.probs or nodes[n].actions != first.actions
                       for n in state.main):
                    self._fail(f"a public chance move ({first.label}) depends on the types")
            elif state.mover in (0, 1):
                if any(nodes[n].actions != first.actions for n in state.main):
                    self._fail(f"the moves at {first.label} differ with the types")
                if any(self._hides(nodes[n]) != state.concealed for n in state.main):
                    self._fail(f"a move at {first.label} is hidden for some types only")
        for infoset in game.infosets:
            owner = infoset.player
            members = infoset.members
            state_ids = {self.state_of[m] for m in members}
            own = {self.labels[m][owner] for m in members}
            if len(state_ids) != 1 or len(own) != 1:
                self._fail(f"information set {infoset.label} mixes public histories or the "
                           "player's own types")
                continue
            state = self.states[state_ids.pop()]
            record = state.infosets.setdefault(owner, {})
            label = own.pop()
            if record.get(label, infoset.id) != infoset.id:
                self._fail(f"{game.players[owner]} can tell apart more than its own type and "
                           f"the public history at {infoset.label}")
            record[label] = infoset.id
        for state in self.states:   # each information set holds every node of its type here
            if state.mover in (0, 1):
                for n in state.main:
                    infoset = game.infosets[nodes[n].infoset]
                    wanted = sum(1 for m in state.main
                                 if self.labels[m][state.mover] == self.labels[n][state.mover])
                    if len(infoset.members) != wanted:
                        self._fail(f"{game.players[state.mover]} can tell apart more than its "
                                   f"own type and the public history at {infoset.label}")
                        break
        for state in self.states:   # type draws happen at the same point for every type
            for player in (0, 1):
                if len({len(self.labels[n][player]) for n in state.main}) > 1:
                    self._fail(f"{game.players[player]}'s type is drawn at different points "
                               "for different types")
        for node_id, (first_state, _) in pending.items():
            node = nodes[node_id]
            if node.player not in (0, 1) or node.player == self.states[first_state].mover:
                self._fail(f"a move stays hidden past the other player's answer "
                           f"({nodes[self.states[first_state].main[0]].label})")
                break

    # ------------------------------------------------------------------ queries
    @cached_property
    def label_length(self) -> tuple[tuple[int, int], ...]:
        """Per state: how many type draws each player has had by its `main` nodes."""
        return tuple((len(self.labels[s.main[0]][0]), len(self.labels[s.main[0]][1]))
                     if s.main else (0, 0) for s in self.states)

    def type_of(self, node_id: int, player: int) -> tuple[str, ...]:
        """A player's type label at a node (the outcomes of its private draws so far)."""
        return self.labels[node_id][player]

    def infoset_at(self, state_id: int, player: int, label: tuple[str, ...]) -> int | None:
        """The player's information set at a state for one own type label (None if absent)."""
        return self.states[state_id].infosets.get(player, {}).get(label)

    @cached_property
    def subtree_states(self) -> tuple[tuple[int, ...], ...]:
        """Per state: itself and every state below it, in order."""
        below: list[list[int]] = [[s.id] for s in self.states]
        for state in reversed(self.states):
            if state.parent >= 0:
                below[state.parent].extend(below[state.id])
        return tuple(tuple(sorted(b)) for b in below)

    @cached_property
    def state_infosets(self) -> tuple[frozenset[int], ...]:
        """Per state: the information sets of its subtree (all players)."""
        own: list[set[int]] = [set() for _ in self.states]
        for state in self.states:
            for by_label in state.infosets.values():
                own[state.id].update(by_label.values())
        result: list[frozenset[int]] = [frozenset()] * len(self.states)
        for state in reversed(self.states):
            acc = set(own[state.id])
            for child in set(state.children.values()):
                acc |= result[child]
            result[state.id] = frozenset(acc)
        return tuple(result)

    @cached_property
    def movers_below(self) -> tuple[frozenset[int], ...]:
        """Per state: the players (0, 1) who move in its subtree, itself included."""
        result: list[frozenset[int]] = [frozenset()] * len(self.states)
        for state in reversed(self.states):
            acc = {state.mover} & {0, 1}
            for child in set(state.children.values()):
                acc |= result[child]
            result[state.id] = frozenset(acc)
        return tuple(result)

    def answered_below(self, state_id: int, player: int) -> bool:
        """Does `player` move somewhere in the state's subtree after a move of the other
        player made there (so that a belief about the other's type could move before it
        is used)?"""
        key = (state_id, player)
        known = self._answered.get(key)
        if known is None:
            other = 1 - player
            known = any(player in self.movers_below[child]
                        for s in self.subtree_states[state_id]
                        if self.states[s].mover == other
                        for child in self.child_states[s])
            self._answered[key] = known
        return known

    @cached_property
    def child_states(self) -> tuple[tuple[int, ...], ...]:
        """Per state: its distinct child states, in action order."""
        return tuple(tuple(dict.fromkeys(s.children.values())) for s in self.states)
