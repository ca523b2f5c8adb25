"""Perfect Bayesian equilibrium as Fudenberg and Tirole define it, against hand derivations,
weak PBE, and a brute-force sequential equilibrium.

Definitions tested (Fudenberg and Tirole 1991, games with observed actions and independent
types): one belief per public history about the opponent's type, the same for all of the
holder's own types; Bayes' rule wherever it applies, also after a deviation (from the belief
the deviation led to); neither a player's own move nor a public chance move changes beliefs
about the other player's type; a type at probability 0 stays at 0 while Bayes' rule applies.
Weak PBE (`concept="weak"`): Bayes' rule on the path, any belief off it.

Sequential equilibrium (Kreps and Wilson 1982) is decided by brute force for pure profiles of
tiny two-stage games with two sender types: beliefs must be limits of Bayes beliefs under
trembles, enumerated as orders of smallness (see `SequentialBruteForce`).
"""

from __future__ import annotations

from fractions import Fraction as F
from functools import lru_cache
from itertools import product

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from game.model.expand import expand_game
from game.scenario.efg import load_efg_text
from game.solver.solve import solve
from tests.solver.helpers import play, solve_scenario
from tests.solver.oracle import build_spec
from tests.strategies import signalling_specs

HALF = {"T": F(1, 2), "W": F(1, 2)}

WEAK_IS_NOT_TEXTBOOK = (
    "solver's weak PBE applies Bayes' rule after a player's own deviation: the brief (and "
    "Mas-Colell-Whinston-Green) define weak PBE as Bayes on the path and any belief off it, "
    "and this weak PBE needs an off-path belief that rule forbids. Either list it under "
    "--concept weak or document that concept as 'weak PBE with Bayes after one's own "
    "deviation' (the weak beliefs drop the holder's own moves: Structure.belief_steps in "
    "game/solver/structure.py)")


def _paths(result) -> set[tuple]:
    """The on-path play of each equilibrium (information set label -> probabilities)."""
    return {tuple(sorted((i.label, eq.behaviour[i.id]) for i in result.game.infosets
                         if eq.on_path[i.id])) for eq in result.equilibria}


def _profile_key(game, eq) -> tuple:
    """A pure equilibrium as (("S", stage, own type) or ("R", stage)) -> action, sorted."""
    found = []
    for infoset in game.infosets:
        action = infoset.actions[eq.behaviour[infoset.id].index(1)]
        key = (("S", infoset.stage, infoset.own_type) if infoset.player == 0 else
               ("R", infoset.stage))
        found.append((key, action))
    return tuple(sorted(found))


def _solve(nodes, concept="pbe", priors=None, receivers=None, **options):
    spec = build_spec(priors or HALF, receivers, nodes)
    return solve(expand_game(spec), concept=concept, qre_seconds=30, **options)


# ============================================================================ no resurrection
def _resurrection_nodes():
    """T (1/2) takes a (2 to T, 0 to W) or b; W takes b. After b the receiver ends it with u
    (1 to it; 0 to T, 1 to W) or asks v; after v the sender picks c (T 0, W 1) or d (T 1,
    W -1, ends); after c the receiver picks x (2 against T, 0 against W) or y (0, 2); the
    sender's payoff after c does not depend on the reply."""
    return {"start": ("S", [("a", "za"), ("b", "ask")]),
            "za": ("Z", {"T": (2, 0), "W": (0, 0)}),
            "ask": ("R", [("u", "zu"), ("v", "again")]),
            "zu": ("Z", {"T": (0, 1), "W": (1, 1)}),
            "again": ("S", [("c", "last"), ("d", "zd")]),
            "zd": ("Z", {"T": (1, 0), "W": (-1, 0)}),
            "last": ("R", [("x", "zx"), ("y", "zy")]),
            "zx": ("Z", {"T": (0, 2), "W": (1, 0)}),
            "zy": ("Z", {"T": (0, 0), "W": (1, 2)})}


def test_no_resurrection_after_the_other_players_deviation():
    """_resurrection_nodes. T takes a (2 beats anything after b, at most 1); W takes b (at
    least 1 > 0). So the belief after b is W. At `again` W takes c (1 > -1), T d (1 > 0).
    FT: the receiver's own move v does not change its belief (still W), and W's c keeps it
    at W by Bayes' rule: y at `last`, worth 2 > 1 from u, so the receiver asks v. Unique.
    Weak PBE (any belief off the path) also has the receiver end with u, holding the belief
    T at `last` (x) after its own deviation v: a belief on a type ruled out earlier.
    """
    result = _solve(_resurrection_nodes())
    assert result.complete and result.concept == "pbe"
    [eq] = result.equilibria
    chosen = play(result, eq)
    assert chosen["start|T"]["a"] == 1 and chosen["start|W"]["b"] == 1
    assert chosen["ask"]["v"] == 1 and chosen["last"]["y"] == 1
    assert chosen["again|W"]["c"] == 1 and chosen["again|T"]["d"] == 1
    assert eq.beliefs[result.game.infoset_by_label["last"].group] == {"T": 0, "W": 1}


