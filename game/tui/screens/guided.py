"""Provides `GuidedScreen`: the guided backward-induction exercise ("what would State B do
here?" -> check -> explain), from the last decisions up."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from game.tui.header import SafeHeader


class GuidedScreen(Screen[None]):
    """One question at a time: a digit answers, Enter goes on, Escape leaves."""

    BINDINGS = [
        Binding("1", "answer(1)", "Answer", key_display="1-9"),
        *[Binding(str(n), f"answer({n})", f"Answer {n}", show=False) for n in range(2, 10)],
        Binding("enter", "next", "Next"),
        Binding("escape", "back", "Back"),
    ]
    CSS_PATH = "../styles/guided.tcss"

    def __init__(self, spec, game) -> None:
        from game.tui.teach.guided import questions

        super().__init__()
        self.spec, self.game = spec, game
        self.questions, self.notes = questions(game)
        self.position = 0
        self.answered: int | None = None
        self.right = 0

    def compose(self) -> ComposeResult:
        yield SafeHeader()
        with VerticalScroll(id="guided"):
            yield Static("", markup=False, id="question", classes="panel")
            yield Static("", markup=False, id="feedback", classes="section")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.title = f"{self.spec.title}: backward induction"
        self.show()

    def show(self) -> None:
        """The current question (or the end), and the feedback on the answer given."""
        from game.tui.teach.guided import summary

        question = self.query_one("#question", Static)
        feedback = self.query_one("#feedback", Static)
        count = len(self.questions)
        if self.position >= count:
            question.update(f"Done: {self.right} of {count} right.\n\n{summary(self.game)}"
                            "\n\nEscape goes back.")
            feedback.update("")
            return
        current = self.questions[self.position]
        lines = [f"Backward induction, step {self.position + 1} of {count}: start at the end "
                 "of the game and work back.", "", current.prompt, ""]
        lines += [f"{n}. {option}" for n, option in enumerate(current.options, start=1)]
        if self.position == 0 and self.notes:
            lines += ["", *self.notes]
        question.update("\n".join(lines))
        if self.answered is None:
            feedback.update("Press the number of your answer.")
            return
        verdict = "Right." if self.answered in current.best else "Not quite."
        feedback.update(f"{verdict} {current.explanation}\n\nEnter: the next question.")

    def action_answer(self, number: int) -> None:
        """Checks an answer to the current question."""
        if self.position >= len(self.questions) or self.answered is not None:
            return
        current = self.questions[self.position]
        if not 1 <= number <= len(current.options):
            self.notify(f"There is no answer {number}: choose 1 to {len(current.options)}.",
                        severity="warning")
            return
        self.answered = number - 1
        self.right += self.answered in current.best
        self.show()

    def action_next(self) -> None:
        """The next question, once this one is answered."""
        if self.answered is None and self.position < len(self.questions):
            self.notify("Answer first (a number).")
            return
        self.position += 1
        self.answered = None
        self.show()

    def action_back(self) -> None:
        self.app.pop_screen()
