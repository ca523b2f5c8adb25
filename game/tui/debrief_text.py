"""Provides the debrief's sections as plain text (no Textual inside): the opening a student
reads first, each decision against the theory, the equilibria in short with the reasons that
hold the compared one together, and the concepts with the scenario's discussion questions.

`DebriefScreen`, the prompt game (`--plain`) and the Markdown/HTML export compose these; the
full equilibrium listing and the side-by-side table are in `game.tui.teach.listing`. Every
function takes what it shows and nothing more, so the sections can be rebuilt when the
equilibrium compared with changes, the solve arrives, or the scenario file is reloaded.
"""

from __future__ import annotations

from game.model.expr import format_fraction

KEYS = ("Keys: l all equilibria (table and full listing), d the drawn game tree, "
        "w what if, x export, a play again, s switch side.")


def verdict_text(name: str, verdict) -> str:
    """'Intuitive Criterion passes', 'D1 fails', 'D1 not computed (reason)'."""
    if verdict is None:
        return f"{name} not applied"
    passed = getattr(verdict, "passed", None)
    if passed is None:
        reason = getattr(verdict, "reason", "").strip().rstrip(".")
        if reason[:13].lower() == "not computed:":         # the solver's reasons start so
            reason = reason[13:].strip()
        return f"{name} not computed" + (f" ({reason})" if reason else "")
    return f"{name} {'passes' if passed else 'fails'}"


def verdicts_text(intuitive, d1) -> str:
    """Both refinement verdicts: 'Intuitive Criterion passes, D1 fails'; one reason when
    neither was computed for the same reason."""
    both = verdict_text("Intuitive Criterion and D1", intuitive)
    if intuitive is not None and d1 is not None and getattr(intuitive, "passed", 0) is None \
            and getattr(d1, "passed", 0) is None and both == verdict_text(
                "Intuitive Criterion and D1", d1):
        return both
    return f"{verdict_text('Intuitive Criterion', intuitive)}, {verdict_text('D1', d1)}"


def count_text(count: int) -> str:
    """'1 equilibrium', '3 equilibria'."""
    return f"{count} equilibri{'um' if count == 1 else 'a'}"


def preferred_index(result) -> int | None:
    """The index of the refined equilibrium in `result`, or None without equilibria."""
    if result is None or not result.equilibria:
        return None
    from game.bots.equilibrium import preferred_equilibrium

    return list(result.equilibria).index(preferred_equilibrium(result))


def summary(spec, state, driver, equilibrium, index: int | None, note: str = "",
            result=None, me: int | None = None, keys: str = KEYS) -> str:
    """The opening: what happened, the lesson, how your play related to it; who the opponent
    was; the keys to everything else."""
    from game.tui.teach.narrative import opening

    lines = ["DEBRIEF"]
    if note:
        lines.append(note)
    if state is not None:
        lines += opening(spec, state.game, result, index, state, me)
    lines.append("")
    if driver is not None and len(getattr(driver, "humans", ())) > 1:
        lines.append("Hot-seat: two players shared this terminal, one for each side.")
    elif driver is not None and driver.opponent_description:
        lines.append(f"Your opponent ({driver.opponent_name}): {driver.opponent_description}")
    if keys:
        lines.append(keys)
    return "\n".join(lines).rstrip()


