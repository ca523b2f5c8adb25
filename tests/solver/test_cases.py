"""Games nobody on the team designed, with answers derived by hand from the definitions.

The first part holds the regression cases reviewers found wrong (copied from
`../shared/cases/solver/` so the suite stands alone; a test checks the copies against the
originals where they are present). The second part holds games designed for this review:
ties, chance between a message and its reply, two-sided types, a type with prior 0, and a
three-type education game with several levels.

Each test's docstring derives its answer: which equilibria exist (kinds, paths, key
probabilities) and their Intuitive Criterion (IC) and D1 verdicts. Conventions: "u*(t)" is a
type's equilibrium payoff, "J" the types for which the unexpected move is equilibrium-dominated,
"D(t)" / "D0(t)" the mixed best replies that make t strictly better off / exactly as well off.
"""

from __future__ import annotations

from fractions import Fraction as F
from functools import lru_cache
from pathlib import Path

import pytest

from game.model.expand import expand_game
from game.scenario.efg import game_to_efg, load_efg, load_efg_text
from game.scenario.load import load_scenario_text
from game.solver.solve import solve
from tests.solver.helpers import outcome, play, solve_scenario
from tests.solver.oracle import build_spec

SHARED = Path(__file__).parents[3] / "shared" / "cases" / "solver"

# ============================================================ the reviewers' cases, verbatim
BQ = """EFG 2 R "beer-quiche" { "Sender" "Receiver" }
""

c "type #1" 1 "type#1" { "weak" 1/10 "strong" 9/10 } 0
p "x #2" 1 1 "S_weak" { "beer" "quiche" } 0
p "weak #3" 2 1 "R_beer" { "duel" "not" } 0
t "z1" 1 "weak_beer_duel" { 0, 1 }
t "z2" 2 "weak_beer_not" { 2, 0 }
p "weak #6" 2 2 "R_quiche" { "duel" "not" } 0
t "z3" 3 "weak_quiche_duel" { 1, 1 }
t "z4" 4 "weak_quiche_not" { 3, 0 }
p "x #9" 1 2 "S_strong" { "beer" "quiche" } 0
p "strong #10" 2 1 "R_beer" { "duel" "not" } 0
t "z5" 5 "strong_beer_duel" { 1, -1 }
t "z6" 6 "strong_beer_not" { 3, 0 }
p "strong #13" 2 2 "R_quiche" { "duel" "not" } 0
t "z7" 7 "strong_quiche_duel" { 0, -1 }
t "z8" 8 "strong_quiche_not" { 2, 0 }
"""

BQ_CHANCE = """EFG 2 R "beer-quiche-chance" { "Sender" "Receiver" }
""

c "type #1" 1 "type#1" { "weak" 1/10 "strong" 9/10 } 0
p "x #2" 1 1 "S_weak" { "beer" "quiche" } 0
c "show #3" 2 "show#2" { "bully" 1/2 "away" 1/2 } 0
p "weak #4" 2 1 "R_beer" { "duel" "not" } 0
t "z1" 1 "weak_beer_duel" { 0, 1 }
t "z2" 2 "weak_beer_not" { 2, 0 }
t "z3" 3 "weak_beer_away" { 2, 0 }
c "show #8" 3 "show#3" { "bully" 1/2 "away" 1/2 } 0
p "weak #9" 2 2 "R_quiche" { "duel" "not" } 0
t "z4" 4 "weak_quiche_duel" { 1, 1 }
t "z5" 5 "weak_quiche_not" { 3, 0 }
t "z6" 6 "weak_quiche_away" { 3, 0 }
p "x #13" 1 2 "S_strong" { "beer" "quiche" } 0
c "show #14" 4 "show#4" { "bully" 1/2 "away" 1/2 } 0
p "strong #15" 2 1 "R_beer" { "duel" "not" } 0
t "z7" 7 "strong_beer_duel" { 1, -1 }
t "z8" 8 "strong_beer_not" { 3, 0 }
t "z9" 9 "strong_beer_away" { 3, 0 }
c "show #19" 5 "show#5" { "bully" 1/2 "away" 1/2 } 0
p "strong #20" 2 2 "R_quiche" { "duel" "not" } 0
t "z10" 10 "strong_quiche_duel" { 0, -1 }
t "z11" 11 "strong_quiche_not" { 2, 0 }
t "z12" 12 "strong_quiche_away" { 2, 0 }
"""

BQ_CHANCE_YAML = """# Beer-quiche (Cho & Kreps 1987) with a public chance node between the breakfast and the
# bully's decision: the bully turns up with probability 1/2 (otherwise there is no duel).
format: deterrence-scenario/1
id: bq-chance
title: Breakfast with a bully who may not turn up
summary: >
  Beer-quiche where the bully only turns up half the time. Pooling on quiche should fail the
  Intuitive Criterion exactly as in the original.
concepts: [costly-signalling]
difficulty: advanced
minutes: 10
players:
  - id: sender
    name: Player A
    role: Chooses a breakfast.
    types:
      - {id: weak, name: Weak, prior: 1/10, description: You prefer quiche.}
      - {id: strong, name: Strong, prior: 9/10, description: You prefer beer.}
  - id: bully
    name: Player B
    role: Decides whether to duel.
root: breakfast
nodes:
  - id: breakfast
    kind: decision
    player: sender
    title: Breakfast
    text: Choose a breakfast.
    moves:
      - {action: beer, label: Beer, to: show_beer}
      - {action: quiche, label: Quiche, to: show_quiche}
  - {id: show_beer, kind: chance, title: "Does B turn up?", text: "B turns up with probability 1/2.",
     moves: [{action: turns_up, label: B turns up, prob: 1/2, to: duel_beer}, {action: away, label: B stays away, prob: 1/2, to: beer_away}]}
  - {id: show_quiche, kind: chance, title: "Does B turn up?", text: "B turns up with probability 1/2.",
     moves: [{action: turns_up, label: B turns up, prob: 1/2, to: duel_quiche}, {action: away, label: B stays away, prob: 1/2, to: quiche_away}]}
  - {id: duel_beer, kind: decision, player: bully, title: Beer, text: "A had beer.",
     moves: [{action: duel, label: Duel, to: beer_duel}, {action: no_duel, label: Do not duel, to: beer_no}]}
  - {id: duel_quiche, kind: decision, player: bully, title: Quiche, text: "A had quiche.",
     moves: [{action: duel, label: Duel, to: quiche_duel}, {action: no_duel, label: Do not duel, to: quiche_no}]}
  - {id: beer_duel, kind: terminal, outcome: Duel after beer, payoffs: {sender: {weak: 0, strong: 1}, bully: {all: {weak: 1, strong: -1}}}}
  - {id: beer_no, kind: terminal, outcome: No duel after beer, payoffs: {sender: {weak: 2, strong: 3}, bully: 0}}
  - {id: beer_away, kind: terminal, outcome: B away after beer, payoffs: {sender: {weak: 2, strong: 3}, bully: 0}}
  - {id: quiche_duel, kind: terminal, outcome: Duel after quiche, payoffs: {sender: {weak: 1, strong: 0}, bully: {all: {weak: 1, strong: -1}}}}
  - {id: quiche_no, kind: terminal, outcome: No duel after quiche, payoffs: {sender: {weak: 3, strong: 2}, bully: 0}}
  - {id: quiche_away, kind: terminal, outcome: B away after quiche, payoffs: {sender: {weak: 3, strong: 2}, bully: 0}}
"""

