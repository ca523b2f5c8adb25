"""Rich renderings for the command line: scenario tables, trees, payoffs, equilibria.

Text from files is never read as rich markup (every cell is a `Text`), and trees are drawn
as plain lines without recursion: a tree deeper than `TREE_DEPTH` levels continues in a
further section ("continued at ..."), so a chain of hundreds of moves prints at any terminal
width. Tables of more than `LARGE_TABLE` rows are printed as aligned lines, because rich's
table layout takes seconds for thousands of rows.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from game.model.expr import format_fraction, to_text
from game.model.spec import ChanceNode, DecisionNode, GameSpec, SimultaneousNode, TerminalNode
from game.model.tree import Game

TREE_DEPTH = 5
"""Nodes nested in one printed tree before it continues in a section of its own."""
LARGE_TABLE = 300
"""Tables with more rows are printed as aligned lines (fast) instead of with rich's layout."""
MAX_TREE_NODES = 5_000
"""The most nodes `show` draws of a tree read from a `.efg` file."""


def plain(value: object) -> Text:
    """A table cell or title that rich prints as it is (no markup: `[x]` stays `[x]`)."""
    return value if isinstance(value, Text) else Text(str(value))


def scenario_table(rows: list[dict]) -> Table:
    """The shipped scenarios as a table; ids and concept ids are never cut, titles wrap."""
    table = Table(title="Shipped scenarios", title_justify="left", box=box.SIMPLE_HEAD,
                  collapse_padding=True, pad_edge=False)
    table.add_column("id", style="bold", no_wrap=True)
    # Only the title and concepts columns may shrink (they wrap, folding a word only if
    # they must), so rich never needs to cut an id.
    table.add_column("title", overflow="fold", max_width=16)
    table.add_column("level", no_wrap=True)
    table.add_column("min", justify="right", no_wrap=True)
    table.add_column("concepts", overflow="fold")  # one per line
    for row in rows:
        table.add_row(plain(row["id"]), plain(row["title"]), plain(row["difficulty"]),
                      str(row["minutes"] or ""), plain("\n".join(row["concepts"])))
    return table


@dataclass(frozen=True, slots=True)
class TreeSection:
    """One printed part of a tree: a heading and its lines (guides included)."""

    heading: str
    lines: tuple[tuple[str, str], ...]
    """(guides and connector, text) per line."""


def _draw_sections(title: str, root: object, grow: Callable[[object], tuple[str, list]],
                   name: Callable[[object], str], limit: int | None = None) -> list[TreeSection]:
    """Draws a tree as one or more sections of text lines, without recursion.

    Args:
        title: the first section's heading.
        root: the root item.
        grow: item -> (its line, [(edge text, child item or None for a leaf), ...]); a child's
            line is drawn after its edge text, on the same line.
        name: item -> how a continuation refers to it.
        limit: the most items drawn (None: all).
    """
    sections: list[TreeSection] = []
    pending: list[tuple[object, str]] = [(root, title)]
    drawn = 0
    while pending:
        start, heading = pending.pop(0)
        lines: list[tuple[str, str]] = []
        # Entries: (prefix, is last child, edge text, item or None, depth); pre-order.
        stack: list[tuple[str, bool, str, object, int]] = [("", True, "", start, 0)]
        while stack:
            prefix, last, edge, item, depth = stack.pop()
            connector = prefix + ("└── " if last else "├── ")
            below = prefix + ("    " if last else "│   ")
            if item is None:
                lines.append((connector, edge))
                continue
            if limit is not None and drawn >= limit:
                lines.append((connector, edge + "... (not drawn: the tree is too large to print)"))
                pending.clear()
                break
            drawn += 1
            line, edges = grow(item)
            lines.append((connector, edge + line))
            entries = []
            for index, (child_edge, child) in enumerate(edges):
                is_last = index == len(edges) - 1
                if child is not None and depth + 1 >= TREE_DEPTH:
                    note = f"{child_edge}continued at {name(child)} below"
                    entries.append((below, is_last, note, None, depth + 1))
                    pending.append((child, f"Continued at {name(child)}"))
                else:
                    entries.append((below, is_last, child_edge, child, depth + 1))
            stack.extend(reversed(entries))
        sections.append(TreeSection(heading, tuple(lines)))
    return sections


def print_sections(console: Console, sections: list[TreeSection]) -> None:
    """Prints tree sections; long lines wrap under their own guides."""
    for section in sections:
        console.print(Text(section.heading, style="bold"))
        print_lines(console, section.lines)