def test_weak_pbe_may_resurrect_after_the_receivers_own_deviation():
    """The weak PBE of the test above: the receiver takes u, believing T at `last` (x there,
    worth 0 against W on the path's belief, below u's 1). Bayes' rule holds on the path;
    `again` and `last` are off it."""
    weak = _solve(_resurrection_nodes(), concept="weak")
    assert any(play(weak, eq)["ask"]["u"] == 1 for eq in weak.equilibria)


@lru_cache(maxsize=4)
def _weak_chain_store(delta: F | None):
    game = solve_scenario("chain-store", **({} if delta is None else {"delta": delta})).game
    return solve(game, concept="weak")


def test_chain_store_complete_information_weak_pbe_has_more():
    """chain-store, delta = 0. FT: exactly one equilibrium (test_cases). Weak PBE also
    lets a challenger stay out because, off the path, a fight would be taken as a sign of the
    Tough type, which has prior 0 (e.g. round 1 stays out: if challenged, Weak would fight,
    believed Tough afterwards). FT rejects each: the challenger's deviation leaves the belief
    at 0, and Weak's prescribed fight keeps it there by Bayes' rule. The FT result names them.
    """
    pbe = solve_scenario("chain-store", delta=0)
    weak = _weak_chain_store(F(0))
    assert weak.concept == "weak" and weak.complete
    weak_outcomes = {tuple(sorted(eq.outcomes.items())) for eq in weak.equilibria}
    assert len(pbe.equilibria) == 1 and len(weak_outcomes) > 1
    assert tuple(sorted(pbe.equilibria[0].outcomes.items())) in weak_outcomes
    assert ((("stayed out / gave way / gave way", 1),) in weak_outcomes)
    reported = {tuple(sorted(item.equilibrium.outcomes.items())) for item in pbe.weak_only}
    assert reported == weak_outcomes - {tuple(sorted(pbe.equilibria[0].outcomes.items()))}
    assert all("Tough 0" in item.reason for item in pbe.weak_only)


def test_chain_store_weak_pbe_keeps_the_round_two_challenger_out():
    """chain-store at the defaults. The issue's example: a weak PBE in which the round-2
    challenger stays out at reputation 1/5 < b^2 = 1/4, resting on the belief 'Tough' after
    its own (off-path) challenge and State A's fight, which both types make. FT: the
    challenger's move leaves 1/5, and a fight by both types keeps 1/5 (Bayes' rule), so the
    round-3 challenger would challenge and Weak would not fight in round 2: not a PBE. The
    only FT equilibrium is Kreps-Wilson's (test_cases)."""
    pbe = solve_scenario("chain-store")
    weak = _weak_chain_store(None)
    quiet = {(("stayed out / stayed out / fought", F(1, 5)),
              ("stayed out / stayed out / gave way", F(4, 5)))}
    weak_outcomes = {tuple(sorted(eq.outcomes.items())) for eq in weak.equilibria}
    assert quiet <= weak_outcomes
    assert not quiet & {tuple(sorted(eq.outcomes.items())) for eq in pbe.equilibria}
    assert quiet <= {tuple(sorted(item.equilibrium.outcomes.items())) for item in pbe.weak_only}


# ================================================================ beliefs shared by all
def _shared_belief_nodes(kind: str):
    """Sender types s1, s2 (1/2 each, same payoffs): q ends the game (0 to all) or m is
    answered at two information sets of the receiver, split by a public chance move (h, t:
    1/2 each) or by the receiver's own type (r1, r2: 1/2 each). At the first the receiver
    plays x iff Pr(s1) >= 2/3 (x worth 1 against s1, -2 against s2); at the second iff
    Pr(s1) >= 1/3 (2 against s1, -1 against s2); y is worth 0. The sender gets -1 / 2 for
    x / y at the first, 2 / -1 at the second."""
    first = {"s1": (-1, 1), "s2": (-1, -2)}
    second = {"s1": (2, 2), "s2": (2, -1)}
    nodes = {"start": ("S", [("q", "zq"), ("m", "after")]), "zq": ("Z", (0, 0))}
    if kind == "chance":
        nodes["after"] = ("C", [("h", F(1, 2), "first"), ("t", F(1, 2), "second")])
        nodes["first"] = ("R", [("x", "f_x"), ("y", "f_y")])
        nodes["second"] = ("R", [("x", "s_x"), ("y", "s_y")])
        nodes.update({"f_x": ("Z", first), "f_y": ("Z", (2, 0)),
                      "s_x": ("Z", second), "s_y": ("Z", (-1, 0))})
        return nodes
    nodes["after"] = ("R", [("x", "zx"), ("y", "zy")])
    nodes["zx"] = ("Z", lambda s, r: first[s] if r == "r1" else second[s])
    nodes["zy"] = ("Z", lambda s, r: (2, 0) if r == "r1" else (-1, 0))
    return nodes


