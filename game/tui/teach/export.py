"""Provides one game's debrief as a document: sections of plain text (what `--plain` prints)
and the same as Markdown or HTML for homework (`x` on the debrief screen writes both).

The document holds what the screen computes: the opening, each decision, the equilibria with
what holds them together, the full listing and the side-by-side table, the drawn tree, the
parameter values, the seed and the opponent model, the concepts and discussion questions.
"""

from __future__ import annotations

from pathlib import Path

from game.model.expr import format_fraction


def debrief_sections(spec, game, result, index: int | None, state, me: int | None,
                     driver=None) -> list[tuple[str, list[str]]]:
    """(heading, lines) for every part of the debrief, in reading order."""
    from game.tui import debrief_text
    from game.tui.teach.drawing import draw_tree, matrices
    from game.tui.teach.listing import listing_lines

    sections: list[tuple[str, list[str]]] = []
    equilibrium = None
    if result is not None and index is not None and result.equilibria:
        equilibrium = result.equilibria[index]
    opening = debrief_text.summary(spec, state, driver, equilibrium, index, "", result, me,
                                   keys="").splitlines()[1:]
    sections.append(("Debrief", [line for line in opening if line]))
    game_lines = [f"Scenario: {spec.title} ({spec.id})"]
    if spec.parameters:
        game_lines.append("Parameters: " + ", ".join(
            f"{p.name} = {format_fraction(game.values.get(p.name, p.value))}"
            for p in spec.parameters))
    if game.rounds > 1:
        game_lines.append(f"Rounds: {game.rounds}")
    if me is not None:
        game_lines.append(f"You played: {spec.players[me].name}")
    seed = getattr(driver, "seed", None)
    if seed is not None:
        game_lines.append(f"Seed: {seed} (--seed {seed} replays the same draws)")
    if driver is not None and driver.opponent_name:
        game_lines.append(f"Opponent: {driver.opponent_name}: {driver.opponent_description}")
    from game.tui.teach.working import prior_of

    for player_index, player in enumerate(spec.players):
        prior = prior_of(game, player_index)
        if prior:
            game_lines.append(f"Prior over {player.name}'s type: " + ", ".join(
                f"{spec.type_of(player_index, t).name} {format_fraction(p)}"
                for t, p in prior.items()))
    sections.append(("The game", game_lines))
    decisions = debrief_text.decisions_text(spec, game, result, index, state, me,
                                            getattr(driver, "predictions", ())).splitlines()
    sections.append((decisions[0].title(), decisions[1:]))
    equilibria = debrief_text.equilibria_text(game, result, index, keys=False).splitlines()
    sections.append(("The equilibria", equilibria[1:] if len(equilibria) > 1 else equilibria))
    if result is not None and result.equilibria:
        sections.append(("The equilibria in full", listing_lines(game, result, index)[1:]))
    played = set(state.steps) if state is not None else set()
    tree = draw_tree(game, equilibrium, played)
    for matrix in matrices(spec, game.values):
        tree += ["", "Strategic form of the simultaneous stage:", *matrix.lines()]
    sections.append(("The game tree", tree))
    sections.append(("Concepts", debrief_text.concepts_text(spec, keys=False).splitlines()))
    return sections


def to_markdown(spec, sections: list[tuple[str, list[str]]], table=None) -> str:
    """The sections as Markdown (the tree in a code block, lists kept as lists)."""
    out = [f"# {spec.title}: debrief", ""]
    for heading, lines in sections:
        out += [f"## {heading}", ""]
        if heading in ("The game tree", "The equilibria in full"):
            out += ["```", *lines, "```", ""]
            continue
        if heading == "The equilibria" and table is not None:
            headers, rows = table
            out += ["| " + " | ".join(h or " " for h in headers) + " |",
                    "|" + "---|" * len(headers)]
            out += ["| " + " | ".join(cell.replace("|", "/") for cell in row) + " |"
                    for row in rows]
            out.append("")
        for line in lines:
            out.append(line if line.startswith(("- ", "  ")) or not line else line + "  ")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def to_html(spec, markdown: str) -> str:
    """The Markdown as a standalone HTML page."""
    from html import escape

    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark").enable("table").render(markdown)
    return (f"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(spec.title)}: debrief</title>"
            "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
            "pre{background:#f4f4f4;padding:1em;overflow-x:auto}"
            "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em}</style>"
            f"</head><body>\n{body}</body></html>\n")


def _free(path: Path) -> Path:
    """`path`, or the first `name-2.ext`, `name-3.ext` ... that does not exist."""
    number = 2
    candidate = path
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
        number += 1
    return candidate


def export_debrief(spec, game, result, index, state, me, driver=None,
                   folder: Path | None = None) -> list[Path]:
    """Writes the debrief as Markdown and HTML into `folder` (default: the current one),
    never over an existing file; returns the paths written."""
    from game.tui.teach.listing import table_rows

    sections = debrief_sections(spec, game, result, index, state, me, driver)
    table = table_rows(game, result) if result is not None and result.equilibria else None
    markdown = to_markdown(spec, sections, table)
    seed = getattr(driver, "seed", None)
    stem = f"debrief-{spec.id}" + (f"-seed{seed}" if seed is not None else "")
    folder = Path(folder) if folder is not None else Path.cwd()
    written = []
    markdown_path = _free(folder / f"{stem}.md")
    markdown_path.write_text(markdown, encoding="utf-8")
    written.append(markdown_path)
    html_path = _free(folder / f"{markdown_path.stem}.html")
    html_path.write_text(to_html(spec, markdown), encoding="utf-8")
    written.append(html_path)
    return written
