"""Prints `solve`'s result: each equilibrium (behaviour, beliefs, outcomes, verdicts, a
paragraph), the rest a line each past `FULL_SHOWN`, the non-credible Nash equilibria, the notes."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from game.cli.render import plain, text_cells
from game.model.expr import format_fraction

FULL_SHOWN = 20
"""`solve` shows this many equilibria in full, the rest a line each."""

LARGE_GAME = 60
"""Past this many information sets, an equilibrium's table shows those on its path only."""


def _brief(console: Console, result) -> None:
    """The equilibria past the first `FULL_SHOWN`, a line each."""
    game = result.game
    rest = result.equilibria[FULL_SHOWN:]
    table = Table(title=plain(f"Equilibria {FULL_SHOWN + 1}-{len(result.equilibria)} in brief "
                              "(`--format json` gives each in full)"),
                  show_header=True, box=None, pad_edge=False, title_justify="left")
    for column in ("#", "kind", "outcomes", "payoffs", "IC", "D1"):
        table.add_column(column, overflow="fold")
    for number, eq in enumerate(rest, start=FULL_SHOWN + 1):
        outcomes = ", ".join(f"{k} {format_fraction(v)}" for k, v in eq.outcomes.items())
        payoffs = ", ".join(f"{p} {format_fraction(v)}" for p, v in zip(game.players, eq.payoffs))
        kind = eq.kind + (f" ({eq.alternatives} share the path)" if eq.alternatives > 1 else "")
        table.add_row(*text_cells((str(number), kind, outcomes, payoffs,
                               eq.intuitive.word if eq.intuitive else "",
                               eq.d1.word if eq.d1 else "")))
    console.print(table)


def show_solution(console: Console, result) -> None:
    """Prints every equilibrium: behaviour, beliefs, outcomes, refinements, a paragraph."""
    from game.solver.explain.prose import action_name, describe_equilibrium

    game = result.game
    values = ", ".join(f"{k} = {format_fraction(v)}" for k, v in sorted(result.parameters.items()))
    from game.solver.explain.prose import CONCEPT_TEXT

    console.print(Text(f"{game.title}" + (f"  ({values})" if values else ""), style="bold"))
    console.print(Text(CONCEPT_TEXT[result.concept], style="dim"))
    if not result.equilibria:
        console.print("No equilibrium was found within the time allowed. Every finite game has "
                      "one, so the search is incomplete (see the notes below).")
    for number, eq in enumerate(result.equilibria[:FULL_SHOWN], start=1):
        table = Table(show_header=True, box=None, pad_edge=False)
        table.add_column("player", overflow="fold")
        table.add_column("information set", overflow="fold", ratio=3)
        table.add_column("play", overflow="fold", ratio=2)
        table.add_column("belief", overflow="fold", ratio=2)
        large = len(game.infosets) > LARGE_GAME
        hidden = 0
        for infoset in game.infosets:
            if large and not eq.on_path[infoset.id]:
                hidden += 1
                continue
            probs = eq.behaviour[infoset.id]
            play = ", ".join(f"{action_name(game, infoset, a)} {format_fraction(p)}"
                             for a, p in enumerate(probs) if p > 0)
            if infoset.group in eq.beliefs:
                belief_map = eq.beliefs[infoset.group]
                belief = ", ".join(f"{k} {format_fraction(belief_map.get(k, 0))}"
                                   for k in infoset.keys) if len(infoset.keys) > 1 else ""
            else:
                belief_set = eq.off_path_beliefs[infoset.group]
                interval = belief_set.interval
                if len(belief_set.keys) < 2:
                    belief = "(off path)"
                elif interval is not None:
                    belief = (f"off path: {belief_set.keys[0]} in [{format_fraction(interval[0])}, "
                              f"{format_fraction(interval[1])}]")
                else:
                    belief = f"off path: {len(belief_set.vertices)}-vertex set"
            marker = "" if eq.on_path[infoset.id] else " (off path)"
            table.add_row(*text_cells((game.players[infoset.player], infoset.label + marker, play, belief)))
        if hidden:
            table.add_row("", f"and {hidden} information sets off the path (the game has "
                              f"{len(game.infosets)}; `--format json` lists them all)", "", "")
        outcomes = ", ".join(f"{k} {format_fraction(v)}" for k, v in eq.outcomes.items())
        payoffs = ", ".join(f"{p} {format_fraction(v)}" for p, v in zip(game.players, eq.payoffs))
        verdicts = []
        if eq.intuitive is not None:
            verdicts.append(f"Intuitive Criterion: {eq.intuitive.word}")
        if eq.d1 is not None:
            verdicts.append(f"D1: {eq.d1.word}")
        body = Group(table, Text(f"Outcomes: {outcomes}"), Text(f"Expected payoffs: {payoffs}"),
                     Text(" · ".join(verdicts)), Text(""),
                     Text(describe_equilibrium(game, eq), style="italic"))
        on_path_pure = all(max(eq.behaviour[i]) == 1 for i, seen in eq.on_path.items() if seen)
        purity = ("pure" if eq.pure else
                  "pure on the path, mixing off it" if on_path_pure else "mixed")
        title = (f"Equilibrium {number}: {eq.kind}" if eq.kind == purity else
                 f"Equilibrium {number}: {eq.kind} ({purity})")
        if eq.alternatives > 1:
            title += f" · {eq.alternatives} pure equilibria share this path"
        console.print(Panel(body, title=plain(title), title_align="left"))
    if len(result.equilibria) > FULL_SHOWN:
        _brief(console, result)
    for report in result.nash_not_spe:
        outcomes = ", ".join(f"{k} {format_fraction(v)}" for k, v in report.outcomes.items())
        console.print(Panel(Text("\n".join(report.non_credible)),
                            title=plain(f"A Nash equilibrium that is not subgame perfect "
                                        f"({outcomes})"),
                            title_align="left", border_style="yellow"))
    for note in result.notes:
        console.print(Text(f"Note: {note}", style="yellow"))