def test_beliefs_do_not_move_on_a_public_chance_move():
    """_shared_belief_nodes("chance"). With one belief mu = Pr(s1) after m at both
    information sets, (x, y) would need mu >= 2/3 and mu <= 1/3: impossible. Pooling on m
    (mu = 1/2) gives y at h, x at t, and the sender (2 + 2)/2 = 2 > 0: the unique FT
    equilibrium (the sender's types have equal payoffs; q could only tie with m against
    replies worth 0, which no shared belief gives: Pr(x|h) - Pr(x|t) = 1/3 would need both
    to mix). Weak PBE lets the two information sets differ (they are different histories):
    pooling on q with (x, y) is a weak PBE, and the FT result names it as weak-only."""
    pbe = _solve(_shared_belief_nodes("chance"), priors={"s1": F(1, 2), "s2": F(1, 2)})
    assert pbe.complete
    [eq] = pbe.equilibria
    chosen = play(pbe, eq)
    assert chosen["start|s1"]["m"] == chosen["start|s2"]["m"] == 1
    assert (chosen["first"]["y"], chosen["second"]["x"]) == (1, 1)
    weak = _solve(_shared_belief_nodes("chance"), "weak", priors={"s1": F(1, 2), "s2": F(1, 2)})
    assert any(play(weak, e)["start|s1"]["q"] == 1 and play(weak, e)["first"]["x"] == 1
               and play(weak, e)["second"]["y"] == 1 for e in weak.equilibria)
    assert len(pbe.weak_only) == 1
    assert pbe.weak_only[0].equilibrium.outcomes == {"zq": 1}


OWN_TYPES_EFG = """EFG 2 R "own-types" { "Sender" "Receiver" }
""

c "root" 1 "s" { "s1" 1/2 "s2" 1/2 } 0
c "r|s1" 2 "r1" { "r1" 1/2 "r2" 1/2 } 0
p "r1" 1 1 "S_s1" { "q" "m" } 0
t "z1" 1 "s1r1_q" { 0, 0 }
p "s1" 2 1 "R_r1" { "x" "y" } 0
t "z2" 2 "s1r1_x" { -1, 1 }
t "z3" 3 "s1r1_y" { 2, 0 }
p "r2" 1 1 "S_s1" { "q" "m" } 0
t "z4" 4 "s1r2_q" { 0, 0 }
p "s1" 2 2 "R_r2" { "x" "y" } 0
t "z5" 5 "s1r2_x" { 2, 2 }
t "z6" 6 "s1r2_y" { -1, 0 }
c "r|s2" 3 "r2" { "r1" 1/2 "r2" 1/2 } 0
p "r1" 1 2 "S_s2" { "q" "m" } 0
t "z7" 7 "s2r1_q" { 0, 0 }
p "s2" 2 1 "R_r1" { "x" "y" } 0
t "z8" 8 "s2r1_x" { -1, -2 }
t "z9" 9 "s2r1_y" { 2, 0 }
p "r2" 1 2 "S_s2" { "q" "m" } 0
t "z10" 10 "s2r2_q" { 0, 0 }
p "s2" 2 2 "R_r2" { "x" "y" } 0
t "z11" 11 "s2r2_x" { 2, -1 }
t "z12" 12 "s2r2_y" { -1, 0 }
"""


@pytest.mark.parametrize("grouped", [False, True])
def test_beliefs_are_shared_by_the_holders_own_types(grouped):
    """_shared_belief_nodes("types") as a .efg file, the receiver's information sets labelled
    R_r1 / R_r2 (no belief group) or R|r1 / R|r2 (one group). FT: both of the receiver's
    types hold one belief (whatever the labels), so the unique equilibrium is pooling on m
    with r1 playing y and r2 x (derivation as for the chance move). Weak PBE with separate
    labels lets r1 believe Pr(s1) >= 2/3 and r2 <= 1/3 after m: pooling on q; with a belief
    group it cannot."""
    text = OWN_TYPES_EFG
    if grouped:
        text = text.replace('"R_r1"', '"R|r1"').replace('"R_r2"', '"R|r2"')
    game = load_efg_text(text, "own-types.efg")
    first, second = ("R|r1", "R|r2") if grouped else ("R_r1", "R_r2")
    pbe = solve(game)
    assert pbe.concept == "pbe" and pbe.complete
    [eq] = pbe.equilibria
    chosen = play(pbe, eq)
    assert chosen["S_s1"]["m"] == chosen["S_s2"]["m"] == 1
    assert (chosen[first]["y"], chosen[second]["x"]) == (1, 1)
    weak = solve(game, concept="weak")
    pooled_q = [e for e in weak.equilibria if play(weak, e)["S_s1"]["q"] == 1]
    assert bool(pooled_q) == (not grouped)


