"""Provides pictures of a game as text: the game tree with its information sets, the payoff
table with the path to each outcome, and the strategic form (matrix) of a simultaneous stage
with the best replies marked.

`draw_tree` draws the expanded game (Nature's type draws included) with box-drawing lines; a
tag such as `[B1]` names each decision node's information set, and a legend says which nodes a
player cannot tell apart, and why. A campaign is drawn for its first round.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from game.model.expr import format_fraction
from game.model.tree import NATURE, TERMINAL

MAX_DRAWN = 400
"""Lines past which the tree drawing stops (it says so)."""


def _spec_nodes(spec):
    from game.model.spec import ChanceNode, DecisionNode, SimultaneousNode, TerminalNode

    return ChanceNode, DecisionNode, SimultaneousNode, TerminalNode


MAX_PATHS = 8
"""Paths listed per outcome in the payoff table (the others are counted)."""
LONG_PATH = 12
"""Moves past which a path is shown by its first and last five moves."""


def _stage_moves(spec, node) -> list[tuple[str, str]] | None:
    """(label, next stage) per move of a stage; None for a terminal or a missing stage."""
    ChanceNode, DecisionNode, SimultaneousNode, _ = _spec_nodes(spec)
    if isinstance(node, (DecisionNode, ChanceNode)):
        return [(move.label or move.action, move.to) for move in node.moves]
    if isinstance(node, SimultaneousNode):
        names = [spec.players[spec.player_index(p)].name for p in node.players]
        moves = []
        for branch in node.branches:
            labels = [spec.action_label(node.id, a) for a in branch.actions]
            step = " + ".join(f"{n}: {label}" for n, label in zip(names, labels))
            moves.append((f"({step})", branch.to))
        return moves
    return None


def _path_text(trail: list[str]) -> str:
    if not trail:
        return "(at once)"
    if len(trail) > LONG_PATH:
        return (" > ".join(trail[:5]) + f" > ({len(trail) - 10} more moves) > "
                + " > ".join(trail[-5:]))
    return " > ".join(trail)


def stage_paths(spec) -> dict[str, list[str]]:
    """Terminal stage id -> the paths of move labels that reach it ("Probe > Concede"), in
    order of play: at most `MAX_PATHS` each (`path_counts` says how many there are), a path
    longer than `LONG_PATH` moves shortened to its first and last five.

    A depth-first walk with an explicit stack (no recursion over the stage's depth) that
    takes at most a few steps per stage, so stages that meet again do not multiply the work.
    """
    _, _, _, TerminalNode = _spec_nodes(spec)
    paths: dict[str, list[str]] = {}
    trail: list[str] = []
    budget = 4 * len(spec.nodes) + 1000

    def arrive(stage_id: str) -> list[tuple[str, str]] | None:
        node = spec.nodes.get(stage_id)
        if isinstance(node, TerminalNode):
            listed = paths.setdefault(stage_id, [])
            if len(listed) < MAX_PATHS:
                listed.append(_path_text(trail))
            return None
        return _stage_moves(spec, node) if node is not None else None

    frames: list[list] = []                     # [moves, next position] per open stage
    moves = arrive(spec.root)
    if moves:
        frames.append([moves, 0])
    while frames and budget > 0:
        frame = frames[-1]
        moves, position = frame
        if position == len(moves):
            frames.pop()
            if frames:
                trail.pop()                     # the move that led into the closed stage
            continue
        frame[1] = position + 1
        budget -= 1
        label, target = moves[position]
        trail.append(label)
        below = arrive(target)
        if below:
            frames.append([below, 0])
        else:
            trail.pop()
    return paths


def path_counts(spec) -> dict[str, int]:
    """Terminal stage id -> how many paths of moves reach it (counted, not listed: a stage
    graph whose stages meet again can have very many)."""
    _, _, _, TerminalNode = _spec_nodes(spec)
    targets: dict[str, list[str]] = {}
    waiting: dict[str, int] = {}
    order = [spec.root] if spec.root in spec.nodes else []
    seen = set(order)
    for stage_id in order:                      # grows as it goes: every reachable stage
        moves = _stage_moves(spec, spec.nodes[stage_id]) or []
        targets[stage_id] = [to for _, to in moves if to in spec.nodes]
        for to in targets[stage_id]:
            waiting[to] = waiting.get(to, 0) + 1
            if to not in seen:
                seen.add(to)
                order.append(to)
    count = {stage_id: 0 for stage_id in order}
    if order:
        count[spec.root] = 1
    ready = [spec.root] if order and not waiting.get(spec.root) else []
    while ready:                                # in topological order (Kahn)
        stage_id = ready.pop()
        for to in targets[stage_id]:
            count[to] += count[stage_id]
            waiting[to] -= 1
            if waiting[to] == 0:
                ready.append(to)
    return {stage_id: n for stage_id, n in count.items()
            if isinstance(spec.nodes[stage_id], TerminalNode)}


@dataclass(frozen=True)
class PayoffRow:
    """One row of the payoff table."""

    outcome: str
    """The outcome (with "(disaster)"), on the first row of each terminal only."""
    path: str
    """How play gets there (first row of each terminal only)."""
    types: str
    payoffs: tuple[str, str]
    first: bool
    """The first row of its terminal (a new section)."""


def payoff_rows(spec, values) -> list[PayoffRow]:
    """The whole payoff table: each terminal's rows (one per type pair) with its path."""
    from game.model.spec import payoff_rows as plain_rows

    paths, counts = stage_paths(spec), path_counts(spec)
    terminals = [n for n in spec.nodes.values() if _spec_nodes(spec)[3] is type(n)]
    rows = plain_rows(spec, values)
    per_terminal = len(spec.players[0].types) * len(spec.players[1].types)
    result = []
    for position, row in enumerate(rows):
        terminal = terminals[position // per_terminal]
        first = position % per_terminal == 0
        path = _paths_text(paths.get(terminal.id, []), counts.get(terminal.id, 0)) \
            if first else ""
        result.append(PayoffRow(row[0], path, row[1], (row[2], row[3]), first))
    return result


def _paths_text(listed: list[str], total: int) -> str:
    text = " or ".join(listed)
    more = total - len(listed)
    if more > 0:
        text += f"{' or ' if listed else ''}{more} {'more ' if listed else ''}" \
                f"path{'s' if more > 1 else ''}"
    return text


def tags(game) -> dict[int, str]:
    """A short tag per information set: the player's letter and a number ("A1", "B2")."""
    letters = []
    for name in game.players:            # the first letter or digit of the last word with one
        words = [w for w in name.split() if any(c.isalnum() for c in w)]
        letter = next((c for c in words[-1] if c.isalnum()), "P") if words else "P"
        letters.append(letter.upper())
    if letters[0] == letters[1]:
        letters = ["1.", "2."]
    counts = [0, 0]
    result = {}
    for infoset in game.infosets:
        counts[infoset.player] += 1
        result[infoset.id] = f"{letters[infoset.player]}{counts[infoset.player]}"
    return result


def _edge_label(game, node, index: int) -> str:
    spec = game.spec
    action = node.actions[index]
    if node.player == NATURE and node.private_to >= 0 and spec is not None:
        return spec.type_of(node.private_to, action).name
    if spec is not None:
        return spec.action_label(node.stage, action)
    return action


def draw_tree(game, equilibrium=None, played: frozenset | set = frozenset(),
              first_round_only: bool = True) -> list[str]:
    """The game tree as lines of text, then the legend of its information sets.

    Args:
        game: the expanded game.
        equilibrium: when given, each move shows its probability in it ("eq 1/2").
        played: (node, action index) steps of a play, marked "<- played".
        first_round_only: a campaign stops at the end of round 1.
    """
    nodes = game.nodes
    tag = tags(game)
    lines: list[str] = []
    spec = game.spec

    def describe(node) -> str:
        if node.player == NATURE:
            if node.private_to >= 0:
                return f"Nature draws {game.players[node.private_to]}'s type"
            title = getattr(spec.nodes.get(node.stage), "title", "") if spec else ""
            return f"Chance: {title}" if title else "Chance"
        title = getattr(spec.nodes.get(node.stage), "title", "") if spec else ""
        return f"{game.players[node.player]} [{tag[node.infoset]}] {title or node.stage}".rstrip()

    def leaf(node) -> str:
        pays = ", ".join(format_fraction(p) for p in node.payoffs)
        return f"{node.outcome} ({pays})"

    def step(node, node_id: int, index: int, prefix: str) -> tuple[int, str] | None:
        """Draws the edge `index` of a node; returns (child, prefix) when the child's own
        edges are drawn next."""
        child_id = node.children[index]
        child = nodes[child_id]
        last = index == len(node.children) - 1
        branch = "└─ " if last else "├─ "
        label = _edge_label(game, node, index)
        if node.player == NATURE:
            label += f" ({format_fraction(node.probs[index])})"
        elif equilibrium is not None:
            label += f" (eq {format_fraction(equilibrium.behaviour[node.infoset][index])})"
        mark = "  <- played" if (node_id, index) in played else ""
        if child.player == TERMINAL:
            lines.append(f"{prefix}{branch}{label} -> {leaf(child)}{mark}")
            return None
        if first_round_only and child.round > 1 and node.round == 1:
            lines.append(f"{prefix}{branch}{label} -> round 2 begins{mark}")
            return None
        lines.append(f"{prefix}{branch}{label}{mark}")
        inner = prefix + ("   " if last else "│  ")
        lines.append(f"{inner}{describe(child)}")
        return child_id, inner

    lines.append(describe(nodes[0]))
    frames = [(0, "", 0)]                    # (node, prefix, next edge): no recursion
    while frames and len(lines) < MAX_DRAWN:
        node_id, prefix, index = frames.pop()
        node = nodes[node_id]
        if index >= len(node.children):
            continue
        frames.append((node_id, prefix, index + 1))
        below = step(node, node_id, index, prefix)
        if below is not None:
            frames.append((below[0], below[1], 0))
    if len(lines) >= MAX_DRAWN:
        lines.append(f"(the drawing stops after {MAX_DRAWN} lines)")
    shown = {nodes[n].infoset for n in range(len(nodes))
             if nodes[n].player in (0, 1) and (nodes[n].round == 1 or not first_round_only)}
    legend = []
    for infoset in game.infosets:
        if infoset.id not in shown or len(infoset.members) < 2:
            continue
        other = game.players[1 - infoset.player]
        reasons = []
        if any("+" in k for k in infoset.keys):
            reasons.append(f"{other}'s simultaneous choice")
        if len({k.partition("+")[0] for k in infoset.keys}) > 1:
            reasons.append(f"{other}'s type")
        why = " or ".join(reasons) or "what came before"
        legend.append(f"  [{tag[infoset.id]}] {game.players[infoset.player]} cannot tell its "
                      f"{len(infoset.members)} nodes apart: it does not see {why}.")
    if legend:
        lines += ["", "Information sets (one decision, several nodes):", *legend]
    else:
        lines += ["", "Every player sees every earlier move: each information set is a single "
                      "node."]
    if game.rounds > 1 and first_round_only:
        lines.append(f"A campaign of {game.rounds} rounds: round 1 is drawn; every later round "
                     "repeats it after the whole history so far.")
    return lines


@dataclass(frozen=True)
class Matrix:
    """The strategic form of one simultaneous stage, for one pair of types."""

    title: str
    players: tuple[str, str]
    """Row player, column player."""
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: tuple[tuple[tuple[Fraction, Fraction], ...], ...]
    """cells[r][c] = (row player's payoff, column player's payoff)."""

    def best_rows(self, column: int) -> set[int]:
        """The row player's best replies to a column."""
        best = max(self.cells[r][column][0] for r in range(len(self.rows)))
        return {r for r in range(len(self.rows)) if self.cells[r][column][0] == best}

    def best_columns(self, row: int) -> set[int]:
        """The column player's best replies to a row."""
        best = max(self.cells[row][c][1] for c in range(len(self.columns)))
        return {c for c in range(len(self.columns)) if self.cells[row][c][1] == best}

    def pure_equilibria(self) -> list[tuple[int, int]]:
        """Cells where both play a best reply."""
        return [(r, c) for r in range(len(self.rows)) for c in range(len(self.columns))
                if r in self.best_rows(c) and c in self.best_columns(r)]

    def lines(self) -> list[str]:
        """The matrix as text, a best reply marked with *."""
        def cell(r: int, c: int) -> str:
            a, b = self.cells[r][c]
            mark_a = "*" if r in self.best_rows(c) else ""
            mark_b = "*" if c in self.best_columns(r) else ""
            return f"{format_fraction(a)}{mark_a}, {format_fraction(b)}{mark_b}"

        texts = [[cell(r, c) for c in range(len(self.columns))] for r in range(len(self.rows))]
        first = max(len(self.players[0]) + 1, *(len(r) for r in self.rows)) + 2
        widths = [max(len(self.columns[c]), *(len(texts[r][c]) for r in range(len(self.rows))))
                  + 2 for c in range(len(self.columns))]
        out = [self.title,
               " " * first + "".join(f"{col:<{w}}" for col, w in zip(self.columns, widths))
               + f"({self.players[1]})"]
        for r, name in enumerate(self.rows):
            out.append(f"{name:<{first}}" + "".join(f"{texts[r][c]:<{w}}"
                                                    for c, w in zip(range(len(widths)), widths)))
        out.append(f"(rows: {self.players[0]}; payoffs: {self.players[0]}, {self.players[1]}; "
                   "* marks a best reply to the other's choice)")
        equilibria = self.pure_equilibria()
        if equilibria:
            named = "; ".join(f"{self.rows[r]} / {self.columns[c]}" for r, c in equilibria)
            out.append(f"Both best-reply (pure Nash equilibria of this stage): {named}.")
        else:
            out.append("No cell is a best reply for both: this stage has no pure Nash "
                       "equilibrium, only a mixed one.")
        return out


def matrices(spec, values) -> list[Matrix]:
    """One matrix per simultaneous stage whose cells all end the game (per type pair when a
    player has private types)."""
    from game.model.expr import evaluate

    _, _, SimultaneousNode, TerminalNode = _spec_nodes(spec)
    result = []
    for node in spec.nodes.values():
        if not isinstance(node, SimultaneousNode):
            continue
        order = [spec.player_index(p) for p in node.players]
        targets = {b.actions: spec.nodes.get(b.to) for b in node.branches}
        if not all(isinstance(t, TerminalNode) for t in targets.values()):
            continue
        row_actions, column_actions = node.actions
        for t0 in spec.players[0].types:
            for t1 in spec.players[1].types:
                held = (t0, t1)
                cells = []
                for ra in row_actions:
                    row = []
                    for ca in column_actions:
                        terminal = targets[(ra.action, ca.action)]
                        pays = []
                        for who in order:
                            own, opp = held[who], held[1 - who]
                            pays.append(evaluate(terminal.payoffs[(spec.players[who].id, own.id,
                                                                   opp.id)], values))
                        row.append((pays[0], pays[1]))
                    cells.append(tuple(row))
                typed = [f"{spec.players[i].name} {held[i].name}" for i in (0, 1)
                         if len(spec.players[i].types) > 1]
                title = f"{node.title or node.id}" + (f" ({', '.join(typed)})" if typed else "")
                result.append(Matrix(title, (spec.players[order[0]].name,
                                             spec.players[order[1]].name),
                                     tuple(m.label or m.action for m in row_actions),
                                     tuple(m.label or m.action for m in column_actions),
                                     tuple(cells)))
    return result
