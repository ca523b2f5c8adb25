"""Provides `Insight` (the live panels' content for one seat at one moment), `compute_insight`,
and the panels' texts, each saying what its figures assume.

The decision screen and the prompt game (`--plain`) show the same texts. With `exam` the
answer-giving parts are hidden: the risk and worth panels, and the posterior (the prior and
the moves seen stay, so the student can work the posterior out).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from game.model.expr import format_fraction
from game.tui.teach.working import BeliefWorking, Outlook

ZERO = Fraction(0)


@dataclass(frozen=True)
class Insight:
    """The live panels of the decision screen, for one seat at one moment."""

    belief: dict[str, Fraction] | None = None
    """What the opponent now believes about your type (type name -> probability)."""
    risk: Fraction | None = None
    """The chance of a disaster from now on if both follow the equilibrium."""
    values: dict[str, Fraction] = field(default_factory=dict)
    """Your expected payoff of each legal action (action id -> value) under the equilibrium."""
    equilibrium: str = ""
    """Which equilibrium the figures assume, in words."""
    track: tuple[dict[str, Fraction] | None, ...] = ()
    """Campaigns: the opponent's belief about your type after each completed round (type name
    -> probability; None off the path)."""
    own_belief: BeliefWorking | None = None
    """Your belief about the opponent's type, with the Bayes arithmetic (equilibrium play)."""
    assumed: str = ""
    """Off the path: the belief the equilibrium assumes you hold, in words."""
    model_belief: dict[str, Fraction] | None = None
    """Your belief about the opponent's type if it plays as modelled (type id -> probability)."""
    at_equilibrium: Outlook | None = None
    """At your decision: worth and forward risk of each action if both follow the equilibrium."""
    against_model: Outlook | None = None
    """... if the opponent plays as modelled and you then best-reply to it."""
    model_name: str = ""
    """The opponent model's name ("" for none)."""
    model_how: str = ""
    """How the model's probabilities were found."""
    model_exact: bool = True
    """False when the model's probabilities were rounded from decimals."""
    model_is_equilibrium: bool = False
    """The opponent plays the very equilibrium the figures assume (one column suffices)."""
    disaster_marked: bool = False
    """The scenario marks a disaster outcome."""


def _percent(value: Fraction) -> str:
    return f"{float(value):.0%}"


def _number(value: Fraction, exact: bool = True) -> str:
    return format_fraction(value) if exact else f"~{float(value):.2f}"


def _risk(value: Fraction, exact: bool = True) -> str:
    return f"{format_fraction(value)} ({_percent(value)})" if exact else f"~{_percent(value)}"


def _types(spec, player: int, belief: dict[str, Fraction]) -> str:
    return ", ".join(f"{spec.type_of(player, t).name} {format_fraction(p)}"
                     for t, p in belief.items())


def belief_about_you(spec, seat: int, insight: Insight | None, exam: bool = False) -> str:
    """'What State B believes about you' (Bayes' rule under the equilibrium; in exam mode
    without naming the equilibrium)."""
    other = spec.players[1 - seat].name
    head = f"What {other} believes about you"
    if insight is None:
        return f"{head}: not shown (the game is still being solved)."
    if len(spec.players[seat].types) < 2:
        return f"{head}: nothing to learn (you have one type)."
    if insight.belief is None:
        return (f"{head}:\noff the path: the equilibrium never makes your moves, so Bayes' "
                "rule says nothing.")
    parts = "\n".join(f"  {name}: {format_fraction(p)} ({_percent(p)})"
                      for name, p in insight.belief.items())
    how = "by Bayes' rule from what it saw" if exam else f"if it reasons as in {insight.equilibrium}"
    return f"{head}\n({how}):\n{parts}"