DETER_ROOT = """EFG 2 R "deterrence" { "Defender" "Challenger" }
""

c "dtype #1" 1 "dtype#1" { "R" 2/5 "I" 3/5 } 0
c "ctype #2" 2 "ctype#2" { "strong" 1/2 "weak" 1/2 } 0
p "strong #3" 1 1 "S_R" { "arm" "quiet" } 0
p "R #4" 2 1 "C_arm_strong" { "challenge" "not" } 0
t "z1" 1 "R_strong_arm_war" { 0, 1 }
t "z2" 2 "R_strong_arm_peace" { 3, 0 }
p "R #7" 2 2 "C_quiet_strong" { "challenge" "not" } 0
t "z3" 3 "R_strong_quiet_war" { 1, 1 }
t "z4" 4 "R_strong_quiet_peace" { 4, 0 }
p "weak #10" 1 1 "S_R" { "arm" "quiet" } 0
p "R #11" 2 3 "C_arm_weak" { "challenge" "not" } 0
t "z5" 5 "R_weak_arm_war" { 0, -2 }
t "z6" 6 "R_weak_arm_peace" { 3, 0 }
p "R #14" 2 4 "C_quiet_weak" { "challenge" "not" } 0
t "z7" 7 "R_weak_quiet_war" { 1, -2 }
t "z8" 8 "R_weak_quiet_peace" { 4, 0 }
c "ctype #17" 3 "ctype#3" { "strong" 1/2 "weak" 1/2 } 0
p "strong #18" 1 2 "S_I" { "arm" "quiet" } 0
p "I #19" 2 1 "C_arm_strong" { "challenge" "not" } 0
t "z9" 9 "I_strong_arm_down" { -3, 2 }
t "z10" 10 "I_strong_arm_peace" { 1, 0 }
p "I #22" 2 2 "C_quiet_strong" { "challenge" "not" } 0
t "z11" 11 "I_strong_quiet_down" { 0, 2 }
t "z12" 12 "I_strong_quiet_peace" { 4, 0 }
p "weak #25" 1 2 "S_I" { "arm" "quiet" } 0
p "I #26" 2 3 "C_arm_weak" { "challenge" "not" } 0
t "z13" 13 "I_weak_arm_down" { -3, 2 }
t "z14" 14 "I_weak_arm_peace" { 1, 0 }
p "I #29" 2 4 "C_quiet_weak" { "challenge" "not" } 0
t "z15" 15 "I_weak_quiet_down" { 0, 2 }
t "z16" 16 "I_weak_quiet_peace" { 4, 0 }
"""

DETER_AFTER = """EFG 2 R "deterrence" { "Defender" "Challenger" }
""

c "dtype #1" 1 "dtype#1" { "R" 2/5 "I" 3/5 } 0
p "x #2" 1 1 "S_R" { "arm" "quiet" } 0
c "ctype #3" 2 "ctype#2" { "strong" 1/2 "weak" 1/2 } 0
p "R #4" 2 1 "C_arm_strong" { "challenge" "not" } 0
t "z1" 1 "R_strong_arm_war" { 0, 1 }
t "z2" 2 "R_strong_arm_peace" { 3, 0 }
p "R #7" 2 2 "C_arm_weak" { "challenge" "not" } 0
t "z3" 3 "R_weak_arm_war" { 0, -2 }
t "z4" 4 "R_weak_arm_peace" { 3, 0 }
c "ctype #10" 3 "ctype#3" { "strong" 1/2 "weak" 1/2 } 0
p "R #11" 2 3 "C_quiet_strong" { "challenge" "not" } 0
t "z5" 5 "R_strong_quiet_war" { 1, 1 }
t "z6" 6 "R_strong_quiet_peace" { 4, 0 }
p "R #14" 2 4 "C_quiet_weak" { "challenge" "not" } 0
t "z7" 7 "R_weak_quiet_war" { 1, -2 }
t "z8" 8 "R_weak_quiet_peace" { 4, 0 }
p "x #17" 1 2 "S_I" { "arm" "quiet" } 0
c "ctype #18" 4 "ctype#4" { "strong" 1/2 "weak" 1/2 } 0
p "I #19" 2 1 "C_arm_strong" { "challenge" "not" } 0
t "z9" 9 "I_strong_arm_down" { -3, 2 }
t "z10" 10 "I_strong_arm_peace" { 1, 0 }
p "I #22" 2 2 "C_arm_weak" { "challenge" "not" } 0
t "z11" 11 "I_weak_arm_down" { -3, 2 }
t "z12" 12 "I_weak_arm_peace" { 1, 0 }
c "ctype #25" 5 "ctype#5" { "strong" 1/2 "weak" 1/2 } 0
p "I #26" 2 3 "C_quiet_strong" { "challenge" "not" } 0
t "z13" 13 "I_strong_quiet_down" { 0, 2 }
t "z14" 14 "I_strong_quiet_peace" { 4, 0 }
p "I #29" 2 4 "C_quiet_weak" { "challenge" "not" } 0
t "z15" 15 "I_weak_quiet_down" { 0, 2 }
t "z16" 16 "I_weak_quiet_peace" { 4, 0 }
"""

RECEIVER_DEV = """EFG 2 R "receiver-deviation" { "Sender" "Receiver" }
""

c "t #1" 1 "t#1" { "t1" 1/2 "t2" 1/2 } 0
c "w #2" 2 "w#2" { "w1" 1/2 "w2" 1/2 } 0
p "t1 #3" 2 1 "R_w1" { "a" "b" } 0
t "z1" 1 "t1_w1_a" { 0, 2 }
p "w1 #5" 1 1 "F_t1_b" { "x" "y" } 0
t "z2" 2 "t1_w1_b_x" { 1, 6 }
t "z3" 3 "t1_w1_b_y" { 0, 0 }
p "t1 #8" 2 2 "R_w2" { "a" "b" } 0
t "z4" 4 "t1_w2_a" { 0, 2 }
p "w2 #10" 1 1 "F_t1_b" { "x" "y" } 0
t "z5" 5 "t1_w2_b_x" { 0, 0 }
t "z6" 6 "t1_w2_b_y" { 1, 3 }
c "w #13" 3 "w#3" { "w1" 1/2 "w2" 1/2 } 0
p "t2 #14" 2 1 "R_w1" { "a" "b" } 0
t "z7" 7 "t2_w1_a" { 0, 2 }
p "w1 #16" 1 2 "F_t2_b" { "x" "y" } 0
t "z8" 8 "t2_w1_b_x" { 1, 2 }
t "z9" 9 "t2_w1_b_y" { 0, 0 }
p "t2 #19" 2 2 "R_w2" { "a" "b" } 0
t "z10" 10 "t2_w2_a" { 0, 2 }
p "w2 #21" 1 2 "F_t2_b" { "x" "y" } 0
t "z11" 11 "t2_w2_b_x" { 0, 0 }
t "z12" 12 "t2_w2_b_y" { 1, 0 }
"""

