"""Provides `BriefingScreen`: your role, your private type, the payoffs, and the solve."""

from __future__ import annotations

import random

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import Worker, WorkerState

from game.model.expr import format_fraction
from game.tui.header import SafeHeader


def build_opponent(kind: str, game, result, seed, waited: float | None = None):
    """(bot or None for a human opponent, a note for the status line); falls back to random.

    `waited`: the solve was not done after this many seconds (a large game), so an opponent
    that needs it plays at random instead."""
    from game.bots import BotSpecError, make_bot

    if kind == "human":
        return None, ""
    try:
        return make_bot(kind, game, result, seed), ""
    except BotSpecError as error:
        reason = str(error)
        if result is None and waited is not None:
            reason = (f"the solver was still working on this game ({len(game.nodes)} "
                      f"positions) after {waited:.1f} s")
        elif result is not None and not result.equilibria and not result.complete:
            reason = ("the solver found no equilibrium within its time budget (this game, "
                      f"{len(game.nodes)} positions, is too large to enumerate)")
        return make_bot("random", game, result, seed), f"{reason}: playing a random opponent. "


def _plain(description: str, exam: bool) -> str:
    """A parameter's description; in exam mode without its parenthetical commentary, which
    can give the answer away ("positive, so it always fights")."""
    text = " ".join(description.split())
    if not exam:
        return text
    import re

    return re.sub(r"\s*\([^)]*\)", "", text).strip()