def print_lines(console: Console, lines: Iterable[tuple[str, str]]) -> None:
    """Prints (lead, text) lines at once; a long text wraps under itself, after its lead.

    Rich's own wrapping takes seconds for thousands of lines; this takes milliseconds.
    """
    width = max(console.width, 24)
    out: list[str] = []
    for lead, text in lines:
        if len(lead) + len(text) <= width:
            out.append(lead + text)
            continue
        # Continuation lines keep the guide of the node's siblings (or children) below.
        indent = lead[:-4] + ("│   " if lead.endswith("├── ") else "    ") if lead else ""
        pieces = textwrap.wrap(text, width=max(width - len(lead), 12), break_on_hyphens=False,
                               drop_whitespace=True) or [""]
        out.append(lead + pieces[0])
        out.extend(indent + piece for piece in pieces[1:])
    console.print(Text("\n".join(out)), soft_wrap=True)


def stage_tree_sections(spec: GameSpec) -> list[TreeSection]:
    """The stage tree: each node drawn once (a node reached again is referred to by id)."""
    claimed: set[str] = {spec.root}

    def edge(text: str, target: str) -> tuple[str, object]:
        node = spec.nodes[target]
        if isinstance(node, TerminalNode):
            return f"{text} {_terminal_line(spec, node)}", None
        if target in claimed:
            return f"{text} -> {target} (drawn elsewhere in this tree)", None
        claimed.add(target)
        return f"{text} ", target

    def grow(node_id: object) -> tuple[str, list]:
        assert isinstance(node_id, str)
        node = spec.nodes[node_id]
        if isinstance(node, TerminalNode):
            return _terminal_line(spec, node), []
        if isinstance(node, DecisionNode):
            player = spec.players[spec.player_index(node.player)].name
            line = f"{player} decides at {node_id}" + (f": {node.title}" if node.title else "")
            return line, [edge(f"[{move.label or move.action}]", move.to) for move in node.moves]
        if isinstance(node, ChanceNode):
            edges = []
            for move in node.moves:
                prob = to_text(move.prob) if move.prob is not None else "?"
                edges.append(edge(f"[{move.label or move.action}, p = {prob}]", move.to))
            return f"Chance at {node_id}", edges
        assert isinstance(node, SimultaneousNode)
        names = " and ".join(spec.players[spec.player_index(p)].name for p in node.players)
        return (f"{names} choose at once at {node_id}",
                [edge(f"[{item.actions[0]} / {item.actions[1]}]", item.to)
                 for item in node.branches])

    heading = "Stage tree" + (f" (repeated for {spec.campaign.rounds} rounds)"
                              if spec.campaign else "")
    return _draw_sections(heading, spec.root, grow, str)


def _terminal_line(spec: GameSpec, node: TerminalNode) -> str:
    pays = []
    for player in spec.players:
        values = {expr for (pid, _, _), expr in node.payoffs.items() if pid == player.id}
        if len(values) == 1:
            pays.append(f"{player.name}: {to_text(next(iter(values)))}")
        else:
            pays.append(f"{player.name}: by type")
    mark = " [disaster]" if node.disaster else ""
    return f"■ {node.outcome}{mark}  ({'; '.join(pays)})"


def show_scenario(console: Console, spec: GameSpec, game: Game) -> None:
    """Prints the scenario: summary, parameters, players, the tree, infosets and payoffs."""
    values = game.values
    console.print(Panel(Text(spec.summary or spec.title), title=plain(f"{spec.title} ({spec.id})"),
                        title_align="left"))
    if spec.parameters:
        table = Table(title="Parameters", title_justify="left")
        for column in ("name", "value", "range", "meaning"):
            table.add_column(column, overflow="fold")
        for parameter in spec.parameters:
            low = format_fraction(parameter.minimum) if parameter.minimum is not None else "-inf"
            high = format_fraction(parameter.maximum) if parameter.maximum is not None else "+inf"
            table.add_row(plain(parameter.name), plain(format_fraction(values[parameter.name])),
                          plain(f"[{low}, {high}]"), plain(parameter.description))
        console.print(table)
    players = Table(title="Players and types", title_justify="left")
    for column in ("player", "type", "prior", "shown to that player"):
        players.add_column(column, overflow="fold")
    from game.model.expr import evaluate

    for player in spec.players:
        for player_type in player.types:
            prior = format_fraction(evaluate(player_type.prior, values))
            players.add_row(plain(player.name), plain(player_type.name or "(no private type)"),
                            plain(f"{to_text(player_type.prior)} = {prior}"),
                            plain(player_type.description))
    console.print(players)
    print_sections(console, stage_tree_sections(spec))
    print_table(console, "Information sets of the full game", _INFOSET_COLUMNS,
                _infoset_rows(game))
    from game.model.spec import payoff_rows

    print_table(console, "Payoffs (symbol = value)",
                ("outcome", "types", *(player.name for player in spec.players)),
                [tuple(row) for row in payoff_rows(spec, values)])


