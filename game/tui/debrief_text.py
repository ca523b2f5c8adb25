"""Provides the debrief's sections as plain text (no Textual inside): the summary, the
equilibria in words, the credibility audit of each decision, and the concepts.

`DebriefScreen` composes these; the solver's `explain` and `debrief` modules decide what they
say. Every function takes what it shows and nothing more, so the sections can be rebuilt when
the equilibrium compared with changes, the solve arrives, or the scenario file is reloaded.
"""

from __future__ import annotations

from game.model.expr import format_fraction


def _verdict(name: str, verdict) -> str:
    if verdict is None:
        return f"{name}: not applied"
    return f"{name}: {'passes' if verdict.passed else 'fails'} ({verdict.reason})"


def preferred_index(result) -> int | None:
    """The index of the refined equilibrium in `result`, or None without equilibria."""
    if result is None or not result.equilibria:
        return None
    from game.bots.equilibrium import preferred_equilibrium

    return list(result.equilibria).index(preferred_equilibrium(result))


def summary(spec, state, driver, equilibrium, index: int | None, note: str = "") -> str:
    """The outcome, the types, who the opponent was, and the compared equilibrium's outcomes."""
    lines = ["DEBRIEF"]
    if note:
        lines.append(note)
    if state is not None:
        types = state.types()
        payoffs = ", ".join(f"{p.name} {format_fraction(v)}"
                            for p, v in zip(spec.players, state.payoffs()))
        lines.append(f"Outcome: {state.current.outcome} (payoffs: {payoffs}).")
        typed = [f"{p.name} was {spec.type_of(i, types[i]).name}"
                 for i, p in enumerate(spec.players) if len(p.types) > 1]
        if typed:
            lines.append("Types: " + "; ".join(typed) + ".")
    if driver.opponent_description:
        lines.append(f"Your opponent ({driver.opponent_name}): {driver.opponent_description}")
    if equilibrium is not None:
        outcomes = ", ".join(f"{label} {format_fraction(p)}" for label, p in
                             sorted(equilibrium.outcomes.items(), key=lambda kv: -kv[1]))
        lines.append(f"Under equilibrium {index + 1} the outcomes are: {outcomes}.")
    return "\n".join(lines)


def equilibria_text(game, result, index: int | None) -> str:
    """Every equilibrium: kind, refinements, a paragraph in plain words."""
    from game.solver.explain.prose import describe_equilibrium

    if result is None:
        return "THE EQUILIBRIA\nThe game was not solved."
    lines = [f"THE EQUILIBRIA ({len(result.equilibria)} found"
             + ("" if result.complete else "; the search was cut short, more may exist") + ")"]
    for number, eq in enumerate(result.equilibria, start=1):
        mark = "  <- compared with your play below (e: the next one)" \
            if number - 1 == index else ""
        lines.append("")
        lines.append(f"{number}. {eq.kind}{mark}")
        lines.append(f"   {_verdict('Intuitive Criterion', eq.intuitive)}")
        lines.append(f"   {_verdict('D1', eq.d1)}")
        lines.append(describe_equilibrium(game, eq))
    for report in result.nash_not_spe:
        lines.append("")
        lines.append("A Nash equilibrium that is not subgame perfect rests on a threat "
                     "that would not be carried out: " + " ".join(report.non_credible))
    for note in result.notes:
        lines.append(f"Note: {note}.")
    return "\n".join(lines)


def decisions_text(spec, game, result, index: int | None, state, me: int | None) -> str:
    """The credibility audit of each decision, and a campaign's reputation track."""
    from game.solver.explain.debrief import debrief_facts, reputation_track

    if state is None:
        return "YOUR DECISIONS\n(no play on this version of the game to compare with)"
    if result is None or index is None:
        return "YOUR DECISIONS\n(no equilibrium to compare with)"
    facts = debrief_facts(result, index, state, player=me)
    lines = ["YOUR DECISIONS" if me is not None else "THE DECISIONS"]
    for fact in facts:
        where = f"round {fact.round}, " if game.rounds > 1 else ""
        title = getattr(spec.nodes.get(fact.stage), "title", "") or fact.stage
        lines.append(f"- {where}{title}: {fact.note}")
    if len(facts) == 0:
        lines.append("You made no decision in this play.")
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
    return "\n".join(lines)


def concepts_text(spec) -> str:
    """The scenario's concepts (glossary names), its debrief paragraphs, and the next keys."""
    from game.tui.session import glossary

    entries = glossary()
    names = [entries[c][0] if c in entries else c for c in spec.concepts]
    lines = ["CONCEPTS: " + ", ".join(names) + " (g opens the glossary)."]
    if spec.debrief:
        lines.append("")
        lines += [" ".join(p.split()) for p in spec.debrief]
    lines.append("")
    lines.append("w: what if? change a parameter and see how the equilibria move. "
                 "n: a new game.")
    return "\n".join(lines)