def test_the_second_movers_deviation_is_answered_with_one_belief():
    """receiver_dev.efg (test_cases): under FT the member of the pooling family where
    Player 1's type t1 plays y and t2 plays x needs both to be indifferent, so the one belief
    after b is exactly Pr(w1) = 1/2 in both of Player 1's information sets. Weak PBE (separate
    labels, no group) allows t1 any Pr(w1) <= 1/2 and t2 any >= 1/2."""
    from tests.solver.test_cases import RECEIVER_DEV

    game = load_efg_text(RECEIVER_DEV, "receiver_dev.efg")

    def member(result):
        [eq] = [e for e in result.equilibria if e.pure
                and play(result, e)["F_t1_b"]["y"] == 1 and play(result, e)["F_t2_b"]["x"] == 1]
        return eq

    def ranges(result, eq):
        found = []
        for label in ("F_t1_b", "F_t2_b"):
            beliefs = eq.off_path_beliefs[result.game.infoset_by_label[label].group]
            index = beliefs.keys.index("w1")
            found.append(sorted({v[index] for v in beliefs.vertices}))
        return found

    pbe = solve(game, all_pure=True)
    assert ranges(pbe, member(pbe)) == [[F(1, 2)], [F(1, 2)]]
    weak = solve(game, concept="weak", all_pure=True)
    assert ranges(weak, member(weak)) == [[0, F(1, 2)], [F(1, 2), 1]]


def test_belief_sets_list_each_end_point_once():
    from tests.solver.test_cases import RECEIVER_DEV

    result = solve(load_efg_text(RECEIVER_DEV, "receiver_dev.efg"), all_pure=True)
    for eq in result.equilibria:
        for beliefs in eq.off_path_beliefs.values():
            assert len(set(beliefs.vertices)) == len(beliefs.vertices), beliefs


# ======================================================================= Bayes after deviations
def _own_deviation_nodes():
    """Types T, W (1/2). a ends (1 to both). After b the sender picks c or d: T gets -5 from
    d and W -5 from c whatever follows, so after b T takes c and W d (an informative move).
    The receiver answers at (b, c) and (b, d) with x (1 against T) or y (1 against W); T gets
    2 from (c, x) and 0 from (c, y), W 2 from (d, y) and 0 from (d, x)."""
    return {"start": ("S", [("a", "za"), ("b", "second")]),
            "za": ("Z", (1, 0)),
            "second": ("S", [("c", "rc"), ("d", "rd")]),
            "rc": ("R", [("x", "zcx"), ("y", "zcy")]),
            "rd": ("R", [("x", "zdx"), ("y", "zdy")]),
            "zcx": ("Z", {"T": (2, 1), "W": (-5, 0)}),
            "zcy": ("Z", {"T": (0, 0), "W": (-5, 1)}),
            "zdx": ("Z", {"T": (-5, 1), "W": (0, 0)}),
            "zdy": ("Z", {"T": (-5, 0), "W": (2, 1)})}


def test_bayes_rule_after_the_senders_own_deviation():
    """_own_deviation_nodes. After b (even as a deviation) the belief mu' is free, then Bayes'
    rule from mu': if mu'(T) > 0 the belief at (b, c) is T, and if mu'(W) > 0 at (b, d) it
    is W; 'W at (b, c) and T at (b, d)' is impossible whatever mu'. Pooling on a needs both
    types to lose from b: T gets 2 when x at (b, c), W gets 2 when y at (b, d), so it needs
    y at (b, c) (belief W) and x at (b, d) (belief T): not FT, but a weak PBE.
    FT equilibria: both b (x at c, y at d: 2 each); T b, W a (after b only T: x at c, and
    W's 1 from a beats 0); W b, T a (symmetric). Three paths, and no mixing (a type mixing
    needs its reply to mix, which needs belief 1/2 where only one type arrives)."""
    pbe = _solve(_own_deviation_nodes())
    assert pbe.complete
    paths = {(play(pbe, eq)["start|T"]["b"], play(pbe, eq)["start|W"]["b"])
             for eq in pbe.equilibria}
    assert paths == {(1, 1), (1, 0), (0, 1)} and len(pbe.equilibria) == 3
    weak = _solve(_own_deviation_nodes(), "weak")
    pooled = [eq for eq in weak.equilibria if play(weak, eq)["start|T"]["a"] == 1
              and play(weak, eq)["start|W"]["a"] == 1]
    assert pooled
    assert all(play(weak, eq)["rc"]["y"] == 1 and play(weak, eq)["rd"]["x"] == 1
               for eq in pooled)
    assert any(item.equilibrium.outcomes == {"za": 1} for item in pbe.weak_only)


