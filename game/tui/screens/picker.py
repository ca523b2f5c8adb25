"""Provides `PickerScreen`: the shipped scenarios, filterable by concept."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static
from textual.worker import Worker, WorkerState

from game.tui.header import SafeHeader


def _fit(concepts: tuple[str, ...], room: int) -> str:
    """As many whole concept ids as fit in `room` columns, then '+N' (all of them are listed
    below the table for the highlighted scenario): nothing is cut mid-word."""
    shown: list[str] = []
    for number, concept in enumerate(concepts):
        rest = len(concepts) - number - 1
        text = ", ".join([*shown, concept]) + (f" +{rest}" if rest else "")
        if len(text) > room and shown:
            return ", ".join(shown) + f" +{len(concepts) - len(shown)}"
        shown.append(concept)
    return ", ".join(shown)


class PickerScreen(Screen[None]):
    """Choose a scenario: title, concepts, difficulty, minutes; `/` filters by concept."""

    BINDINGS = [
        Binding("enter", "open", "Play", show=True),
        Binding("slash", "filter", "Filter", key_display="/"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
        Binding("r", "reload", "Reload list"),
        Binding("q", "app.quit", "Quit"),
    ]
    CSS_PATH = "../styles/picker.tcss"

    def __init__(self) -> None:
        super().__init__()
        self.rows: list = []
        self.names: dict[str, str] = {}
        """Concept id -> its glossary name, lower case (the filter matches both)."""

    def compose(self) -> ComposeResult:
        yield SafeHeader()
        yield Input(placeholder="/ filter by concept (e.g. credibility)", id="filter")
        yield DataTable(id="scenarios", cursor_type="row", zebra_stripes=True)
        yield Static("", markup=False, id="summary")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        # Text labels, not markup strings: markup would import rich's emoji table (slow to
        # load) before the first paint.
        table.add_columns(*(Text(label) for label in ("scenario", "level", "min", "concepts")))
        table.focus()
        self.query_one("#summary", Static).update("Loading the scenarios...")
        self.call_after_refresh(self.load_library)

    def load_library(self) -> None:
        """Reads the scenario files in a worker, after the first paint (keeps start-up quick)."""
        from game.tui.session import library

        from game.tui.session import glossary

        folder = self.app.settings.library
        self.run_worker(lambda: (library(folder), glossary()), thread=True, group="library",
                        exit_on_error=False)

    @on(Worker.StateChanged)
    def _loaded(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "library":
            return
        if event.state == WorkerState.SUCCESS:
            self.rows, entries = event.worker.result
            self.names = {concept: name.lower() for concept, (name, _) in entries.items()}
            self.refill(self.query_one("#filter", Input).value)
            from game.tui.session import warm_up

            self.run_worker(warm_up, thread=True, group="warm-up", exit_on_error=False)
        elif event.state == WorkerState.ERROR:
            self.query_one("#summary", Static).update(
                f"The scenarios could not be listed: {event.worker.error}")

    def refill(self, text: str) -> None:
        """Shows the scenarios whose concepts (or title) contain `text`."""
        table = self.query_one(DataTable)
        table.clear()
        needle = " ".join(text.lower().replace("-", " ").split())
        titles = [spec.title for _, spec, _ in self.rows if spec is not None]
        room = self.size.width - max([8, *map(len, titles)]) - 30   # the other columns
        for scenario_id, spec, problem in self.rows:
            if spec is None:
                if not needle:
                    table.add_row(Text(scenario_id), "-", "-", Text(f"(cannot load: {problem})"),
                                  key=scenario_id)
                continue
            haystack = " | ".join((*(c.replace("-", " ") for c in spec.concepts),
                                   *(self.names.get(c, "") for c in spec.concepts),
                                   spec.title.lower(), scenario_id.replace("-", " ")))
            if needle and needle not in haystack:
                continue
            table.add_row(Text(spec.title), Text(spec.difficulty), str(spec.minutes),
                          Text(_fit(spec.concepts, room)), key=scenario_id)
        self.show_summary()

    def selected(self) -> str | None:
        """The id of the highlighted scenario."""
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return key.value

    def show_summary(self) -> None:
        summary = self.query_one("#summary", Static)
        chosen = self.selected()
        spec = next((s for i, s, _ in self.rows if i == chosen), None)
        if spec is None:
            summary.update("No scenario matches the filter." if chosen is None else "")
        else:
            summary.update(f"{spec.title}: {spec.summary}\nConcepts: "
                           f"{', '.join(spec.concepts)}")   # in full (the column may be cut)

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self.show_summary()

    @on(DataTable.RowSelected)
    def _selected(self) -> None:
        self.action_open()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.refill(event.value)

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.query_one(DataTable).focus()

    def action_reload(self) -> None:
        """Reads the scenario files again (after editing one)."""
        self.query_one("#summary", Static).update("Loading the scenarios...")
        self.load_library()

    def action_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_clear_filter(self) -> None:
        self.query_one("#filter", Input).value = ""
        self.query_one(DataTable).focus()

    def action_open(self) -> None:
        """Opens the highlighted scenario's briefing."""
        chosen = self.selected()
        if chosen is not None:
            self.app.open_scenario(chosen)
