"""Room rules: timeouts give marked bot moves, stratified types, matching schemes."""

from __future__ import annotations

from collections import Counter

import pytest

from game.classroom.protocol import Instructor, Join, Move
from tests.classroom.conftest import make_room

TOKEN = "instructor-token-1"


def _room(n: int, **options):
    room = make_room(**options)
    for i in range(n):
        room.handle(f"c{i}", Join(type="join", code="ABC234", name=f"s{i}"), 0.0)
    room.handle("i", Instructor(type="instructor", token=TOKEN, command="start"), 0.0)
    return room


def _play_out(room, now=1.0):
    """Every decision by the first legal action, until the session ends."""
    for _ in range(1000):
        if room.ended:
            return
        for pair in room.pairs:
            state = pair.state
            if not state.is_terminal:
                seat = pair.seats[state.to_move]
                room.handle(f"c{seat}", Move(type="move", round=room.round,
                                             decision=room.decision_id(pair),
                                             action=state.legal_actions()[0]), now)
                break


def test_a_timeout_makes_a_bot_move_marked_as_such():
    room = _room(2, rounds=1, timeout=5.0)
    room.drain()
    assert room.tick(3.0) is not None and not room.drain()
    room.tick(6.0)
    moves = [e for e in room.drain() if e["kind"] == "move"]
    assert moves and moves[0]["bot"] and moves[0]["reason"] == "timeout"


def test_types_are_stratified_per_student():
    room = _room(4, rounds=6, roles="fixed", matching="random", timeout=None)
    _play_out(room)
    assert room.ended
    drawn = Counter()
    events = room.drain()
    for e in events:
        if e["kind"] == "result":
            drawn[(e["labels"][0], e["types"][0])] += 1
    # prior 1/3 resolved, 2/3 irresolute: two blocks of three rounds each
    for label in ("s0", "s2"):
        assert drawn[(label, "resolved")] == 2 and drawn[(label, "irresolute")] == 4


def test_perfect_strangers_never_repeat_a_partner():
    room = _room(8, rounds=4, matching="perfect-strangers", roles="rotate", timeout=None)
    _play_out(room)
    met = Counter()
    for e in room.drain():
        if e["kind"] == "round":
            for a, b in e["pairs"]:
                met[frozenset((a, b))] += 1
    assert met and max(met.values()) == 1


def test_fixed_matching_keeps_partners_and_rotate_swaps_roles():
    room = _room(4, rounds=3, matching="fixed", roles="rotate", timeout=None)
    _play_out(room)
    rounds = [e["pairs"] for e in room.drain() if e["kind"] == "round"]
    assert [sorted(map(sorted, r)) for r in rounds] == [sorted(map(sorted, rounds[0]))] * 3
    assert rounds[0][0] == list(reversed(rounds[1][0]))


def test_odd_student_out_plays_a_bot():
    room = _room(3, rounds=2, timeout=None)
    _play_out(room)
    assert room.ended
    events = room.drain()
    assert any(e["kind"] == "move" and e["reason"] == "empty" for e in events) or \
        any("" in e["labels"] for e in events if e["kind"] == "result")


def test_fixed_partners_and_roles_draw_types_independently_each_round():
    """A stratified deck would let a fixed partner count the types already seen (with a
    prior of 1/3, the type was certain in a third of the rounds or more); under fixed
    matching each game's types are a fresh draw from the prior."""
    from game.classroom.seating import type_draws_for

    assert type_draws_for("fixed") == "independent"
    assert type_draws_for("random") == type_draws_for("perfect-strangers") == "stratified"
    blocks, resolved, draws = Counter(), 0, 0
    for seed in range(30):
        room = _room(2, rounds=9, matching="fixed", roles="fixed", timeout=None, seed=seed,
                     type_draws="independent")
        _play_out(room)
        types = [e["types"][0] for e in room.drain() if e["kind"] == "result"]
        assert len(types) == 9
        for start in range(0, 9, 3):   # the stratified deck holds exactly one per block
            blocks[types[start:start + 3].count("resolved")] += 1
        resolved += types.count("resolved")
        draws += len(types)
    assert set(blocks) - {1}   # blocks with none, or several, of the rarer type
    assert abs(resolved / draws - 1 / 3) < 0.1   # ... at the prior's frequency
    stratified = _room(2, rounds=9, matching="fixed", roles="fixed", timeout=None)
    _play_out(stratified)
    types = [e["types"][0] for e in stratified.drain() if e["kind"] == "result"]
    assert [types[i:i + 3].count("resolved") for i in (0, 3, 6)] == [1, 1, 1]


class _Writes:
    """A store that keeps each write (a transaction) apart, and fails while `broken`."""

    def __init__(self) -> None:
        self.writes: list[list[dict]] = []
        self.broken = False

    def append(self, events: list[dict]) -> None:
        from game.classroom.storage import NotStoredError

        if self.broken:
            raise NotStoredError("the disk holding the session database is full")
        self.writes.append(list(events))


def _recorded(name: str = "public-threat", **options):
    from game.classroom.recorder import Recorder

    room = make_room(name, **options)
    store = _Writes()
    room.record = Recorder(store, room, retry=0.0)
    room.record_many = room.record.many
    return room, store


def _replies(out, conns):
    return {c: [m.get("code", m["type"]) for conn, m in out if conn == c] for c in conns}