def _first_mover_nodes():
    """The receiver moves first: a ends (1 to it, 0 to the sender) or b lets the sender
    (T or W, 1/2 each) pick c or d; T gets 1 from c and 0 from d, W the reverse, whatever
    follows. The receiver then answers at (b, c) and (b, d) with x (3 against T, 0 against
    W) or y (0 against T, 3 against W)."""
    ends = {("c", "x"): {"T": (1, 3), "W": (0, 0)}, ("c", "y"): {"T": (1, 0), "W": (0, 3)},
            ("d", "x"): {"T": (0, 3), "W": (1, 0)}, ("d", "y"): {"T": (0, 0), "W": (1, 3)}}
    nodes = {"start": ("R", [("a", "za"), ("b", "inform")]), "za": ("Z", (0, 1)),
             "inform": ("S", [("c", "rc"), ("d", "rd")])}
    for move in "cd":
        nodes[f"r{move}"] = ("R", [("x", f"z{move}x"), ("y", f"z{move}y")])
        for reply in "xy":
            nodes[f"z{move}{reply}"] = ("Z", ends[(move, reply)])
    return nodes


def test_bayes_rule_after_the_first_movers_deviation():
    """_first_mover_nodes. FT: the receiver's own move b leaves its belief at the prior; T
    then takes c and W d (strictly), so Bayes' rule gives T at (b, c) (x) and W at (b, d)
    (y): b is worth 3 > 1, and the receiver takes b. Unique."""
    pbe = _solve(_first_mover_nodes())
    assert pbe.complete
    [eq] = pbe.equilibria
    chosen = play(pbe, eq)
    assert chosen["start"]["b"] == 1 and chosen["rc"]["x"] == 1 and chosen["rd"]["y"] == 1
    assert eq.payoffs[1] == 3


def test_weak_pbe_may_ignore_what_follows_the_first_movers_deviation():
    """_first_mover_nodes under weak PBE: after a (on the path) everything below b is off
    the path, so the beliefs W at (b, c) and T at (b, d) are allowed: y and x, and b is then
    worth 0 (T meets y, W meets x) < 1: the receiver takes a."""
    weak = _solve(_first_mover_nodes(), "weak")
    assert any(play(weak, eq)["start"]["a"] == 1 for eq in weak.equilibria)


# ================================================================ sequential equilibrium
def _rank(vectors: list[list[int]]) -> int:
    rows = [[F(x) for x in v] for v in vectors]
    rank = 0
    for col in range(len(rows[0]) if rows else 0):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][col] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for r in range(len(rows)):
            if r != rank and rows[r][col] != 0:
                factor = rows[r][col] / rows[rank][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[rank])]
        rank += 1
    return rank


