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

import re
from fractions import Fraction
from pathlib import Path

from game.model.expr import format_fraction
from game.model.tree import NATURE, TERMINAL, Game, GameStructureError, Infoset, Node, validate_game
from game.scenario.errors import ScenarioError, ScenarioProblem

_KEY_SUFFIX = re.compile(r" #[0-9]+$")
"""A node label `key #n` is unique in the file (Gambit requires it); beliefs use `key`."""
_ROUND = re.compile(r"^(?P<name>.*) \[round (?P<round>[0-9]+)\]$")


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

    def visit(node_id: int, label: str) -> None:
        nonlocal chance_counter, outcome_counter
        node = game.nodes[node_id]
        if node.player == TERMINAL:
            outcome_counter += 1
            name = node.outcome or "outcome"
            payoffs = []
            for p, r in players:
                value = node.payoffs[p] if not r else game.round_payoffs[node_id][r - 1][p]
                payoffs.append(format_fraction(value))
            lines.append(f"t {_quote(label)} {outcome_counter} {_quote(name)} "
                         f"{{ {', '.join(payoffs)} }}")
            return
        if node.player == NATURE:
            chance_counter += 1
            branches = " ".join(f"{_quote(a)} {format_fraction(p)}"
                                for a, p in zip(node.actions, node.probs))
            lines.append(f"c {_quote(node.label)} {chance_counter} {_quote(node.label)} "
                         f"{{ {branches} }} 0")
            for child in node.children:
                visit(child, game.nodes[child].label)
            return
        infoset = game.infosets[node.infoset]
        key = (infoset.player, infoset.round if game.is_myopic(infoset.player) and rounds > 1 else 0)
        node_label = f"{infoset.keys[infoset.members.index(node_id)]} #{node_id}"
        actions = " ".join(_quote(a) for a in infoset.actions)
        lines.append(f"p {_quote(node_label)} {number_of[key]} {infoset_number[infoset.id]} "
                     f"{_quote(infoset.label)} {{ {actions} }} 0")
        for child in node.children:
            visit(child, game.nodes[child].label)

    visit(0, game.root.label)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------- reading
class _Tokens:
    def __init__(self, text: str, file: str) -> None:
        self.text = text
        self.file = file
        self.position = 0
        self.line = 1
        self.column = 1

    def error(self, message: str) -> ScenarioError:
        return ScenarioError([ScenarioProblem(self.line, self.column, "", message, self.file)])

    def _skip(self) -> None:
        text = self.text
        while self.position < len(text) and text[self.position].isspace():
            self._advance(1)

    def _advance(self, count: int) -> None:
        for _ in range(count):
            if self.text[self.position] == "\n":
                self.line += 1
                self.column = 1
            else:
                self.column += 1
            self.position += 1

    def peek(self) -> str:
        self._skip()
        return self.text[self.position] if self.position < len(self.text) else ""

    def word(self) -> str:
        self._skip()
        if self.position >= len(self.text):
            raise self.error("The file ends too early.")
        if self.text[self.position] == '"':
            return self.string()
        start = self.position
        while (self.position < len(self.text) and not self.text[self.position].isspace()
               and self.text[self.position] not in '{},"'):
            self._advance(1)
        if self.position == start:
            char = self.text[self.position]
            self._advance(1)
            return char
        return self.text[start:self.position]

    def string(self) -> str:
        self._skip()
        if self.peek() != '"':
            raise self.error("Expected a quoted label.")
        self._advance(1)
        out = []
        while True:
            if self.position >= len(self.text):
                raise self.error("A quoted label is never closed.")
            char = self.text[self.position]
            if char == "\\" and self.position + 1 < len(self.text):
                out.append(self.text[self.position + 1])
                self._advance(2)
                continue
            self._advance(1)
            if char == '"':
                return "".join(out)
            out.append(char)

    def expect(self, symbol: str) -> None:
        found = self.word()
        if found != symbol:
            raise self.error(f"Expected {symbol!r} but found {found!r}.")

    def number(self) -> Fraction:
        text = self.word()
        try:
            return Fraction(text)
        except (ValueError, ZeroDivisionError):
            raise self.error(f"Expected an exact number, not {text!r}.") from None

    def number_list(self) -> list[Fraction]:
        """Reads `{ v1, v2 ... }` (commas optional)."""
        self.expect("{")
        values = []
        while self.peek() != "}":
            values.append(self.number())
            if self.peek() == ",":
                self.word()
        self.expect("}")
        return values

    def integer(self) -> int:
        text = self.word()
        if not re.fullmatch(r"[0-9]+", text):
            raise self.error(f"Expected a whole number, not {text!r}.")
        return int(text)


