"""The teaching code walks a game without recursion over its depth.

A chain of 300 visible moves (601 nodes) is drawn, tabled, played with the live panels,
explained decision by decision and exported while `shallow_stack` leaves only 120 frames of
headroom: code that recursed once per level of the tree fails inside it.
"""

from __future__ import annotations

import pytest

from tests.scenario.generated import chain_scenario, shallow_stack

DEPTH = 300


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    from game.solver.solve import solve
    from game.tui.session import load

    path = tmp_path_factory.mktemp("deep") / "chain.yaml"
    path.write_text(chain_scenario(DEPTH), encoding="utf-8")
    spec, game = load(str(path))
    result = solve(game, seconds=60)
    assert result.equilibria and len(game.nodes) == 2 * DEPTH + 1
    return spec, game, result


def test_the_payoff_table_names_the_path_to_every_outcome_however_deep(chain):
    from game.tui.teach.drawing import LONG_PATH, path_counts, payoff_rows

    spec, game, _ = chain
    with shallow_stack():
        rows = payoff_rows(spec, game.values)
        counts = path_counts(spec)
    assert len(rows) == DEPTH + 1 and all(row.path for row in rows)
    assert rows[0].path == "Stop"                                  # d0's stop
    assert rows[LONG_PATH - 1].path == " > ".join(["Go"] * (LONG_PATH - 1) + ["Stop"])
    deepest = rows[-2].path                                         # the last decision's stop
    assert deepest == ("Go > Go > Go > Go > Go > (" + str(DEPTH - 10) + " more moves) > "
                       "Go > Go > Go > Go > Stop")
    assert rows[-1].path.startswith("Go > ") and rows[-1].outcome == "The end"
    assert set(counts.values()) == {1}


def test_the_drawn_tree_of_a_deep_chain_stops_at_its_line_budget(chain):
    from game.tui.teach.drawing import MAX_DRAWN, draw_tree

    _, game, result = chain
    with shallow_stack():
        lines = draw_tree(game, result.equilibria[0])
    assert lines[0].startswith("State A [A1]")
    assert f"(the drawing stops after {MAX_DRAWN} lines)" in lines
    drawn = lines[:lines.index(f"(the drawing stops after {MAX_DRAWN} lines)")]
    assert MAX_DRAWN <= len(drawn) <= MAX_DRAWN + 1      # a decision adds two lines at once
    # each level indents by three columns: the drawing goes about 200 levels down
    assert max(len(line) - len(line.lstrip("│ ")) for line in drawn) >= 3 * (MAX_DRAWN // 2 - 2)


def test_stages_that_meet_again_are_counted_not_walked_path_by_path(tmp_path):
    from game.tui.session import load
    from game.tui.teach.drawing import MAX_PATHS, path_counts, payoff_rows

    stages = 16
    lines = ["id: diamond", "title: Stages that meet again", "players:",
             "  - {id: a, name: State A}", "  - {id: b, name: State B}", "root: k0", "nodes:"]
    for index in range(stages):
        after = f"k{index + 1}" if index + 1 < stages else "end"
        lines.append(f"  - {{id: k{index}, kind: decision, player: {'ab'[index % 2]}, moves: "
                     f"[{{action: left, to: {after}}}, {{action: right, to: {after}}}]}}")
    lines.append("  - {id: end, kind: terminal, outcome: The end, payoffs: {a: 1, b: 1}}")
    path = tmp_path / "diamond.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    spec, game = load(str(path))
    assert path_counts(spec) == {"end": 2 ** stages}
    row = payoff_rows(spec, game.values)[0]
    assert row.path.count(" or ") == MAX_PATHS
    assert row.path.endswith(f" or {2 ** stages - MAX_PATHS} more paths")
    assert row.path.startswith("Left > Left > Left > Left > Left > (6 more moves) > Left")


def test_a_deep_chain_is_played_with_its_panels_and_explained_move_by_move(chain):
    from game.tui.driver import LocalDriver
    from game.tui.teach import panels
    from game.tui.teach.export import debrief_sections

    spec, game, result = chain
    driver = LocalDriver(game, 0, bot=None, seed=1, result=result, equilibrium_index=0)
    with shallow_stack():
        moves = 0
        while not driver.finished:
            view = driver.view()
            insight = driver.insight(view.player)
            assert "Worth to you" in panels.worth_panel(spec, view.legal_actions, insight)
            driver.submit("go")
            driver.drain_events()
            moves += 1
        sections = dict(debrief_sections(spec, game, result, 0, driver.final_state(), None,
                                         driver))
    assert moves == DEPTH
    decisions = sections["The Decisions"]
    assert len(decisions) == DEPTH
    assert decisions[-1].startswith("- ") and "State B chose Go" in decisions[-1]
    assert sections["The game tree"][0].startswith("State A [A1]")


def test_staying_out_of_a_deep_chain_is_explained_by_backward_induction(chain):
    """`Stop` at the root: the debrief works out what `Go` would have led to, all the way
    down the chain, by backward induction without recursion."""
    from game.bots import make_bot
    from game.tui.driver import LocalDriver
    from game.tui.teach.narrative import decision_lines

    spec, game, result = chain
    driver = LocalDriver(game, 0, bot=make_bot("hawk", game, result, seed=1), seed=1,
                         result=result, equilibrium_index=0)
    with shallow_stack():
        insight = driver.insight(0)          # against the hawk: its play, then a best reply
        driver.submit("stop")
        lines = decision_lines(spec, game, result, 0, driver.final_state(), 0)
    assert insight.against_model is not None and set(insight.against_model.worth) == {
        "go", "stop"}
    assert len(lines) == 1 and "You stayed out instead of choosing Go" in lines[0]


def test_guided_backward_induction_asks_about_every_decision_of_a_deep_chain(chain):
    from game.tui.teach.guided import questions, summary

    _, game, _ = chain
    with shallow_stack():
        asked, _ = questions(game)
        text = summary(game)
    assert len(asked) == DEPTH and text
