"""Known cases from the literature note (models.md), as data: every model at two or more points.

Expected values are derived from the formulas in the note, not copied from the solver.
"""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from tests.solver.helpers import outcome, prob, solve_scenario


# --------------------------------------------------------------- 1. audience costs (Fearon 1994)
def test_public_threat_semi_separating_default():
    """models.md 1.4: p < mu*: unique PBE; beta = p(1-mu*)/((1-p)mu*), y = a/(1+a)."""
    p, a, w_d = F(1, 3), F(1), F(-2)
    mu = 1 / -w_d
    result = solve_scenario("public-threat")
    assert result.complete and len(result.equilibria) == 1
    eq = result.equilibria[0]
    assert eq.kind == "semi-separating"
    assert prob(result, eq, "threat|irresolute", "threaten") == p * (1 - mu) / ((1 - p) * mu)
    assert prob(result, eq, "response", "concede") == a / (1 + a)
    assert eq.beliefs[result.game.infoset_by_label["response"].group]["resolved"] == mu
    assert outcome(eq, "War") == p / (1 + a)


def test_public_threat_semi_separating_other_point():
    p, a = F(1, 5), F(3, 2)
    result = solve_scenario("public-threat", p=p, a=a)
    [eq] = result.equilibria
    assert prob(result, eq, "threat|irresolute", "threaten") == F(1, 4)
    assert prob(result, eq, "response", "concede") == F(3, 5)
    assert outcome(eq, "War") == p / (1 + a) == F(2, 25)


def test_public_threat_pooling_when_resolve_is_likely():
    result = solve_scenario("public-threat", p=F(3, 5))
    [eq] = result.equilibria
    assert eq.pure and eq.kind == "pooling on threaten"
    assert outcome(eq, "Threat succeeds") == 1


def test_public_threat_hands_tied():
    """a > -w_I: the irresolute type fights too, so the threat always succeeds."""
    result = solve_scenario("public-threat", a=3)
    [eq] = result.equilibria
    assert prob(result, eq, "showdown|irresolute", "fight") == 1
    assert outcome(eq, "Threat succeeds") == 1


def test_public_threat_continuum_at_zero_audience_cost():
    """a = 0, p < mu*: every beta in [beta_min, 1] is a PBE; Pr(war) = p in all of them."""
    p = F(1, 3)
    result = solve_scenario("public-threat", a=0)
    mixed = [eq for eq in result.equilibria if not eq.pure]
    assert mixed and mixed[0].continuum is not None
    label = result.game.infoset_by_label["threat|irresolute"].id
    (low, high), _ = mixed[0].continuum.ranges[label]
    assert (low, high) == (p * F(1, 2) / ((1 - p) * F(1, 2)), 1)
    assert all(outcome(eq, "War") == p for eq in result.equilibria)


# --------------------------------------------------------------- 2. tying hands vs sinking costs
def test_signal_choice_lock_in_pools_on_tying_hands():
    """(1-q)V_L > q|W_L|: both types tie hands and fight; Pr(war) = q."""
    result = solve_scenario("signal-choice")
    assert result.equilibria
    for eq in result.equilibria:
        assert eq.kind == "pooling on tie"
        assert outcome(eq, "War") == F(1, 4)


def test_signal_choice_separating_by_tying_hands():
    """(1-q)V_L < q|W_L|: High ties hands, Low stays quiet; Pr(war) = p q; nobody bluffs."""
    p, q, v_h, w_h = F(1, 5), F(1, 2), F(3), F(1)
    result = solve_scenario("signal-choice", q=q, m=5)
    separating = [eq for eq in result.equilibria if eq.kind == "separating"
                  and prob(result, eq, "signal|high", "tie") == 1
                  and prob(result, eq, "signal|low", "quiet") == 1]
    assert separating
    eq = separating[0]
    assert outcome(eq, "War") == p * q
    assert eq.type_payoffs[(0, "high")] == (1 - q) * v_h + q * w_h


def test_signal_choice_separating_by_sinking_costs():
    """a = 0 makes a commitment worthless: High mobilises at m in [(1-q)V_L, (1-q)(V_H-W_H)]."""
    p, q, m, v_h, w_h = F(1, 5), F(1, 4), F(1), F(3), F(1)
    result = solve_scenario("signal-choice", a=0, m=m)
    separating = [eq for eq in result.equilibria
                  if prob(result, eq, "signal|high", "sink") == 1
                  and prob(result, eq, "signal|low", "sink") == 0]
    assert separating
    eq = separating[0]
    assert outcome(eq, "War") == p * q
    assert eq.type_payoffs[(0, "high")] == (1 - q) * v_h + q * w_h - m


