"""Provides the dialogs: help, glossary, scenario problems, a yes/no question, and the hot-seat
privacy screen."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Markdown, Static

HELP = """\
# Keys

| key | what it does |
|---|---|
| `?` | this help |
| `g` | the glossary of concepts |
| `Enter` | open / continue |
| `1` ... `9` | choose an action (decision screen); answer (predictions, guided mode) |
| `/` | filter the scenarios by concept (picker) |
| `s` | switch sides (briefing; outcome and debrief: play again on the other side) |
| `a` | play the same scenario again (outcome, debrief) |
| `b` | guided backward induction, step by step (games without private types) |
| `r` | reload the scenario file after editing it |
| `l` | every equilibrium: side-by-side table and full listing (debrief) |
| `d` | the game tree drawn whole, with your path (debrief) |
| `e` | compare your play with the next equilibrium (debrief) |
| `t` | focus the game tree; arrows and `Enter` open its nodes (debrief) |
| `w` | what if: change a parameter and re-solve (debrief) |
| `x` | export the debrief as Markdown and HTML into the current folder (debrief) |
| `n` | a new game: back to the scenario list (while deciding, once confirmed) |
| `Escape` | back / close |
| `Ctrl+Q` | quit |

# The panels while you decide

Each panel says what its figures assume. "eq. N" assumes both sides then follow
equilibrium N; "vs OPPONENT" assumes the computer opponent plays as it is built to (its moves
written as probabilities) and you then play your best reply to it.

- **Your belief**: what you should believe about the opponent's type: the prior, the chance
  that each type makes the moves you saw, and the posterior by Bayes' rule, written out. Off
  the equilibrium path Bayes' rule says nothing; the panel shows what the equilibrium assumes.
- **What they believe about you**: the same from the other side, about your type.
- **Risk of disaster**: for each of your actions, the chance of a disaster outcome from now on
  (earlier rounds of a campaign do not count), where the scenario marks one.
- **Worth**: what each of your actions is worth to you in expectation.

With `--exam` the risk and worth panels, the posterior and the equilibrium count are hidden;
you predict the opponent's answers, and the predictions are graded at the end.

