"""Provides `DebriefScreen`: the equilibria in words, your path on the game tree, and what
the theory says about each of your decisions."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static, Tree

from game.model.expr import format_fraction
from game.tui.header import SafeHeader


def _verdict(name: str, verdict) -> str:
    if verdict is None:
        return f"{name}: not applied"
    return f"{name}: {'passes' if verdict.passed else 'fails'} ({verdict.reason})"


class DebriefScreen(Screen[None]):
    """After the game: theory against play."""

    BINDINGS = [
        Binding("w", "what_if", "What if"),
        Binding("e", "next_equilibrium", "Next equilibrium"),
        Binding("t", "focus_tree", "Tree"),
        Binding("n", "new", "New game"),
        Binding("q", "app.quit", "Quit"),
    ]
    CSS_PATH = "../styles/debrief.tcss"

    def __init__(self, spec, game, driver, result) -> None:
        super().__init__()
        self.spec = spec
        self.game = game
        self.driver = driver
        self.result = result
        self.state = driver.final_state()
        humans = driver.humans
        self.me = humans[0] if len(humans) == 1 else None
        self.index = getattr(driver, "equilibrium_index", None)
        if self.index is None and result is not None and result.equilibria:
            from game.bots.equilibrium import preferred_equilibrium

            self.index = list(result.equilibria).index(preferred_equilibrium(result))

    def compose(self) -> ComposeResult:
        yield SafeHeader()
        with VerticalScroll(id="debrief"):
            yield Static(self.summary(), markup=False, id="summary", classes="section")
            yield Static(self.equilibria_text(), markup=False, id="equilibria", classes="section")
            yield Static(self.decisions_text(), markup=False, id="decisions", classes="section")
            yield Static("Your path against the equilibrium path (t focuses the tree; arrows "
                         "and Enter open nodes). Each move shows its equilibrium probability "
                         "(eq) and '<- played' where play went.", classes="section muted")
            tree: Tree = Tree("game tree", id="tree")
            self.fill_tree(tree)
            yield tree
            yield Static(self.concepts_text(), markup=False, id="concepts", classes="section")
        yield Footer()

    def on_mount(self) -> None:
        self.title = f"{self.spec.title}: debrief"

    # -- sections -------------------------------------------------------------------------
    def equilibrium(self):
        if self.result is None or self.index is None or not self.result.equilibria:
            return None
        return self.result.equilibria[self.index]

    def summary(self) -> str:
        spec, state = self.spec, self.state
        lines = ["DEBRIEF"]
        if state is not None:
            types = state.types()
            payoffs = ", ".join(f"{p.name} {format_fraction(v)}"
                                for p, v in zip(spec.players, state.payoffs()))
            lines.append(f"Outcome: {state.current.outcome} (payoffs: {payoffs}).")
            typed = [f"{p.name} was {spec.type_of(i, types[i]).name}"
                     for i, p in enumerate(spec.players) if len(p.types) > 1]
            if typed:
                lines.append("Types: " + "; ".join(typed) + ".")
        if self.driver.opponent_description:
            lines.append(f"Your opponent ({self.driver.opponent_name}): "
                         f"{self.driver.opponent_description}")
        equilibrium = self.equilibrium()
        if equilibrium is not None:
            outcomes = ", ".join(f"{label} {format_fraction(p)}" for label, p in
                                 sorted(equilibrium.outcomes.items(), key=lambda kv: -kv[1]))
            lines.append(f"Under equilibrium {self.index + 1} the outcomes are: {outcomes}.")
        return "\n".join(lines)

    def equilibria_text(self) -> str:
        from game.solver.explain import describe_equilibrium

        result = self.result
        if result is None:
            return "THE EQUILIBRIA\nThe game was not solved."
        lines = [f"THE EQUILIBRIA ({len(result.equilibria)} found"
                 + ("" if result.complete else "; the search was cut short, more may exist")
                 + ")"]
        for number, eq in enumerate(result.equilibria, start=1):
            mark = "  <- compared with your play below (e: the next one)" \
                if number - 1 == self.index else ""
            lines.append("")
            lines.append(f"{number}. {eq.kind}{mark}")
            lines.append(f"   {_verdict('Intuitive Criterion', eq.intuitive)}")
            lines.append(f"   {_verdict('D1', eq.d1)}")
            lines.append(describe_equilibrium(self.game, eq))
        for report in result.nash_not_spe:
            lines.append("")
            lines.append("A Nash equilibrium that is not subgame perfect rests on a threat "
                         "that would not be carried out: " + " ".join(report.non_credible))
        for note in result.notes:
            lines.append(f"Note: {note}.")
        return "\n".join(lines)

    def decisions_text(self) -> str:
        from game.solver.debrief import debrief_facts, reputation_track

        if self.state is None or self.equilibrium() is None:
            return "YOUR DECISIONS\n(no equilibrium to compare with)"
        facts = debrief_facts(self.result, self.index, self.state, player=self.me)
        lines = ["YOUR DECISIONS" if self.me is not None else "THE DECISIONS"]
        for fact in facts:
            where = f"round {fact.round}, " if self.game.rounds > 1 else ""
            title = getattr(self.spec.nodes.get(fact.stage), "title", "") or fact.stage
            lines.append(f"- {where}{title}: {fact.note}")
        if len(facts) == 0:
            lines.append("You made no decision in this play.")
        if self.game.rounds > 1:
            about = self.me if self.me is not None else 0
            if len(self.spec.players[about].types) < 2:
                about = 1 - about
            if len(self.spec.players[about].types) > 1:
                track = reputation_track(self.game, self.equilibrium(), self.state, about)
                lines.append("")
                lines.append(f"Reputation track (what {self.spec.players[1 - about].name} "
                             f"believed about {self.spec.players[about].name} after each round):")
                for number, belief in enumerate(track, start=1):
                    if belief is None:
                        text = "off the path (Bayes' rule says nothing)"
                    else:
                        text = ", ".join(f"{self.spec.type_of(about, t).name} "
                                         f"{format_fraction(p)}" for t, p in belief.items())
                    lines.append(f"  after round {number}: {text}")
        return "\n".join(lines)

    def concepts_text(self) -> str:
        from game.tui.session import glossary

        entries = glossary()
        names = [entries[c][0] if c in entries else c for c in self.spec.concepts]
        lines = ["CONCEPTS: " + ", ".join(names) + " (g opens the glossary)."]
        if self.spec.debrief:
            lines.append("")
            lines += [" ".join(p.split()) for p in self.spec.debrief]
        lines.append("")
        lines.append("w: what if? change a parameter and see how the equilibria move. "
                     "n: a new game.")
        return "\n".join(lines)

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

        def add(parent, node_id: int) -> None:
            line = lines[node_id]
            for child, edge in zip(line.children, line.edge_texts):
                if budget[0] <= 0:
                    return
                budget[0] -= 1
                child_line = lines[child]
                on_path = "<- played" in edge
                label = Text(f"{edge}  {child_line.text}")
                if nodes[child].children:
                    branch = parent.add(label, expand=on_path)
                    add(branch, child)
                else:
                    parent.add_leaf(label)

        add(tree.root, 0)

    # -- actions --------------------------------------------------------------------------
    def action_next_equilibrium(self) -> None:
        """Compares the play with the next equilibrium of the list."""
        if self.result is None or len(self.result.equilibria) < 2:
            self.notify("There is only one equilibrium to compare with.")
            return
        self.index = (self.index + 1) % len(self.result.equilibria)
        self.query_one("#summary", Static).update(self.summary())
        self.query_one("#equilibria", Static).update(self.equilibria_text())
        self.query_one("#decisions", Static).update(self.decisions_text())
        tree = self.query_one("#tree", Tree)
        tree.clear()
        self.fill_tree(tree)

    def action_focus_tree(self) -> None:
        self.query_one("#tree", Tree).focus()

    def action_what_if(self) -> None:
        """Opens the what-if panel."""
        from game.tui.screens.whatif import WhatIfScreen

        self.app.push_screen(WhatIfScreen(self.spec, self.game))

    def action_new(self) -> None:
        """Back to the scenario list."""
        self.app.pop_screen()