RECEIVER_DEV_GROUPED = RECEIVER_DEV.replace('"F_t1_b"', '"F_b|t1"').replace('"F_t2_b"', '"F_b|t2"')

D1_HULL = """EFG 2 R "d1-hull" { "Sender" "Receiver" }
""

c "type #1" 1 "type#1" { "A" 1/2 "B" 1/2 } 0
p "x #2" 1 1 "S_A" { "m1" "m2" } 0
p "A #3" 2 1 "R_m1" { "r1" "r2" "r3" } 0
t "z1" 1 "A_m1_r1" { 3, 1 }
t "z2" 2 "A_m1_r2" { 0, 0 }
t "z3" 3 "A_m1_r3" { 0, 0 }
p "A #7" 2 2 "R_m2" { "r1" "r2" "r3" } 0
t "z4" 4 "A_m2_r1" { 2, 2 }
t "z5" 5 "A_m2_r2" { 2, 1 }
t "z6" 6 "A_m2_r3" { 4, -2 }
p "x #11" 1 2 "S_B" { "m1" "m2" } 0
p "B #12" 2 1 "R_m1" { "r1" "r2" "r3" } 0
t "z7" 7 "B_m1_r1" { 3, 1 }
t "z8" 8 "B_m1_r2" { 0, 0 }
t "z9" 9 "B_m1_r3" { 0, 0 }
p "B #16" 2 2 "R_m2" { "r1" "r2" "r3" } 0
t "z10" 10 "B_m2_r1" { 0, -2 }
t "z11" 11 "B_m2_r2" { 3, 1 }
t "z12" 12 "B_m2_r3" { 4, 2 }
"""

OFFPATH_MIX = """EFG 2 R "offpath-mix" { "Sender" "Receiver" }
""

c "type #1" 1 "type#1" { "t1" 1/2 "t2" 1/2 } 0
p "x #2" 1 1 "S_t1" { "m1" "m2" } 0
p "t1 #3" 2 1 "R_m1" { "r1" "r2" } 0
t "z1" 1 "t1_m1_r1" { 3, 1 }
t "z2" 2 "t1_m1_r2" { 0, 0 }
p "t1 #6" 2 2 "R_m2" { "r1" "r2" } 0
t "z3" 3 "t1_m2_r1" { 6, 1 }
t "z4" 4 "t1_m2_r2" { 0, 0 }
p "x #9" 1 2 "S_t2" { "m1" "m2" } 0
p "t2 #10" 2 1 "R_m1" { "r1" "r2" } 0
t "z5" 5 "t2_m1_r1" { 3, 1 }
t "z6" 6 "t2_m1_r2" { 0, 0 }
p "t2 #13" 2 2 "R_m2" { "r1" "r2" } 0
t "z7" 7 "t2_m2_r1" { 0, 0 }
t "z8" 8 "t2_m2_r2" { 6, 1 }
"""

EFG_CASES = {"bq.efg": BQ, "bq_chance.efg": BQ_CHANCE, "deter_root.efg": DETER_ROOT,
             "deter_after.efg": DETER_AFTER, "receiver_dev.efg": RECEIVER_DEV,
             "receiver_dev_grouped.efg": RECEIVER_DEV_GROUPED, "d1_hull.efg": D1_HULL,
             "offpath_mix.efg": OFFPATH_MIX}


@lru_cache(maxsize=32)
def _solve_efg(name: str, concept: str = "pbe", all_pure: bool = False):
    return solve(load_efg_text(EFG_CASES[name], name), concept=concept, all_pure=all_pure,
                 qre_seconds=30)


def _by_kind(result) -> dict:
    found: dict = {}
    for eq in result.equilibria:
        found.setdefault(eq.kind, []).append(eq)
    return found


def _verdicts(eq) -> tuple[bool | None, bool | None]:
    return eq.intuitive.passed, eq.d1.passed


def _path(result, eq) -> tuple:
    """The play on the equilibrium path (information set label -> probabilities)."""
    return tuple(sorted((i.label, eq.behaviour[i.id]) for i in result.game.infosets
                        if eq.on_path[i.id]))


def _belief_range(eq, result, infoset_label: str, key: str) -> tuple[F, F]:
    """The range of one key's probability over the supporting off-path beliefs."""
    infoset = result.game.infoset_by_label[infoset_label]
    beliefs = eq.off_path_beliefs[infoset.group]
    index = beliefs.keys.index(key)
    values = [v[index] for v in beliefs.vertices]
    return min(values), max(values)


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared review cases are not on this machine")
@pytest.mark.parametrize("name", sorted(EFG_CASES))
def test_the_embedded_copies_are_the_shared_cases(name):
    """The games below are the reviewers' files, unchanged (compared as parsed games)."""
    original = load_efg(SHARED / name)
    assert game_to_efg(original) == game_to_efg(load_efg_text(EFG_CASES[name], name))


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared review cases are not on this machine")
def test_the_embedded_scenario_is_the_shared_one():
    assert (SHARED / "bq-chance.yaml").read_text() == BQ_CHANCE_YAML


# ------------------------------------------------------------------------------ beer-quiche
def test_beer_quiche_two_poolings_and_their_verdicts():
    """bq.efg (Cho-Kreps 1987, Pr(weak) = 1/10).

    The receiver duels iff Pr(weak) >= 1/2. No separating profile survives (after the weak
    type's message the receiver duels, and weak would mimic strong: 2 > 1), and with the
    prior 9/10 on strong no hybrid does either. Two pooling families:
    - beer: no duel after beer (posterior = prior); after quiche the duel probability d must
      keep weak at 2 >= 3 - 2d, so d >= 1/2, which needs Pr(weak | quiche) >= 1/2.
      Payoffs: strong 3, weak 2, receiver 0 (here "not" is worth 0 to it).
    - quiche: no duel after quiche; after beer d >= 1/2 (strong: 2 >= 3 - 2d).
    IC, pooling on quiche: weak's u* = 3 beats its best from beer (2): J = {weak}; with the
    belief on strong the receiver does not duel and strong gets 3 > 2: fails. D1 fails too:
    D(weak) and D0(weak) are empty, so weak is deleted, and duelling is no best reply to
    strong. Pooling on beer: strong is dominated after quiche (2 < 3), weak's best reply is
    the duel, where it gets 1 + ... = 2, not more than u* = 2: IC passes; D1 deletes strong
    and the duel is a best reply to weak: passes.
    """
    result = _solve_efg("bq.efg")
    assert result.complete and result.concept == "pbe"
    kinds = _by_kind(result)
    assert set(kinds) == {"pooling on beer", "pooling on quiche"}
    [beer], [quiche] = kinds["pooling on beer"], kinds["pooling on quiche"]
    assert _verdicts(beer) == (True, True)
    assert _verdicts(quiche) == (False, False)
    assert "2, is below what it gets in equilibrium, 3" in quiche.intuitive.reason
    assert beer.type_payoffs[(0, "strong")] == 3 and beer.type_payoffs[(0, "weak")] == 2
    assert quiche.type_payoffs[(0, "strong")] == 2 and quiche.type_payoffs[(0, "weak")] == 3
    assert beer.payoffs[1] == quiche.payoffs[1] == 0   # no duel on the path
    assert play(result, beer)["R_quiche"]["duel"] >= F(1, 2)
    assert _belief_range(beer, result, "R_quiche", "weak")[0] == F(1, 2)
    assert _belief_range(quiche, result, "R_beer", "weak")[0] == F(1, 2)


