"""The debrief a student reads: the opening lines, each decision with its concept and
counterfactual, labels never ids, threats only where they are threats, campaigns in words,
and the screens behind its keys (all equilibria, the drawn tree, guided backward induction,
export, play again / switch side)."""

from __future__ import annotations

import re

from game.engine.state import State
from game.tui.app import make_app
from game.tui.screens.briefing import BriefingScreen
from game.tui.screens.debrief import DebriefScreen
from game.tui.screens.decision import DecisionScreen
from game.tui.screens.outcome import OutcomeScreen
from game.tui.session import load
from tests.tui.helpers import fast_solver, painted, screen_text, to_decision, wait_ready


async def play_to_debrief(pilot, keys="1") -> None:
    app = pilot.app
    await to_decision(pilot)
    while isinstance(app.screen, DecisionScreen):
        await pilot.press(keys)
        await pilot.pause()
    await wait_ready(pilot, OutcomeScreen)
    await pilot.press("enter")
    await wait_ready(pilot, DebriefScreen)


def debrief_text(app) -> str:
    """Every text of the debrief, the game tree's labels included."""
    from textual.widgets import Tree

    tree = app.screen.query_one(Tree)
    labels = []
    stack = [tree.root]
    while stack:
        node = stack.pop()
        labels.append(str(node.label))
        stack.extend(node.children)
    return screen_text(app) + "\n" + "\n".join(labels)


def ids_that_are_not_words(spec) -> set[str]:
    """The scenario's node and action ids that are not also words of its labels and texts."""
    from game.model.spec import SimultaneousNode

    words = set()
    prose = [spec.title, spec.summary, *spec.debrief]
    ids = set()
    for node in spec.nodes.values():
        ids.add(node.id)
        prose += [getattr(node, "title", ""), getattr(node, "text", ""),
                  getattr(node, "outcome", "")]
        moves = [m for side in node.actions for m in side] if isinstance(node, SimultaneousNode) \
            else list(getattr(node, "moves", ()))
        for move in moves:
            ids.add(move.action)
            prose.append(move.label)
    for text in prose:
        words.update(re.findall(r"[A-Za-z_]+", text or ""))
    return {i for i in ids if i not in words}


async def test_the_chicken_debrief_contains_no_node_or_action_id():
    for role, keys in (("row", "1"), ("column", "2")):
        app = make_app("chicken", role=role, seed=3, solver=fast_solver)
        async with app.run_test(size=(100, 40)) as pilot:
            await play_to_debrief(pilot, keys)
            text = debrief_text(app)
            ids = ids_that_are_not_words(app.screen.spec)
            assert {"answer_straight", "answer_swerve", "standoff"} <= ids
            found = {i for i in ids if re.search(rf"\b{re.escape(i)}\b", text)}
            assert not found, found
            assert "probability at least 0." not in text
            # one sentence per distinct threat: the two Nash equilibria share one threat
            assert text.count("threat to Keep straight at 'State A keeps straight'") == 1


async def test_the_debrief_opens_with_what_happened_the_lesson_and_your_play():
    app = make_app("public-threat", role="challenger", own_type="irresolute", seed=2,
                   solver=fast_solver)
    async with app.run_test(size=(100, 40)) as pilot:
        await play_to_debrief(pilot)
        summary = str(app.screen.query_one("#summary").render())
        opening = summary.split("\n\n")[0].splitlines()[1:]
        assert 3 <= len(opening) <= 5
        assert opening[0].startswith("What happened: you were Irresolute.")
        assert opening[1].startswith("The lesson:")
        assert "equilibrium 1" in opening[2]


async def test_each_decision_names_its_concept_and_counterfactual():
    """The irresolute challenger who threatens is bluffing; had B conceded, the threat would
    have paid 1; the decision to mix is explained by the indifference arithmetic."""
    app = make_app("public-threat", role="challenger", own_type="irresolute", seed=2,
                   solver=fast_solver)
    async with app.run_test(size=(100, 40)) as pilot:
        await play_to_debrief(pilot)
        decisions = str(app.screen.query_one("#decisions").render())
        assert "You bluffed: as Irresolute, your move made State B think you more likely " \
               "Resolved (1/3 -> 1/2)." in decisions
        assert "because it is indifferent: Issue a public threat = " in decisions
        assert re.search(r"Had State B chosen (Concede|Resist) \(probability 1/2 in "
                         r"equilibrium 1\), you would have", decisions)