After the game, the debrief opens with what happened, the lesson, and how your play related
to it; then each decision with its concept and counterfactual, the equilibria, your path on
the game tree, the concepts and the scenario's discussion questions.
"""


class HelpDialog(ModalScreen[None]):
    """The keys, and what the panels mean."""

    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close")]
    DEFAULT_CSS = """
    HelpDialog { align: center middle; }
    HelpDialog > VerticalScroll { width: 90%; max-width: 96; height: 90%;
        border: thick $primary; background: $surface; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Markdown(HELP)
            yield Static("Escape closes.", classes="muted")

    def action_dismiss(self) -> None:
        self.dismiss(None)


class GlossaryDialog(ModalScreen[None]):
    """The concept glossary: the current scenario's concepts first."""

    BINDINGS = [Binding("escape,g,q", "dismiss", "Close")]
    DEFAULT_CSS = """
    GlossaryDialog { align: center middle; }
    GlossaryDialog > VerticalScroll { width: 90%; max-width: 96; height: 90%;
        border: thick $primary; background: $surface; padding: 0 1; }
    """

    def __init__(self, first: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.first = first

    def compose(self) -> ComposeResult:
        from game.tui.session import glossary

        entries = glossary()
        lines = ["# Glossary", ""]
        if not entries:
            lines.append("The concept glossary (`seeds/concepts.yaml`) is not available.")
            if self.first:
                lines.append("")
                lines.append("This scenario's concepts: " + ", ".join(self.first) + ".")
        else:
            order = [c for c in self.first if c in entries]
            order += [c for c in sorted(entries) if c not in order]
            for concept in order:
                name, definition = entries[concept]
                marker = " (this scenario)" if concept in self.first else ""
                lines += [f"## {name}{marker}", "", definition, ""]
            missing = [c for c in self.first if c not in entries]
            if missing:
                lines.append("Not in the glossary yet: " + ", ".join(missing) + ".")
        with VerticalScroll():
            yield Markdown("\n".join(lines))
            yield Static("Escape closes.", classes="muted")

    def action_dismiss(self) -> None:
        self.dismiss(None)


class ProblemsDialog(ModalScreen[bool]):
    """A scenario file's problems, each located to file, line, column and key. With `retry`,
    `r` closes it with True: the caller loads the file again (it was not open yet)."""

    BINDINGS = [Binding("escape,enter,q", "dismiss", "Close"),
                Binding("r", "retry", "Reload")]
    DEFAULT_CSS = """
    ProblemsDialog { align: center middle; }
    ProblemsDialog > Vertical { width: 90%; max-width: 110; height: auto; max-height: 90%;
        border: thick $error; background: $surface; padding: 0 1; }
    ProblemsDialog VerticalScroll { height: auto; max-height: 20; }
    """

    def __init__(self, problems, retry: bool = False) -> None:
        super().__init__()
        self.problems = tuple(problems)
        self.retry = retry

    def compose(self) -> ComposeResult:
        count = len(self.problems)
        how = ("fix the file, then press r to load it again" if self.retry else
               "fix the file, close this, then press r to reload")
        with Vertical():
            yield Static(markup=False, content=f"This scenario cannot be played: {count} problem"
                         f"{'s' if count != 1 else ''} ({how})",
                         classes="status", id="problems-title")
            with VerticalScroll():
                for problem in self.problems:
                    yield Static(problem.format(), markup=False, classes="problem")
            yield Static("r loads the file again; Escape or Enter closes." if self.retry
                         else "Escape or Enter closes.", classes="muted")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.retry if action == "retry" else True

    def action_dismiss(self) -> None:
        self.dismiss(False)

    def action_retry(self) -> None:
        self.dismiss(True)


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question; dismisses with True for yes (`y`), False for no (`n`, Escape)."""

    BINDINGS = [Binding("y", "answer(True)", "Yes"), Binding("n,escape", "answer(False)", "No")]
    DEFAULT_CSS = """
    ConfirmDialog { align: center middle; }
    ConfirmDialog > Vertical { width: 70; height: auto; border: thick $primary;
        background: $surface; padding: 0 1; }
    ConfirmDialog Horizontal { height: auto; margin-top: 1; }
    ConfirmDialog Button { margin-right: 2; }
    """

    def __init__(self, question: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question, self.yes, self.no = question, yes, no

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question, markup=False, id="question")
            with Horizontal():
                yield Button(f"y  {self.yes}", id="yes", compact=True)
                yield Button(f"n  {self.no}", id="no", compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class PredictDialog(ModalScreen[int]):
    """Exam mode: what will the opponent do now? Dismisses with the chosen action's index
    (digits; Escape skips the question with None)."""

    BINDINGS = [*[Binding(str(n), f"pick({n})", f"Option {n}", show=n == 1,
                          key_display="1-9" if n == 1 else None) for n in range(1, 10)],
                Binding("escape", "skip", "Skip")]
    DEFAULT_CSS = """
    PredictDialog { align: center middle; }
    PredictDialog > Vertical { width: 70; height: auto; border: thick $primary;
        background: $surface; padding: 0 1; }
    """

    def __init__(self, question: str, options: list[str]) -> None:
        super().__init__()
        self.question, self.options = question, options

    def compose(self) -> ComposeResult:
        lines = [self.question, "", *[f"{n}. {label}" for n, label in
                                      enumerate(self.options, start=1)],
                 "", "Your prediction is graded at the end (Escape skips it)."]
        with Vertical():
            yield Static("\n".join(lines), markup=False, id="prediction")

    def action_pick(self, number: int) -> None:
        if 1 <= number <= len(self.options):
            self.dismiss(number - 1)
        else:
            self.notify(f"There is no option {number}: choose 1 to {len(self.options)}.",
                        severity="warning")

    def action_skip(self) -> None:
        self.dismiss(None)


class PrivacyDialog(ModalScreen[None]):
    """Hot-seat: covers the screen until the next player is alone at the keyboard."""

    BINDINGS = [Binding("enter,space", "dismiss", "I am alone: show my screen")]
    DEFAULT_CSS = """
    PrivacyDialog { align: center middle; background: $background; }
    PrivacyDialog > Static { width: 60; height: auto; border: thick $primary; padding: 1 2; }
    """

    def __init__(self, player_name: str, typed: bool = True) -> None:
        super().__init__()
        self.player_name = player_name
        self.typed = typed
        """The player has a private type (else the screen hides only its view of the game)."""

    def compose(self) -> ComposeResult:
        name = self.player_name
        shows = (f"the next screen shows {name}'s private type." if self.typed else
                 f"the next screen shows {name}'s view of the game.")
        yield Static(markup=False, content=f"Pass the keyboard to {name}.\n\nEveryone else, "
                     f"look away: {shows}\n\n{name}: press Enter when you are alone.",
                     id="privacy-text")

    def action_dismiss(self) -> None:
        self.dismiss(None)
