"""An independent oracle for the solver's refinements, and a small builder of test games.

Nothing here imports `game.solver`: the Intuitive Criterion (Cho and Kreps 1987) and D1 (Cho
and Kreps; Banks and Sobel 1987) are computed from their definitions by brute force on one-shot
sender-receiver games, read straight from a `GameSpec`:

- the sender (player 0, the *deviator*) has types drawn at the root and sends a message;
- after the message a public chance move may come (each outcome leads to its own reply);
- the receiver (player 1, possibly with its own types) replies; a public chance move may
  follow the reply (its payoffs are folded into expectations);
- the game ends.

Beliefs after a message are over the sender's types still possible (prior > 0); one belief is
shared by every information set of the receiver after the message (each of its own types,
each chance outcome). Best replies to beliefs are found exactly: the receiver's best sets are
constant on the cells of a hyperplane arrangement in the belief simplex, and every maximal one
is attained at a vertex of that arrangement, so enumerating its vertices (exact Gaussian
elimination on Fractions) gives every pure best reply and every cell of mixed best replies.
D1's containment test minimises a separable linear function over a product of simplices cut
by one half-space: the minimum is at a pure profile or on an edge (one information set mixing
two actions), and all of those are enumerated.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations, product

from game.model.expr import Num, evaluate
from game.model.spec import (
    ChanceNode,
    DecisionNode,
    GameSpec,
    Move,
    Player,
    PlayerType,
    TerminalNode,
)

F = Fraction
SENDER, RECEIVER = "sender", "receiver"
NO_REPLY = "(end)"
"""The one pseudo-action of a chance outcome after which nobody replies."""


# =========================================================================== a builder of games
def build_spec(sender_types: Mapping[str, Fraction | int | str],
               receiver_types: Mapping[str, Fraction | int | str] | None,
               nodes: Mapping[str, tuple], root: str = "start",
               title: str = "Reviewer's test game") -> GameSpec:
    """A `GameSpec` from a compact description (player 0 is "sender", player 1 "receiver").

    Args:
        sender_types, receiver_types: type id -> prior (None or one entry: no private type).
        nodes: node id -> ("S" | "R", [(action, to), ...]) for a decision by the sender or the
            receiver; ("C", [(action, prob, to), ...]) for a public chance move; ("Z", payoff)
            for an outcome, where payoff is (u_sender, u_receiver) for every type pair, a dict
            sender type -> that pair, or a callable (sender type, receiver type) -> the pair.
    """
    def types(table, prefix):
        if not table or len(table) == 1:
            return (PlayerType(id="sole", name="", prior=Num(F(1))),)
        return tuple(PlayerType(id=k, name=k.capitalize(), prior=Num(F(v)))
                     for k, v in table.items())

    players = (Player(id=SENDER, name="Sender", types=types(sender_types, "s")),
               Player(id=RECEIVER, name="Receiver", types=types(receiver_types, "r")))
    built: dict = {}
    for node_id, (kind, body) in nodes.items():
        if kind in ("S", "R"):
            built[node_id] = DecisionNode(id=node_id, player=SENDER if kind == "S" else RECEIVER,
                                          moves=tuple(Move(action=a, to=t) for a, t in body))
        elif kind == "C":
            built[node_id] = ChanceNode(id=node_id, moves=tuple(
                Move(action=a, to=t, prob=Num(F(p))) for a, p, t in body))
        elif kind == "Z":
            payoffs = {}
            for s in players[0].types:
                for r in players[1].types:
                    u_s, u_r = _pair(body, s.id, r.id)
                    payoffs[(SENDER, s.id, r.id)] = Num(F(u_s))
                    payoffs[(RECEIVER, r.id, s.id)] = Num(F(u_r))
            built[node_id] = TerminalNode(id=node_id, outcome=node_id, payoffs=payoffs)
        else:
            raise ValueError(f"build_spec(): unknown node kind {kind!r} at {node_id!r}")
    return GameSpec(id="reviewer-test", title=title, players=players, nodes=built, root=root)


def _pair(body, s: str, r: str):
    if callable(body):
        return body(s, r)
    if isinstance(body, dict):
        value = body[(s, r)] if (s, r) in body else body[s]
        return value
    return body


# =========================================================================== reading a game
@dataclass
class Reply:
    """One information set of the receiver after a message: its own type and a chance outcome."""

    node: str
    """The receiver's stage node."""
    own: str
    """The receiver's type."""
    weight: Fraction
    """The probability the deviator gives it: prior of the receiver type times chance."""
    actions: tuple[str, ...]