def _answers(room, which: int) -> list[tuple[str, Move]]:
    """The move of every seated player the room waits for now: legal action `which`."""
    return [(f"c{pair.seats[pair.state.to_move]}",
             Move(type="move", round=room.round, decision=room.decision_id(pair),
                  action=pair.state.legal_actions()[which]))
            for pair in room.pairs
            if not pair.state.is_terminal and pair.seats[pair.state.to_move] is not None]


def test_joins_that_arrive_together_take_their_seats_in_one_write():
    room, store = _recorded(max_seats=4)
    names = ["ann", "bob", "ann", "cy", "dee", "eve"]   # a name taken, then one too many
    items = [(f"c{i}", Join(type="join", code="ABC234", name=n)) for i, n in enumerate(names)]
    replies = _replies(room.handle_batch(items, 0.0), [c for c, _ in items])
    assert replies == {"c0": ["welcome"], "c1": ["welcome"], "c2": ["taken"],
                       "c3": ["welcome"], "c4": ["welcome"], "c5": ["full"]}
    assert [[e["label"] for e in write] for write in store.writes] == [["ann", "bob"],
                                                                        ["cy", "dee"]]
    assert [(s.index, s.label, s.conn) for s in room.seats] == \
        [(0, "ann", "c0"), (1, "bob", "c1"), (2, "cy", "c3"), (3, "dee", "c4")]
    assert len({s.token for s in room.seats}) == 4


def test_joins_that_cannot_be_stored_take_no_seat_and_each_joiner_is_told():
    room, store = _recorded()
    store.broken = True
    items = [(f"c{i}", Join(type="join", code="ABC234", name=f"s{i}")) for i in range(3)]
    replies = _replies(room.handle_batch(items, 0.0), [c for c, _ in items])
    assert replies == {f"c{i}": ["not_saved"] for i in range(3)} and room.seats == []
    store.broken = False
    replies = _replies(room.handle_batch(items, 1.0), [c for c, _ in items])
    assert replies == {f"c{i}": ["welcome"] for i in range(3)} and len(store.writes) == 1


def test_a_rejoin_among_new_joins_is_answered_on_its_own():
    room, store = _recorded()
    room.handle_batch([("c0", Join(type="join", code="ABC234", name="ann"))], 0.0)
    token = room.seats[0].token
    items = [("c1", Join(type="join", code="ABC234", name="bob")),
             ("c9", Join(type="join", code="ABC234", name="ann", token=token)),
             ("c2", Join(type="join", code="ABC234", name="cy"))]
    replies = _replies(room.handle_batch(items, 1.0), ["c1", "c9", "c2"])
    assert replies == {"c1": ["welcome"], "c9": ["welcome"], "c2": ["welcome"]}
    assert room.seats[0].conn == "c9" and [s.label for s in room.seats] == ["ann", "bob", "cy"]
    assert [[e["label"] for e in w] for w in store.writes] == [["ann"], ["bob"], ["cy"]]


def test_the_moves_that_finish_a_round_go_in_one_write_with_the_results_and_the_next():
    room, store = _recorded(rounds=2, autostart=4)
    room.handle_batch([(f"c{i}", Join(type="join", code="ABC234", name=f"s{i}"))
                       for i in range(4)], 0.0)
    for _ in range(100):
        if room.ended:
            break
        room.handle_batch(_answers(room, 0), 1.0)
    kinds = [[e["kind"] for e in write] for write in store.writes]
    assert room.ended and kinds[-1][-1] == "end"
    closing = [k for k in kinds if k[-1] in ("round", "end") and "result" in k]
    assert [k[-1] for k in closing] == ["round", "end"]   # round 1's results, then round 2's
    for k in closing:   # the last moves, the results they make, then the next round
        moves, results = k.count("move"), k.count("result")
        assert moves and results and k == ["move"] * moves + ["result"] * results + k[-1:]
    stored = [e for write in store.writes for e in write]
    assert sum(e["kind"] == "result" for e in stored) == 2 * len(room.pairs)


def _played(name: str, batched: bool, **options) -> list[dict]:
    """A session of 6 where every decision is its last legal action: handled in batches (one
    per round of answers: results staged with the moves), or message by message."""
    room, store = _recorded(name, rounds=3, autostart=6, seed=11, **options)
    room.handle_batch([(f"c{i}", Join(type="join", code="ABC234", name=f"s{i}"))
                       for i in range(6)], 0.0)
    for _ in range(200):
        if room.ended:
            break
        moves = _answers(room, -1)
        if batched:
            room.handle_batch(moves, 1.0)
        else:
            for conn, move in moves:
                room.handle(conn, move, 1.0)
    assert room.ended
    return [{k: v for k, v in e.items() if k not in ("t", "token")} for w in store.writes
            for e in w]


@pytest.mark.parametrize("name", ["public-threat", "brinkmanship", "signal-choice", "chicken"])
@pytest.mark.parametrize("draws", ["stratified", "independent"])
def test_results_staged_with_the_moves_are_the_ones_the_referee_would_report(name, draws):
    batched, alone = _played(name, True, type_draws=draws), _played(name, False,
                                                                     type_draws=draws)
    def key(event: dict) -> tuple:
        return event["kind"], event.get("round"), event.get("pair"), event.get("seat")

    assert sorted(batched, key=key) == sorted(alone, key=key)
    assert [e["kind"] for e in batched].count("result") == \
        [e["kind"] for e in alone].count("result") > 0
