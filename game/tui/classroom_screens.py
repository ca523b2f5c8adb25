"""Provides the screens of a student's classroom seat (`ClassroomJoinApp`).

`EntryScreen` asks for the room code, the name and (to take a seat back) the seat token;
`WaitingScreen` shows the briefing while the class waits; `BriefingDialog` the briefing on
demand; `BeliefDialog` the belief question; `ClassroomDecisionScreen` and
`ClassroomOutcomeScreen` are the play screens, whose outcome stays until the next round starts
or the student presses Enter; `SummaryScreen` shows the student's games and total at the end,
then the class debrief.
"""

from __future__ import annotations

import re

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Static

from game.tui.header import SafeHeader
from game.tui.screens.decision import DecisionScreen
from game.tui.screens.outcome import OutcomeScreen

NAME = re.compile(r"[\w .\-]{1,40}")
CODE = re.compile(r"[A-Za-z0-9]{1,12}")
TOKEN = re.compile(r"[A-Za-z0-9_\-]{8,64}")


class EntryScreen(Screen[None]):
    """Asks for the room code, the name and an optional seat token, then posts `Submitted`
    (the app joins, and says here when it cannot)."""

    class Submitted(Message):
        def __init__(self, code: str, name: str, token: str | None) -> None:
            super().__init__()
            self.code, self.name, self.token = code, name, token

    def __init__(self, code: str = "", name: str = "", token: str = "") -> None:
        super().__init__()
        self.initial = (code, name, token)

    def compose(self) -> ComposeResult:
        code, name, token = self.initial
        yield SafeHeader()
        with Vertical(classes="panel"):
            yield Static("Join the class: the room code the instructor shows, your name or "
                         "label, and, only to take your seat back after leaving, your seat "
                         "token.", markup=False)
            yield Input(code, placeholder="room code", id="code", max_length=12)
            yield Input(name, placeholder="your name or label", id="name", max_length=40)
            yield Input(token, placeholder="seat token (leave empty the first time)",
                        id="token", max_length=64)
            yield Static("", id="problem", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        for field_id in ("#code", "#name", "#token"):
            field = self.query_one(field_id, Input)
            if not field.value:
                field.focus()
                return
        self.query_one("#token", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        order = ["code", "name", "token"]
        position = order.index(event.input.id)
        code = self.query_one("#code", Input).value.strip()
        name = self.query_one("#name", Input).value.strip()
        token = self.query_one("#token", Input).value.strip()
        if position < 2 and not (code and name):
            self.query_one(f"#{order[position + 1]}", Input).focus()
            return
        if not CODE.fullmatch(code):
            self.problem("The room code is letters and digits (ask the instructor).")
        elif not NAME.fullmatch(name):
            self.problem("Your name: letters, digits, spaces, dots and dashes only (up to 40).")
        elif token and not TOKEN.fullmatch(token):
            self.problem("A seat token is 8 to 64 letters, digits, - and _ (or leave it "
                         "empty).")
        else:
            self.problem("Joining...")
            self.post_message(self.Submitted(code.upper(), name, token or None))

    def problem(self, text: str) -> None:
        self.query_one("#problem", Static).update(text)


class WaitingScreen(Screen[None]):
    """Between rounds: what is happening, and the briefing."""

    def __init__(self, text: str = "", brief: str = "") -> None:
        super().__init__()
        self.text = text
        self.brief = brief

    def compose(self) -> ComposeResult:
        yield SafeHeader()
        with VerticalScroll():
            yield Static(self.text, markup=False, id="waiting", classes="panel")
            yield Static(self.brief, markup=False, id="brief", classes="panel")
        yield Footer()

    def say(self, text: str, brief: str | None = None) -> None:
        self.text = text
        if brief is not None:
            self.brief = brief
        if self.is_mounted:
            self.query_one("#waiting", Static).update(self.text)
            self.query_one("#brief", Static).update(self.brief)


class BriefingDialog(ModalScreen[None]):
    """The briefing, on demand (and before the first decision)."""

    BINDINGS = [Binding("escape,enter,b,q", "dismiss", "Close")]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="panel"):
            yield Static(self.text + "\n\nEnter closes the briefing; b shows it again at any "
                                     "time.", markup=False, id="briefing")
        yield Footer()


class BeliefDialog(ModalScreen[dict | None]):
    """Before a decision: the probability the student puts on each of the opponent's types."""

    BINDINGS = [Binding("escape", "skip", "Skip")]

    def __init__(self, types: list[str], names: list[str]) -> None:
        super().__init__()
        self.types, self.names = types, names

    def compose(self) -> ComposeResult:
        with Vertical(classes="panel"):
            yield Static("Before you choose: how likely is each type of the other side? "
                         "(percentages; the last one fills up to 100)", markup=False)
            for name in self.names[:-1]:
                yield Input(placeholder=f"{name} (%)", type="integer", max_length=3)
            yield Static("", id="problem", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        index = inputs.index(event.input)
        if index + 1 < len(inputs):
            inputs[index + 1].focus()
            return
        try:
            shares = [int(i.value or "0") / 100 for i in inputs]
        except ValueError:
            shares = [-1.0]
        if any(not 0 <= p <= 1 for p in shares) or sum(shares) > 1:
            self.query_one("#problem", Static).update("Each between 0 and 100, together at "
                                                      "most 100.")
            return
        beliefs = dict(zip(self.types, shares))
        beliefs[self.types[-1]] = max(0.0, 1 - sum(shares))
        self.dismiss(beliefs)

    def action_skip(self) -> None:
        self.dismiss(None)


class ClassroomDecisionScreen(DecisionScreen):
    """The decision screen of a classroom round (the outcome is the classroom's own)."""

    CSS_PATH = "styles/decision.tcss"   # relative to this module, as the parent's is to its

    def finish(self) -> None:
        self.app.switch_screen(ClassroomOutcomeScreen(self.spec, self.game, self.driver,
                                                      self.result, self.events_log))


class ClassroomOutcomeScreen(OutcomeScreen):
    """A round's outcome: it stays until the next round starts (the app replaces it) or the
    student presses Enter."""

    BINDINGS = [Binding("enter", "go_on", "Continue")]

    def compose(self) -> ComposeResult:
        yield SafeHeader()
        with VerticalScroll():
            yield Static(self.text(), markup=False, id="outcome", classes="panel")
        yield Static("This stays until the next round starts; Enter: continue. b: the "
                     "briefing.", classes="status", id="next")
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return action not in ("debrief", "new")   # a classroom round has neither

    def action_go_on(self) -> None:
        self.app.after_outcome()


class SummaryScreen(Screen[None]):
    """The end of the session: the student's games and total, then the class debrief."""

    def __init__(self, summary: str, debrief: str | None = None) -> None:
        super().__init__()
        self.summary = summary
        self.debrief = debrief

    def compose(self) -> ComposeResult:
        yield SafeHeader()
        with VerticalScroll():
            yield Static(self.summary, markup=False, id="summary", classes="panel")
            yield Static(self._debrief_text(), markup=False, id="class-debrief",
                         classes="panel")
        yield Footer()

    def _debrief_text(self) -> str:
        return self.debrief or "The class debrief appears here as soon as the server has " \
                               "made it..."

    def show_debrief(self, text: str) -> None:
        self.debrief = text
        if self.is_mounted:
            self.query_one("#class-debrief", Static).update(text)


__all__ = ["BeliefDialog", "BriefingDialog", "ClassroomDecisionScreen", "ClassroomOutcomeScreen",
           "EntryScreen", "SummaryScreen", "WaitingScreen"]