def test_beer_quiche_with_a_bully_who_may_not_turn_up():
    """bq_chance.efg: a public chance move (bully turns up, 1/2) between breakfast and duel.

    Halving the duel's weight changes the equilibrium set but not the pooling verdicts.
    With d_b, d_q the duel probabilities after beer and quiche: weak gets 2 - d_b from beer
    and 3 - d_q from quiche; strong 3 - d_b and 2 - d_q.
    - Pooling on quiche: strong needs 3 - d_b <= 2, so d_b = 1 (belief Pr(weak) >= 1/2).
      IC: weak's best from beer is 2 < u* = 3, so J = {weak}; believing strong the bully does
      not duel and strong gets 3 > 2: fails. D1: weak deleted (D, D0 empty), the duel is no
      best reply to strong: fails.
    - Pooling on beer: weak needs 3 - d_q <= 2, so d_q = 1. IC: strong is dominated after
      quiche (2 < 3); the duel (the best reply to weak) gives weak 1/2 + 3/2 = 2, not > 2:
      passes. D1: strong deleted, duelling is a best reply to weak: passes.
    - Weak indifferent (2 - d_b = 3 - d_q) needs d_q = 1, d_b = 0: strong drinks beer, weak
      drinks beer with any probability beta in [0, 1] (posterior after beer <= 1/10, no
      duel; after quiche only weak, duel). beta = 0 is the separating equilibrium (weak
      indifferent: 2 = 2), beta = 1 pooling on beer: one continuum.
    - Strong indifferent needs d_b = 1 and d_q = 0, with weak then strictly on quiche, which
      makes the posterior after beer 0: impossible. So nothing else.
    """
    result = _solve_efg("bq_chance.efg")
    assert result.complete
    kinds = _by_kind(result)
    assert set(kinds) == {"pooling on beer", "pooling on quiche", "separating",
                          "semi-separating"}
    [beer], [quiche], [separating] = (kinds["pooling on beer"], kinds["pooling on quiche"],
                                      kinds["separating"])
    assert _verdicts(beer) == (True, True)
    assert _verdicts(quiche) == (False, False)
    assert _verdicts(separating) == (True, True)
    assert play(result, quiche)["R_beer"]["duel"] == 1
    assert play(result, beer)["R_quiche"]["duel"] == 1
    assert play(result, separating)["S_weak"]["quiche"] == 1
    assert separating.type_payoffs[(0, "weak")] == 2
    assert separating.type_payoffs[(0, "strong")] == 3
    for eq in kinds["semi-separating"]:
        assert play(result, eq)["S_strong"]["beer"] == 1
        assert play(result, eq)["R_beer"]["not"] == 1
        assert play(result, eq)["R_quiche"]["duel"] == 1
        assert eq.continuum is not None
        weak_set = result.game.infoset_by_label["S_weak"].id
        assert eq.continuum.ranges[weak_set][0] == (0, 1)   # beer with any probability


def test_the_scenario_with_the_bully_gives_the_same_verdicts():
    """bq-chance.yaml is bq_chance.efg as a scenario: the same kinds, and per kind the same
    IC and D1 verdicts (derived in the test above)."""
    spec = load_scenario_text(BQ_CHANCE_YAML, "bq-chance.yaml")
    result = solve(expand_game(spec, {}))
    assert result.complete and result.concept == "pbe"

    def table(res):
        return {kind: {_verdicts(eq) for eq in eqs} for kind, eqs in _by_kind(res).items()}

    assert table(result) == table(_solve_efg("bq_chance.efg"))
    assert table(result)["pooling on quiche"] == {(False, False)}
    assert table(result)["pooling on beer"] == {(True, True)}


# ------------------------------------------------------------------------------ deterrence
@pytest.mark.parametrize("name", ["deter_root.efg", "deter_after.efg"])
def test_deterrence_signal_pooling_on_quiet_fails(name):
    """deter_root / deter_after: the defender (R 2/5, I 3/5) arms or stays quiet; the
    challenger (strong or weak, 1/2 each, drawn at the root or after the signal) challenges.

    The strong challenger always challenges (1 against R, 2 against I, both > 0). The weak one
    gets 2 - 4 mu from challenging (mu = Pr(R)): it challenges iff mu <= 1/2. With w the
    weak challenger's challenge probability after a signal, the defender gets: R arming
    3(1 - w)/2, R quiet (5 - 3w)/2, I arming -1 - 2w, I quiet 2(1 - w). So I never arms
    (-1 - 2w < 0 <= 2(1 - w)).
    - Separating (R arms, I quiet): mu = 1 after arming (weak stays out), 0 after quiet
      (weak challenges): R gets 3/2 > 1, I gets 0 > -1.
    - Pooling on quiet: mu = 2/5 after quiet, weak challenges, R gets 1, I gets 0; R must not
      arm: 3(1 - w_arm)/2 <= 1, so w_arm >= 1/3, which needs mu(arm) <= 1/2.
    - R mixing would need w_quiet - w_arm = 2/3, but after quiet mu <= 2/5 < 1/2 forces
      w_quiet = 1 and after arming only R: w_arm = 0. Nothing else.
    Pooling on quiet, deviation arm: I's best from arming is -1 < u*(I) = 0, so J = {I}; the
    best reply to R keeps the weak challenger out and R gets 3/2 > 1: IC fails. D1: D(I) and
    D0(I) are empty, so I is deleted; w_arm >= 1/3 is no best reply to R: fails.
    """
    result = _solve_efg(name)
    assert result.complete
    kinds = _by_kind(result)
    assert set(kinds) == {"separating", "pooling on quiet"}
    [separating], [pooling] = kinds["separating"], kinds["pooling on quiet"]
    assert _verdicts(pooling) == (False, False)
    assert "-1, is below what it gets in equilibrium, 0" in pooling.intuitive.reason
    assert "3/2 > 1" in pooling.intuitive.reason
    assert _verdicts(separating) == (True, True)
    assert separating.type_payoffs[(0, "R")] == F(3, 2)
    assert separating.type_payoffs[(0, "I")] == 0
    assert pooling.type_payoffs[(0, "R")] == 1 and pooling.type_payoffs[(0, "I")] == 0
    assert outcome(separating, "R_strong_arm_war") == F(1, 5)
    assert outcome(separating, "R_weak_arm_peace") == F(1, 5)
    assert play(result, pooling)["C_arm_weak"]["challenge"] >= F(1, 3)
    assert _belief_range(pooling, result, "C_arm_weak", "R")[1] <= F(1, 2)
    for eq in (separating, pooling):
        assert play(result, eq)["C_arm_strong"]["challenge"] == 1
        assert play(result, eq)["C_quiet_strong"]["challenge"] == 1