def own_belief(spec, seat: int, insight: Insight | None, exam: bool = False) -> str:
    """'Your belief about State A': prior -> posterior with the arithmetic written out."""
    about = 1 - seat
    other = spec.players[about]
    head = f"Your belief about {other.name}"
    if len(other.types) < 2:
        return f"{head}: {other.name} has no private type; you know its payoffs."
    if insight is None or insight.own_belief is None:
        return f"{head}: not shown (the game is still being solved)."
    working = insight.own_belief
    names = {t.id: t.name for t in other.types}
    lines = [head, f"Prior: {_types(spec, about, working.prior)}."]
    if not working.moves:
        lines.append(f"Nothing of {other.name}'s seen yet: your belief is the prior.")
        return "\n".join(lines)
    lines.append(f"Seen: {', '.join(working.moves)}.")
    if exam:
        lines.append("Your posterior: work it out with Bayes' rule (exam mode); the debrief "
                     "shows it.")
        return "\n".join(lines)
    lines.append(f"Chance each type does that ({insight.equilibrium.split(' (')[0]}):")
    for type_id, factors in working.factors.items():
        product = working.likelihood(type_id)
        shown = " x ".join(format_fraction(f) for f in factors)
        if len(factors) > 1:
            shown += f" = {format_fraction(product)}"
        lines.append(f"  {names[type_id]}: {shown}")
    if working.posterior is None:
        lines.append(f"No type makes these moves in this equilibrium (off its path): Bayes' "
                     "rule says nothing.")
        if insight.assumed:
            lines.append(f"The equilibrium assumes you believe {insight.assumed}.")
    else:
        terms = [f"{format_fraction(working.prior[t])} x {format_fraction(working.likelihood(t))}"
                 for t in working.prior]
        total = sum((working.prior[t] * working.likelihood(t) for t in working.prior), ZERO)
        lines.append("Bayes' rule: prior x chance / sum")
        lines.append(f"  sum = {' + '.join(terms)} = {format_fraction(total)}")
        for type_id, value in working.posterior.items():
            lines.append(f"  {names[type_id]} {format_fraction(working.prior[type_id])} x "
                         f"{format_fraction(working.likelihood(type_id))} / "
                         f"{format_fraction(total)} = {format_fraction(value)}")
    if insight.model_belief is not None and not insight.model_is_equilibrium:
        shown = ", ".join(f"{names.get(t, t)} {_number(p, insight.model_exact)}"
                          for t, p in insight.model_belief.items())
        lines.append(f"If it plays as modelled ({insight.model_name}): {shown}.")
    return "\n".join(lines)


def _columns(insight: Insight) -> list[tuple[str, Outlook, bool]]:
    columns = []
    if insight.at_equilibrium is not None:
        columns.append((insight.equilibrium.split(" (")[0].replace("equilibrium", "eq."),
                        insight.at_equilibrium, True))
    if insight.against_model is not None and not insight.model_is_equilibrium:
        columns.append((f"vs {insight.model_name}", insight.against_model, insight.model_exact))
    return columns


def _legend(insight: Insight) -> list[str]:
    lines = []
    if insight.at_equilibrium is not None:
        short = insight.equilibrium.split(" (")[0].replace("equilibrium", "eq.")
        same = ", which your opponent plays" if insight.model_is_equilibrium else ""
        lines.append(f"{short}: if both then follow {insight.equilibrium}{same}.")
    if insight.against_model is not None and not insight.model_is_equilibrium:
        lines.append(f"vs {insight.model_name}: {insight.model_how}; you then best-reply "
                     "to it.")
    elif not insight.model_name:
        lines.append("No model of your opponent (a person): equilibrium figures only.")
    return lines


def _table(legal: tuple[str, ...], columns, cell) -> list[str]:
    head = "     " + "".join(f"{name:<13}" for name, _, _ in columns)
    rows = [head.rstrip()]
    for number, action in enumerate(legal, start=1):
        cells = "".join(f"{cell(outlook, action, exact):<13}" for _, outlook, exact in columns)
        rows.append(f"  {number}. {cells}".rstrip())
    return rows


def risk_panel(spec, legal: tuple[str, ...], insight: Insight | None, exam: bool = False) -> str:
    """The risk of disaster after each action, from now on, under each assumption."""
    if exam:
        return "Risk of disaster: hidden (exam mode)."
    if insight is None:
        return "Risk of disaster: not shown (the game is still being solved)."
    if not insight.disaster_marked:
        return "Risk of disaster: none marked in this scenario."
    columns = [(n, o, e) for n, o, e in _columns(insight) if o.risk is not None]
    if not legal or not columns:
        return "Risk of disaster: shown when you move."
    lines = ["Risk of disaster from now on, if you choose:"]
    lines += _table(legal, columns, lambda o, a, exact: _risk(o.risk[a], exact))
    return "\n".join(lines + _legend(insight))


def worth_panel(spec, legal: tuple[str, ...], insight: Insight | None, exam: bool = False
                ) -> str:
    """What each action is worth to you, under each assumption."""
    if exam:
        return "Worth: hidden (exam mode)."
    if insight is None:
        return "Worth: not shown (the game is still being solved)."
    columns = _columns(insight)
    if not legal or not columns:
        return "Worth: shown when you move."

    def cell(outlook: Outlook, action: str, exact: bool) -> str:
        best = max(outlook.worth.values())
        mark = " best" if outlook.worth[action] == best else ""
        return _number(outlook.worth[action], exact) + mark

    lines = ["Worth to you (expected payoff)"]
    lines += _table(legal, columns, cell)
    return "\n".join(lines + _legend(insight))


