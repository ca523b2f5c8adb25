"""Provides the debrief a student reads: three to five opening lines (what happened, the key
lesson, how your play related to it), then each decision with the concept it illustrates and
its counterfactual ("had B resisted (probability 1/2) you would have backed down and got -1"),
with the arithmetic of every indifference.

Labels only, never ids; sentences are not repeated.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from game.model.expr import format_fraction
from game.model.tree import NATURE, TERMINAL
from game.tui.teach.theory import (action_terms, arithmetic, history_words, label,
                                   mixing_lines, title)

ZERO = Fraction(0)

LESSONS = {
    "credibility": "a threat deters only if carrying it out would really be the threatener's "
                   "best move when the moment comes.",
    "commitment": "removing your own options, visibly, can force the other side to give way.",
    "costly-signalling": "a move tells the other side something only if a pretender would "
                         "find it too costly to copy.",
    "audience-costs": "a public threat that is costly to back down from lets the resolved "
                      "stand apart from the bluffers, and ties the threatener's hands.",
    "tying-hands": "a commitment that costs only if you back down shows resolve cheaply, but "
                   "binds you to fight.",
    "sinking-costs": "a cost paid up front is believed because pretenders will not pay it, "
                     "yet it changes nothing you do later.",
    "reputation": "fighting early can pay, because later opponents learn from it.",
    "brinkmanship": "a shared risk of disaster can be credible where a certain one is not.",
    "escalation-risk": "every step up a crisis buys pressure at the price of a greater chance "
                       "of an outcome neither side wants.",
    "red-lines": "a red line works only if it is visible, specific and costly to ignore for "
                 "the one who drew it.",
    "stability-instability": "a response too terrible to use does not deter small "
                             "challenges; a limited one that would be used can.",
    "off-path-beliefs": "what a player would believe after a move nobody makes holds an "
                        "equilibrium together.",
    "pooling-and-separating": "when types act alike the observer learns nothing; when they "
                              "act differently, the move reveals them.",
    "subgame-perfection": "a plan counts only if every part of it is a best move when the "
                          "time comes, including parts never reached.",
    "bayesian-updating": "a move is evidence: the belief after it weighs each type by how "
                         "likely it was to make that move.",
}
"""The key lesson per concept (the scenario's first concept with an entry is used)."""


def _you(spec, me: int | None, player: int) -> str:
    return "you" if me == player else spec.players[player].name


def what_happened(spec, game, state, me: int | None) -> str:
    """'What happened: you were Irresolute. You: Issue a public threat; State B: Resist;
    you: Back down -> Challenger backs down (you -1, State B 0).'"""
    nodes = game.nodes
    typed = []
    rounds: dict[int, list[str]] = {}
    for node_id, index in state.steps:
        node = nodes[node_id]
        if node.player == NATURE and node.private_to >= 0:
            name = spec.type_of(node.private_to, node.actions[index]).name
            who = _you(spec, me, node.private_to)
            typed.append(f"{who} {'were' if who == 'you' else 'was'} {name}")
            continue
        who = "Chance" if node.player == NATURE else _you(spec, me, node.player)
        rounds.setdefault(node.round, []).append(f"{who}: {label(game, node, node.actions[index])}")
    final = state.current
    pays = ", ".join(f"{_you(spec, me, i)} {format_fraction(p)}"
                     for i, p in enumerate(final.payoffs))
    parts = final.outcome.split(" / ")
    text = "What happened: "
    if typed:
        text += "; ".join(typed) + ". "
    if game.rounds > 1:
        text += " ".join(f"Round {r}: {'; '.join(moves)} -> {parts[r - 1]}."
                         for r, moves in sorted(rounds.items()) if r - 1 < len(parts))
        return text + f" In total: {pays}."
    moves = "; ".join(rounds.get(1, []))
    return text + f"{moves[:1].upper()}{moves[1:]} -> {final.outcome} ({pays})."


def lesson(spec) -> str:
    """The key lesson of the scenario, from its first concept that has one."""
    for concept in spec.concepts:
        if concept in LESSONS:
            return "The lesson: " + LESSONS[concept]
    return ""


@dataclass(frozen=True)
class Voice:
    """How the sentences about one player's decision name that player: "you" when the reader
    made it, its name and "it" when the debrief speaks to both players (hot-seat)."""

    subject: str
    """'You' or 'State A', to start a sentence."""
    named: str
    """'you' or 'State A', inside a sentence."""
    obj: str
    """'you' or 'it', once named."""
    poss: str
    """'your' or 'its', once named."""
    owner: str
    """'your' or "State A's", not yet named."""

    @staticmethod
    def of(spec, mover: int, addressed: bool) -> Voice:
        if addressed:
            return Voice("You", "you", "you", "your", "your")
        name = spec.players[mover].name
        return Voice(name, name, "it", "its", f"{name}'s")


def _prescription(probability: Fraction, number: int) -> str:
    if probability == 1:
        return f"as equilibrium {number} prescribes"
    if probability == 0:
        return f"a move equilibrium {number} never makes here"
    return f"equilibrium {number} makes it with probability {format_fraction(probability)}"


def how_you_played(spec, game, facts, index: int, me: int | None) -> str:
    """How the play related to the compared equilibrium, in one or two sentences."""
    if not facts:
        return "You had no decision to make: the game ended before your first move."
    number = index + 1
    off = [f for f in facts if f.prescribed[f.action] == 0]
    if not off:
        if len(facts) == 1:
            return f"Your play fits equilibrium {number}: your one move is a move it makes."
        return (f"Your play fits equilibrium {number}: each of your {len(facts)} moves is a "
                "move it makes.")
    first = off[0]
    node = next(n for n in game.nodes if n.stage == first.stage and n.round == first.round
                and n.player == first.player)
    worth = ""
    if first.values is not None:
        best = max(first.values, key=first.values.get)
        if first.values[first.action] < first.values[best]:
            worth = (f": it was worth {format_fraction(first.values[first.action])}, against "
                     f"{format_fraction(first.values[best])} for {label(game, node, best)}")
        else:
            worth = ": it was worth as much as the equilibrium's move, so nothing was lost"
    where = title(game, first.stage) + (f" (round {first.round})" if game.rounds > 1 else "")
    more = f" ({len(off) - 1} more such move{'s' if len(off) > 2 else ''} below)" \
        if len(off) > 1 else ""
    return (f"At {where} you chose {label(game, node, first.action)}, which equilibrium "
            f"{number} never makes{worth}{more}.")


def opening(spec, game, result, index: int | None, state, me: int | None) -> list[str]:
    """The three to five lines the debrief opens with."""
    from game.solver.explain.debrief import debrief_facts

    lines = []
    if state is not None:
        lines.append(what_happened(spec, game, state, me))
    if lesson(spec):
        lines.append(lesson(spec))
    if state is not None and result is not None and index is not None and result.equilibria:
        facts = debrief_facts(result, index, state, player=me) if me is not None else ()
        if me is not None:
            lines.append(how_you_played(spec, game, facts, index, me))
    return lines


def _counterfactual(game, equilibrium, state, position: int, me: int, number: int,
                    voice: Voice | None = None) -> list[str]:
    """After the move at `position`: had the other player answered otherwise, what then."""
    from game.solver.evaluate import Evaluation
    from game.solver.structure import Structure

    nodes = game.nodes
    node_id, index = state.steps[position]
    child = nodes[nodes[node_id].children[index]]
    if child.player != 1 - me or child.conceals:
        return []
    taken = dict(state.steps).get(child.id)
    evaluation = Evaluation(Structure(game), equilibrium.behaviour)
    probs = equilibrium.behaviour[child.infoset]
    spec = game.spec
    other = spec.players[child.player].name
    voice = voice or Voice.of(spec, me, True)
    lines = []
    for reply, (p, after) in enumerate(zip(probs, child.children)):
        if reply == taken:
            continue
        typed = " for its type" if len(spec.players[child.player].types) > 1 else ""
        chance = (f"probability {format_fraction(p)}{typed} in equilibrium {number}" if p else
                  f"never{typed} in equilibrium {number}")
        text = f"Had {other} chosen {label(game, child, child.actions[reply])} ({chance}), "
        follow = nodes[after]
        text += f"{voice.named} would have "
        if follow.player == me:
            mine = equilibrium.behaviour[follow.infoset]
            if max(mine) == 1:
                choice = follow.actions[mine.index(max(mine))]
                later = f" in round {follow.round}" if follow.round != child.round else ""
                text += f"chosen {label(game, follow, choice)}{later} and "
        terms = action_terms(game, equilibrium.behaviour, game.infosets[child.infoset],
                             {k: Fraction(int(m == child.id))
                              for k, m in zip(game.infosets[child.infoset].keys,
                                              game.infosets[child.infoset].members)},
                             reply)
        outcome = terms[0][1] if len(terms) == 1 else ""
        value = evaluation.value(after, me)
        text += f"got {format_fraction(value)}" + (f" ({outcome})" if outcome else
                                                    " in expectation")
        lines.append(text + ".")
    return lines


def _concept(spec, game, fact, state, position: int, me: int, voice: Voice | None = None
             ) -> str:
    """The concept a decision illustrates, as a sentence (or '')."""
    from game.solver.explain.debrief import is_reply

    nodes = game.nodes
    node_id, index = state.steps[position]
    node = nodes[node_id]
    other = spec.players[1 - me].name
    v = voice or Voice.of(spec, me, True)
    if node.conceals or (node.parent >= 0 and nodes[node.parent].conceals):
        return (f"A simultaneous move: {v.named} chose without seeing {other}'s choice, so "
                f"each action is worth what it earns against what {v.obj} expected {other} "
                "to do.")
    if fact.threat is not None and fact.credible is not None and fact.values is not None:
        threat = label(game, node, fact.threat)
        best = max(fact.values, key=fact.values.get)
        carried = f"{v.subject} carried out the threat" if fact.action == fact.threat else \
            f"{v.subject} did not carry out the threat"
        yours = f" for {v.poss} type" if len(spec.players[me].types) > 1 else ""
        if fact.credible:
            return (f"{carried} ({threat}). It was credible{yours}: carrying it out was a best "
                    f"reply ({format_fraction(fact.values[fact.threat])}).")
        return (f"{carried} ({threat}). It was not credible{yours}: carrying it out gave "
                f"{format_fraction(fact.values[fact.threat])} < "
                f"{format_fraction(fact.values[best])} for {label(game, node, best)}.")
    types = {t.id: t.name for t in spec.players[me].types}
    mine = state.types()[me]
    before, after = fact.belief_before, fact.belief_after
    if before is not None and after is not None and after != before:
        others = [types[t] for t in before if t != mine]
        if after.get(mine, ZERO) < before.get(mine, ZERO):
            return (f"{v.subject} bluffed: as {types[mine]}, {v.poss} move made {other} think "
                    f"{v.obj} more likely {' or '.join(others)} "
                    f"({format_fraction(1 - before[mine])} -> "
                    f"{format_fraction(1 - after.get(mine, ZERO))}).")
        if after.get(mine, ZERO) == 1:
            return (f"A revealing signal: only {v.owner} type ({types[mine]}) makes this "
                    f"move, so {other} now knows it.")
        return (f"A signal: {v.owner} move made {other} think {v.obj} more likely {types[mine]} "
                f"({format_fraction(before[mine])} -> {format_fraction(after[mine])}).")
    deterred = _deterred(spec, game, fact, node, index, me, v)
    if deterred:
        return deterred
    if is_reply(game, state.steps[:position], node_id):
        last = next((nodes[n], k) for n, k in reversed(state.steps[:position])
                    if nodes[n].player == 1 - me)
        typed = ((" and on your belief about its type" if v.named == "you" else
                  f" and on {v.owner} belief about {other}'s type")
                 if len(spec.players[1 - me].types) > 1 else "")
        return (f"{v.subject} answered {other}'s "
                f"{label(game, last[0], last[0].actions[last[1]])}: "
                f"each answer is worth what {other} does next{typed}.")
    return ""


def _deterred(spec, game, fact, node, index: int, me: int, voice: Voice | None = None) -> str:
    """'You stayed out, deterred by a threat that is (not) credible ...' for a move that ends
    the game where another would have let the other side answer."""
    nodes = game.nodes
    if nodes[node.children[index]].player != TERMINAL or game.rounds > 1 or \
            any(len(p.types) > 1 for p in spec.players):
        return ""
    stay = nodes[node.children[index]].payoffs[me]
    v = voice or Voice.of(spec, me, True)
    for alt, child_id in enumerate(node.children):
        child = nodes[child_id]
        if child.player != 1 - me:
            continue
        answers = _answer_values(game, child)
        harsh = min(range(len(child.children)), key=lambda a: answers[a][1])
        best = max(range(len(child.children)), key=lambda a: answers[a][0])
        other = spec.players[child.player].name
        move = label(game, node, node.actions[alt])
        best_label = label(game, child, child.actions[best])
        if answers[best][1] < stay:
            return (f"{v.subject} stayed out instead of choosing {move}, deterred by a "
                    f"credible answer: {other} would best reply with {best_label} "
                    f"({format_fraction(answers[best][0])} for it), which would leave {v.obj} "
                    f"{format_fraction(answers[best][1])} < {format_fraction(stay)}.")
        harsh_label = label(game, child, child.actions[harsh])
        return (f"{v.subject} stayed out instead of choosing {move}, deterred by a threat "
                f"that is not credible ({harsh_label} gives {other} "
                f"{format_fraction(answers[harsh][0])} < {format_fraction(answers[best][0])} "
                f"for {best_label}, which would leave {v.obj} "
                f"{format_fraction(answers[best][1])}): staying out is the Nash "
                "equilibrium that subgame perfection rules out.")
    return ""


def _answer_values(game, node) -> list[tuple[Fraction, Fraction]]:
    """For each answer at `node`: (the answerer's, the other's) payoff under backward
    induction from there (a game without private types)."""
    nodes = game.nodes
    memo: dict[int, tuple[Fraction, Fraction]] = {}
    stack = list(node.children)               # children before parents, without recursion
    while stack:
        node_id = stack[-1]
        if node_id in memo:
            stack.pop()
            continue
        here = nodes[node_id]
        if here.player == TERMINAL:
            memo[node_id] = (here.payoffs[0], here.payoffs[1])
            stack.pop()
            continue
        pending = [c for c in here.children if c not in memo]
        if pending:
            stack += pending
            continue
        parts = [memo[c] for c in here.children]
        if here.player == NATURE:
            memo[node_id] = (sum((p * v[0] for p, v in zip(here.probs, parts)), ZERO),
                             sum((p * v[1] for p, v in zip(here.probs, parts)), ZERO))
        else:
            memo[node_id] = max(parts, key=lambda v: v[here.player])
        stack.pop()

    owner = node.player
    return [(memo[c][owner], memo[c][1 - owner]) for c in node.children]


def decision_lines(spec, game, result, index: int, state, me: int | None) -> list[str]:
    """Each decision of the play: what was chosen against the equilibrium, the concept, the
    counterfactual, and the arithmetic of any indifference."""
    from game.solver.explain.debrief import debrief_facts, infoset_belief

    equilibrium = result.equilibria[index]
    number = index + 1
    facts = debrief_facts(result, index, state, player=me)
    positions = [p for p, (n, _) in enumerate(state.steps)
                 if game.nodes[n].player in (0, 1) and (me is None or game.nodes[n].player == me)]
    lines: list[str] = []
    seen: set[str] = set()
    for fact, position in zip(facts, positions):
        node_id, action_index = state.steps[position]
        node = game.nodes[node_id]
        mover = node.player
        voice = Voice.of(spec, mover, me is not None)
        history = history_words(game, node_id)
        head = f"- {title(game, node.stage)}" + (f" ({history})" if history else
                                                  f" (round {node.round})"
                                                  if game.rounds > 1 else "") + ": "
        text = (f"{voice.subject} chose {label(game, node, fact.action)} "
                f"({_prescription(fact.prescribed[fact.action], number)}).")
        sentences = [text]
        concept = _concept(spec, game, fact, state, position, mover, voice)
        if concept:
            sentences.append(concept)
        infoset = game.infosets[node.infoset]
        belief = infoset_belief(game, equilibrium, infoset.id)
        mixing = mixing_lines(game, equilibrium, infoset, belief)
        if not mixing and belief is not None and len(set(infoset.keys)) > 1 and \
                any("+" in key for key in infoset.keys):
            mixing = ["Against what equilibrium " + str(number) + " expected: " + "; ".join(
                f"{label(game, node, a)} = "
                + arithmetic(action_terms(game, equilibrium.behaviour, infoset, belief, k))
                for k, a in enumerate(infoset.actions)) + "."]
        if fact.values is not None and len(fact.values) > 1 and not mixing:
            worth = ", ".join(f"{label(game, node, a)} {format_fraction(v)}"
                              for a, v in fact.values.items())
            sentences.append(f"Worth then: {worth}.")
        sentences += mixing
        sentences += _counterfactual(game, equilibrium, state, position, mover, number, voice)
        kept = [text] + [s for s in sentences[1:] if s not in seen]   # what was chosen, always;
        seen.update(kept)                                          # no explanation twice
        lines.append(head + " ".join(kept))
    if not lines:
        lines.append("You made no decision in this play." if me is not None else
                     "Nobody made a decision in this play.")
    return lines