def test_a_reply_to_a_posture_is_not_called_a_threat():
    """State B's resistance answers A's public threat: it is not a threat to carry out. A's
    fight, which ends the game, is."""
    from game.solver.explain.debrief import debrief_facts

    spec, game = load("public-threat")
    result = fast_solver(game)
    state = State.initial(game)
    for action in ("resolved", "threaten", "resist", "fight"):
        state = state.play(action)
    reply, fight = debrief_facts(result, 0, state, player=1)[0], \
        debrief_facts(result, 0, state, player=0)[-1]
    assert reply.threat is None and "threat" not in reply.note
    assert fight.threat == "fight" and fight.credible is True


def test_a_simultaneous_move_is_not_called_a_threat():
    from game.solver.explain.debrief import debrief_facts

    spec, game = load("chicken")
    result = fast_solver(game)
    state = State.initial(game)
    for action in ("at_once", "straight", "straight"):
        state = state.play(action)
    for fact in debrief_facts(result, 0, state):
        assert fact.threat is None and "threat" not in fact.note


def test_deterrence_off_the_path_is_explained_for_complete_information():
    """The escalation ladder: B would answer a probe with the limited response, and A would
    then back down; the probe is worth less than the status quo."""
    from game.tui.teach.theory import off_path_plans

    spec, game = load("escalation-ladder")
    result = fast_solver(game)
    plans = " ".join(off_path_plans(game, result.equilibria[0]))
    assert "Why State A does not choose Probe at 'Probe?': State B would answer with Limited " \
           "response; if it stays limited (19/20)" in plans
    assert "State A would Back down" in plans and "against 0 on the equilibrium path" in plans


async def test_a_campaign_debrief_names_histories_and_repeats_no_sentence():
    app = make_app("public-threat", role="challenger", rounds=2, seed=7, solver=fast_solver)
    async with app.run_test(size=(100, 40)) as pilot:
        await play_to_debrief(pilot)
        text = screen_text(app)
        assert "round 2, after" in text
        sentences = [s.strip() for s in re.split(r"(?<=[.])\s", text) if len(s.strip()) > 40]
        repeated = {s for s in sentences if sentences.count(s) > 1}
        assert not repeated, repeated
        await pilot.press("l")
        await pilot.pause()
        listing = screen_text(app)
        assert "never reached" in listing and " or after " in listing


async def test_the_keys_of_the_debrief_open_their_screens():
    from game.tui.screens.drawing import DrawingScreen
    from game.tui.screens.equilibria import EquilibriaScreen
    from game.tui.screens.guided import GuidedScreen

    app = make_app("escalation-ladder", role="challenger", seed=1, solver=fast_solver)
    async with app.run_test(size=(100, 40)) as pilot:
        await play_to_debrief(pilot)
        await pilot.press("l")
        await wait_ready(pilot, EquilibriaScreen)
        assert "All equilibria side by side" in painted(app)
        assert "THE EQUILIBRIA IN FULL" in screen_text(app)
        await pilot.press("escape", "d")
        await wait_ready(pilot, DrawingScreen)
        assert "[A1]" in screen_text(app) and "<- played" in screen_text(app)
        await pilot.press("escape", "b")
        await wait_ready(pilot, GuidedScreen)
        screen = app.screen
        for question in screen.questions:
            await pilot.press(str(min(question.best) + 1))
            await pilot.pause()
            assert "Right." in screen_text(app)
            await pilot.press("enter")
        assert f"Done: {len(screen.questions)} of {len(screen.questions)} right." \
            in screen_text(app)


async def test_play_again_and_switch_side():
    app = make_app("public-threat", role="challenger", seed=1, solver=fast_solver)
    async with app.run_test(size=(100, 40)) as pilot:
        await play_to_debrief(pilot)
        await pilot.press("s")
        await wait_ready(pilot, BriefingScreen)
        assert app.screen.seat == 1
        await to_decision(pilot)
        while isinstance(app.screen, DecisionScreen):
            await pilot.press("1")
            await pilot.pause()
        await wait_ready(pilot, OutcomeScreen)
        await pilot.press("a")
        await wait_ready(pilot, BriefingScreen)
        assert app.screen.seat == 1


