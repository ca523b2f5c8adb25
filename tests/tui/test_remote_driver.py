"""A driver whose opponent moves later, from another thread (as the classroom's will)."""

from __future__ import annotations

import threading

from game.tui.app import make_app
from game.tui.driver import LocalDriver
from game.tui.screens.decision import DecisionScreen
from game.tui.screens.outcome import OutcomeScreen
from game.tui.session import load
from tests.tui.helpers import screen_text, wait_ready


class ScriptedRemote:
    """Seat 0 is played here; seat 1's moves arrive through `push` (like a network would)."""

    def __init__(self, game) -> None:
        self.inner = LocalDriver(game, 0, bot=None, seed=1, own_type="resolved")
        self.spec, self.game = game.spec, game
        self.humans = (0,)
        self.opponent_name, self.opponent_description = "remote", "Someone on the network."
        self.notify = None

    seat = property(lambda self: 0)
    finished = property(lambda self: self.inner.finished)

    def view(self):
        return self.inner.view_for(0)

    def submit(self, action):
        self.inner.submit(action)

    def drain_events(self):
        return self.inner.drain_events()

    def final_state(self):
        return self.inner.final_state()

    def insight(self, seat):
        return None

    def attach(self, notify):
        self.notify = notify

    def push(self, action):
        self.inner.submit(action)
        self.notify()


async def test_the_decision_screen_follows_a_remote_driver():
    spec, game = load("public-threat")
    remote = ScriptedRemote(game)
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await app.push_screen(DecisionScreen(spec, game, remote, None))
        await pilot.pause()
        await pilot.press("1")              # issue the threat
        await pilot.pause()
        assert "Waiting for State B" in screen_text(app)
        assert app.screen.legal == ()
        thread = threading.Thread(target=remote.push, args=("resist",))
        thread.start()
        thread.join()
        await pilot.pause()
        await pilot.pause()
        assert app.screen.legal == remote.view().legal_actions != ()
        assert "State B: Resist" in screen_text(app)
        await pilot.press("1")
        await wait_ready(pilot, OutcomeScreen)
        assert remote.finished
