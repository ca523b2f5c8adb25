"""Provides `stage_families`: the pure PBE of a one-shot sender-receiver stage, vectorised.

The shape it recognises (after the pre-pass has pinned down every later move): Nature draws
the sender's type, each type is a singleton information set of the sender, every signal leads
to an information set of the receiver (each its own belief group, at most one node per type),
and everything below the receiver's reply is forced. Then an assessment is a pure PBE exactly
when

- every type's signal is a best reply to the receiver's replies (to all signals),
- each reply to a signal some type sends is a best reply to the Bayes posterior,
- each reply to a signal nobody sends is a best reply to some belief over all types, and
  no type would rather face it than take its equilibrium payoff.

Moves below the replies that the pre-pass leaves open (a tie at a single node) are settled
every possible way, one pass each; a family here therefore fixes those moves too, so a game
with such ties can have more (smaller) families than the general enumerator reports, with
the same equilibria in all.

The sender's profiles are checked in blocks with integer arrays (the payoffs are exact
fractions brought to one denominator), so games with many types and signals (5 x 10 x 10)
take seconds where the general enumerator takes minutes. Anything else returns None and the
general enumerator runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from itertools import product
from math import lcm, prod

import numpy as np

from game.model.tree import NATURE
from game.solver.linear.lp import solve_lp
from game.solver.linear.region import simplex_region
from game.solver.search.assess import PureValues, best_reply_to_some_belief
from game.solver.search.pure import PureFamily
from game.solver.structure import Structure

BLOCK = 1 << 15
"""Sender profiles checked per block of arrays."""
LIMIT = 1 << 62
"""Scaled payoffs must stay well inside int64."""
MAX_SETTLINGS = 256
"""The most ways to settle tied moves below the replies (each is a separate pass)."""
MAX_VARIANTS = 64
"""The most combinations of tied on-path best replies (each is a separate pass)."""


@dataclass(frozen=True)
class _Stage:
    """Who moves where in a recognised stage."""

    priors: list[Fraction]
    """The sender's types' prior probabilities, in the root's order."""
    sender: int
    receiver: int
    sender_infosets: list[int]
    """Per type: its (singleton) information set."""
    reply: list[list[int]]
    """reply[type][signal]: the receiver's information set that follows."""
    members: dict[int, list[tuple[int, int, int]]]
    """Receiver information set -> its nodes as (type, signal, node)."""


def _recognise(structure: Structure, forced) -> tuple[_Stage, set[int]] | None:
    """The stage and the unforced infosets below the replies, or None for another shape."""
    game = structure.game
    if game.round_payoffs:
        return None
    root = game.nodes[0]
    if root.player != NATURE:
        return None
    types = [(p, c) for p, c in zip(root.probs, root.children) if p > 0]
    if len(types) < 2:
        return None
    sender = game.nodes[types[0][1]].player
    if sender not in (0, 1):
        return None
    receiver = 1 - sender
    sender_infosets: list[int] = []
    for _, child in types:
        node = game.nodes[child]
        if node.player != sender:
            return None
        infoset = game.infosets[node.infoset]
        if len(infoset.members) != 1 or node.infoset in sender_infosets:
            return None
        sender_infosets.append(node.infoset)
    # reply[i][a] = the receiver's infoset after type i sends a; members per receiver infoset.
    reply: list[list[int]] = []
    members: dict[int, list[tuple[int, int, int]]] = {}   # infoset -> (type, signal, node)
    for i, (_, child) in enumerate(types):
        row = []
        for a, below in enumerate(game.nodes[child].children):
            node = game.nodes[below]
            if node.player != receiver:
                return None
            row.append(node.infoset)
            members.setdefault(node.infoset, []).append((i, a, below))
        reply.append(row)
    loose: set[int] = set()
    for infoset_id, listed in members.items():
        infoset = game.infosets[infoset_id]
        if len(listed) != len(infoset.members) or len({t for t, _, _ in listed}) != len(listed):
            return None
        if len(game.group_infosets[infoset.group]) != 1:
            return None
        for _, _, node in listed:
            for b in range(len(infoset.actions)):
                loose |= structure.child_subtree_infosets[(node, b)] - forced.keys()
    stage = _Stage([p for p, _ in types], sender, receiver, sender_infosets, reply, members)
    return stage, loose