async def test_export_writes_markdown_and_html_and_never_overwrites(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app("public-threat", role="challenger", seed=5, solver=fast_solver)
    async with app.run_test(size=(100, 40)) as pilot:
        await play_to_debrief(pilot)
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["debrief-public-threat-seed5-2.html", "debrief-public-threat-seed5-2.md",
                     "debrief-public-threat-seed5.html", "debrief-public-threat-seed5.md"]
    markdown = (tmp_path / "debrief-public-threat-seed5.md").read_text()
    assert markdown.startswith("# The Public Threat: debrief")
    assert "Seed: 5" in markdown and "Prior over State A's type: Resolved 1/3" in markdown
    assert "## The equilibria in full" in markdown and "Nature draws State A's type" in markdown
    html = (tmp_path / "debrief-public-threat-seed5.html").read_text()
    assert "<h2>Your Decisions</h2>" in html and "<table>" in html


async def test_discussion_questions_follow_the_debrief(monkeypatch):
    """Questions in the scenario file (`discussion`) are shown after the debrief."""
    import dataclasses

    from game.tui import session

    original = session.load

    def with_questions(name, values=None, rounds=None):
        spec, game = original(name, values, rounds)
        spec = _with_discussion(spec, ("Would you have bluffed at p = 1/2?",))
        return spec, dataclasses.replace(game, spec=spec)

    monkeypatch.setattr(session, "load", with_questions)
    app = make_app("public-threat", role="challenger", seed=5, solver=fast_solver)
    async with app.run_test(size=(100, 40)) as pilot:
        await play_to_debrief(pilot)
        concepts = str(app.screen.query_one("#concepts").render())
        assert "DISCUSSION\n1. Would you have bluffed at p = 1/2?" in concepts


def _with_discussion(spec, questions):
    """The spec with discussion questions (the field may not exist yet: a subclass adds it)."""
    import dataclasses

    if any(f.name == "discussion" for f in dataclasses.fields(spec)):
        return dataclasses.replace(spec, discussion=questions)

    @dataclasses.dataclass(frozen=True, slots=True)
    class WithDiscussion(type(spec)):
        discussion: tuple[str, ...] = ()

    fields = {f.name: getattr(spec, f.name) for f in dataclasses.fields(spec)}
    return WithDiscussion(**fields, discussion=questions)


def test_what_if_says_why_the_regime_changed():
    """At a = 3 the irresolute type's hands are tied (a > -w_I = 2): it now fights, and the
    reason is the comparison that flipped, with its symbols and values."""
    from fractions import Fraction

    from game.bots.equilibrium import preferred_equilibrium
    from game.model.expand import expand_game
    from game.tui.teach.regime import regime_changes

    spec, game = load("public-threat")
    before = preferred_equilibrium(fast_solver(game))
    moved_game = expand_game(spec, {**game.values, "a": Fraction(3)})
    after = preferred_equilibrium(fast_solver(moved_game))
    lines = regime_changes(spec, game, before, moved_game, after)
    fight = next(line for line in lines if "(Irresolute) at 'Fight or back down?'" in line)
    assert "Back down -> Fight" in fight
    assert "Fight: w_I = -2; Back down: -a = -3 (was -1): Fight is now the best reply." in fight
    assert any("belief at 'Resist or concede?'" in line for line in lines)


def test_the_debrief_names_the_concept_and_why_a_verdict_was_not_computed():
    """In a two-round public threat the challenger moves again after an unexpected move, so
    the refinements are not computed: the debrief says so once, with the solver's reason."""
    from game.solver.explain.prose import CONCEPT_NAME
    from game.solver.solve import solve
    from game.tui.debrief_text import count_text, equilibria_text
    from game.tui.teach.listing import listing_lines, table_rows

    _, game = load("public-threat", {}, 2)
    for concept in ("pbe", "weak"):
        result = solve(game, seconds=60, concept=concept)
        text = equilibria_text(game, result, 0)
        assert text.startswith(f"THE EQUILIBRIA ({count_text(len(result.equilibria))} found; "
                               f"{CONCEPT_NAME[concept]}")
    result = solve(game, seconds=60)
    open_verdicts = [eq for eq in result.equilibria if eq.d1.passed is None]
    assert open_verdicts and all(eq.intuitive.passed is None for eq in open_verdicts)
    reason = "not computed (after Leave the status quo, State A moves again"
    text = equilibria_text(game, result, 0)
    assert f"Intuitive Criterion and D1 {reason}" in text
    assert "Not computed:" not in text and "not computed (Not" not in text
    assert f"Intuitive Criterion and D1 {reason}" in "\n".join(listing_lines(game, result, 0))
    headers, rows = table_rows(game, result)
    number = result.equilibria.index(open_verdicts[0]) + 1
    assert rows[5][number].startswith(reason) and rows[6][number].startswith(reason)