class SequentialBruteForce:
    """Sequential equilibrium for pure profiles of tiny games (`build_spec` node tables) with
    a sender of two types, a receiver of one type, no chance moves, binary sender moves.

    Consistency: beliefs are limits of Bayes beliefs under totally mixed behaviour. Each move
    a type does not make gets probability c * eps^k (order k >= 1, coefficient c > 0). At a
    receiver information set, type t's node has weight prior(t) times the product over the
    sender's moves on its path (the receiver's own trembles weigh both nodes alike and
    cancel); the belief in the limit is on the type whose total order is lower, or, at equal
    orders, the ratio prior(T) C_T / (prior(W) C_W) of the coefficient products. The orders
    are enumerated (1..max_order); the ratios are positive reals free through the
    coefficients, with log-linear dependence: the check groups the information sets by
    their coefficient vectors and requires the distinct non-zero vectors to be linearly
    independent (then any ratios are reachable); if they are not, it raises rather than
    guess. The receiver's sequential rationality at an interior belief is an interval for
    the ratio.
    """

    def __init__(self, priors: dict[str, F], nodes: dict, root: str = "start",
                 max_order: int = 3) -> None:
        self.priors = priors
        self.types = tuple(priors)
        self.nodes = nodes
        self.max_order = max_order
        self.sender_sets = [(n, t) for n, (kind, _) in nodes.items() if kind == "S"
                            for t in self.types]
        self.receiver_sets = [n for n, (kind, _) in nodes.items() if kind == "R"]
        self.paths: dict[str, tuple] = {}
        stack = [(root, ())]
        while stack:
            node, path = stack.pop()
            self.paths[node] = path
            kind, body = nodes[node]
            if kind in ("S", "R"):
                stack.extend((to, (*path, (node, action))) for action, to in body)

    def _payoff(self, node: str, t: str, player: int) -> F:
        body = self.nodes[node][1]
        return F((body[t] if isinstance(body, dict) else body)[player])

    def value(self, node: str, t: str, player: int, profile: dict) -> F:
        while self.nodes[node][0] != "Z":
            kind, body = self.nodes[node]
            action = profile[("S", node, t)] if kind == "S" else profile[("R", node)]
            node = dict(body)[action]
        return self._payoff(node, t, player)

    def profiles(self):
        keys = [("S", n, t) for n, t in self.sender_sets] + [("R", n) for n in
                                                              self.receiver_sets]
        choices = [[a for a, _ in self.nodes[key[1]][1]] for key in keys]
        for combo in product(*choices):
            yield dict(zip(keys, combo))

    def is_sequential(self, profile: dict) -> bool:
        for node, t in self.sender_sets:   # the sender knows everything that matters to it
            values = {a: self.value(to, t, 0, profile) for a, to in self.nodes[node][1]}
            if values[profile[("S", node, t)]] < max(values.values()):
                return False
        high, low = self.types
        sets = []
        for node in self.receiver_sets:
            trembles = {t: [(m, t) for m, a in self.paths[node]
                            if self.nodes[m][0] == "S" and profile[("S", m, t)] != a]
                        for t in self.types}
            body = dict(self.nodes[node][1])
            chosen = body[profile[("R", node)]]
            gains = {t: {b: self.value(chosen, t, 1, profile) - self.value(to, t, 1, profile)
                         for b, to in body.items()} for t in self.types}
            sets.append((trembles, gains))
        prior_ratio = self.priors[high] / self.priors[low]
        for orders in product(range(1, self.max_order + 1), repeat=len(self.sender_sets)):
            order = dict(zip(self.sender_sets, orders))
            if self._consistent(order, sets, high, low, prior_ratio):
                return True
        return False

    @staticmethod
    def _consistent(order, sets, high, low, prior_ratio) -> bool:
        groups: dict[tuple, tuple[F | None, F | None]] = {}
        for trembles, gains in sets:
            k_high = sum(order[i] for i in trembles[high])
            k_low = sum(order[i] for i in trembles[low])
            if k_high != k_low:   # the belief is on the type with the lower order
                believed = high if k_high < k_low else low
                if any(g < 0 for g in gains[believed].values()):
                    return False
                continue
            low_bound = high_bound = None   # on the ratio r = w_high / w_low > 0
            for b in gains[high]:
                g_high, g_low = gains[high][b], gains[low][b]   # need r g_high + g_low >= 0
                if g_high > 0:
                    bound = -g_low / g_high
                    low_bound = bound if low_bound is None else max(low_bound, bound)
                elif g_high < 0:
                    bound = g_low / -g_high
                    high_bound = bound if high_bound is None else min(high_bound, bound)
                elif g_low < 0:
                    return False
            vector = tuple(sorted([(i, 1) for i in trembles[high]]
                                  + [(i, -1) for i in trembles[low]]))
            old_low, old_high = groups.get(vector, (None, None))
            if old_low is not None:
                low_bound = old_low if low_bound is None else max(low_bound, old_low)
            if old_high is not None:
                high_bound = old_high if high_bound is None else min(high_bound, old_high)
            groups[vector] = (low_bound, high_bound)
        free = []
        for vector, (low_bound, high_bound) in groups.items():
            if high_bound is not None and (high_bound <= 0 or (
                    low_bound is not None and low_bound > high_bound)):
                return False
            if not vector:   # no tremble on either path: the ratio is the prior's
                if (low_bound is not None and prior_ratio < low_bound) or (
                        high_bound is not None and prior_ratio > high_bound):
                    return False
            else:
                free.append(vector)
        ids = sorted({i for vector in free for i, _ in vector})
        rows = [[dict(vector).get(i, 0) for i in ids] for vector in free]
        if _rank(rows) < len(rows):
            raise RuntimeError("dependent coefficient vectors: this brute force cannot decide")
        return True

    def sequential_profiles(self) -> set[tuple]:
        return {tuple(sorted(p.items())) for p in self.profiles() if self.is_sequential(p)}


