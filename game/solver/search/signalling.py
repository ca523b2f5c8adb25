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

Moves below the replies that the pre-pass leaves open (ties at single nodes, where the sender
is indifferent) are not enumerated: below each reply they fall into classes by the payoff they
give the receiver, and only the classes matter to the checks. On the path, each way the
sender breaks its tie makes its own family (the path differs); off it, the ways are counted
(`PureFamily.multiplicities`, `weight`), one of each class written out. A reply nobody can be
deterred by purely may deter mixed (its support a set of replies best together under some
belief).

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

from game.solver.search.assess import best_reply_to_some_belief
from game.solver.search.deterrence import MixedDeterrence
from game.solver.search.family import PureFamily
from game.solver.search.stage import Below, Stage, below_reply, recognise, tie_combos
from game.solver.structure import Structure

BLOCK = 1 << 15
"""Sender profiles checked per block of arrays."""
LIMIT = 1 << 62
"""Scaled payoffs must stay well inside int64."""
MAX_VARIANTS = 64
"""The most combinations of tied on-path best replies (each is a separate pass)."""


np = None
"""numpy, imported once a game is known to be of this shape (recognising one needs none)."""


def _numpy() -> None:
    global np
    if np is None:
        import numpy

        np = numpy


def stage_families(structure: Structure, domains: dict[int, tuple[int, ...]],
                   forced: dict[int, int]) -> list[PureFamily] | None:
    """Every pure PBE family of a sender-receiver stage, or None if the game is not one."""
    found = recognise(structure, forced)
    if found is None:
        return None
    stage, loose = found
    game = structure.game
    below: dict[tuple[int, int, int], Below] = {}
    for r, listed in stage.members.items():
        for i, a, node in listed:
            for b in range(len(game.infosets[r].actions)):
                item = below_reply(structure, domains, forced, loose, stage, node, b)
                if item is None:
                    return None
                below[(i, a, b)] = item
    _numpy()
    return _stage_families(structure, domains, forced, stage, below)


def _stage_families(structure: Structure, domains, forced, stage: Stage,
                    below: dict) -> list[PureFamily] | None:
    """The families of the stage, ties below the replies counted by class."""
    reply, members = stage.reply, stage.members
    sender_infosets, priors = stage.sender_infosets, stage.priors
    game = structure.game
    k = len(priors)
    receivers = sorted(members, key=structure.order.index)
    index_of = {r: j for j, r in enumerate(receivers)}
    responses = [len(game.infosets[r].actions) for r in receivers]
    width = max(responses)
    scale = lcm(*(v.sender.denominator for v in below.values()))
    if max(abs(v.sender * scale) for v in below.values()) >= LIMIT:
        return None
    signals = [len(row) for row in reply]
    # sender value table V[i, a, b] (b beyond the infoset's actions: never used)
    V = np.zeros((k, max(signals), width), dtype=np.int64)
    for (i, a, b), item in below.items():
        V[i, a, b] = int(item.sender * scale)
    low = {key: item.classes[0][0] for key, item in below.items()}
    high = {key: item.classes[-1][0] for key, item in below.items()}
    # Best replies to each Bayes posterior, per receiver set and mask of live members: a
    # reply is admissible when, breaking the ties below it on the path as the receiver likes
    # best and those below the other replies as it likes least, it is as good as any.
    best: list[list[tuple[int, ...]]] = []
    for r in receivers:
        listed = members[r]
        actions = range(len(game.infosets[r].actions))
        table = []
        for mask in range(1 << len(listed)):
            if mask == 0:
                table.append(())
                continue
            live = [(priors[i], i, a) for bit, (i, a, _) in enumerate(listed) if mask >> bit & 1]
            lows = [sum((w * low[(i, a, b)] for w, i, a in live), Fraction(0)) for b in actions]
            highs = [sum((w * high[(i, a, b)] for w, i, a in live), Fraction(0))
                     for b in actions]
            table.append(tuple(b for b in actions if b in domains[r] and
                               all(highs[b] >= lows[c] for c in actions if c != b)))
        best.append(table)
    # Per receiver set: a table mask -> its admissible replies (padded with -2), and their
    # number (1 for mask 0: off the path, written -1).
    tables, counts = [], []
    for table in best:
        widest = max(1, max(len(t) for t in table))
        padded = np.full((len(table), widest), -2, dtype=np.int64)
        number = np.zeros(len(table), dtype=np.int64)
        for mask, options in enumerate(table):
            if mask == 0:
                padded[0, 0], number[0] = -1, 1
            else:
                padded[mask, :len(options)] = options
                number[mask] = len(options)
        tables.append(padded)
        counts.append(number)
    # Off the path, a reply must be a best reply to some belief over all the set's nodes, for
    # some way of breaking the ties below: the combinations that make it one, per reply.
    rational: dict[int, dict[int, list[tuple[dict, int]]]] = {}
    combos_of: dict[int, list] = {}
    for j, r in enumerate(receivers):
        combos = tie_combos(members[r], responses[j], below)
        if combos is None:
            return None
        rational[j] = {b: [] for b in domains[r]}
        listed = []
        for values, settled, count in combos:
            fine = tuple(b for b in domains[r] if best_reply_to_some_belief(values, b))
            for b in fine:
                rational[j][b].append(({r: b, **settled}, count))
            listed.append((values, settled, count, fine))
        combos_of[j] = listed
    allowed = [np.zeros(width, dtype=bool) for _ in receivers]
    for j in range(len(receivers)):
        allowed[j][[b for b, found in rational[j].items() if found]] = True
    deterrence = MixedDeterrence(structure, receivers, members, combos_of, domains, V)
    # Masks of the live members of each receiver infoset, per sender profile.
    bits = [[(i, a, bit) for bit, (i, a, _) in enumerate(members[r])] for r in receivers]
    where = [np.array([index_of[r] for r in reply[i]], dtype=np.int64) for i in range(k)]
    context = _Context(stage, receivers, index_of, below, rational, forced, V, priors)

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
        # Each sender profile once per combination of admissible replies on its path.
        number = np.stack([counts[j][masks[:, j]] for j in range(len(receivers))], axis=1)
        ways = number.prod(axis=1)
        if int(ways.sum()) > 64 * count:
            return None   # ties everywhere: the general search lists these better
        rows_of = np.repeat(np.arange(count), ways)
        local = np.arange(len(rows_of)) - np.repeat(np.cumsum(ways) - ways, ways)
        resp = np.empty((len(rows_of), len(receivers)), dtype=np.int64)
        for j in range(len(receivers)):
            n = number[rows_of, j]
            resp[:, j] = tables[j][masks[rows_of, j], local % n]
            local //= n
        rows, mixed = _check_block(S[rows_of], resp, V, reply, members, receivers, index_of,
                                   where, allowed, deterrence)
        for row in rows:
            families.extend(context.families(S[rows_of[row]], resp[row],
                                             mixed.get(int(row), {})))
    return families


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


