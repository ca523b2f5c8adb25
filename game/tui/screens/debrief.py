"""Provides `DebriefScreen`: the equilibria in words, your path on the game tree, and what
the theory says about each of your decisions (the texts come from `game.tui.debrief_text`)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, LoadingIndicator, Static, Tree
from textual.worker import Worker, WorkerState

from game.tui import debrief_text
from game.tui.header import SafeHeader

SOLVING = ("Solving the game for the debrief: the equilibria, the audit of your decisions and "
           "the equilibrium path fill in when the solver is done. The keys work meanwhile.")


class DebriefScreen(Screen[None]):
    """After the game: theory against play.

    Args:
        spec, game, driver: the match that was played (the driver's final state is the play).
        result: the `SolveResult`, or None: then the screen takes it from the app's solve
            cache (waiting, with a loading indicator, for a solve still running).
        reload: reload the scenario file once shown (`r` on the outcome screen).
    """

    BINDINGS = [
        Binding("l", "listing", "Equilibria"),
        Binding("d", "drawing", "Tree"),
        Binding("w", "what_if", "What if", show=False),
        Binding("e", "next_equilibrium", "Next equilibrium", show=False),
        Binding("x", "export", "Export"),
        Binding("a", "again", "Again"),
        Binding("s", "switch_side", "Switch side", show=False),
        Binding("b", "guided", "Backward induction", show=False),
        Binding("t", "focus_tree", "Tree", show=False),
        Binding("r", "reload", "Reload", show=False),
        Binding("n", "new", "New game", show=False),
        Binding("q", "app.quit", "Quit", show=False),
    ]
    CSS_PATH = "../styles/debrief.tcss"

    def __init__(self, spec, game, driver, result, reload: bool = False) -> None:
        super().__init__()
        self.spec = spec
        self.game = game
        self.driver = driver
        self.result = result
        self.state = driver.final_state()
        humans = driver.humans
        self.me = humans[0] if len(humans) == 1 else None
        self.index = self.index_for(result)
        self.note = ""
        """What a reload did (shown at the top)."""
        self.solving = False
        self.reload_first = reload

    def compose(self) -> ComposeResult:
        yield SafeHeader()
        with VerticalScroll(id="debrief"):
            yield Static(self.summary(), markup=False, id="summary", classes="section")
            solving, loading = (Static(SOLVING, markup=False, id="solving",
                                       classes="section status"), LoadingIndicator(id="loading"))
            solving.display = loading.display = False
            yield solving
            yield loading
            yield Static(self.decisions_text(), markup=False, id="decisions", classes="section")
            yield Static(self.equilibria_text(), markup=False, id="equilibria", classes="section")
            yield Static("Your path against the equilibrium path (t focuses the tree; arrows "
                         "and Enter open nodes; d draws it whole). Each move shows its "
                         "equilibrium probability (eq) and '<- played' where play went; nodes "
                         "with the same [tag] are one information set: the player cannot tell "
                         "them apart.", markup=False, classes="section muted")
            tree: Tree = Tree("game tree", id="tree")
            self.fill_tree(tree)
            yield tree
            yield Static(debrief_text.concepts_text(self.spec), markup=False, id="concepts",
                         classes="section")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.title = f"{self.spec.title}: debrief"
        if self.result is None and hasattr(self.app, "cache"):
            self.solve()
        if self.reload_first:
            self.call_after_refresh(self.action_reload)

    # -- sections -------------------------------------------------------------------------
    def index_for(self, result) -> int | None:
        """The equilibrium to compare with: the one the opponent assumed, else the refined one."""
        index = getattr(self.driver, "equilibrium_index", None)
        if result is None or not result.equilibria:
            return None
        if index is not None and self.game is self.driver.game and \
                0 <= index < len(result.equilibria):
            return index
        return debrief_text.preferred_index(result)

    def equilibrium(self):
        if self.result is None or self.index is None or not self.result.equilibria:
            return None
        return self.result.equilibria[self.index]

    def summary(self) -> str:
        from game.tui.teach.guided import supports_guided

        local = getattr(self.app, "current_scenario", None) is not None
        keys = debrief_text.KEYS if local else ("Keys: l all equilibria (table and full "
                                                "listing), d the drawn game tree, x export.")
        if supports_guided(self.game):
            keys = keys[:-1] + ", b backward induction step by step."
        return debrief_text.summary(self.spec, self.state, self.driver, self.equilibrium(),
                                    self.index, self.note, self.result, self.me, keys)

    def equilibria_text(self) -> str:
        if self.solving:
            return "THE EQUILIBRIA\n(being solved)"
        return debrief_text.equilibria_text(self.game, self.result, self.index)

    def decisions_text(self) -> str:
        if self.solving:
            return "YOUR DECISIONS\n(waiting for the solver)"
        return debrief_text.decisions_text(self.spec, self.game, self.result, self.index,
                                           self.state, self.me,
                                           getattr(self.driver, "predictions", ()))

    def show(self) -> None:
        """Rebuilds every section from the current spec, game, play, result and index."""
        self.query_one("#summary", Static).update(self.summary())
        self.query_one("#equilibria", Static).update(self.equilibria_text())
        self.query_one("#decisions", Static).update(self.decisions_text())
        self.query_one("#concepts", Static).update(debrief_text.concepts_text(self.spec))
        tree = self.query_one("#tree", Tree)
        tree.clear()
        self.fill_tree(tree)

    def show_solving(self, solving: bool) -> None:
        self.solving = solving
        self.query_one("#solving", Static).display = solving
        self.query_one("#loading", LoadingIndicator).display = solving

    # -- solving --------------------------------------------------------------------------
    def solve(self) -> None:
        """Takes the result from the app's solve cache in a worker: at once when the game was
        solved already, else when the solve started with the match (or here) is done."""
        self.show_solving(True)
        self.show()
        cache, game = self.app.cache, self.game
        self.run_worker(lambda: (game, cache.solve(game)), thread=True, exclusive=True,
                        group="debrief-solve", exit_on_error=False)

    @on(Worker.StateChanged)
    def _solved(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "debrief-solve":
            return
        if event.state == WorkerState.SUCCESS:
            game, result = event.worker.result
            if game is not self.game:
                return           # a solve of the game before a reload
            self.result = result
            self.index = self.index_for(result)
        elif event.state == WorkerState.ERROR:
            self.note = f"The solver failed: {event.worker.error}."
        else:
            return
        self.show_solving(False)
        self.show()

    # -- the tree -------------------------------------------------------------------------
    def fill_tree(self, tree: Tree) -> None:
        """Draws the game tree with the played path open (before or after mounting)."""
        from game.tui.session import tree_lines

        played = set(self.state.steps) if self.state is not None else set()
        lines = tree_lines(self.game, self.equilibrium(), played)
        nodes = self.game.nodes
        tree.root.set_label(Text(f"{self.game.title}: {lines[0].text}"))
        tree.root.expand()
        budget = [400]

        frames = [(tree.root, 0, 0)]          # (tree node, game node, next edge): no recursion
        while frames and budget[0] > 0:
            parent, node_id, index = frames.pop()
            line = lines[node_id]
            if index >= len(line.children):
                continue
            frames.append((parent, node_id, index + 1))
            budget[0] -= 1
            child, edge = line.children[index], line.edge_texts[index]
            label = Text(f"{edge}  {lines[child].text}")
            if nodes[child].children:
                frames.append((parent.add(label, expand="<- played" in edge), child, 0))
            else:
                parent.add_leaf(label)

    # -- actions --------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("reload", "again", "switch_side"):   # a local game only: in a
            return getattr(self.app, "current_scenario", None) is not None   # classroom the
        if action == "guided":                                                # server owns it
            from game.tui.teach.guided import supports_guided

            return supports_guided(self.game)
        return True

    def action_reload(self) -> None:
        """Reloads the scenario file and solves it again; keeps the play when the game tree
        is unchanged (the moves replay on the reloaded game), else says that it changed."""
        from game.tui.session import replay

        loaded = self.app.load_scenario(self.app.current_scenario)
        if loaded is None:
            return               # the problems dialog is up; this debrief stays
        spec, game = loaded
        old_state = self.state
        self.state = replay(old_state, game)
        if self.state is not None:
            self.note = ("Reloaded the scenario file. The game tree is unchanged, so your play "
                         "is compared with the reloaded game below.")
        else:
            ended = f" (it ended in {old_state.current.outcome})" if old_state else ""
            self.note = ("Reloaded the scenario file. The game tree has changed, so your play"
                         f"{ended} cannot be laid on it: below is the reloaded game without "
                         "your path. n starts a new game.")
        self.spec, self.game, self.result, self.index = spec, game, None, None
        self.title = f"{spec.title}: debrief"
        self.solve()

    def action_next_equilibrium(self) -> None:
        """Compares the play with the next equilibrium of the list."""
        if self.result is None or len(self.result.equilibria) < 2:
            self.notify("There is only one equilibrium to compare with." if self.result
                        else "The game is still being solved.")
            return
        self.index = (self.index + 1) % len(self.result.equilibria)
        self.show()

    def action_focus_tree(self) -> None:
        self.query_one("#tree", Tree).focus()

    def action_what_if(self) -> None:
        """Opens the what-if panel."""
        from game.tui.screens.whatif import WhatIfScreen

        self.app.push_screen(WhatIfScreen(self.spec, self.game))

    def action_new(self) -> None:
        """Back to the scenario list."""
        self.app.pop_screen()

    def action_again(self) -> None:
        """The same scenario again, on the same side."""
        play_again(self, self.spec, self.game, self.driver, switch=False)

    def action_switch_side(self) -> None:
        """The same scenario again, on the other side."""
        play_again(self, self.spec, self.game, self.driver, switch=True)

    def action_listing(self) -> None:
        """Every equilibrium: the side-by-side table, then the full listing."""
        from game.tui.screens.equilibria import EquilibriaScreen

        if self.result is None:
            self.notify("The game is still being solved.")
            return
        self.app.push_screen(EquilibriaScreen(self.spec, self.game, self.result, self.index))

    def action_drawing(self) -> None:
        """The drawn game tree with your path and the compared equilibrium."""
        from game.tui.screens.drawing import DrawingScreen

        played = set(self.state.steps) if self.state is not None else set()
        self.app.push_screen(DrawingScreen(self.spec, self.game, self.equilibrium(), played,
                                           self.index))

    def action_guided(self) -> None:
        """The guided backward-induction exercise."""
        from game.tui.screens.guided import GuidedScreen

        self.app.push_screen(GuidedScreen(self.spec, self.game))

    def action_export(self) -> None:
        """Writes this debrief as Markdown and HTML in the current folder (never over a file
        that exists)."""
        from game.tui.teach.export import export_debrief

        try:
            written = export_debrief(self.spec, self.game, self.result, self.index, self.state,
                                     self.me, self.driver)
        except OSError as error:
            self.notify(f"The debrief could not be written: {error}", severity="error",
                        markup=False)
            return
        self.notify("Wrote " + " and ".join(str(path) for path in written), timeout=8,
                    markup=False)


def play_again(screen, spec, game, driver, switch: bool) -> None:
    """Replaces `screen` with a fresh briefing of the same scenario (the other side when
    `switch`); local games only."""
    from game.tui.screens.briefing import BriefingScreen

    home = driver.humans[0] if len(driver.humans) == 1 else 0
    seat = 1 - home if switch else home
    screen.app.switch_screen(BriefingScreen(screen.app.current_scenario, spec, game, seat))