# ------------------------------------------------------------------- second mover deviates
@pytest.mark.parametrize("name", ["receiver_dev.efg", "receiver_dev_grouped.efg"])
def test_the_second_player_deviates_into_several_information_sets(name):
    """receiver_dev / receiver_dev_grouped: Player 2 (types w1, w2, unknown to Player 1)
    takes a (2 for sure) or b; after b, Player 1 (types t1, t2, which Player 2 does not know)
    picks x or y. Player 1's payoff is 1 for x in w1 or y in w2: with nu = Pr(w1 | b) both of
    its types play x iff nu >= 1/2. Player 2 from b, with p_t = Pr(x) for Player 1's type t,
    averaging over t (1/2 each, as Player 2 sees it): w1 gets 3 p_t1 + p_t2, w2 gets
    3(1 - p_t1)/2 <= 3/2 < 2, so w2 always takes a.
    - Separating: w1 takes b, so nu = 1, both types x, w1 gets 4 > 2.
    - Pooling on a: needs 3 p_t1 + p_t2 <= 2. Pure members: (y, y) (nu <= 1/2) and
      (t1 y, t2 x) (nu = 1/2 exactly, one belief for both of Player 1's types).
    IC at b: w2's best from b is 3/2 < 2 (J = {w2}); believing w1, Player 1 plays x, x and
    w1 gets at least 4 > 2: fails. D1: w2 deleted (D, D0 empty); neither member's reply is a
    best reply to w1: fails, every member. The separating profile has no unexpected move of
    an informed player that anyone answers: passes. Both files give the same answers.
    """
    result = _solve_efg(name)
    assert result.complete
    kinds = _by_kind(result)
    assert set(kinds) == {"separating", "pooling on a"}
    [separating], [pooling] = kinds["separating"], kinds["pooling on a"]
    assert _verdicts(separating) == (True, True)
    assert _verdicts(pooling) == (False, False)
    assert pooling.alternatives == 2
    assert "3/2, is below what it gets in equilibrium, 2" in pooling.intuitive.reason
    assert "4 > 2" in pooling.intuitive.reason
    assert separating.type_payoffs[(1, "w1")] == 4
    members = _solve_efg(name, all_pure=True)
    pooled = [eq for eq in members.equilibria if eq.kind == "pooling on a"]
    assert len(pooled) == 2 and all(_verdicts(eq) == (False, False) for eq in pooled)
    labels = sorted(i.label for i in members.game.infosets if i.player == 0)
    replies = {tuple(play(members, eq)[label]["x"] for label in labels) for eq in pooled}
    assert replies == {(0, 0), (0, 1)}   # (t1, t2): never x for t1 alone


def test_both_receiver_deviation_files_agree():
    def summary(result):
        return sorted((eq.kind, tuple(sorted(eq.outcomes.items())), _verdicts(eq),
                       eq.alternatives) for eq in result.equilibria)

    assert summary(_solve_efg("receiver_dev.efg")) == summary(
        _solve_efg("receiver_dev_grouped.efg"))


# ------------------------------------------------------------------------------ D1 and the hull
def test_d1_ranges_over_mixed_best_replies_not_the_hull():
    """d1_hull.efg: types A, B (1/2 each); after m1 the receiver plays r1 (3 to both types).
    After m2 with mu = Pr(A): r1 is best for mu >= 3/4, r2 for mu in [1/4, 3/4], r3 for
    mu <= 1/4. Sender payoffs after m2: A gets 2, 2, 4 and B gets 0, 3, 4 for r1, r2, r3.
    - Pooling on m1 (u* = 3, 3): the reply to m2 must keep A at 2 s1 + 2 s2 + 4 s3 <= 3 and
      B at 3 s2 + 4 s3 <= 3; among best replies that is the segment r1-r2; pure members r1
      (mu >= 3/4) and r2 (mu in [1/4, 3/4]): two.
    - No pure separating or pooling-on-m2 profile; the one hybrid: A sends m2 w.p. 1/3, so
      mu(m2) = 1/4 and the receiver mixes r2, r3 at 1/2 each (A: 2 + 2/2 = 3, B: 7/2 > 3).
    IC: after m2 both types can get 4 > 3 (r3): J is empty: passes.
    D1 with mixed best replies (segments r1-r2 and r2-r3 only): D(A) + D0(A) =
    {r2-r3 mixes with s3 >= 1/2}, inside D(B) = {s3 > 0}, so A is deleted; B is not (r2 gives
    B 3 = u* but A only 2). The only best reply to B is r3: both members fail. (With the hull
    of pure replies, (r1 + r3)/2 would give A exactly 3 and B only 2 < 3, so A would not be
    deleted and D1 would wrongly pass.)
    """
    result = _solve_efg("d1_hull.efg")
    assert result.complete
    kinds = _by_kind(result)
    assert set(kinds) == {"pooling on m1", "semi-separating"}
    [pooling], [hybrid] = kinds["pooling on m1"], kinds["semi-separating"]
    assert pooling.alternatives == 2
    assert pooling.intuitive.passed is True and pooling.d1.passed is False
    hybrid_play = play(result, hybrid)
    assert hybrid_play["S_A"]["m2"] == F(1, 3) and hybrid_play["S_B"]["m2"] == 1
    assert (hybrid_play["R_m2"]["r1"], hybrid_play["R_m2"]["r2"], hybrid_play["R_m2"]["r3"]) \
        == (0, F(1, 2), F(1, 2))
    assert _verdicts(hybrid) == (True, True)
    members = [eq for eq in _solve_efg("d1_hull.efg", all_pure=True).equilibria if eq.pure]
    assert len(members) == 2 and all(_verdicts(eq) == (True, False) for eq in members)