@dataclass
class _Context:
    """What building a checked row's families needs."""

    stage: Stage
    receivers: list[int]
    index_of: dict[int, int]
    below: dict
    rational: dict
    forced: dict
    V: np.ndarray
    priors: list[Fraction]

    def families(self, signals, replies, mixed) -> list[PureFamily]:
        """The families of one checked row: one per way the sender breaks its ties on the
        path; off the path, the admissible replies with their tie classes, counted."""
        stage, below, V = self.stage, self.below, self.V
        payoff = [int(V[i, a, replies[self.index_of[stage.reply[i][a]]]])
                  for i, a in enumerate(signals)]
        base = dict(self.forced)
        base.update({s: int(a) for s, a in zip(stage.sender_infosets, signals)})
        weight = 1
        clusters, multiplicities = [], []
        on_path: list[list[tuple[dict, int]]] = []
        for j, r in enumerate(self.receivers):
            listed = stage.members[r]
            if replies[j] < 0:
                if j in mixed:
                    clusters.append((mixed[j],))
                    multiplicities.append((1,))
                    continue
                options = [(completion, count) for b, found in self.rational[j].items()
                           if all(V[i, a, b] <= payoff[i] for i, a, _ in listed)
                           for completion, count in found]
                clusters.append(tuple(c for c, _ in options))
                multiplicities.append(tuple(n for _, n in options))
                continue
            chosen = int(replies[j])
            base[r] = chosen
            pool = [(i, a) for i, a, _ in listed if signals[i] == a]
            for i, a, _ in listed:
                if signals[i] != a:   # nobody there: the ties below are free
                    for b in range(len(V[0, 0])):
                        item = below.get((i, a, b))
                        if item is not None:
                            weight *= sum(len(s) for _, s in item.classes)
                            base.update(item.classes[0][1][0])
            on_path.append(self._on_path(pool, chosen))
        families = []
        for choice in product(*on_path):
            settled = dict(base)
            count = weight
            for part, n in choice:
                settled.update(part)
                count *= n
            families.append(PureFamily(base=settled, clusters=tuple(clusters),
                                       multiplicities=tuple(multiplicities), weight=count))
        return families

    def _on_path(self, pool, chosen: int) -> list[tuple[dict, int]]:
        """At a receiver set on the path: each way the pool's types break their ties below
        the reply (a settlement each, with how many ways the ties below the other replies
        can go with it)."""
        below = self.below
        actions = len(self.stage.reply[0]) and len(self.V[0, 0])
        others = [b for b in range(actions) if b != chosen and (pool[0][0], pool[0][1], b) in below]
        threshold = max((sum((self.priors[i] * below[(i, a, b)].classes[0][0]
                              for i, a in pool), Fraction(0)) for b in others),
                        default=Fraction(0))
        found = []
        for choice in product(*([(v, s) for v, ss in below[(i, a, chosen)].classes for s in ss]
                                for i, a in pool)):
            total = sum((self.priors[i] * v for (i, _), (v, _) in zip(pool, choice)), Fraction(0))
            if others and total < threshold:
                continue
            part: dict[int, int] = {}
            for _, settlement in choice:
                part.update(settlement)
            count = 1
            for b in others:
                ways = 0
                for combo in product(*(below[(i, a, b)].classes for i, a in pool)):
                    value = sum((self.priors[i] * v for (i, _), (v, _) in zip(pool, combo)),
                                Fraction(0))
                    if value <= total:
                        n = 1
                        for _, settlements in combo:
                            n *= len(settlements)
                        if not ways:
                            for _, settlements in combo:
                                part.update(settlements[0])
                        ways += n
                count *= ways
            found.append((part, count))
        return found