@dataclass
class OneShot:
    """A one-shot sender-receiver game read from a spec (see the module docstring)."""

    sender_types: dict[str, Fraction]
    receiver_types: dict[str, Fraction]
    messages: tuple[str, ...]
    replies: dict[str, list[Reply]]
    """Message -> the receiver's information sets after it."""
    payoff: Callable[[int, str, str, str, str], Fraction]
    """(player, sender type, receiver type, receiver node, action) -> expected payoff."""
    root: str


def read_one_shot(spec: GameSpec, values: Mapping[str, Fraction] | None = None) -> OneShot:
    """Reads a one-shot sender-receiver spec (raises ValueError for any other shape)."""
    values = {**spec.default_values(), **(values or {})}
    sender, receiver = spec.players
    s_types = {t.id: evaluate(t.prior, values) for t in sender.types}
    r_types = {t.id: evaluate(t.prior, values) for t in receiver.types}
    root = spec.nodes[spec.root]
    if not (isinstance(root, DecisionNode) and root.player == sender.id):
        raise ValueError("read_one_shot(): the root must be the sender's decision")
    replies: dict[str, list[Reply]] = {}
    table: dict[tuple, Fraction] = {}

    def terminal_value(node_id: str, player: int, s: str, r: str) -> Fraction:
        node = spec.nodes[node_id]
        if isinstance(node, TerminalNode):
            key = (sender.id, s, r) if player == 0 else (receiver.id, r, s)
            return evaluate(node.payoffs[key], values)
        if isinstance(node, ChanceNode):
            return sum((evaluate(m.prob, values) * terminal_value(m.to, player, s, r)
                        for m in node.moves), F(0))
        raise ValueError(f"read_one_shot(): {node_id} follows a reply but is not an end")

    for move in root.moves:
        target = spec.nodes[move.to]
        branches = ([(evaluate(m.prob, values), m.to) for m in target.moves]
                    if isinstance(target, ChanceNode) else [(F(1), move.to)])
        found = []
        for chance, node_id in branches:
            node = spec.nodes[node_id]
            if not isinstance(node, DecisionNode):   # the game ends without a reply
                for r, q in r_types.items():
                    found.append(Reply(f"@{node_id}", r, q * chance, (NO_REPLY,)))
                for s in s_types:
                    for r in r_types:
                        for player in (0, 1):
                            table[(player, s, r, f"@{node_id}", NO_REPLY)] = terminal_value(
                                node_id, player, s, r)
                continue
            if node.player != receiver.id:
                raise ValueError("read_one_shot(): a message must lead to the receiver's reply")
            for r, q in r_types.items():
                found.append(Reply(node_id, r, q * chance, tuple(m.action for m in node.moves)))
            for m in node.moves:
                for s in s_types:
                    for r in r_types:
                        for player in (0, 1):
                            table[(player, s, r, node_id, m.action)] = terminal_value(
                                m.to, player, s, r)
        replies[move.action] = found

    def payoff(player, s, r, node, action):
        return table[(player, s, r, node, action)]

    return OneShot(s_types, r_types, tuple(m.action for m in root.moves), replies, payoff,
                   spec.root)


Play = dict[tuple, dict[str, Fraction]]
"""("S", sender type) or ("R", receiver node, receiver type) -> action -> probability."""


def reply_play(play: Play, reply: Reply) -> dict[str, Fraction]:
    """The receiver's play at one of its information sets (or the end that has none)."""
    if reply.node.startswith("@"):
        return {NO_REPLY: F(1)}
    return play[("R", reply.node, reply.own)]