def _settled(structure: Structure, domains, forced, loose: set[int]):
    """Every way to settle the moves below the replies that the pre-pass left open (ties at a
    single node): a list of full `forced`-like assignments, or None if that is not the case."""
    game = structure.game
    if any(len(game.infosets[i].members) != 1 for i in loose):
        return None
    ordered = sorted(loose, key=structure.order.index)
    if prod(len(domains[i]) for i in ordered) > MAX_SETTLINGS:
        return None
    settled = []
    for choice in product(*(domains[i] for i in ordered)):
        fixed = dict(forced)
        fixed.update(zip(ordered, choice))
        values = PureValues(structure, fixed)
        if all(max(row) == row[fixed[i]]
               for i in ordered for row in values.member_values(i)):
            settled.append(fixed)
    return settled


def stage_families(structure: Structure, domains: dict[int, tuple[int, ...]],
                   forced: dict[int, int]) -> list[PureFamily] | None:
    """Every pure PBE family of a sender-receiver stage, or None if the game is not one."""
    found = _recognise(structure, forced)
    if found is None:
        return None
    stage, loose = found
    settlings = _settled(structure, domains, forced, loose) if loose else [forced]
    if settlings is None:
        return None
    families: list[PureFamily] = []
    for fixed in settlings:
        more = _stage_families(structure, domains, fixed, stage)
        if more is None:
            return None
        families.extend(more)
    return families


def _stage_families(structure: Structure, domains, forced,
                    stage: _Stage) -> list[PureFamily] | None:
    """One pass: the families with the moves below the replies as in `forced`."""
    sender, receiver, reply, members = stage.sender, stage.receiver, stage.reply, stage.members
    sender_infosets, priors = stage.sender_infosets, stage.priors
    values = PureValues(structure, forced)
    game = structure.game
    k = len(priors)
    receivers = sorted(members, key=structure.order.index)
    index_of = {r: j for j, r in enumerate(receivers)}
    responses = [len(game.infosets[r].actions) for r in receivers]
    width = max(responses)

    # Exact values below each reply: v[player][(type, signal, response)].
    exact = {}
    for r in receivers:
        for i, a, node in members[r]:
            for b, child in enumerate(game.nodes[node].children):
                exact[(i, a, b)] = (values.value(child, sender), values.value(child, receiver))
    scale = lcm(*(v[0].denominator for v in exact.values()))
    if max(abs(v[0] * scale) for v in exact.values()) >= LIMIT:
        return None
    signals = [len(row) for row in reply]
    # sender value table V[i, a, b] (b beyond the infoset's actions: never used)
    V = np.zeros((k, max(signals), width), dtype=np.int64)
    for (i, a, b), (v, _) in exact.items():
        V[i, a, b] = int(v * scale)

    # Best replies to each Bayes posterior: per receiver infoset, per mask of live members
    # (in integers: priors and the receiver's values each brought to one denominator).
    weight = lcm(*(p.denominator for p in priors))
    prior_int = [int(p * weight) for p in priors]
    rscale = lcm(*(v[1].denominator for v in exact.values()))
    R = {key: int(v[1] * rscale) for key, v in exact.items()}
    best: list[list[tuple[int, ...]]] = []
    for r in receivers:
        listed = members[r]
        actions = range(len(game.infosets[r].actions))
        table = []
        for mask in range(1 << len(listed)):
            if mask == 0:
                table.append(())
                continue
            live = [(prior_int[i], i, a) for bit, (i, a, _) in enumerate(listed) if mask >> bit & 1]
            totals = [sum(w * R[(i, a, b)] for w, i, a in live) for b in actions]
            top = max(totals)
            table.append(tuple(b for b, t in enumerate(totals)
                               if t == top and b in domains[r]))
        best.append(table)
    variants = list(product(*(range(max(1, max(len(t) for t in table))) for table in best)))
    if len(variants) > MAX_VARIANTS:
        return None
    # Off the path, a reply must be a best reply to some belief over all of the infoset's
    # nodes (with the moves below settled as in this pass, so the pre-pass is not enough).
    rational = {r: tuple(b for b in domains[r]
                         if best_reply_to_some_belief(values.member_values(r), b))
                for r in receivers}
    allowed = [np.zeros(width, dtype=bool) for _ in receivers]
    for j, r in enumerate(receivers):
        allowed[j][list(rational[r])] = True
    # Off the path, a mixed reply may deter where no pure one does: its support must be a
    # set of actions that are best together under some belief (a cell).
    deterrence = _MixedDeterrence(structure, receivers, members, values, domains, V)
    # Masks of the live members of each receiver infoset, per sender profile.
    bits = [[(i, a, bit) for bit, (i, a, _) in enumerate(members[r])] for r in receivers]
    where = [np.array([index_of[r] for r in reply[i]], dtype=np.int64) for i in range(k)]

    sender_domains = [np.array(domains[s], dtype=np.int64) for s in sender_infosets]
    sizes = [len(d) for d in sender_domains]
    total = prod(sizes)
    families: list[PureFamily] = []
    for start in range(0, total, BLOCK):
        count = min(BLOCK, total - start)
        flat = np.arange(start, start + count, dtype=np.int64)
        S = np.empty((count, k), dtype=np.int64)
        for i in range(k - 1, -1, -1):
            S[:, i] = sender_domains[i][flat % sizes[i]]
            flat //= sizes[i]
        masks = np.zeros((count, len(receivers)), dtype=np.int64)
        for j, listed in enumerate(bits):
            for i, a, bit in listed:
                masks[:, j] |= (S[:, i] == a).astype(np.int64) << bit
        for variant in variants:
            resp = np.stack([_pick(best[j], variant[j])[masks[:, j]]
                             for j in range(len(receivers))], axis=1)
            rows, mixed = _check_block(S, resp, V, reply, members, receivers, index_of, where,
                                       allowed, deterrence)
            for row in rows:
                families.append(_family(S[row], resp[row], V, reply, members, receivers,
                                        index_of, rational, forced, sender_infosets,
                                        mixed.get(int(row), {})))
    return families


