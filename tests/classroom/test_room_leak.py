"""The room as a hypothesis state machine: nobody sees the other player's type before their
own outcome is revealed, error replies change nothing, and replaying the journal rebuilds it."""

from __future__ import annotations

import json
import re

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from game.classroom.protocol import Belief, Instructor, Join, Move
from tests.classroom.conftest import make_room, solved

NAMES = ["p1", "p2", "p3", "p4", "p5"]
TOKEN = "instructor-token-1"
SCENARIO = "signal-choice"   # both players have private types, with distinct type names


class RoomMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.room = make_room(SCENARIO, rounds=3, timeout=5.0, elicit_beliefs=True)
        self.game, _ = solved(SCENARIO)
        self.types = [{t.id for t in p.types} for p in self.game.spec.players]
        self.now = 1000.0
        self.conn_of: dict[str, str] = {}
        self.tokens: dict[str, str] = {}
        self.count = 0
        self.events: list[dict] = []

    # every message any client receives goes through here
    def deliver(self, outbound) -> None:
        for conn, message in outbound:
            assert conn is not None
            if message.get("type") == "welcome":
                self.tokens[message["name"]] = message["token"]
            if message.get("type") != "state":
                assert "types" not in message
                continue
            role = message["role"]
            if message["finished"]:
                assert set(message["types"][1 - role]) and message["types"][1 - role] in \
                    self.types[1 - role]
                continue
            assert "types" not in message and "outcome" not in message
            visible = {k: v for k, v in message.items() if k != "ask_belief"}
            words = set(re.findall(r"[A-Za-z_]+", json.dumps(visible)))
            leaked = words & self.types[1 - role]
            assert not leaked, (conn, message)
        self.events += self.room.drain()

    def call(self, conn: str, message) -> list:
        before = len(self.room.journal)
        out = self.room.handle(conn, message, self.now)
        if any(m.get("type") == "error" for c, m in out if c == conn) and len(out) == 1:
            assert len(self.room.journal) == before   # an error reply changes nothing
        self.deliver(out)
        return out

    @rule(name=st.sampled_from(NAMES), use_token=st.booleans())
    def join(self, name, use_token):
        self.count += 1
        conn = f"k{self.count}"
        token = self.tokens.get(name) if use_token else None
        out = self.call(conn, Join(type="join", code="ABC234", name=name, token=token))
        if out and out[0][1]["type"] == "welcome":
            self.conn_of[name] = conn

    @rule(name=st.sampled_from(NAMES))
    def disconnect(self, name):
        conn = self.conn_of.pop(name, None)
        if conn:
            self.deliver(self.room.disconnect(conn, self.now))

    @rule(command=st.sampled_from(["start", "pause", "resume", "advance", "end", "swap",
                                   "unswap"]), name=st.sampled_from(NAMES),
          good=st.booleans())
    def instructor(self, command, name, good):
        token = TOKEN if good else "not-the-token-123"
        self.call("inst", Instructor(type="instructor", token=token, command=command,
                                     label=name))

    @rule(name=st.sampled_from(NAMES), pick=st.integers(0, 5), round_shift=st.integers(-1, 1),
          stale=st.booleans())
    def move(self, name, pick, round_shift, stale=False):
        conn = self.conn_of.get(name)
        if conn is None:
            return
        actions = ["quiet", "sink", "tie", "challenge", "refrain", "fight", "back_down", "bogus"]
        seat = self.room._by_conn.get(conn)
        legal = []
        decision = "1-0-0"
        if seat in self.room._seat_pair:
            index, role = self.room._seat_pair[seat]
            pair = self.room.pairs[index]
            legal = list(pair.state.legal_actions())
            if not stale:
                decision = self.room.decision_id(pair)
        choice = legal[pick % len(legal)] if legal and pick < 4 else actions[pick]
        before = len(self.events) + len(self.room.journal)
        out = self.call(conn, Move(type="move", round=max(1, self.room.round + round_shift),
                                   decision=decision, action=choice))
        if stale:   # an answer to another question is refused and changes nothing
            refused = [m for c, m in out if c == conn and m.get("type") == "error"]
            if self.room.round and decision != self.current_decision(seat):
                assert refused and len(self.events) + len(self.room.journal) == before

    @rule(name=st.sampled_from(NAMES), p=st.floats(0, 1))
    def belief(self, name, p):
        conn = self.conn_of.get(name)
        if conn is None:
            return
        seat = self.room._by_conn.get(conn)
        role = self.room._seat_pair.get(seat, (0, 0))[1]
        a, b = sorted(self.types[1 - role])
        self.call(conn, Belief(type="belief", round=max(1, self.room.round),
                               decision=self.current_decision(seat) or "1-0-0",
                               beliefs={a: p, b: 1 - p}))

    def current_decision(self, seat) -> str | None:
        if seat not in self.room._seat_pair:
            return None
        return self.room.decision_id(self.room.pairs[self.room._seat_pair[seat][0]])

    @rule(seconds=st.sampled_from([0.5, 3.0, 6.0]))
    def tick(self, seconds):
        self.now += seconds
        self.deliver(self.room.tick(self.now))

    @invariant()
    def replay_rebuilds_the_room(self):
        twin = make_room(SCENARIO, rounds=3, timeout=5.0, elicit_beliefs=True)
        twin.replay(self.events, self.now)
        room = self.room
        assert (twin.round, twin.started, twin.paused, twin.ended) == \
            (room.round, room.started, room.paused, room.ended)
        assert [(s.label, s.token, s.botted) for s in twin.seats] == \
            [(s.label, s.token, s.botted) for s in room.seats]
        assert [(p.seats, p.state.steps) for p in twin.pairs] == \
            [(p.seats, p.state.steps) for p in room.pairs]


RoomMachine.TestCase.settings = settings(max_examples=120, stateful_step_count=50,
                                         deadline=None,
                                         suppress_health_check=[HealthCheck.too_slow])
TestRoomMachine = RoomMachine.TestCase


def test_the_machine_reaches_reveals():
    """A guard on the state machine itself: its rules do reach finished games."""
    machine = RoomMachine()
    for name in ("p1", "p2", "p3"):
        machine.join(name, False)
    machine.instructor("start", "p1", True)
    for _ in range(60):
        for name in ("p1", "p2", "p3"):
            machine.move(name, 0, 0, False)
        machine.tick(6.0)
    assert machine.room.ended
    assert any(e["kind"] == "result" for e in machine.events)
