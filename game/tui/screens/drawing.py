"""Provides `DrawingScreen`: the game tree drawn with its information sets (and, after a
game, your path and the compared equilibrium's probabilities), and the strategic form of each
simultaneous stage."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from game.tui.header import SafeHeader


class DrawingScreen(Screen[None]):
    """The drawn game tree; Escape goes back."""

    BINDINGS = [Binding("escape,d", "back", "Back")]
    CSS_PATH = "../styles/drawing.tcss"

    def __init__(self, spec, game, equilibrium=None, played=frozenset(),
                 index: int | None = None) -> None:
        super().__init__()
        self.spec, self.game = spec, game
        self.equilibrium, self.played, self.index = equilibrium, played, index

    def compose(self) -> ComposeResult:
        from game.tui.teach.drawing import draw_tree, matrices

        head = "The game tree: who moves when; [tags] name information sets."
        if self.equilibrium is not None and self.index is not None:
            head += (f" Each move shows its probability in equilibrium {self.index + 1} (eq); "
                     "'<- played' marks your game.")
        lines = [head, "", *draw_tree(self.game, self.equilibrium, self.played)]
        for matrix in matrices(self.spec, self.game.values):
            lines += ["", "Strategic form of the simultaneous stage:", *matrix.lines()]
        yield SafeHeader()
        with VerticalScroll(id="drawing"):
            yield Static("\n".join(lines), markup=False, id="tree-text", classes="section")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.title = f"{self.spec.title}: the game tree"
        self.query_one("#drawing").focus()

    def action_back(self) -> None:
        self.app.pop_screen()
