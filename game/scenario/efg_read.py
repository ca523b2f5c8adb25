"""Reads Gambit `.efg` files (full form) into games, with located errors.

The conventions (unique node labels `KEY #n`, short-run players split by round, shared beliefs
for `X|a` / `X|b` information sets) are described in `game.scenario.efg`, which writes them.
"""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

from game.model.expand import MAX_EXPANDED_NODES
from game.model.expr import MAX_DIGITS, ExprError, fits, parse_exact
from game.model.tree import NATURE, TERMINAL, Game, GameStructureError, Infoset, Node, validate_game
from game.scenario.errors import ScenarioError, ScenarioProblem
from game.scenario.text import printable

_KEY_SUFFIX = re.compile(r" #[0-9]+$")
"""A node label `key #n` is unique in the file (Gambit requires it); beliefs use `key`."""
MAX_EFG_BYTES = 5_000_000
"""The largest `.efg` file read."""
MAX_EFG_NODES = MAX_EXPANDED_NODES
"""The most nodes a `.efg` game may have (the same limit as an expanded scenario)."""
ROUND_NAME = re.compile(r"^(?P<name>.*) \[round (?P<round>[0-9]+)\]$")
"""A short-run player's per-round name, as the writer spells it."""


def _shown(token: str) -> str:
    """A token quoted in a message: cleaned of control characters and shortened."""
    token = printable(token)
    return repr(token if len(token) <= 40 else token[:37] + "...")


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
                return printable("".join(out))
            out.append(char)

    def expect(self, symbol: str) -> None:
        found = self.word()
        if found != symbol:
            raise self.error(f"Expected {symbol!r} but found {_shown(found)}.")

    def number(self) -> Fraction:
        """Reads an exact number (`3`, `-1/2`, `0.25`, `1.5e3`) of at most `MAX_DIGITS` digits."""
        self._skip()
        line, column = self.line, self.column
        text = self.word()
        try:
            return parse_exact(text, MAX_DIGITS)
        except ExprError as error:
            message = str(error)
            if "too many digits" not in message:
                message = f"expected an exact number, not {_shown(text)}"
            raise ScenarioError([ScenarioProblem(line, column, "", message[:1].upper()
                                                 + message[1:] + ".", self.file)]) from None

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
        """Reads a small whole number (a player, information set or outcome number)."""
        text = self.word()
        if not re.fullmatch(r"[0-9]{1,9}", text):
            raise self.error(f"Expected a whole number below 1,000,000,000, not {_shown(text)}.")
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
        match = ROUND_NAME.match(name)
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

    def bounded(pair: tuple[Fraction, Fraction], line: int) -> tuple[Fraction, Fraction]:
        """The payoffs summed along a path, refused when they grow past `MAX_DIGITS` digits."""
        if not (fits(pair[0]) and fits(pair[1])):
            raise ScenarioError([ScenarioProblem(line, 1, "", (
                f"The payoffs summed along the path to this node grow past {MAX_DIGITS} digits "
                "(numerator or denominator); exact numbers are limited to that."), file)])
        return pair

    def parse_node(parent: int, accumulated: tuple[Fraction, Fraction],
                   acc_rounds: dict) -> tuple[int, int, tuple[Fraction, Fraction], dict]:
        """Reads one node; returns its id, its number of children and what they inherit."""
        line = tokens.line
        kind = tokens.word()
        if kind not in ("c", "p", "t"):
            raise tokens.error(f"Expected a node (c, p or t), not {_shown(kind)}.")
        label = tokens.string()
        node_id = len(nodes)
        if node_id >= MAX_EFG_NODES:
            raise tokens.error(f"The game has more than {MAX_EFG_NODES:,} nodes, the most this "
                               "tool reads.")
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
            total = bounded((accumulated[0] + totals[0], accumulated[1] + totals[1]), line)
            rounds: dict[int, list] = {r: list(v) for r, v in acc_rounds.items()}
            for r, v in by_round.items():
                rounds.setdefault(r, [Fraction(0), Fraction(0)])
                rounds[r] = [a + b for a, b in zip(rounds[r], v)]
            nodes.append({"id": node_id, "parent": parent, "player": TERMINAL, "infoset": -1,
                          "actions": (), "children": (), "label": label, "key": label,
                          "payoffs": total, "outcome": name or "(no outcome)", "line": line})
            if any(myopic):
                round_payoffs[node_id] = rounds
            return node_id, 0, total, rounds
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
        totals = bounded((accumulated[0] + extra_total[0], accumulated[1] + extra_total[1]), line)
        rounds = {r: list(v) for r, v in acc_rounds.items()}
        for r, v in extra_rounds.items():
            rounds.setdefault(r, [Fraction(0), Fraction(0)])
            rounds[r] = [a + b for a, b in zip(rounds[r], v)]
        return node_id, len(actions), totals, rounds

    # Pre-order without recursion: a stack of open nodes, each with the children still to read.
    root, count, totals, rounds = parse_node(-1, (Fraction(0), Fraction(0)), {})
    open_nodes: list[tuple[int, int, tuple[Fraction, Fraction], dict, list[int]]] = []
    if count:
        open_nodes.append((root, count, totals, rounds, []))
    while open_nodes:
        node_id, count, totals, rounds, children = open_nodes[-1]
        if len(children) == count:
            open_nodes.pop()
            nodes[node_id]["children"] = tuple(children)
            continue
        child, child_count, child_totals, child_rounds = parse_node(node_id, totals, rounds)
        children.append(child)
        if child_count:
            open_nodes.append((child, child_count, child_totals, child_rounds, []))
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
        with path.open("rb") as handle:
            raw = handle.read(MAX_EFG_BYTES + 1)
    except OSError as error:
        reason = error.strerror or str(error)
        raise ScenarioError([ScenarioProblem(1, 1, "", f"The file cannot be read: {reason}.",
                                             str(path))]) from None
    if len(raw) > MAX_EFG_BYTES:
        raise ScenarioError([ScenarioProblem(1, 1, "", f"The file is larger than "
                                             f"{MAX_EFG_BYTES // 1_000_000} MB.", str(path))])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ScenarioError([ScenarioProblem(1, 1, "", f"The file is not UTF-8 text (byte "
                                             f"{error.start}).", str(path))]) from None
    return load_efg_text(text, str(path))