def _pick(table: list[tuple[int, ...]], choice: int) -> np.ndarray:
    """Per mask: the `choice`-th best reply; -1 off the path (choice 0 only), -2 for none
    (so each tie is enumerated once)."""
    return np.array([(-1 if choice == 0 else -2) if mask == 0 else
                     (t[choice] if choice < len(t) else -2)
                     for mask, t in enumerate(table)], dtype=np.int64)


def _check_block(S, resp, V, reply, members, receivers, index_of, where, allowed, deterrence):
    """The rows (sender profile S, on-path replies resp; -1 off the path) that are PBE bases,
    exactly, on the payoffs scaled to integers, and per row that needs them the mixed
    replies off the path (receiver position -> probabilities). Rows are dropped as soon as
    they fail."""
    rows = np.nonzero((resp != -2).all(axis=1))[0]
    S, resp = S[rows], resp[rows]
    count, k = S.shape
    on = resp >= 0
    safe = np.maximum(resp, 0)
    U = np.empty((count, k), dtype=np.int64)
    for i in range(k):
        U[:, i] = V[i, S[:, i], safe[np.arange(count), where[i][S[:, i]]]]
    # Sender: no signal to an on-path reply does better.
    ok = np.ones(count, dtype=bool)
    for i in range(k):
        for a, r in enumerate(reply[i]):
            j = index_of[r]
            ok &= ~on[:, j] | (V[i, a, safe[:, j]] <= U[:, i])
    kept = np.nonzero(ok)[0]
    rows, on, U = rows[kept], on[kept], U[kept]
    # Off the path: some admissible reply that no type prefers to its equilibrium payoff,
    # pure if possible, else mixed.
    ok = np.ones(len(rows), dtype=bool)
    mixed: dict[int, dict[int, tuple]] = {}
    for j, r in enumerate(receivers):
        off = np.nonzero(~on[:, j] & ok)[0]
        if not off.size:
            continue
        deterred = np.broadcast_to(allowed[j], (off.size, allowed[j].size)).copy()
        for i, a, _ in members[r]:
            deterred &= V[i, a][None, :] <= U[off, i][:, None]
        pure = deterred.any(axis=1)
        ok[off] = pure
        for position in off[~pure]:
            found = deterrence.reply(j, tuple(int(U[position, i]) for i, _, _ in members[r]))
            if found is not None:
                ok[position] = True
                mixed.setdefault(int(rows[position]), {})[j] = found
    return rows[ok], mixed