def load_efg_text(text: str, file: str = "<efg>") -> Game:
    """Reads full-form `.efg` text into a game.

    Raises:
        ScenarioError: the text is not a full-form extensive game this tool accepts, located.
    """
    tokens = _Tokens(text, file)
    if tokens.word() != "EFG" or tokens.word() != "2":
        raise tokens.error("This is not an extensive-form game file (it must start 'EFG 2 R').")
    precision = tokens.word()
    if precision not in ("R", "D"):
        raise tokens.error("Expected R (rational) or D (decimal) after 'EFG 2'.")
    title = tokens.string()
    tokens.expect("{")
    names: list[str] = []
    while tokens.peek() != "}":
        names.append(tokens.string())
    tokens.expect("}")
    if tokens.peek() == '"':
        tokens.string()
    merged: list[tuple[str, int]] = []  # efg player -> (merged name, round)
    for name in names:
        match = _ROUND.match(name)
        merged.append((match["name"], int(match["round"])) if match else (name, 0))
    distinct = list(dict.fromkeys(n for n, _ in merged))
    if len(distinct) != 2:
        raise tokens.error(f"The game needs exactly two players (rounds of a short-run player "
                           f"count as one); this file has {len(distinct)}.")
    myopic = tuple(any(r for n, r in merged if n == d) for d in distinct)
    nodes: list[dict] = []
    infosets: dict[tuple[int, int], dict] = {}
    outcomes: dict[int, tuple[str, tuple[Fraction, ...]]] = {}
    round_payoffs: dict[int, list] = {}

    def payoff_vector(values: list[Fraction]) -> tuple[tuple[Fraction, Fraction], dict[int, list]]:
        totals = [Fraction(0), Fraction(0)]
        by_round: dict[int, list[Fraction]] = {}
        for (name, r), value in zip(merged, values):
            index = distinct.index(name)
            totals[index] += value
            if r:
                by_round.setdefault(r, [Fraction(0), Fraction(0)])[index] += value
        return (totals[0], totals[1]), by_round

    def parse_node(parent: int, accumulated: tuple[Fraction, Fraction], acc_rounds: dict) -> int:
        line = tokens.line
        kind = tokens.word()
        if kind not in ("c", "p", "t"):
            raise tokens.error(f"Expected a node (c, p or t), not {kind!r}.")
        label = tokens.string()
        node_id = len(nodes)
        if kind == "t":
            number = tokens.integer()
            if tokens.peek() == '"':
                name = tokens.string()
                values = tokens.number_list()
                if len(values) != len(names):
                    raise tokens.error(f"Outcome {name!r} has {len(values)} payoffs for "
                                       f"{len(names)} players.")
                outcomes[number] = (name, tuple(values))
            elif number not in outcomes and number != 0:
                raise tokens.error("Abbreviated outcomes are not accepted; write every outcome "
                                   "in full.")
            name, values = outcomes.get(number, ("", tuple(Fraction(0) for _ in names)))
            totals, by_round = payoff_vector(list(values))
            total = (accumulated[0] + totals[0], accumulated[1] + totals[1])
            rounds: dict[int, list] = {r: list(v) for r, v in acc_rounds.items()}
            for r, v in by_round.items():
                rounds.setdefault(r, [Fraction(0), Fraction(0)])
                rounds[r] = [a + b for a, b in zip(rounds[r], v)]
            nodes.append({"id": node_id, "parent": parent, "player": TERMINAL, "infoset": -1,
                          "actions": (), "children": (), "label": label, "key": label,
                          "payoffs": total, "outcome": name or "(no outcome)", "line": line})
            if any(myopic):
                round_payoffs[node_id] = rounds
            return node_id
        if kind == "c":
            tokens.integer()
            if tokens.peek() != '"':
                raise tokens.error("Abbreviated chance nodes are not accepted; write the "
                                   "actions and probabilities in full.")
            tokens.string()
            tokens.expect("{")
            actions, probs = [], []
            while tokens.peek() != "}":
                actions.append(tokens.string())
                probs.append(tokens.number())
            tokens.expect("}")
            player, info_key = NATURE, None
        else:
            efg_player = tokens.integer()
            if not 1 <= efg_player <= len(names):
                raise tokens.error(f"Player number {efg_player} does not exist.")
            number = tokens.integer()
            if tokens.peek() != '"':
                raise tokens.error("Abbreviated information sets are not accepted; write the "
                                   "label and actions of every node in full.")
            infoset_label = tokens.string()
            tokens.expect("{")
            actions = []
            while tokens.peek() != "}":
                actions.append(tokens.string())
            tokens.expect("}")
            probs = []
            name, r = merged[efg_player - 1]
            player = distinct.index(name)
            info_key = (efg_player, number)
            record = infosets.setdefault(info_key, {"label": infoset_label, "actions": actions,
                                                    "player": player, "round": r or 1,
                                                    "members": [], "line": line})
            if record["label"] != infoset_label or record["actions"] != actions:
                raise tokens.error(f"Information set {number} of player {efg_player} is written "
                                   "with different labels or actions at different nodes.")
            record["members"].append(node_id)
        outcome_number = tokens.integer()
        extra_total = (Fraction(0), Fraction(0))
        extra_rounds: dict = {}
        if outcome_number:
            if tokens.peek() == '"':
                name = tokens.string()
                values = tokens.number_list()
                outcomes[outcome_number] = (name, tuple(values))
            _, values = outcomes.get(outcome_number, ("", tuple(Fraction(0) for _ in names)))
            extra_total, extra_rounds = payoff_vector(list(values))
        nodes.append({"id": node_id, "parent": parent, "player": player, "infoset": info_key,
                      "actions": tuple(actions), "children": (), "probs": tuple(probs),
                      "label": label, "key": _KEY_SUFFIX.sub("", label), "line": line})
        totals = (accumulated[0] + extra_total[0], accumulated[1] + extra_total[1])
        rounds = {r: list(v) for r, v in acc_rounds.items()}
        for r, v in extra_rounds.items():
            rounds.setdefault(r, [Fraction(0), Fraction(0)])
            rounds[r] = [a + b for a, b in zip(rounds[r], v)]
        children = [parse_node(node_id, totals, rounds) for _ in actions]
        nodes[node_id]["children"] = tuple(children)
        return node_id

    parse_node(-1, (Fraction(0), Fraction(0)), {})
    if tokens.peek():
        raise tokens.error("Unexpected text after the last node.")
    return _build(title, distinct, myopic, nodes, infosets, round_payoffs, file)