def equilibria_text(game, result, index: int | None, keys: bool = True) -> str:
    """The equilibria in one line each, then what holds the compared one together: why each
    player mixes, the plan off the path, and the threats that are not credible."""
    from game.solver.explain.debrief import infoset_belief
    from game.tui.teach.theory import mixing_lines, off_path_plans, threats

    if result is None:
        return "THE EQUILIBRIA\nThe game was not solved."
    from game.solver.explain.prose import CONCEPT_NAME

    head = (f"THE EQUILIBRIA ({count_text(len(result.equilibria))} found; "
            f"{CONCEPT_NAME[result.concept]}")
    if not result.complete:
        head += "; the search was not complete, more may exist"
    lines = [head + ("; l lists them in full)" if keys else ")")]
    for number, eq in enumerate(result.equilibria, start=1):
        outcomes = ", ".join(f"{label} {format_fraction(p)}" for label, p in
                             sorted(eq.outcomes.items(), key=lambda kv: (-kv[1], kv[0])))
        mark = ("  <- compared with your play" + (" (e: the next one)" if keys else "")
                if number - 1 == index else "")
        lines.append(f"{number}. {eq.kind}: {outcomes}; "
                     f"{verdicts_text(eq.intuitive, eq.d1)}.{mark}")
        for extra in getattr(eq, "notes", ()) or ():
            lines.append(f"   Note: {extra}")
    if index is not None and result.equilibria:
        equilibrium = result.equilibria[index]
        reasons = []
        for infoset in game.infosets:
            if equilibrium.on_path[infoset.id]:
                reasons += mixing_lines(game, equilibrium, infoset,
                                        infoset_belief(game, equilibrium, infoset.id))
        reasons += off_path_plans(game, equilibrium)
        if reasons:
            lines += ["", f"What holds equilibrium {index + 1} together:"]
            lines += [f"- {reason}" for reason in dict.fromkeys(reasons)]
    found = threats(result)
    if found:
        lines += ["", "Threats that are not credible (Nash equilibria that are not subgame "
                      "perfect rest on them):"]
        lines += [f"- {threat.sentence(game)}" for threat in found]
    for note in result.notes:
        lines.append(f"Note: {note}.")
    return "\n".join(lines)


def decisions_text(spec, game, result, index: int | None, state, me: int | None,
                   predictions=()) -> str:
    """Each decision against the theory, a campaign's reputation track, exam predictions."""
    from game.solver.explain.debrief import reputation_track
    from game.tui.teach.narrative import decision_lines
    from game.tui.teach.panels import grade_predictions

    if state is None:
        return "YOUR DECISIONS\n(no play on this version of the game to compare with)"
    if result is None or index is None:
        return "YOUR DECISIONS\n(no equilibrium to compare with)"
    lines = ["YOUR DECISIONS" if me is not None else "THE DECISIONS"]
    lines += decision_lines(spec, game, result, index, state, me)
    if game.rounds > 1:
        about = me if me is not None else 0
        if len(spec.players[about].types) < 2:
            about = 1 - about
        if len(spec.players[about].types) > 1:
            track = reputation_track(game, result.equilibria[index], state, about)
            lines.append("")
            lines.append(f"Reputation track (what {spec.players[1 - about].name} "
                         f"believed about {spec.players[about].name} after each round):")
            for number, belief in enumerate(track, start=1):
                if belief is None:
                    text = "off the path (Bayes' rule says nothing)"
                else:
                    text = ", ".join(f"{spec.type_of(about, t).name} "
                                     f"{format_fraction(p)}" for t, p in belief.items())
                lines.append(f"  after round {number}: {text}")
    graded = grade_predictions(game, result, index, state, predictions)
    if graded:
        lines += ["", *graded]
    return "\n".join(lines)


def concepts_text(spec, keys: bool = True) -> str:
    """The scenario's concepts (glossary names), its debrief paragraphs, and its discussion
    questions."""
    from game.tui.session import glossary

    entries = glossary()
    names = [entries[c][0] if c in entries else c for c in spec.concepts]
    lines = ["CONCEPTS: " + ", ".join(names) + (" (g opens the glossary)." if keys else ".")]
    if spec.debrief:
        lines.append("")
        lines += [" ".join(p.split()) for p in spec.debrief]
    questions = tuple(getattr(spec, "discussion", ()) or ())
    if questions:
        lines += ["", "DISCUSSION"]
        lines += [f"{number}. {' '.join(q.split())}" for number, q in
                  enumerate(questions, start=1)]
    if keys:
        lines.append("")
        lines.append("w: what if? change a parameter and see how the equilibria move. "
                     "n: a new game.")
    return "\n".join(lines)
