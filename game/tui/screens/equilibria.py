"""Provides `EquilibriaScreen`: every equilibrium side by side, then the full listing."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from game.tui.header import SafeHeader


def equilibria_table(game, result):
    """The side-by-side table as a Rich table that wraps to the screen."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from game.tui.teach.listing import table_rows

    headers, rows = table_rows(game, result)
    table = Table(title="All equilibria side by side", title_justify="left", expand=True,
                  box=box.SIMPLE_HEAD, show_lines=True, pad_edge=False)
    for position, header in enumerate(headers):
        table.add_column(Text(header), ratio=2 if position == 0 else 3, overflow="fold")
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))   # file text, never markup
    return table


class EquilibriaScreen(Screen[None]):
    """The side-by-side table (kind, where play goes, payoffs, beliefs, refinements) and the
    listing in order of play, one line per information set."""

    BINDINGS = [Binding("escape,l", "back", "Back")]
    CSS_PATH = "../styles/equilibria.tcss"

    def __init__(self, spec, game, result, index: int | None) -> None:
        super().__init__()
        self.spec, self.game, self.result, self.index = spec, game, result, index

    def compose(self) -> ComposeResult:
        from game.tui.teach.listing import listing_lines

        yield SafeHeader()
        with VerticalScroll(id="equilibria"):
            yield Static(equilibria_table(self.game, self.result), id="table")
            yield Static("\n".join(listing_lines(self.game, self.result, self.index)),
                         markup=False, id="listing", classes="section")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.title = f"{self.spec.title}: all equilibria"
        self.query_one("#equilibria").focus()

    def action_back(self) -> None:
        self.app.pop_screen()
