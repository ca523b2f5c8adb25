"""Provides Gambit `.efg` export and import (full form, labels unique), for interoperability.

Export writes every node in full (no abbreviated repeats), so Gambit 16.7 and OpenSpiel read it.
A short-run player is written as one player per round, named `Name [round k]`, each with that
round's payoff; import merges such players back. Node labels are unique in the file, as
Gambit 16.7 requires: a decision node is labelled `KEY #n`, where KEY is what beliefs at its
information set are about (the opponent's type, in scenarios) and n the node's number. On
import, beliefs are keyed by the node label without a trailing ` #n`, so the nodes of an
information set need distinct, non-empty keys; information sets of one player named `X|a` and
`X|b` with the same keys share their beliefs (this is how a scenario's information sets for
different own types are written).
"""

from __future__ import annotations

from game.model.expr import format_fraction
from game.model.tree import NATURE, TERMINAL, Game
from game.scenario.efg_read import load_efg, load_efg_text

__all__ = ["game_to_efg", "load_efg", "load_efg_text"]


def _quote(text: str) -> str:
    ascii_text = text.encode("ascii", "replace").decode("ascii")
    return '"' + ascii_text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def game_to_efg(game: Game) -> str:
    """Writes the game as full-form `.efg` text."""
    rounds = game.rounds
    players: list[tuple[int, int]] = []  # (player index, round or 0)
    for index in (0, 1):
        if game.is_myopic(index) and rounds > 1:
            players.extend((index, r) for r in range(1, rounds + 1))
        else:
            players.append((index, 0))
    names = [game.players[p] + (f" [round {r}]" if r else "") for p, r in players]
    number_of = {key: k + 1 for k, key in enumerate(players)}
    infoset_number: dict[int, int] = {}
    counters: dict[int, int] = {}
    for infoset in game.infosets:
        key = (infoset.player, infoset.round if game.is_myopic(infoset.player) and rounds > 1 else 0)
        counters[number_of[key]] = counters.get(number_of[key], 0) + 1
        infoset_number[infoset.id] = counters[number_of[key]]
    lines = [f"EFG 2 R {_quote(game.title)} {{ {' '.join(_quote(n) for n in names)} }}", '""', ""]
    chance_counter = 0
    outcome_counter = 0

    stack = [0]  # pre-order without recursion: a node, then its children's subtrees in order
    while stack:
        node_id = stack.pop()
        node = game.nodes[node_id]
        stack.extend(reversed(node.children))
        if node.player == TERMINAL:
            outcome_counter += 1
            name = node.outcome or "outcome"
            payoffs = []
            for p, r in players:
                value = node.payoffs[p] if not r else game.round_payoffs[node_id][r - 1][p]
                payoffs.append(format_fraction(value))
            lines.append(f"t {_quote(node.label)} {outcome_counter} {_quote(name)} "
                         f"{{ {', '.join(payoffs)} }}")
        elif node.player == NATURE:
            chance_counter += 1
            branches = " ".join(f"{_quote(a)} {format_fraction(p)}"
                                for a, p in zip(node.actions, node.probs))
            lines.append(f"c {_quote(node.label)} {chance_counter} {_quote(node.label)} "
                         f"{{ {branches} }} 0")
        else:
            infoset = game.infosets[node.infoset]
            key = (infoset.player,
                   infoset.round if game.is_myopic(infoset.player) and rounds > 1 else 0)
            node_label = f"{infoset.keys[infoset.members.index(node_id)]} #{node_id}"
            actions = " ".join(_quote(a) for a in infoset.actions)
            lines.append(f"p {_quote(node_label)} {number_of[key]} {infoset_number[infoset.id]} "
                         f"{_quote(infoset.label)} {{ {actions} }} 0")

    return "\n".join(lines) + "\n"