def _solver_profiles(priors, nodes, concept: str = "pbe") -> set[tuple]:
    game = expand_game(build_spec(priors, None, nodes))
    result = solve(game, all_pure=True, mixed=False, refine=False, concept=concept)
    assert len(result.equilibria) < 400
    return {_profile_key(game, eq) for eq in result.equilibria if eq.pure}


def _resurrection_after_a_surprise():
    """T (1/2) takes a (3 to T, 0 to W) or b; after b the sender picks c (T 0, W 1) or d,
    answered by x (2 to either type; 1 to the receiver against W) or y (0 to either; 1 to the
    receiver against T)."""
    return {"start": ("S", [("a", "za"), ("b", "second")]),
            "za": ("Z", {"T": (3, 0), "W": (0, 0)}),
            "second": ("S", [("c", "zc"), ("d", "reply")]),
            "zc": ("Z", {"T": (0, 0), "W": (1, 0)}),
            "reply": ("R", [("x", "zx"), ("y", "zy")]),
            "zx": ("Z", {"T": (2, 0), "W": (2, 1)}),
            "zy": ("Z", {"T": (0, 1), "W": (0, 0)})}


RESURRECTED = (("R", "reply"), "y"), (("S", "second", "T"), "c"), (
    ("S", "second", "W"), "c"), (("S", "start", "T"), "a"), (("S", "start", "W"), "b")


def test_a_sequential_equilibrium_that_believes_a_ruled_out_type_after_a_surprise():
    """_resurrection_after_a_surprise: T takes a, W takes b then c, the receiver answers d
    with y. Trembles: T takes b w.p. eps, W takes d w.p. eps^2: at (b, d) T's weight eps
    (times 1/2) beats W's eps^2, so the consistent belief is T, and y is a best reply (W gets
    1 from c > 0 from d with y; T's 3 from a beats 0). A sequential equilibrium, and a
    Fudenberg-Tirole PBE (after b the belief is W; d is a move W does not make, so Bayes'
    rule does not apply and the belief is free)."""
    brute = SequentialBruteForce(HALF, _resurrection_after_a_surprise())
    profile = dict(RESURRECTED)
    assert brute.is_sequential(profile)
    assert not brute.is_sequential({**profile, ("R", "reply"): "x"})   # then W takes d: 2 > 1
    assert RESURRECTED in brute.sequential_profiles()


def test_the_solver_lists_the_sequential_equilibrium_after_a_surprise():
    assert RESURRECTED in _solver_profiles(HALF, _resurrection_after_a_surprise())


def _random_nodes(draw, with_middle: bool):
    """Tiny two-stage games: the sender (T, W) takes a (answered by x or y) or b; with
    `with_middle` the receiver then ends it (u) or lets the sender go on (v); the sender
    picks c or d, each answered by x or y. Payoffs in [-2, 2] for both players."""
    def end():
        return {t: (draw(st.integers(-2, 2)), draw(st.integers(-2, 2))) for t in "TW"}

    nodes = {"start": ("S", [("a", "ra"), ("b", "ask" if with_middle else "second")]),
             "ra": ("R", [("x", "zax"), ("y", "zay")]), "zax": ("Z", end()),
             "zay": ("Z", end()),
             "second": ("S", [("c", "rc"), ("d", "rd")]),
             "rc": ("R", [("x", "zcx"), ("y", "zcy")]), "zcx": ("Z", end()),
             "zcy": ("Z", end()),
             "rd": ("R", [("x", "zdx"), ("y", "zdy")]), "zdx": ("Z", end()),
             "zdy": ("Z", end())}
    if with_middle:
        nodes["ask"] = ("R", [("u", "zu"), ("v", "second")])
        nodes["zu"] = ("Z", end())
    return nodes


@st.composite
def tiny_two_stage_games(draw):
    prior = draw(st.sampled_from([F(1, 3), F(1, 2), F(2, 3)]))
    return {"T": prior, "W": 1 - prior}, _random_nodes(draw, draw(st.booleans()))


@settings(max_examples=30, deadline=None)
@given(tiny_two_stage_games())
def test_every_pbe_the_solver_lists_is_sequential(game):
    """Every pure profile the solver lists as a (Fudenberg-Tirole) PBE is a sequential
    equilibrium by the brute force, and every sequential equilibrium is among the solver's
    weak PBE (consistent beliefs follow Bayes' rule on the path, and also after a player's
    own deviation, which the solver's weak PBE requires)."""
    priors, nodes = game
    sequential = SequentialBruteForce(priors, nodes).sequential_profiles()
    assert _solver_profiles(priors, nodes) <= sequential
    assert sequential <= _solver_profiles(priors, nodes, concept="weak")


