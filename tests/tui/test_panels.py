"""The live panels while deciding: forward-looking risk per action, your own belief with its
Bayes arithmetic, worth against the opponent's model, and exam mode's predictions."""

from __future__ import annotations

from fractions import Fraction

from game.bots import make_bot
from game.tui.app import make_app
from game.tui.driver import LocalDriver
from game.tui.screens.decision import DecisionScreen
from game.tui.screens.dialogs import PredictDialog
from game.tui.screens.outcome import OutcomeScreen
from game.tui.session import load
from tests.tui.helpers import fast_solver, screen_text, to_decision, wait_ready


def panel(app, name: str) -> str:
    from textual.widgets import Static

    return str(app.screen.query_one(f"#{name}", Static).render())


async def test_escalating_all_the_way_shows_a_certain_disaster():
    """At "Back down / Escalate all the way" the risk is per action: escalating is a certain
    catastrophe (100%), backing down none, whatever the equilibrium then prescribes."""
    app = make_app("escalation-ladder", role="challenger", seed=1, solver=fast_solver)
    async with app.run_test(size=(100, 40)) as pilot:
        await to_decision(pilot)
        driver = app.screen.driver
        await pilot.press("1")                              # probe
        await pilot.pause()
        while driver.view().stage != "after_limited":       # until B answers with the limited rung
            assert isinstance(app.screen, DecisionScreen), "the seed must reach the last rung"
            await pilot.press("1")
            await pilot.pause()
        insight = driver.insight(0)
        assert insight.at_equilibrium.risk == {"back_down": 0, "escalate": 1}
        text = panel(app, "risk")
        assert "2. 1 (100%)" in text and "1. 0 (0%)" in text
        assert "if both then follow equilibrium 1" in text


def _to_round_two_after_a_war():
    spec, game = load("public-threat", rounds=2)
    result = fast_solver(game)
    bot = make_bot("hawk", game, result, seed=1)
    driver = LocalDriver(game, 0, bot=bot, seed=1, own_type="resolved", result=result,
                         equilibrium_index=0)
    driver.submit("threaten")                 # the hawk resists
    driver.submit("fight")                    # war in round 1
    assert driver.view().round == 2 and driver.view().history[-1].action == "fight"
    return game, driver


def test_round_two_does_not_count_round_ones_war():
    game, driver = _to_round_two_after_a_war()
    insight = driver.insight(0)
    # Leaving the status quo in round 2 ends the campaign in peace: no disaster from now on,
    # although every outcome label of this history contains round 1's War.
    assert insight.at_equilibrium.risk["stay"] == 0
    assert insight.against_model.risk["stay"] == 0
    # ... and threatening the hawk, which always resists, means war for a resolved State A
    assert insight.against_model.risk["threaten"] == 1


async def test_the_risk_panel_of_round_two_shows_no_past_war():
    app = make_app("public-threat", role="challenger", own_type="resolved", rounds=2,
                   opponent="hawk", seed=1, solver=fast_solver)
    async with app.run_test(size=(100, 48)) as pilot:
        await to_decision(pilot)
        await pilot.press("1", "1")               # threaten; the hawk resists; fight: war
        await pilot.pause()
        assert app.screen.driver.view().round == 2
        text = panel(app, "risk")
        rows = {line.split(".")[0].strip(): line for line in text.splitlines()
                if line.startswith("  ")}
        assert rows["2"].split()[1:3] == ["0", "(0%)"]      # leave the status quo: no war ahead


async def test_your_own_belief_shows_the_bayes_arithmetic():
    """As State B after a threat, under the semi-separating equilibrium: prior 1/3 resolved,
    the irresolute type bluffs with probability 1/2, so the posterior is 1/2."""
    app = make_app("public-threat", role="defender", seed=1, solver=fast_solver)
    async with app.run_test(size=(100, 48)) as pilot:
        await to_decision(pilot)
        text = panel(app, "own")
        working = app.screen.driver.insight(1).own_belief
        bluff = working.factors["irresolute"][0]
        total = Fraction(1, 3) + Fraction(2, 3) * bluff
        assert working.posterior["resolved"] == Fraction(1, 3) / total
        assert "Prior: Resolved 1/3, Irresolute 2/3." in text
        assert "Seen: Issue a public threat." in text
        assert f"sum = 1/3 x 1 + 2/3 x {bluff} = {total}" in text
        assert "What State A believes about you" in panel(app, "belief")


async def test_worth_is_shown_against_the_opponents_model_too():
    app = make_app("public-threat", role="defender", seed=1, opponent="hawk",
                   solver=fast_solver)
    async with app.run_test(size=(100, 48)) as pilot:
        await to_decision(pilot)
        text = panel(app, "values")
        assert "eq. 1" in text and "vs hawk" in text
        assert "vs hawk: it always takes the most aggressive action; you then best-reply" in text
        insight = app.screen.driver.insight(1)
        # the hawk threatens whatever its type: the threat tells B nothing, and B's belief
        # stays at the prior
        assert insight.model_belief == {"resolved": Fraction(1, 3), "irresolute": Fraction(2, 3)}


async def test_exam_mode_hides_the_answers_and_grades_predictions():
    app = make_app("public-threat", role="challenger", own_type="resolved", seed=3, exam=True,
                   solver=fast_solver)
    async with app.run_test(size=(100, 40)) as pilot:
        await to_decision(pilot)
        text = screen_text(app)
        assert "Worth: hidden (exam mode)" in text
        assert not app.screen.query_one("#risk").display
        await pilot.press("1")                       # threaten: what will B do?
        await wait_ready(pilot, PredictDialog)
        await pilot.press("2")                       # predict: Resist
        await pilot.pause()
        while isinstance(app.screen, (DecisionScreen, PredictDialog)):
            await pilot.press("1")
            await pilot.pause()
        await wait_ready(pilot, OutcomeScreen)
        assert app.screen.driver.predictions[0][1] == "resist"
        assert "YOUR PREDICTIONS:" in screen_text(app)


async def test_exam_mode_hides_the_equilibrium_count_and_the_commentary():
    app = make_app("public-threat", seed=3, exam=True, solver=fast_solver)
    async with app.run_test(size=(100, 40)) as pilot:
        from tests.tui.helpers import solved

        await solved(pilot)
        text = screen_text(app)
        assert "equilibri" not in panel(app, "status")
        assert "so it always fights" not in text and "w_R = 1" in text


async def test_a_digit_with_no_action_says_so():
    app = make_app("escalation-ladder", role="challenger", seed=1, solver=fast_solver)
    async with app.run_test(size=(100, 40)) as pilot:
        await to_decision(pilot)
        before = app.screen.driver.state
        await pilot.press("7")
        await pilot.pause()
        assert app.screen.driver.state is before
        assert any("There is no action 7 here" in str(n.message) for n in app._notifications)


def test_the_glossary_explains_every_term_the_screens_use():
    from game.scenario.concepts import load_concepts

    entries = {c.id: c for c in load_concepts()}
    used = {"nash-equilibrium", "subgame-perfection", "weak-pbe", "perfect-bayesian-equilibrium",
            "information-set", "mixed-strategy", "equilibrium-path", "intuitive-criterion", "d1",
            "qre", "continuum", "best-reply", "backward-induction", "strategic-form",
            "bayesian-updating", "off-path-beliefs"}
    assert used <= set(entries)
    assert "Bayes' rule on the equilibrium" in entries["weak-pbe"].definition
    ft = entries["perfect-bayesian-equilibrium"].definition
    assert "also after a move off the path" in ft and "stays ruled out" in ft
    assert "lambda" in entries["qre"].name