def test_nobody_bluffs():
    """Fearon 1997: no type pays for a signal and then backs down, in any equilibrium."""
    for values in ({}, {"q": F(1, 2), "m": 5}, {"a": 0}):
        result = solve_scenario("signal-choice", **values)
        costly = [s for s, cost in (("sink", "m"), ("tie", "a")) if result.game.values[cost] > 0]
        for eq in result.equilibria:
            for signal in costly:
                for t in ("high", "low"):
                    if eq.on_path[result.game.infoset_by_label[f"defend_{signal}|{t}"].id]:
                        assert prob(result, eq, f"defend_{signal}|{t}", "back_down") == 0


# --------------------------------------------------------------- 3. brinkmanship
def test_brinkmanship_chooses_the_minimal_effective_risk():
    """p <= 9/17: q* = q_min = 1/3 with Soft complying at the threshold; disaster p/3."""
    p = F(1, 5)
    result = solve_scenario("brinkmanship", p=p)
    chosen = [eq for eq in result.equilibria if eq.pure
              and prob(result, eq, "risk", "q1_3") == 1
              and prob(result, eq, "reply_q1_3|soft", "comply") == 1]
    assert chosen
    eq = chosen[0]
    assert outcome(eq, "Disaster") == p / 3
    assert eq.payoffs[0] == (1 - p) * 1 + p * (F(1, 3) * -10 + F(2, 3) * -2)


def test_brinkmanship_no_threat_when_hard_targets_are_likely():
    """p > 9/17: no acceptable risk is effective, so no threat."""
    result = solve_scenario("brinkmanship", p=F(3, 5))
    assert result.equilibria
    for eq in result.equilibria:
        assert prob(result, eq, "risk", "q0") == 1
        assert outcome(eq, "Defiance succeeds") == 1


# --------------------------------------------------------------- 4. perfect deterrence (Zagare-Kilgour)
R_H, R_S, PI = F(2, 3), F(1, 2), F(1, 2)  # with c_sq = 1 and the scenario's payoffs


def test_zk_bluff_region():
    """p_def < r_S, p_ch < pi*: Soft bluffs w.p. b, Soft defender resists w.p. s; plus the
    no-challenge PBE, which passes the IC and fails D1."""
    p_ch, p_def = F(1, 4), F(1, 4)
    result = solve_scenario("perfect-deterrence", p_ch=p_ch, p_def=p_def)
    bluff = [eq for eq in result.equilibria if not eq.pure]
    assert len(bluff) == 1
    eq = bluff[0]
    assert prob(result, eq, "initiate|soft", "challenge") == p_ch * (1 - PI) / ((1 - p_ch) * PI)
    assert prob(result, eq, "respond|soft", "resist") == (R_S - p_def) / (1 - p_def)
    assert prob(result, eq, "initiate|hard", "challenge") == 1
    quiet = [eq for eq in result.equilibria if eq.outcomes == {"Status quo": 1}]
    assert quiet and all(e.intuitive.passed and not e.d1.passed for e in quiet)


def test_zk_deterrence_region():
    result = solve_scenario("perfect-deterrence", p_def=F(3, 4))
    assert result.equilibria
    assert all(eq.outcomes == {"Status quo": 1} for eq in result.equilibria)


def test_zk_separating_region():
    p_ch, p_def = F(1, 4), F(3, 5)
    result = solve_scenario("perfect-deterrence", p_ch=p_ch, p_def=p_def)
    separating = [eq for eq in result.equilibria if eq.kind == "separating"]
    assert separating
    eq = separating[0]
    assert prob(result, eq, "initiate|hard", "challenge") == 1
    assert prob(result, eq, "respond|soft", "concede") == 1
    assert outcome(eq, "Conflict") == p_ch * p_def


def test_zk_attack_region():
    p_ch, p_def = F(3, 4), F(1, 4)
    result = solve_scenario("perfect-deterrence", p_ch=p_ch, p_def=p_def)
    attack = [eq for eq in result.equilibria if eq.kind == "pooling on challenge"]
    assert attack
    eq = attack[0]
    assert prob(result, eq, "respond|soft", "concede") == 1
    assert prob(result, eq, "respond|hard", "resist") == 1
    assert outcome(eq, "Conflict") == p_ch * p_def
    assert outcome(eq, "Challenger backs down") == (1 - p_ch) * p_def