def payoff_table(spec, values):
    """The whole payoff table as a Rich table that wraps to the screen: each outcome with the
    path that leads to it, one row per pair of types."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from game.tui.teach.drawing import payoff_rows

    table = Table(title="Payoffs (symbol = value); the path names how play gets there",
                  title_justify="left", expand=True, box=box.SIMPLE_HEAD, pad_edge=False)
    typed = any(len(p.types) > 1 for p in spec.players)
    columns = [("outcome", 3), ("path", 4), *([("types", 2)] if typed else []),
               (spec.players[0].name, 2), (spec.players[1].name, 2)]
    rows = payoff_rows(spec, values)
    cells = [[r.outcome, r.path, *([r.types] if typed else []), *r.payoffs] for r in rows]
    for position, (name, ratio) in enumerate(columns):
        flexible = position < 2               # outcome and path wrap; the others fit content
        words = [w for row in cells for w in row[position].split()] + [name]
        table.add_column(Text(name), ratio=ratio if flexible else None, overflow="fold",
                         min_width=min(12, max(len(w) for w in words)) if flexible else None,
                         no_wrap=not flexible)
    for number, row in enumerate(rows):
        last = number + 1 == len(rows) or rows[number + 1].first
        # Text cells: a scenario's labels are never read as rich markup ("[/]" is text).
        table.add_row(*(Text(cell) for cell in cells[number]), end_section=last and typed)
    return table


class BriefingScreen(Screen[None]):
    """What you know before the first move; solves the game in a worker meanwhile."""

    BINDINGS = [
        Binding("enter", "start", "Start"),
        Binding("s", "switch_side", "Switch side"),
        Binding("b", "guided", "Guided"),
        Binding("r", "reload", "Reload"),
        Binding("escape", "back", "Back"),
    ]
    CSS_PATH = "../styles/briefing.tcss"

    def __init__(self, name: str, spec, game, seat: int) -> None:
        super().__init__()
        self.scenario = name
        self.spec = spec
        self.game = game
        self.seat = seat
        self.result = None
        self.driver = None
        self.bot = None
        self.bot_note = ""
        self.seed: int | None = None
        """This match's seed: `--seed`, or one drawn for it."""

    def compose(self) -> ComposeResult:
        yield SafeHeader()
        with VerticalScroll():
            yield Static("", markup=False, id="brief", classes="panel")
            yield Static("", id="payoffs")
            yield Static("", markup=False, id="params", classes="muted")
            yield Static("", markup=False, id="matrix", classes="panel")
            yield Static("", markup=False, id="drawing", classes="panel")
        yield Static("Solving the game for your opponent (a long campaign can take several "
                     "seconds)...", markup=False, id="status", classes="status")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.title = self.spec.title
        self.render_brief()
        self.solve()

    # -- content --------------------------------------------------------------------------
    def render_brief(self) -> None:
        spec, game, seat = self.spec, self.game, self.seat
        player, opponent = spec.players[seat], spec.players[1 - seat]
        hot_seat = self.app.settings.opponent == "human"
        lines = [" ".join(spec.summary.split()), ""]
        if hot_seat:
            typed = [p.name for p in spec.players if len(p.types) > 1]
            secret = (f"{' and '.join(typed)} see{'s' if len(typed) == 1 else ''} "
                      "their private type only on their own turn, behind a privacy screen."
                      if typed else "Neither has a private type; each turn is shown behind "
                      "a privacy screen.")
            lines.append(f"Hot-seat: {spec.players[0].name} and {spec.players[1].name} share "
                         f"this keyboard. {secret}")
        else:
            lines.append(f"You play {player.name}. {player.role}")
            if self.driver is not None and len(player.types) > 1:
                own = spec.type_of(seat, self.driver.view().own_type)
                lines.append(f"Your private type (only you see it): {own.name}. "
                             f"{' '.join(own.description.split())}")
            elif len(player.types) > 1:
                lines.append("Your private type is drawn by Nature once the game is solved.")
            else:
                lines.append("You have no private type: your payoffs are common knowledge.")
            if len(opponent.types) > 1:
                names = ", ".join(t.name for t in opponent.types)
                lines.append(f"You do not know {opponent.name}'s type ({names}); it knows "
                             "its own, and knows the odds you face.")
            else:
                lines.append(f"{opponent.name} has no private type: you know its payoffs.")
            lines += self.second_mover_note()
        if game.rounds > 1:
            lines.append(f"A campaign of {game.rounds} rounds: types stay the same, every move "
                         "is public, payoffs add up.")
        self.query_one("#brief", Static).update("\n".join(lines))
        self.query_one("#payoffs", Static).update(payoff_table(spec, game.values))
        exam = self.app.settings.exam
        params = [f"{p.name} = {format_fraction(game.values.get(p.name, p.value))}"
                  + (f"  ({_plain(p.description, exam)})" if p.description else "")
                  for p in spec.parameters]
        self.query_one("#params", Static).update(
            "Parameters:\n" + "\n".join(params) if params else "")
        from game.tui.teach.drawing import draw_tree, matrices

        shown = matrices(spec, game.values)
        matrix = self.query_one("#matrix", Static)
        matrix.display = bool(shown)
        matrix.update("\n\n".join("\n".join(["The simultaneous stage in strategic form:",
                                              *m.lines()]) for m in shown))
        self.query_one("#drawing", Static).update(
            "\n".join(["The game tree: who moves when ([tags] name information sets)", "",
                       *draw_tree(game)]))

    def second_mover_note(self) -> list[str]:
        """For a player who may not move at all: how often the game ends before its first
        move (under the equilibrium the opponent assumes, and against this opponent)."""
        from game.tui.teach.working import ends_before

        driver, seat = self.driver, self.seat
        if driver is None or self.result is None or driver.equilibrium_index is None:
            return []
        if self.game.nodes[0].player == seat or not self.result.equilibria:
            return []
        equilibrium = self.result.equilibria[driver.equilibrium_index]
        chance = ends_before(self.game, equilibrium.behaviour, seat)
        if chance == 0:
            return []
        text = (f"You move second: if both follow equilibrium {driver.equilibrium_index + 1}, "
                f"the game ends before your first move with probability "
                f"{format_fraction(chance)} ({float(chance):.0%})")
        model = driver.model()
        if model is not None and not model.equilibrium_index == driver.equilibrium_index:
            behaviour = {**equilibrium.behaviour, **model.behaviour}
            against = ends_before(self.game, behaviour, seat)
            text += (f"; against this opponent ({model.name}) with probability "
                     f"{format_fraction(against) if model.exact else '~'}"
                     f"{'' if model.exact else f'{float(against):.2f}'}")
        return [text + "."]

    # -- solving --------------------------------------------------------------------------
    def solve(self) -> None:
        """Builds the opponent in a worker thread, with the solve when the opponent needs it
        (the app started that solve when the scenario was chosen; this joins it). Opponents
        that play without it (hawk, dove, bluffer, random, qre, a human) are ready at once,
        and the solve goes on for the live panels and the debrief."""
        from game.bots import needs_solution

        self.result = None
        self.driver = None
        self.bot = None
        seed = self.app.settings.seed
        if seed is None:   # every match has a seed, shown on the outcome, so it can be replayed
            seed = random.SystemRandom().randrange(1, 1_000_000)
        self.seed = seed
        from game.tui.session import LARGE_GAME, LARGE_GAME_SECONDS

        game, cache, kind = self.game, self.app.cache, self.app.settings.opponent
        wait = kind != "human" and needs_solution(kind)
        bound = LARGE_GAME_SECONDS + 0.25 if len(game.nodes) > LARGE_GAME else None

        def prepare():
            waited = None
            if wait and bound is not None and cache.running(game):
                result = cache.wait(game, bound)       # a large game: wait within its budget
                waited = bound if result is None else None
            else:
                result = cache.solve(game) if wait else cache.get(game)
            return (game, result, *build_opponent(kind, game, result, seed, waited))

        self.run_worker(prepare, thread=True, exclusive=True, group="solve",
                        exit_on_error=False)

    @on(Worker.StateChanged)
    def _solved(self, event: Worker.StateChanged) -> None:
        if event.worker.group not in ("solve", "late-solve"):
            return
        if event.state == WorkerState.SUCCESS:
            if event.worker.group == "late-solve":
                game, result = event.worker.result
                if game is self.game and self.result is None and self.driver is not None:
                    # not started yet: the opponent that needed the solve can have it now
                    bot, self.bot_note = build_opponent(self.app.settings.opponent, game,
                                                        result, self.seed)
                    self.ready(result, bot)
                return
            game, result, bot, note = event.worker.result
            if game is not self.game:
                return           # built for the file before a reload
            self.bot_note = note
            self.ready(result, bot)
            if result is None:
                cache = self.app.cache
                self.run_worker(lambda: (game, cache.solve(game)), thread=True,
                                exclusive=True, group="late-solve", exit_on_error=False)
        elif event.state == WorkerState.ERROR:
            self.query_one("#status", Static).update(
                f"The solver failed: {event.worker.error}. Press Escape.")

    def ready(self, result, bot) -> None:
        """The opponent is built (and the game solved, unless `result` is None, which the
        opponent then does not need): build the match and say so."""
        from game.tui.debrief_text import preferred_index
        from game.tui.driver import LocalDriver

        self.result = result
        self.bot = bot
        settings = self.app.settings
        index = getattr(bot, "equilibrium_index", preferred_index(result))
        if bot is not None:
            bot.reset()
        own_type = settings.own_type
        if own_type and own_type not in {t.id for t in self.spec.players[self.seat].types}:
            own_type = None
        self.driver = LocalDriver(self.game, self.seat, bot=bot, seed=self.seed,
                                  own_type=own_type, result=result, equilibrium_index=index)
        self.render_brief()
        if result is None:
            status = ("Ready. The game is still being solved for the live panels and the "
                      "debrief; they fill in when it is done. ")
        else:
            found = len(result.equilibria)
            status = ("Ready (exam mode: no hints while you play). " if settings.exam else
                      f"Ready ({found} equilibri{'um' if found == 1 else 'a'} found). ")
        self.query_one("#status", Static).update(f"{status}{self.bot_note}Press Enter to start.")

    # -- actions --------------------------------------------------------------------------
    def action_start(self) -> None:
        """Starts the match (once solved)."""
        if self.driver is None:
            self.notify("Still solving the game; one moment.")
            return
        from game.tui.screens.decision import DecisionScreen

        self.app.switch_screen(DecisionScreen(self.spec, self.game, self.driver, self.result))

    def action_switch_side(self) -> None:
        """Plays the other player."""
        self.seat = 1 - self.seat
        if self.driver is not None:
            self.ready(self.result, self.bot)
        else:
            self.render_brief()

    def action_reload(self) -> None:
        """Reloads the scenario file; shows its problems if it is now broken."""
        loaded = self.app.load_scenario(self.scenario)
        if loaded is None:
            return
        self.spec, self.game = loaded
        self.query_one("#status", Static).update("Reloaded. Solving the game for your "
                                                 "opponent...")
        self.title = self.spec.title
        self.render_brief()
        self.solve()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "guided":
            from game.tui.teach.guided import supports_guided

            return supports_guided(self.game)
        return True

    def action_guided(self) -> None:
        """The guided backward-induction exercise (games without private types)."""
        from game.tui.screens.guided import GuidedScreen

        self.app.push_screen(GuidedScreen(self.spec, self.game))

    def action_back(self) -> None:
        """Back to the scenario list."""
        self.app.pop_screen()