def compute_insight(game, result, index: int, state, seat: int, model=None, structure=None
                    ) -> Insight:
    """The panels' content for `seat` at `state` under equilibrium `index` of `result` and
    (when given) the opponent model."""
    from game.solver.explain.debrief import posterior, reputation_track
    from game.solver.structure import Structure
    from game.tui.teach.working import (bayes_working, best_reply, disaster_ahead,
                                        marked_outcomes, outlook)

    spec = game.spec
    structure = structure or Structure(game)
    equilibrium = result.equilibria[index]
    behaviour = equilibrium.behaviour
    node = state.current
    marked = marked_outcomes(spec)
    disaster = disaster_ahead(marked, node.round) if marked else None
    raw = posterior(game, equilibrium, state, seat)
    belief = None
    if raw is not None and spec is not None:
        belief = {spec.type_of(seat, t).name: p for t, p in raw.items()}
    own = bayes_working(game, behaviour, state, 1 - seat)
    risk_now = None
    at_eq = against = None
    assumed = ""
    model_belief = None
    values: dict[str, Fraction] = {}
    if node.player == seat:
        infoset = game.infosets[node.infoset]
        from game.solver.explain.debrief import infoset_belief

        at_eq = outlook(game, behaviour, infoset.id, infoset_belief(game, equilibrium,
                                                                    infoset.id),
                        disaster, structure)
        values = dict(at_eq.worth)
        if at_eq.risk is not None:
            risk_now = sum((p * at_eq.risk[a] for a, p in zip(infoset.actions,
                                                               behaviour[infoset.id])), ZERO)
        if own is not None and own.posterior is None:
            assumed = assumed_belief(game, equilibrium, infoset)
        if model is not None:
            profile = best_reply(game, {**behaviour, **model.behaviour}, seat, structure)
            against = outlook(game, profile, infoset.id, None, disaster, structure)
            if against.belief is not None and own is not None:
                model_belief = {}
                for key, p in against.belief.items():
                    type_id = key.partition("+")[0]
                    model_belief[type_id] = model_belief.get(type_id, ZERO) + p
    track: tuple = ()
    if game.rounds > 1 and spec is not None and len(spec.players[seat].types) > 1:
        track = tuple(None if b is None else {spec.type_of(seat, t).name: p for t, p in b.items()}
                      for b in reputation_track(game, equilibrium, state, seat))
    is_eq = model is not None and model.equilibrium_index == index
    return Insight(belief=belief, risk=risk_now, values=values,
                   equilibrium=f"equilibrium {index + 1} ({equilibrium.kind})", track=track,
                   own_belief=own, assumed=assumed, model_belief=model_belief,
                   at_equilibrium=at_eq, against_model=against,
                   model_name=model.name if model is not None else "",
                   model_how=model.how if model is not None else "",
                   model_exact=model.exact if model is not None else True,
                   model_is_equilibrium=is_eq, disaster_marked=bool(marked))


def assumed_belief(game, equilibrium, infoset) -> str:
    """The off-path belief an equilibrium assumes at an information set, in words."""
    from game.solver.explain.prose import key_name

    belief_set = equilibrium.off_path_beliefs.get(infoset.group)
    if belief_set is None or len(belief_set.keys) < 2:
        return ""
    first = key_name(game, infoset, belief_set.keys[0])
    if belief_set.unrestricted:
        return "anything (every belief supports its play)"
    interval = belief_set.interval
    if interval is not None:
        low, high = interval
        if low == high:
            return f"{first} with probability {format_fraction(low)}"
        return f"{first} with probability between {format_fraction(low)} and {format_fraction(high)}"
    vertex = belief_set.vertices[0]
    return ", ".join(f"{key_name(game, infoset, k)} {format_fraction(p)}"
                     for k, p in zip(belief_set.keys, vertex))


def grade_predictions(game, result, index: int | None, state, predictions) -> list[str]:
    """Exam mode: each prediction against what the opponent did and what the equilibrium
    plays there (right when it names the equilibrium's likeliest move)."""
    if not predictions or state is None:
        return []
    spec = game.spec
    taken = dict(state.steps)
    equilibrium = None
    if result is not None and index is not None and result.equilibria:
        equilibrium = result.equilibria[index]
    lines, theory, happened = [], 0, 0
    for node_id, predicted in predictions:
        node = game.nodes[node_id]
        label = spec.action_label(node.stage, predicted)
        title = getattr(spec.nodes.get(node.stage), "title", "") or node.stage
        who = spec.players[node.player].name
        parts = [f"- {title}: you predicted {label}"]
        if node_id in taken:
            did = node.actions[taken[node_id]]
            happened += did == predicted
            parts.append(f"{who} chose {spec.action_label(node.stage, did)}")
        if equilibrium is not None:
            probs = equilibrium.behaviour[node.infoset]
            top = max(probs)
            likeliest = [a for a, p in zip(node.actions, probs) if p == top]
            right = predicted in likeliest
            theory += right
            plays = ", ".join(f"{spec.action_label(node.stage, a)} {format_fraction(p)}"
                              for a, p in zip(node.actions, probs) if p)
            parts.append(f"equilibrium {index + 1} plays {plays}: "
                         + ("right" if right else "not its likeliest move"))
        lines.append("; ".join(parts) + ".")
    count = len(predictions)
    head = f"YOUR PREDICTIONS: {happened} of {count} matched what happened"
    if equilibrium is not None:
        head += f"; {theory} of {count} named the theory's likeliest move (the grade)"
    return [head + ".", *lines]