@settings(max_examples=30, deadline=None)
@given(tiny_two_stage_games())
@example((HALF, _resurrection_after_a_surprise()))
def test_fudenberg_tirole_pbe_is_sequential_equilibrium_for_two_types(game):
    """For two types (or two stages) Fudenberg and Tirole (1991) show that their PBE and
    sequential equilibrium coincide: the solver's pure PBE must be exactly the brute force's
    sequential equilibria."""
    priors, nodes = game
    assert _solver_profiles(priors, nodes) == SequentialBruteForce(
        priors, nodes).sequential_profiles()


def test_the_brute_force_order_bound_is_enough():
    """Raising the largest tremble order from 3 to 4 changes no answer (every path has at
    most two of the sender's moves), on the games above and a few fixed random ones."""
    import random

    rng = random.Random(14)

    class Draw:
        def __call__(self, strategy):
            return rng.randint(-2, 2)

    games = [(HALF, _resurrection_after_a_surprise()), (HALF, _own_deviation_nodes()),
             (HALF, _resurrection_nodes())]
    games += [({"T": F(1, 3), "W": F(2, 3)}, _random_nodes(Draw(), k % 2 == 0))
              for k in range(4)]
    for priors, nodes in games:
        three = SequentialBruteForce(priors, nodes, max_order=3).sequential_profiles()
        four = SequentialBruteForce(priors, nodes, max_order=4).sequential_profiles()
        assert three == four


# ================================================================ weak PBE contains PBE
def _pure_sets(game):
    pbe = solve(game, all_pure=True, mixed=False, refine=False)
    weak = solve(game, concept="weak", all_pure=True, mixed=False, refine=False)
    assert pbe.concept == "pbe" and weak.concept == "weak"
    cut = len(pbe.equilibria) >= 400 or len(weak.equilibria) >= 400
    return pbe, weak, cut


@settings(max_examples=30, deadline=None)
@given(tiny_two_stage_games())
def test_every_fudenberg_tirole_pbe_is_a_weak_pbe(game):
    """FT beliefs are one admissible choice of weak-PBE beliefs (Bayes' rule on the path
    holds in both), so every pure FT PBE is a weak PBE, and every FT path is a weak path."""
    priors, nodes = game
    pbe, weak, cut = _pure_sets(expand_game(build_spec(priors, None, nodes)))
    assert not cut
    assert {_profile_key(pbe.game, eq) for eq in pbe.equilibria if eq.pure} <= {
        _profile_key(weak.game, eq) for eq in weak.equilibria if eq.pure}
    assert _paths(pbe) <= _paths(weak)


@settings(max_examples=25, deadline=None)
@given(signalling_specs(max_types=2, max_messages=2, max_responses=2, max_finals=2,
                        two_sided=True, max_payoff=2))
def test_every_fudenberg_tirole_pbe_is_a_weak_pbe_with_two_sided_types(spec):
    """The same on the project's random signalling games (the sender may move again after
    the reply; the receiver may have two types)."""
    game = expand_game(spec)
    pbe, weak, cut = _pure_sets(game)
    if cut:
        return   # a listing cut short at 400 cannot be compared
    assert {_profile_key(game, eq) for eq in pbe.equilibria if eq.pure} <= {
        _profile_key(game, eq) for eq in weak.equilibria if eq.pure}
    assert _paths(pbe) <= _paths(weak)


def _crashing_spec():
    """A small two-stage signalling game with two-sided types (tests/games signalling_spec):
    sender types s0, s1 and receiver types r0, r1 (1/2 each), messages m0, m1, replies r0,
    r1, then the sender's final move f0 or f1. Every payoff is 0 except five that are 1:
    the sender s0 against r0 at z0_0_0, s1 against r0 at z0_1_1 and z1_1_1; the receiver r0
    against s0 at z0_1_0 and z1_1_1 (z<message>_<reply>_<final>)."""
    from tests.games import signalling_spec

    ones = {("z0_0_0", 0, "s0", "r0"), ("z0_1_0", 1, "r0", "s0"), ("z0_1_1", 0, "s1", "r0"),
            ("z1_1_1", 0, "s1", "r0"), ("z1_1_1", 1, "r0", "s0")}
    return signalling_spec([F(1, 2), F(1, 2)], 2, 2,
                           lambda node, player, own, other: int((node, player, own, other)
                                                                in ones),
                           finals=2, receiver_priors=[F(1, 2), F(1, 2)])


@pytest.mark.parametrize("concept", ["pbe", "weak"])
def test_a_two_stage_game_with_two_sided_types_solves(concept):
    """A finite game has an equilibrium: solve() must list some, or say it is incomplete,
    never raise. (The budget is generous so that the search reaches the failing branch
    whatever the machine's load; it does so within about a second.)"""
    result = solve(expand_game(_crashing_spec()), concept=concept, seconds=3)
    assert result.equilibria or not result.complete