def _family(signals, replies, V, reply, members, receivers, index_of, rational, forced,
            sender_infosets, mixed) -> PureFamily:
    """The family of one checked row: its base and the admissible replies off the path (a
    mixed one where no pure reply deters)."""
    payoff = [int(V[i, a, replies[index_of[reply[i][a]]]]) for i, a in enumerate(signals)]
    base = dict(forced)
    base.update({s: int(a) for s, a in zip(sender_infosets, signals)})
    clusters = []
    for j, r in enumerate(receivers):
        if replies[j] >= 0:
            base[r] = int(replies[j])
            continue
        if j in mixed:
            clusters.append(({r: mixed[j]},))
            continue
        clusters.append(tuple({r: b} for b in rational[r]
                              if all(V[i, a, b] <= payoff[i] for i, a, _ in members[r])))
    return PureFamily(base=base, clusters=tuple(clusters))


class _MixedDeterrence:
    """Mixed replies off the path that keep every type at or below its equilibrium payoff."""

    def __init__(self, structure: Structure, receivers, members, values, domains, V) -> None:
        self.structure = structure
        self.receivers = receivers
        self.members = members
        self.values = values
        self.domains = domains
        self.V = V
        self.memo: dict = {}

    def cells(self, j: int) -> list[tuple[int, ...]]:
        """The largest sets of actions of receiver set j that are best together under some
        belief (found at the vertices of each action's region of beliefs)."""
        key = ("cells", j)
        if key in self.memo:
            return self.memo[key]
        r = self.receivers[j]
        member_values = self.values.member_values(r)
        domain = self.domains[r]
        found: list[frozenset[int]] = []
        for b in domain:
            rows = [tuple(row[b] - row[c] for row in member_values) for c in domain if c != b]
            _, vertices = simplex_region(rows, len(member_values))
            for vertex in vertices:
                totals = {c: sum((w * row[c] for w, row in zip(vertex, member_values)),
                                 Fraction(0)) for c in domain}
                top = max(totals.values())
                cell = frozenset(c for c, t in totals.items() if t == top)
                if cell not in found:
                    found.append(cell)
        maximal = [tuple(sorted(c)) for c in found if len(c) > 1
                   and not any(c < other for other in found)]
        self.memo[key] = maximal
        return maximal

    def reply(self, j: int, payoffs: tuple[int, ...]) -> tuple[Fraction, ...] | None:
        """Probabilities over receiver set j's actions that no member type would rather face
        than take its (scaled) equilibrium payoff, or None."""
        key = ("reply", j, payoffs)
        if key in self.memo:
            return self.memo[key]
        r = self.receivers[j]
        size = len(self.structure.game.infosets[r].actions)
        found = None
        for cell in self.cells(j):
            le_rows = [({k: Fraction(int(self.V[i, a, b])) for k, b in enumerate(cell)},
                        Fraction(u))
                       for (i, a, _), u in zip(self.members[r], payoffs)]
            eq_rows = [({k: Fraction(1) for k in range(len(cell))}, Fraction(1))]
            result = solve_lp(len(cell), {}, eq_rows, le_rows)
            if result.status == "optimal":
                probs = dict(zip(cell, result.x))
                found = tuple(probs.get(b, Fraction(0)) for b in range(size))
                break
        self.memo[key] = found
        return found