def play_of(game, behaviour: Mapping[int, tuple[Fraction, ...]]) -> Play:
    """An expanded game's behaviour profile keyed by (stage, own type), for a one-shot game."""
    result: Play = {}
    for infoset in game.infosets:
        key = (("S", infoset.own_type) if infoset.player == 0 else
               ("R", infoset.stage, infoset.own_type))
        if key in result:
            raise ValueError(f"play_of(): two information sets for {key} (not one-shot)")
        result[key] = dict(zip(infoset.actions, behaviour[infoset.id]))
    return result


# =========================================================================== the oracle
@dataclass
class Verdicts:
    intuitive: bool
    d1: bool
    why: str = ""


def _solve(matrix: list[list[Fraction]], rhs: list[Fraction]) -> list[Fraction] | None:
    """The unique solution of a square system (None when singular)."""
    n = len(matrix)
    rows = [list(row) + [b] for row, b in zip(matrix, rhs)]
    for col in range(n):
        pivot = next((r for r in range(col, n) if rows[r][col] != 0), None)
        if pivot is None:
            return None
        rows[col], rows[pivot] = rows[pivot], rows[col]
        for r in range(n):
            if r != col and rows[r][col] != 0:
                factor = rows[r][col] / rows[col][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[col])]
    return [rows[i][n] / rows[i][i] for i in range(n)]


class _Message:
    """Everything about one unexpected message."""

    def __init__(self, game: OneShot, message: str, types: tuple[str, ...]) -> None:
        self.game = game
        self.message = message
        self.types = types
        self.sets = game.replies[message]

    def receiver_gain(self, reply: Reply, t: str, a: str) -> Fraction:
        return self.game.payoff(1, t, reply.own, reply.node, a)

    def sender_value(self, t: str, reply: Reply, a: str) -> Fraction:
        return self.game.payoff(0, t, reply.own, reply.node, a)

    def best_sets(self, belief: dict[str, Fraction]) -> tuple[frozenset[str], ...]:
        result = []
        for reply in self.sets:
            totals = {a: sum((belief[t] * self.receiver_gain(reply, t, a) for t in belief), F(0))
                      for a in reply.actions}
            top = max(totals.values())
            result.append(frozenset(a for a, v in totals.items() if v == top))
        return tuple(result)

    def vertices(self, support: tuple[str, ...]) -> list[dict[str, Fraction]]:
        """The vertices of the arrangement of indifference hyperplanes in the simplex over
        `support` (every belief whose best sets are maximal is among them)."""
        n = len(support)
        if n == 1:
            return [{support[0]: F(1)}]
        constraints: list[list[Fraction]] = []
        for k in range(n):   # facets mu_k = 0
            constraints.append([F(1) if j == k else F(0) for j in range(n)])
        for reply in self.sets:
            for a, b in combinations(reply.actions, 2):
                row = [self.receiver_gain(reply, t, a) - self.receiver_gain(reply, t, b)
                       for t in support]
                if any(row) and row not in constraints:
                    constraints.append(row)
        found = []
        for chosen in combinations(constraints, n - 1):
            solution = _solve([*map(list, chosen), [F(1)] * n], [F(0)] * (n - 1) + [F(1)])
            if solution is None or any(x < 0 for x in solution):
                continue
            point = dict(zip(support, solution))
            if point not in found:
                found.append(point)
        return found

    def cells(self, support: tuple[str, ...]) -> list[tuple[frozenset[str], ...]]:
        """The maximal tuples of best sets over beliefs on `support`."""
        found = {self.best_sets(v) for v in self.vertices(support)}
        return [c for c in found
                if not any(o != c and all(x <= y for x, y in zip(c, o)) for o in found)]

    def value(self, t: str, choice: Mapping[int, Mapping[str, Fraction]]) -> Fraction:
        """Type t's payoff from the message against a behaviour reply (index -> action probs)."""
        return sum((reply.weight * p * self.sender_value(t, reply, a)
                    for k, reply in enumerate(self.sets) for a, p in choice[k].items()), F(0))

    def extreme_pure(self, t: str, cells, pick) -> Fraction:
        """max (pick=max) or min of t's payoff over pure replies within some cell."""
        return pick(sum((reply.weight * pick(self.sender_value(t, reply, a) for a in cell[k])
                         for k, reply in enumerate(self.sets)), F(0)) for cell in cells)

    def candidates(self, cell, t: str, floor: Fraction):
        """The vertices of {mixed replies within `cell`} cut by {payoff of t >= floor}."""
        pure = [dict(enumerate({a: F(1)} for a in combo))
                for combo in product(*(sorted(c) for c in cell))]
        for choice in pure:
            if self.value(t, choice) >= floor:
                yield choice
        for choice in pure:
            for k, best in enumerate(cell):
                (here,) = choice[k]
                for other in sorted(best):
                    if other <= here:
                        continue
                    low = self.value(t, {**choice, k: {here: F(1)}})
                    high = self.value(t, {**choice, k: {other: F(1)}})
                    if low == high:
                        continue
                    weight = (floor - low) / (high - low)   # of `other`
                    if 0 < weight < 1:
                        yield {**choice, k: {here: 1 - weight, other: weight}}