# --------------------------------------------------------------- 6. chain store (Kreps-Wilson)
def test_chain_store_two_contested_markets():
    """delta = 1/5, b = 1/2 (6A): only the last two markets are contested."""
    result = solve_scenario("chain-store")
    kw = [eq for eq in result.equilibria if not eq.pure
          and outcome(eq, "stayed out / fought / stayed out") == F(1, 5)]
    assert kw, [eq.outcomes for eq in result.equilibria]
    eq = kw[0]
    # Round 2 at p = 1/5 < b^2: enter; Weak fights w.p. gamma_2 = 1/4; after a fight the
    # reputation is b = 1/2, where the last entrant stays out w.p. 1/a = 1/2.
    assert prob(result, eq, "reaction#2@stay_out/challenge|weak", "fight") == F(1, 4)
    assert outcome(eq, "stayed out / gave way / gave way") == F(3, 5)
    assert outcome(eq, "stayed out / fought / fought") == F(1, 10)


def test_chain_store_complete_information_unravels():
    """delta = 0 (Selten): every entrant enters and is never fought."""
    result = solve_scenario("chain-store", delta=0)
    assert any(eq.outcomes == {"gave way / gave way / gave way": 1} for eq in result.equilibria)


# --------------------------------------------------------------- 7. beer-quiche (Cho-Kreps)
def test_signal_strength_two_poolings_and_the_intuitive_criterion():
    result = solve_scenario("signal-strength")
    kinds = {eq.kind: eq for eq in result.equilibria}
    assert set(kinds) == {"pooling on bold", "pooling on low"}
    bold, low = kinds["pooling on bold"], kinds["pooling on low"]
    assert bold.intuitive.passed and not low.intuitive.passed
    assert "2, is below what it gets in equilibrium, 3" in low.intuitive.reason
    assert bold.type_payoffs[(0, "strong")] == 3 and bold.type_payoffs[(0, "weak")] == 2
    assert bold.payoffs[1] == F(9, 10)
    group = result.game.infoset_by_label["after_low"].group
    assert bold.off_path_beliefs[group].interval == (0, F(1, 2))  # Pr(strong) <= 1/2


def test_signal_strength_hybrid_at_a_low_prior():
    result = solve_scenario("signal-strength", s=F(1, 3))
    [eq] = result.equilibria
    assert eq.kind == "semi-separating"
    assert prob(result, eq, "posture|weak", "bold") == F(1, 2)
    assert prob(result, eq, "after_bold", "challenge") == F(1, 2)


# --------------------------------------------------------------- 8. baselines
def test_deterrence_game_non_credible_threat():
    result = solve_scenario("deterrence-baseline")
    [eq] = result.equilibria
    assert eq.outcomes == {"Defender concedes": 1}
    assert len(result.nash_not_spe) == 1
    assert "at least 1/3" in result.nash_not_spe[0].non_credible[0]


def test_deterrence_game_credible_threat():
    result = solve_scenario("deterrence-baseline", k_D=F(1, 2))
    [eq] = result.equilibria
    assert eq.outcomes == {"Status quo": 1}


@pytest.mark.parametrize(("w", "l", "c", "s"), [(1, 1, 10, F(1, 10)), (2, 1, 5, F(1, 3))])
def test_chicken_mixed_equilibrium(w, l, c, s):
    result = solve_scenario("chicken", w=w, l=l, c=c, s=1)
    mixed = [eq for eq in result.equilibria if not eq.pure]
    assert len(mixed) == 1
    eq = mixed[0]
    assert prob(result, eq, "standoff:row", "straight") == s
    assert outcome(eq, "Crash") == s * s
    assert eq.payoffs == (-l * s, -l * s)
    assert len([e for e in result.equilibria if e.pure]) == 2


def test_sequential_chicken_first_mover_advantage():
    result = solve_scenario("chicken", s=0)
    [eq] = result.equilibria
    assert eq.outcomes == {"State B swerves": 1} and eq.payoffs == (1, -1)


def test_escalation_ladder_limited_rung_deters():
    result = solve_scenario("escalation-ladder")
    [eq] = result.equilibria
    assert eq.outcomes == {"Status quo": 1}
    assert prob(result, eq, "answer", "limited") == 1


def test_escalation_ladder_risky_rung_does_not():
    """r > (1 - k_l)/(k_h - k_l) = 1/19: the limited response is not credible either."""
    result = solve_scenario("escalation-ladder", r=F(1, 10))
    [eq] = result.equilibria
    assert eq.outcomes == {"Probe succeeds": 1}