def _infoset_rows(game: Game) -> list[tuple[str, ...]]:
    return [(infoset.label, game.players[infoset.player],
             ", ".join(infoset.keys) if len(infoset.keys) > 1 else "-", ", ".join(infoset.actions))
            for infoset in game.infosets]


_INFOSET_COLUMNS = ("information set", "player", "cannot tell apart", "actions")


def infoset_table(game: Game, title: str) -> Table:
    """Every information set: owner, the nodes it cannot tell apart, the actions."""
    return _table(title, _INFOSET_COLUMNS, _infoset_rows(game))


def _table(title: str, columns: Iterable[object], rows: list[tuple[str, ...]]) -> Table:
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(plain(column), overflow="fold")
    for row in rows:
        table.add_row(*text_cells(row))
    return table


def print_table(console: Console, title: str, columns: tuple[str, ...],
                rows: list[tuple[str, ...]]) -> None:
    """Prints a table: with rich's layout, or as aligned lines past `LARGE_TABLE` rows."""
    if len(rows) <= LARGE_TABLE:
        console.print(_table(title, columns, rows))
        return
    widths = [min(30, max(len(str(cell)) for cell in column))
              for column in zip(columns, *rows)]
    console.print(Text(f"{title} ({len(rows):,} rows)", style="bold"))
    lines = ["  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip()
             for row in (columns, *rows)]
    print_lines(console, (("", line) for line in lines))


def game_tree_sections(game: Game) -> list[TreeSection]:
    """A game's tree (as read from a `.efg` file), at most `MAX_TREE_NODES` nodes drawn."""

    def who(node_id: int) -> str:
        node = game.nodes[node_id]
        if node.is_chance:
            return "Nature" + (f" at {node.label}" if node.label else "")
        return f"{game.players[node.player]} at {game.infosets[node.infoset].label}"

    def grow(item: object) -> tuple[str, list]:
        assert isinstance(item, int)
        node = game.nodes[item]
        edges: list[tuple[str, object]] = []
        for index, child in enumerate(node.children):
            action = node.actions[index]
            target = game.nodes[child]
            if node.is_chance:
                action += f" ({format_fraction(node.probs[index])})"
            if target.is_terminal:
                payoffs = ", ".join(format_fraction(v) for v in target.payoffs)
                edges.append((f"{action} -> {target.outcome}: {payoffs}", None))
            else:
                edges.append((f"{action} -> ", child))
        return who(item), edges

    def name(item: object) -> str:
        assert isinstance(item, int)
        return f"node {item} ({who(item)})"

    return _draw_sections("Game tree", 0, grow, name, MAX_TREE_NODES)


def show_game(console: Console, game: Game) -> None:
    """Prints a game read from a .efg file: its tree, information sets and outcomes."""
    console.print(Text(f"{game.title}  ({len(game.nodes)} nodes, {len(game.infosets)} "
                       "information sets)", style="bold"))
    print_sections(console, game_tree_sections(game))
    print_table(console, "Information sets", _INFOSET_COLUMNS, _infoset_rows(game))


def payoff_table(spec: GameSpec, values) -> Table:
    """Payoffs per outcome and type profile: symbols and numbers."""
    from game.model.spec import payoff_rows

    table = Table(title="Payoffs (symbol = value)", title_justify="left")
    table.add_column("outcome", overflow="fold")
    table.add_column("types", overflow="fold")
    for player in spec.players:
        table.add_column(plain(player.name), overflow="fold")
    for row in payoff_rows(spec, values):
        table.add_row(*(plain(cell) for cell in row))
    return table


def text_cells(values: Iterable[object]) -> list[Text]:
    return [plain(value) for value in values]


def show_glossary(console: Console, concepts) -> None:
    """Prints every concept: name, id, and the scenarios that teach it."""
    table = Table(title="Concepts", title_justify="left", box=None, pad_edge=False)
    table.add_column("id")
    table.add_column("concept")
    table.add_column("scenarios")
    for concept in concepts:
        table.add_row(*text_cells((concept.id, concept.name, ", ".join(concept.scenarios))))
    console.print(table)
    console.print(Text("`deterrence concepts ID` shows one concept in full."))


def show_concept(console: Console, concept) -> None:
    """Prints one concept: definition, literature, scenarios."""
    body = [Text(concept.definition), Text("")]
    if concept.literature:
        body.append(Text("Literature", style="bold"))
        body.extend(Text(f"  - {item}") for item in concept.literature)
    if concept.scenarios:
        body.append(Text("Scenarios that teach it", style="bold"))
        body.extend(Text(f"  - {item}   (deterrence play {item})") for item in concept.scenarios)
    console.print(Panel(Group(*body), title=plain(f"{concept.name} ({concept.id})"),
                        title_align="left"))