def oracle_verdicts(game: OneShot, play: Play) -> Verdicts:
    """The Intuitive Criterion and D1 for an equilibrium of a one-shot sender-receiver game."""
    types = tuple(t for t, p in game.sender_types.items() if p > 0)
    eq_value = {}
    for t in types:
        total = F(0)
        for m, pm in play[("S", t)].items():
            if pm == 0:
                continue
            for reply in game.replies[m]:
                for a, pa in reply_play(play, reply).items():
                    total += pm * reply.weight * pa * game.payoff(0, t, reply.own, reply.node, a)
        eq_value[t] = total
    intuitive = d1 = True
    why = []
    for m in game.messages:
        if any(play[("S", t)][m] > 0 for t in types) or len(types) < 2:
            continue
        msg = _Message(game, m, types)
        if all(len(r.actions) == 1 for r in msg.sets):
            continue
        ic_ok, text = _intuitive(msg, eq_value)
        d1_ok, text2 = _d1(msg, eq_value, play)
        if not ic_ok:
            intuitive = False
            why.append(text)
        if not d1_ok:
            d1 = False
            why.append(text2)
    return Verdicts(intuitive, d1, "; ".join(why))


def _intuitive(msg: _Message, eq_value) -> tuple[bool, str]:
    types = msg.types
    cells = msg.cells(types)
    best = {t: msg.extreme_pure(t, cells, max) for t in types}
    dominated = [t for t in types if eq_value[t] > best[t]]
    rest = tuple(t for t in types if t not in dominated)
    if not dominated or not rest:
        return True, ""
    restricted = msg.cells(rest)
    for t in rest:
        worst = msg.extreme_pure(t, restricted, min)
        if worst > eq_value[t]:
            return False, (f"IC after {msg.message}: {dominated} dominated, {t} sure to get "
                           f"{worst} > {eq_value[t]}")
    return True, ""


def _d1(msg: _Message, eq_value, play) -> tuple[bool, str]:
    types = msg.types
    cells = msg.cells(types)

    def contained(t, other) -> bool:
        for cell in cells:
            for choice in msg.candidates(cell, t, eq_value[t]):
                if msg.value(other, choice) <= eq_value[other]:
                    return False
        return True

    deleted = [t for t in types if any(contained(t, o) for o in types if o != t)]
    rest = tuple(t for t in types if t not in deleted)
    if not deleted or not rest:
        return True, ""
    supports = [frozenset(a for a, p in reply_play(play, r).items() if p > 0)
                for r in msg.sets]
    for vertex in msg.vertices(rest):
        best = msg.best_sets(vertex)
        if all(s <= b for s, b in zip(supports, best)):
            return True, ""
    return False, f"D1 after {msg.message}: {deleted} deleted, the reply fits no belief on {rest}"
