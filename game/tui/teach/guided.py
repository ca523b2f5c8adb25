"""Provides the guided backward-induction exercise for games without private information:
from the last decisions up, "what would State B do here?", checked and explained with the
arithmetic of each choice.

A simultaneous stage cannot be solved by backward induction alone (each side's best move
depends on a guess of the other's); the exercise skips the decisions that lead into one and
says so (the strategic form on the briefing shows that stage's best replies).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from game.model.tree import NATURE, TERMINAL
from game.tui.teach.theory import action_terms, arithmetic, label, title

ZERO, ONE = Fraction(0), Fraction(1)


def supports_guided(game) -> bool:
    """True for a one-shot game in which no player has a private type."""
    spec = game.spec
    if spec is None or game.rounds > 1:
        return False
    return all(len(p.types) < 2 for p in spec.players)


@dataclass(frozen=True)
class Question:
    """One step of the exercise."""

    node: int
    prompt: str
    options: tuple[str, ...]
    best: frozenset[int]
    """The right answers (ties: every best action)."""
    explanation: str
    """Why, with the arithmetic of each option."""


def _simultaneous(game, node) -> bool:
    nodes = game.nodes
    return node.conceals or (node.parent >= 0 and nodes[node.parent].conceals)


def _path(game, node_id: int) -> str:
    """The moves that lead to a node, in words."""
    nodes = game.nodes
    steps = []
    node = nodes[node_id]
    while node.parent >= 0:
        parent = nodes[node.parent]
        index = parent.children.index(node.id)
        steps.append(label(game, parent, parent.actions[index]))
        node = parent
    return " > ".join(reversed(steps))


def questions(game) -> tuple[list[Question], list[str]]:
    """The questions, deepest decisions first, and notes on what the exercise skips."""
    nodes = game.nodes
    below_simultaneous = [False] * len(nodes)
    for node in reversed(nodes):
        below_simultaneous[node.id] = _simultaneous(game, node) or any(
            below_simultaneous[c] for c in node.children)
    behaviour: dict[int, tuple[Fraction, ...]] = {}
    values: dict[int, tuple[Fraction, Fraction]] = {}
    asked: list[Question] = []
    skipped = 0
    for node in reversed(nodes):
        if node.player == TERMINAL:
            values[node.id] = (node.payoffs[0], node.payoffs[1])
            continue
        if any(c not in values for c in node.children):
            continue
        if node.player == NATURE:
            values[node.id] = tuple(sum((p * values[c][i] for p, c in
                                         zip(node.probs, node.children)), ZERO)
                                    for i in (0, 1))
            continue
        if below_simultaneous[node.id]:
            skipped += 1
            continue
        mover = node.player
        own = [values[c][mover] for c in node.children]
        top = max(own)
        best = frozenset(a for a, v in enumerate(own) if v == top)
        first = min(best)
        behaviour[node.infoset] = tuple(ONE if a == first else ZERO
                                        for a in range(len(node.children)))
        values[node.id] = values[node.children[first]]
        infoset = game.infosets[node.infoset]
        options = tuple(label(game, node, a) for a in node.actions)
        sums = [f"{options[a]} = " + arithmetic(action_terms(game, behaviour, infoset,
                                                             {infoset.keys[0]: ONE}, a))
                for a in range(len(options))]
        who = game.players[mover]
        after = _path(game, node.id)
        prompt = (f"{who} at {title(game, node.stage)}"
                  + (f", after {after}" if after else ", at the start") + ": what would it do?")
        chosen = " or ".join(options[a] for a in sorted(best))
        explanation = (f"For {who}: " + "; ".join(sums) + f". So {who} chooses {chosen}, and "
                       "the decisions before it can count on that.")
        asked.append(Question(node.id, prompt, options, best, explanation))
    notes = []
    if skipped:
        notes.append(f"{skipped} decision{'s' if skipped > 1 else ''} in or before a "
                     "simultaneous stage cannot be solved by backward induction alone: each "
                     "side's best move depends on its guess of the other's (see the strategic "
                     "form on the briefing).")
    return asked, notes


def summary(game) -> str:
    """The backward-induction plan in one paragraph (for the end of the exercise)."""
    found, notes = questions(game)
    nodes = game.nodes
    parts = []
    for question in reversed(found):
        node = nodes[question.node]
        picked = " or ".join(question.options[a] for a in sorted(question.best))
        parts.append(f"{game.players[node.player]} at {title(game, node.stage)}: {picked}")
    text = "Backward induction, first decision first: " + "; ".join(parts) + "."
    return " ".join([text, *notes])