# ------------------------------------------------------------------------------ mixing off the path
def test_an_equilibrium_that_needs_mixing_off_the_path_is_found():
    """offpath_mix.efg: types t1, t2 (1/2 each); after m1 the receiver plays r1 (3 to both).
    After m2 with mu = Pr(t1) the receiver plays r1 iff mu >= 1/2; t1 gets 6 from (m2, r1),
    t2 gets 6 from (m2, r2). With rho = Pr(r1 | m2):
    - Pooling on m1 needs 6 rho <= 3 (t1) and 6(1 - rho) <= 3 (t2): rho = 1/2 exactly, which
      needs mu = 1/2: it exists only with the reply mixing off the path (no pure member).
    - Both separating profiles exist (t1 m1 / t2 m2 and t1 m2 / t2 m1).
    - Both types sending m2 with the same probability alpha, rho = 1/2: a continuum for alpha
      in [0, 1] (alpha = 1 is pooling on m2, alpha = 0 pooling on m1).
    Pooling on m1: both types could get 6 > 3 from m2 (J empty): IC passes; D(t1) = {rho >
    1/2}, D(t2) = {rho < 1/2}: nobody is deleted, D1 passes. The result must be complete.
    """
    result = _solve_efg("offpath_mix.efg")
    assert result.complete
    kinds = _by_kind(result)
    assert len(kinds["separating"]) == 2 and all(eq.pure for eq in kinds["separating"])
    pooled_m1 = [eq for eq in result.equilibria
                 if play(result, eq)["S_t1"]["m1"] == 1 and play(result, eq)["S_t2"]["m1"] == 1]
    assert pooled_m1 and not any(eq.pure for eq in pooled_m1)
    for eq in pooled_m1:
        assert play(result, eq)["R_m2"]["r1"] == F(1, 2)
        assert _verdicts(eq) == (True, True)
    assert any(play(result, eq)["S_t1"]["m2"] == 1 and play(result, eq)["S_t2"]["m2"] == 1
               for eq in result.equilibria)
    continua = [eq for eq in result.equilibria if eq.continuum is not None]
    assert continua
    for eq in continua:
        assert play(result, eq)["R_m2"]["r1"] == F(1, 2)
        assert play(result, eq)["S_t1"]["m2"] == play(result, eq)["S_t2"]["m2"]
    for eq in result.equilibria:   # every equilibrium is one of the derived ones
        p = play(result, eq)
        separating = {p["S_t1"]["m1"], p["S_t2"]["m1"]} == {0, 1}
        assert separating or (p["S_t1"]["m2"] == p["S_t2"]["m2"] and p["R_m2"]["r1"] == F(1, 2))


# ------------------------------------------------------------------------------ the chain store
def test_chain_store_complete_information_has_one_equilibrium():
    """chain-store with delta = 0 (Selten 1978). The Weak State A gives way in the last
    round. A fight earlier could only pay by making later challengers stay out; but if
    fighting were part of the play, Bayes' rule would keep the reputation at its prior 0
    (a prior-0 type stays at 0), so it cannot pay and is not played. Backward induction:
    every challenger challenges and State A always gives way, at every history. Exactly one
    equilibrium (weak PBE has more: see test_fudenberg_tirole), and the search is complete."""
    result = solve_scenario("chain-store", delta=0)
    assert result.concept == "pbe" and result.complete
    [eq] = result.equilibria
    assert eq.outcomes == {"gave way / gave way / gave way": 1}
    for infoset in result.game.infosets:
        chosen = dict(zip(infoset.actions, eq.behaviour[infoset.id]))
        if infoset.stage == "entry":
            assert chosen["challenge"] == 1, infoset.label
        elif infoset.own_type == "weak":
            assert chosen["give_way"] == 1, infoset.label


def test_chain_store_default_is_the_kreps_wilson_equilibrium():
    """chain-store at delta = 1/5, a = 2, b = 1/2 (models.md 6.3), k = rounds left.
    - Round 1 (k = 3): reputation 1/5 > b^3 = 1/8: the challenger stays out (entering would
      meet a fight w.p. p/b^2 = 4/5, worth 1/2 - 4/5 < 0).
    - Round 2 (k = 2): 1/5 < b^2 = 1/4: the challenger challenges; Weak fights w.p.
      gamma_2 = p(1 - b)/((1 - p) b) = 1/4, so the reputation after a fight is b = 1/2; after
      giving way it is 0.
    - Round 3 (k = 1): at 1/2 = b the challenger stays out w.p. 1/a = 1/2; Weak gives way.
    Outcomes: fight in round 2 w.p. 1/5 + 4/5 * 1/4 = 2/5; then round 3: stays out 1/5, Tough
    fights 1/10, Weak gives way 1/10; give way in round 2 (3/5), then challenged and give way.
    Off the path (a challenge in round 1): Weak fights w.p. 3/4 (posterior b^2 = 1/4); then
    the round-2 challenger stays out w.p. 1/2, and Weak fights w.p. 1/3 (posterior 1/2).
    """
    result = solve_scenario("chain-store")
    assert result.concept == "pbe" and result.complete
    [eq] = result.equilibria
    assert eq.outcomes == {"stayed out / fought / stayed out": F(1, 5),
                           "stayed out / fought / fought": F(1, 10),
                           "stayed out / fought / gave way": F(1, 10),
                           "stayed out / gave way / gave way": F(3, 5)}
    chosen = play(result, eq)
    assert chosen["entry#1"]["stay_out"] == 1
    assert chosen["entry#2@stay_out"]["challenge"] == 1
    assert chosen["reaction#2@stay_out/challenge|weak"]["fight"] == F(1, 4)
    assert chosen["entry#3@stay_out/challenge/fight"]["stay_out"] == F(1, 2)
    assert chosen["entry#3@stay_out/challenge/give_way"]["challenge"] == 1
    assert chosen["reaction#1|weak"]["fight"] == F(3, 4)
    assert chosen["entry#2@challenge/fight"]["stay_out"] == F(1, 2)
    assert chosen["reaction#2@challenge/fight/challenge|weak"]["fight"] == F(1, 3)
    assert chosen["entry#2@challenge/give_way"]["challenge"] == 1
    for label, actions in chosen.items():
        if label.startswith("reaction#3") and label.endswith("|weak"):
            assert actions["give_way"] == 1, label
        if label.endswith("|tough"):
            assert actions["fight"] == 1, label


# ============================================================ games designed for this review
def _solve_spec(spec, **options):
    return solve(expand_game(spec), qre_seconds=30, **options)


def test_ties_are_counted_not_lost():
    """Ties: types A, B (1/2 each), messages m1, m2, replies r1, r2; the sender gets 1 from r1
    and 0 from r2 whatever its type and message; the receiver gets 0 everywhere.
    Every receiver reply is a best reply to every belief, so the pure PBE are: replies equal
    at both messages (r1, r1 or r2, r2) with each type sending either message (4 + 4), or
    replies that differ, with both types sending the message answered by r1 (1 + 1): 10 in
    all. By path: pooling on m_i answered by r1 (off-path reply r1 or r2: 2 members each),
    pooling on m_i answered by r2 (off-path reply must be r2: 1 each), and the four
    separating paths (both replies r1 or both r2, either assignment): 8 paths, counts
    2, 2, 1, 1, 1, 1, 1, 1. IC and D1 restrict nothing (every reply is a best reply to every
    belief, and D(A) = D(B)): all pass.
    """
    nodes = {"start": ("S", [("m1", "after1"), ("m2", "after2")]),
             "after1": ("R", [("r1", "z11"), ("r2", "z12")]),
             "after2": ("R", [("r1", "z21"), ("r2", "z22")]),
             "z11": ("Z", (1, 0)), "z12": ("Z", (0, 0)), "z21": ("Z", (1, 0)),
             "z22": ("Z", (0, 0))}
    spec = build_spec({"A": F(1, 2), "B": F(1, 2)}, None, nodes)
    families = _solve_spec(spec, mixed=False)
    assert families.complete
    assert sorted(eq.alternatives for eq in families.equilibria) == [1, 1, 1, 1, 1, 1, 2, 2]
    assert len({_path(families, eq) for eq in families.equilibria}) == 8
    every = _solve_spec(spec, mixed=False, all_pure=True)
    assert len(every.equilibria) == 10 and all(eq.pure for eq in every.equilibria)
    assert all(_verdicts(eq) == (True, True) for eq in every.equilibria)
    assert all(_verdicts(eq) == (True, True) for eq in families.equilibria)