def _build(title, players, myopic, nodes, infosets, round_payoffs, file) -> Game:
    problems = []
    labels_seen: dict[str, int] = {}
    ordered = list(infosets.items())
    index_of = {key: k for k, (key, _) in enumerate(ordered)}
    built_infosets = []
    groups: dict[tuple, int] = {}
    for k, (key, record) in enumerate(ordered):
        label = record["label"]
        if not label or label in labels_seen:
            problems.append(ScenarioProblem(record["line"], 1, "", (
                f"Information set labels must be non-empty and unique; {label!r} is "
                + ("empty." if not label else "used twice.")), file))
        labels_seen[label] = k
        keys = tuple(nodes[m]["key"] or f"node {m}" for m in record["members"])
        if len(set(keys)) != len(keys) or (len(keys) > 1 and not all(nodes[m]["key"]
                                                                   for m in record["members"])):
            problems.append(ScenarioProblem(record["line"], 1, "", (
                f"The nodes of information set {label!r} need distinct, non-empty labels "
                "(beliefs are stated over them)."), file))
        stem = label.split("|")[0]
        group_key = (record["player"], stem, tuple(sorted(keys))) if "|" in label else (k,)
        group = groups.setdefault(group_key, len(groups))
        built_infosets.append(Infoset(id=k, player=record["player"], label=label,
                                      actions=tuple(record["actions"]),
                                      members=tuple(record["members"]), keys=keys, group=group,
                                      stage=stem, round=record["round"]))
    if problems:
        raise ScenarioError(problems)
    rounds = max((len(v) for v in round_payoffs.values()), default=0)
    built_nodes = []
    label_count: dict[str, int] = {}
    for fields in nodes:
        label_count[fields["label"]] = label_count.get(fields["label"], 0) + 1
    for fields in nodes:
        fields = dict(fields)
        fields.pop("line", None)
        fields.pop("key", None)
        if not fields["label"] or label_count[fields["label"]] > 1:
            fields["label"] = (f"{fields['label']} #{fields['id']}" if fields["label"]
                               else f"node {fields['id']}")
        key = fields.get("infoset")
        fields["infoset"] = index_of[key] if isinstance(key, tuple) else -1
        if fields["player"] >= 0:
            fields["round"] = built_infosets[fields["infoset"]].round
        built_nodes.append(Node(**fields))
    game_round_payoffs = None
    if any(myopic):
        game_round_payoffs = {
            z: tuple(tuple(rp.get(r, [Fraction(0), Fraction(0)])) for r in range(1, rounds + 1))
            for z, rp in round_payoffs.items()}
    game = Game(title=title, players=tuple(players), nodes=tuple(built_nodes),
                infosets=tuple(built_infosets), player_ids=tuple(players), myopic=tuple(myopic),
                round_payoffs=game_round_payoffs, rounds=max(rounds, 1))
    try:
        validate_game(game)
    except GameStructureError as error:
        message = str(error).rstrip(".")
        raise ScenarioError([ScenarioProblem(1, 1, "", message[:1].upper() + message[1:] + ".",
                                             file)]) from None
    return game


def load_efg(path: str | Path) -> Game:
    """Reads a `.efg` file.

    Raises:
        ScenarioError: the file cannot be read or is not acceptable, with the location.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError([ScenarioProblem(1, 1, "", f"The file cannot be read: {error}.",
                                             str(path))]) from None
    if len(text) > 5_000_000:
        raise ScenarioError([ScenarioProblem(1, 1, "", "The file is larger than 5 MB.",
                                             str(path))])
    return load_efg_text(text, str(path))
