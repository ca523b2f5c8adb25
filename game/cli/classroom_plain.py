"""`deterrence join --plain`: a line-by-line student client that keeps listening while it
waits for the student's input.

Lines typed by the student and messages from the server are handled as they come, so a pause,
a timeout (a bot decides for the student), the other side's moves and the end are shown at
once, even in the middle of a question; an answer typed for a question that has gone is not
sent. Ctrl+D (end of input) leaves cleanly; a lost connection is retried by itself (`SeatLink`).
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Callable

from game.classroom.briefing import briefing_text, summary_text
from game.classroom.client import SeatLink

HELP = ("Type the number of an action when asked; b shows the briefing again; q (or Ctrl+D) "
        "leaves the session (your seat stays: rejoin with --token).")


def stdin_lines(loop: asyncio.AbstractEventLoop) -> asyncio.Queue[str | None]:
    """A queue of the lines typed on stdin (None at the end of input), fed by a daemon thread
    so a blocked read never holds up the exit."""
    lines: asyncio.Queue[str | None] = asyncio.Queue()

    def pump() -> None:
        for text in sys.stdin:
            loop.call_soon_threadsafe(lines.put_nowait, text)
        loop.call_soon_threadsafe(lines.put_nowait, None)

    threading.Thread(target=pump, daemon=True).start()
    return lines


class PlainSeat:
    """One student's plain session (see the module docstring)."""

    def __init__(self, link: SeatLink, lines: asyncio.Queue, out: Callable[[str], None] = print,
                 game=None, address: str = "HOST:PORT") -> None:
        self.link, self.lines, self.out, self.game = link, lines, out, game
        self.address = address
        self.state: dict | None = None
        self.asking: str | None = None
        """"belief" or "move" while a question waits for the student's answer."""
        self.asked: str | None = None
        """The decision id of the question asked."""
        self.shown: dict[int, int] = {}
        """Round -> how many steps of its history were printed."""
        self.ended = False

    async def run(self) -> int:
        """Plays until the session is over (0), the student leaves (0), or the seat is lost
        (1)."""
        welcome = self.link.welcome or {}
        self.out(f"Joined as {self.link.name}: {welcome.get('scenario', '')}, "
                 f"{welcome.get('rounds')} rounds.")
        self.out(f"Your seat token (to rejoin after a disconnect): {self.link.token}")
        self.out(briefing_text(welcome, self.game))
        self.out(HELP)
        self.out("Waiting for the instructor to start..." if not welcome.get("started")
                 else "")
        messages = self.link.messages().__aiter__()
        next_message = asyncio.ensure_future(messages.__anext__())
        next_line = asyncio.ensure_future(self.lines.get())
        try:
            while True:
                done, _ = await asyncio.wait({next_message, next_line},
                                             return_when=asyncio.FIRST_COMPLETED)
                if next_line in done:
                    line = next_line.result()
                    if line is None or line.strip().lower() in ("q", "quit"):
                        return self._leave()
                    await self.on_line(line.strip())
                    next_line = asyncio.ensure_future(self.lines.get())
                if next_message in done:
                    try:
                        message = next_message.result()
                    except StopAsyncIteration:
                        if self.ended:
                            return 0
                        self.out("The connection closed.")
                        return 1
                    code = await self.on_message(message)
                    if code is not None:
                        return code
                    next_message = asyncio.ensure_future(messages.__anext__())
        finally:
            for task in (next_message, next_line):
                task.cancel()
            await self.link.close()

    def _leave(self) -> int:
        if self.ended:
            return 0
        self.out(f"You left the session; your seat stays. Rejoin with: deterrence join "
                 f"{self.address} --code {self.link.code} --name '{self.link.name}' --token "
                 f"{self.link.token} --plain")
        return 0

    # -- the server --------------------------------------------------------------------------
    async def on_message(self, message: dict) -> int | None:
        """Shows one message; returns an exit code when the session is over for this seat."""
        kind = message.get("type")
        if kind == "state":
            self.on_state(message)
        elif kind == "paused":
            self.asking = self.asked = None
            self.out("[paused] The instructor paused the session; any answer waits until it "
                     "resumes.")
        elif kind == "resumed":
            self.out("[resumed] The session continues.")
        elif kind == "waiting":
            self.out(f"[waiting] {message.get('message', '')}")
        elif kind == "error":
            self.out(f"! {message['message']}")
            if message.get("code") == "not_saved" and self.state is not None:
                self.asked = None
                self.ask(self.state)
        elif kind == "reconnecting":
            self.asking = self.asked = None
            attempt = message["attempt"]
            if attempt <= 3 or attempt % 10 == 0:   # said at first, then now and then
                self.out(f"[reconnecting] The connection to the session was lost; trying "
                         f"again in {message['delay']:.1f} s (attempt {attempt})...")
        elif kind == "rejoined":
            self.out("[reconnected] Back in the session.")
        elif kind == "disconnected":
            self.out(f"The connection is lost: {message['message']}. Rejoin with --token "
                     f"{self.link.token}.")
            return 1
        elif kind in ("removed", "replaced"):
            self.out(f"You are no longer in the session: {message['message']}.")
            return 1
        elif kind == "ended":
            self.ended = True
            self.asking = self.asked = None
            self.out("")
            self.out(summary_text(message))
            self.out("(the class debrief follows when the server has made it)")
        elif kind == "debrief":
            self.out("")
            self.out(message["text"])
            return 0
        return None

    def on_state(self, state: dict) -> None:
        previous, self.state = self.state, state
        if previous is None or previous["round"] != state["round"]:
            spec = getattr(self.game, "spec", None)
            kind = f" (type: {state['own_type']})"
            if spec is not None:
                player = spec.players[state["role"]]
                kind = f" (your type: {spec.type_of(state['role'], state['own_type']).name})" \
                    if len(player.types) > 1 else ""
            self.out(f"\nRound {state['round']}/{state['rounds']}: you are {state['player']}"
                     f"{kind}")
        history = state["history"]
        for step in history[self.shown.get(state["round"], 0):]:
            self.out("  " + self.describe(step, state["role"]))
        self.shown[state["round"]] = len([s for s in history if not s["concealed"]])
        if state["finished"]:
            self.asking = self.asked = None
            self.out(f"Outcome: {state['outcome']}; payoffs {', '.join(state['payoffs'])}; "
                     f"types {', '.join(state['types'])}")
        elif state["your_turn"]:
            if state.get("decision") != self.asked:
                self.ask(state)
        else:
            if self.asking is not None:
                self.out("(that question has gone)")
            self.asking = self.asked = None
            if not state.get("paused"):
                self.out("  Waiting for the other side...")

    @staticmethod
    def describe(step: dict, role: int) -> str:
        if step["concealed"]:
            return "the other side: (chose; hidden until you choose)"
        if step["actor"] < 0:
            return f"Nature: {step['action']}"
        if step["actor"] == role:
            if step.get("bot"):
                return f"a bot chose {step['action']} for you (your time ran out, or the " \
                       "instructor had a bot play)"
            return f"you: {step['action']}"
        return f"the other side{' (a bot)' if step.get('bot') else ''}: {step['action']}"

    def ask(self, state: dict) -> None:
        self.asked = state["decision"]
        if state.get("ask_belief"):
            self.asking = "belief"
            types = state["ask_belief"]
            self.out(f"Your belief: the probability (0-1) that the other side is {types[0]}?")
            return
        self.ask_move(state)

    def ask_move(self, state: dict) -> None:
        self.asking = "move"
        for number, action in enumerate(state["legal"], 1):
            self.out(f"  {number}. {action}")
        timeout = state.get("timeout")
        self.out("Your move (number)" + (f"; {timeout:g} s per decision:" if timeout else ":"))

    # -- the student -------------------------------------------------------------------------
    async def on_line(self, text: str) -> None:
        if text.lower() in ("b", "brief", "briefing"):
            self.out(briefing_text(self.link.welcome or {}, self.game, self.state))
            return
        if text in ("?", "h", "help"):
            self.out(HELP)
            return
        state = self.state
        if self.asking is None or state is None:
            if text:
                self.out("(nothing to answer now; b shows the briefing)")
            return
        if self.asking == "belief":
            try:
                p = float(text)
            except ValueError:
                p = -1.0
            if not 0 <= p <= 1:
                self.out("A probability between 0 and 1, please:")
                return
            types = state["ask_belief"]
            rest = (1 - p) / (len(types) - 1)
            await self.link.send({"type": "belief", "round": state["round"],
                                  "decision": state["decision"],
                                  "beliefs": {t: (p if i == 0 else rest)
                                              for i, t in enumerate(types)}})
            self.ask_move(state)
            return
        legal = state["legal"]
        if not (text.isdigit() and 1 <= int(text) <= len(legal)):
            self.out(f"A number from 1 to {len(legal)}, please:")
            return
        self.asking = None
        sent = await self.link.send({"type": "move", "round": state["round"],
                                     "decision": state["decision"],
                                     "action": legal[int(text) - 1]})
        if not sent:
            self.asked = None
            self.out("! Not sent: the connection is down; you are asked again once it is "
                     "back.")


async def run_plain(url: str, code: str, name: str, token: str | None, address: str,
                    game=None, out: Callable[[str], None] = print,
                    lines: asyncio.Queue | None = None) -> int:
    """Joins and runs a plain seat on stdin/stdout (or the given `lines` and `out`).

    Raises:
        JoinRefusedError: the server refused the join.
        OSError: the server cannot be reached.
    """
    link = SeatLink(url, code, name, token)
    await link.open()
    if lines is None:
        lines = stdin_lines(asyncio.get_running_loop())
    return await PlainSeat(link, lines, out, game, address).run()


__all__ = ["PlainSeat", "run_plain", "stdin_lines"]