def _signal_behind(kind: str):
    """A quiet move q (2 to either type, nobody answers) or a signal s answered by a receiver
    whose information sets differ by a public chance move ("chance", h or t, 1/2 each) or by
    its own type ("types", r1 or r2, 1/2 each). Type A gets 4 from x and 0 from y; type B 0
    from x and 1 from y."""
    def sender(t):
        return {"x": 4, "y": 0} if t == "A" else {"x": 0, "y": 1}

    nodes = {"start": ("S", [("q", "zq"), ("s", "after")]), "zq": ("Z", (2, 0))}
    if kind == "chance":
        nodes["after"] = ("C", [("h", F(1, 2), "reply_h"), ("t", F(1, 2), "reply_t")])
        for side in "ht":
            nodes[f"reply_{side}"] = ("R", [("x", f"z{side}x"), ("y", f"z{side}y")])
            for a in "xy":   # the receiver gets 1 for x against A or y against B
                nodes[f"z{side}{a}"] = ("Z", {t: (sender(t)[a], int((a == "x") == (t == "A")))
                                              for t in "AB"})
        return build_spec({"A": F(1, 2), "B": F(1, 2)}, None, nodes)
    nodes["after"] = ("R", [("x", "zx"), ("y", "zy")])
    # r1: x is worth 2 against A, -1 against B (x iff Pr(A) >= 1/3);
    # r2: x is worth 1 against A, -2 against B (x iff Pr(A) >= 2/3); y is worth 0.
    worth = {("A", "r1"): 2, ("B", "r1"): -1, ("A", "r2"): 1, ("B", "r2"): -2}
    nodes["zx"] = ("Z", lambda t, r: (sender(t)["x"], worth[(t, r)]))
    nodes["zy"] = ("Z", lambda t, r: (sender(t)["y"], 0))
    return build_spec({"A": F(1, 2), "B": F(1, 2)}, {"r1": F(1, 2), "r2": F(1, 2)}, nodes)


def test_a_signal_answered_behind_a_chance_move():
    """_signal_behind("chance"): after s a public chance move picks h or t (1/2 each), and
    the receiver answers at each with one belief mu = Pr(A): x at both iff mu >= 1/2.
    B gets at most 1 < 2 from s, so B always takes q. A gets 2 Pr(x|h) + 2 Pr(x|t) from s
    (its expectation over the chance move).
    - Separating (A s, B q): mu = 1, x at both, A gets 4 > 2.
    - Pooling on q: needs Pr(x|h) + Pr(x|t) <= 1: pure members (y, y) (mu <= 1/2), (x, y)
      and (y, x) (mu = 1/2 exactly): three.
    IC: B is dominated after s (1 < 2); the best reply to A is x at both, giving A 4 > 2:
    fails. D1: B deleted; no member's reply is a best reply to A: fails (every member).
    """
    result = _solve_spec(_signal_behind("chance"))
    assert result.complete
    kinds = _by_kind(result)
    [separating] = kinds["separating"]
    assert _verdicts(separating) == (True, True)
    assert play(result, separating)["start|A"]["s"] == 1
    pure_pooling = [eq for eq in kinds["pooling on q"] if eq.pure]
    assert len(pure_pooling) == 1 and pure_pooling[0].alternatives == 3
    for eq in kinds["pooling on q"]:
        assert _verdicts(eq) == (False, False)
        assert "4 > 2" in eq.intuitive.reason
        chosen = play(result, eq)
        assert chosen["reply_h"]["x"] + chosen["reply_t"]["x"] <= 1
    every = _solve_spec(_signal_behind("chance"), all_pure=True, mixed=False)
    assert len([eq for eq in every.equilibria if eq.kind == "pooling on q"]) == 3
    assert all(_verdicts(eq) == (False, False) for eq in every.equilibria
               if eq.kind == "pooling on q")


def test_a_signal_answered_by_a_receiver_with_two_types():
    """_signal_behind("types"): the receiver has types r1, r2 (1/2 each) with one belief
    mu = Pr(A): r1 plays x iff mu >= 1/3, r2 iff mu >= 2/3. A gets 2 [r1 plays x] +
    2 [r2 plays x] from s (its expectation over the receiver's types); B at most 1 < 2.
    - Separating (A s, B q): mu = 1, both x, A gets 4 > 2.
    - Pooling on q: at most one x: (y, y) for mu <= 1/3 and (x, y) for mu in [1/3, 2/3];
      (y, x) would need mu <= 1/3 and mu >= 2/3 together: two pure members.
    IC: B dominated (1 < 2); believing A both types play x and A gets 4 > 2: fails. D1: B
    deleted, no member's reply is a best reply to A: fails.
    """
    result = _solve_spec(_signal_behind("types"))
    assert result.complete
    kinds = _by_kind(result)
    [separating] = kinds["separating"]
    assert _verdicts(separating) == (True, True)
    assert separating.type_payoffs[(0, "A")] == 4
    for eq in kinds["pooling on q"]:
        assert _verdicts(eq) == (False, False)
    every = _solve_spec(_signal_behind("types"), all_pure=True, mixed=False)
    pooled = [play(every, eq) for eq in every.equilibria if eq.kind == "pooling on q"]
    assert sorted((p["after|r1"]["x"], p["after|r2"]["x"]) for p in pooled) == [(0, 0), (1, 0)]


def _beer_quiche_with_a_ghost():
    """Beer-quiche (weak 1/10, strong 9/10) with a third type, ghost, of prior 0: ghost gets
    0 / 3 from beer with / without a duel and 1 / 2 from quiche; a duel is worth 1 to the
    receiver against weak or ghost, -1 against strong."""
    sender = {"weak": (0, 2, 1, 3), "strong": (1, 3, 0, 2), "ghost": (0, 3, 1, 2)}
    duel_worth = {"weak": 1, "strong": -1, "ghost": 1}
    nodes = {"start": ("S", [("beer", "after_beer"), ("quiche", "after_quiche")])}
    for k, message in enumerate(("beer", "quiche")):
        nodes[f"after_{message}"] = ("R", [("duel", f"{message}_duel"), ("not", f"{message}_not")])
        nodes[f"{message}_duel"] = ("Z", {t: (v[2 * k], duel_worth[t]) for t, v in sender.items()})
        nodes[f"{message}_not"] = ("Z", {t: (v[2 * k + 1], 0) for t, v in sender.items()})
    return build_spec({"weak": F(1, 10), "strong": F(9, 10), "ghost": F(0)}, None, nodes)


def test_a_type_with_prior_zero_is_not_a_possible_deviator():
    """_beer_quiche_with_a_ghost: weak and strong play beer-quiche; ghost has prior 0.
    The equilibria are beer-quiche's (ghost's play must still be optimal: beer when no duel
    follows beer, quiche when no duel follows quiche). Pooling on quiche: after beer the
    types still possible are weak and strong only, so the IC argument of beer-quiche applies:
    weak dominated (2 < 3), strong sure to get 3 > 2: fails. (Were ghost counted, it would
    not be dominated after beer (3 > 2) and believing ghost the receiver duels, so strong
    would not be sure to gain and IC would wrongly pass.) D1 fails; pooling on beer passes
    both (the ghost cannot change that: D1 deletes it or strong, and weak remains).
    """
    result = _solve_spec(_beer_quiche_with_a_ghost())
    assert result.complete
    kinds = _by_kind(result)
    assert set(kinds) == {"pooling on beer", "pooling on quiche"}
    [beer], [quiche] = kinds["pooling on beer"], kinds["pooling on quiche"]
    assert _verdicts(quiche) == (False, False)
    assert _verdicts(beer) == (True, True)
    assert play(result, beer)["start|ghost"]["beer"] == 1
    assert play(result, quiche)["start|ghost"]["quiche"] == 1
    assert beer.beliefs[result.game.infoset_by_label["after_beer"].group]["ghost"] == 0


def _education():
    """A Spence-style game: worker types L, M, H (productivity 1, 2, 3; 1/3 each), levels e0,
    e1, e2 costing L 0/4/8, M 0/2/6, H 0/1/2; the employer pays a wage w in {1, 2, 3} and
    gets -(w - productivity)^2; the worker gets 3w minus the cost."""
    cost = {"L": (0, 4, 8), "M": (0, 2, 6), "H": (0, 1, 2)}
    productivity = {"L": 1, "M": 2, "H": 3}
    nodes = {"start": ("S", [(f"e{k}", f"hire{k}") for k in range(3)])}
    for k in range(3):
        nodes[f"hire{k}"] = ("R", [(f"w{w}", f"z{k}{w}") for w in (1, 2, 3)])
        for w in (1, 2, 3):
            nodes[f"z{k}{w}"] = ("Z", {t: (3 * w - cost[t][k], -(w - productivity[t]) ** 2)
                                      for t in cost})
    return build_spec({"L": F(1, 3), "M": F(1, 3), "H": F(1, 3)}, None, nodes)


def _find(result, sender: tuple[str, str, str], wages: dict[str, str]):
    """The pure equilibria with the sender's levels (L, M, H) and these wages."""
    found = []
    for eq in result.equilibria:
        chosen = play(result, eq)
        if all(chosen[f"start|{t}"][e] == 1 for t, e in zip("LMH", sender)) and all(
                chosen[k][w] == 1 for k, w in wages.items()):
            found.append(eq)
    return found


def test_education_with_three_types_and_three_levels():
    """_education(). The employer's best wage is the integer nearest the mean productivity m
    (both at m = 3/2 or 5/2). Worker payoffs 3w - c.
    - Separating (e0, e1, e2), wages 1, 2, 3: L 3 (mimicking: 2, 1), M 4 (3, 9 - 6 = 3),
      H 7 (5, 3): an equilibrium; no message is unexpected: IC and D1 pass.
    - Pooling on e0 (m = 2, wage 2, everyone 6): e1 and e2 must pay at most 2. IC at e2: L
      and M can get at most 1 and 3 < 6 (J = {L, M}); believing H the wage is 3 and H gets
      7 > 6: fails. D1 fails (at e1: L can never reach 6 and is deleted, M's {3Ew - 2 >= 6}
      is inside H's {3Ew - 1 > 6}, so M is deleted; H's best reply is 3, not the wage
      offered).
    - L and M on e0 with wage 2 (m = 3/2, a tie), H on e2 (wage 3): L 6, M 6, H 7; wage at
      e1 must be 1 or 2. IC at e1: L is dominated (5 < 6); on {M, H} wages 2 or 3, M could
      get 4 < 6 and H 5 < 7: nobody is sure to gain: passes. D1 at e1: L deleted; M and H
      gain exactly when the expected wage exceeds 8/3 (D0 at 8/3 for both, reached by a mixed
      best reply at m = 5/2), so neither is deleted; wage 2 is a best reply to M (passes),
      wage 1 to no belief on {M, H} (fails): the family "some members pass".
    - L and M on e0 with wage 1 (same path, the tie broken the other way), e1 answered by 1
      (M: 3 at e0 needs 3w - 2 <= 3): IC passes (every type could gain at e1 from wage 3);
      D1: L's {3Ew - 4 >= 3} and H's {3Ew - 1 >= 7} lie inside M's {3Ew - 2 > 3}; both are
      deleted and the best reply to M is wage 2: fails.
    """
    result = _solve_spec(_education(), all_pure=True, mixed=False)
    assert result.complete
    [separating] = _find(result, ("e0", "e1", "e2"), {"hire0": "w1", "hire1": "w2",
                                                      "hire2": "w3"})
    assert _verdicts(separating) == (True, True)
    assert [separating.type_payoffs[(0, t)] for t in "LMH"] == [3, 4, 7]
    pooled = _find(result, ("e0", "e0", "e0"), {"hire0": "w2"})
    assert len(pooled) == 4   # wages 1 or 2 at e1 and at e2
    assert all(_verdicts(eq) == (False, False) for eq in pooled)
    assert all("7 > 6" in eq.intuitive.reason for eq in pooled)
    passing = _find(result, ("e0", "e0", "e2"), {"hire0": "w2", "hire1": "w2", "hire2": "w3"})
    failing = _find(result, ("e0", "e0", "e2"), {"hire0": "w2", "hire1": "w1", "hire2": "w3"})
    assert len(passing) == len(failing) == 1
    assert _verdicts(passing[0]) == (True, True) and _verdicts(failing[0]) == (True, False)
    low = _find(result, ("e0", "e0", "e2"), {"hire0": "w1", "hire1": "w1", "hire2": "w3"})
    assert len(low) == 1 and _verdicts(low[0]) == (True, False)
    # One listed member per path: the family of the two members above says some pass.
    families = _solve_spec(_education(), mixed=False)
    [family] = [eq for eq in families.equilibria
                if play(families, eq)["start|M"]["e0"] == 1
                and play(families, eq)["start|H"]["e2"] == 1
                and play(families, eq)["hire0"]["w2"] == 1]
    assert family.alternatives == 2 and family.d1.passed is True
    assert family.d1.reason.startswith("Some members pass: 1 of the 2")
    assert play(families, family)["hire1"]["w2"] == 1   # the member shown is the one passing
