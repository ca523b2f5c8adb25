"""Game factories for tests: signalling games of any shape, built as `GameSpec`s."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction

from game.model.expr import Num
from game.model.spec import (
    Campaign,
    ChanceNode,
    DecisionNode,
    GameSpec,
    Move,
    Player,
    PlayerType,
    SimultaneousBranch,
    SimultaneousNode,
    TerminalNode,
)

PayoffFn = Callable[[str, int, str, str], int | Fraction]
"""(terminal id, player index, own type, opponent type) -> payoff."""


def _types(priors: Sequence[Fraction], prefix: str) -> tuple[PlayerType, ...]:
    if len(priors) == 1:
        return (PlayerType(id="sole", name="", prior=Num(Fraction(1))),)
    return tuple(PlayerType(id=f"{prefix}{k}", name=f"{prefix.upper()}{k}", prior=Num(Fraction(p)))
                 for k, p in enumerate(priors))


def signalling_spec(sender_priors: Sequence[Fraction], messages: int, responses: int,
                    payoff: PayoffFn, finals: int = 1,
                    receiver_priors: Sequence[Fraction] = (Fraction(1),),
                    slip: Fraction | None = None, rounds: int = 1) -> GameSpec:
    """A sender with types signals; a receiver responds; optionally the sender moves again.

    Args:
        slip: if given, after the response a public chance node ends the game at an extra
            'accident' terminal with this probability.
    """
    players = (
        Player(id="sender", name="Sender", types=_types(sender_priors, "s")),
        Player(id="receiver", name="Receiver", types=_types(receiver_priors, "r")),
    )
    nodes: dict = {}
    nodes["signal"] = DecisionNode(id="signal", player="sender", moves=tuple(
        Move(action=f"m{i}", to=f"resp{i}") for i in range(messages)))
    for i in range(messages):
        moves = []
        for j in range(responses):
            target = f"after{i}_{j}"
            moves.append(Move(action=f"r{j}", to=target))
            end = target
            if slip is not None:
                nodes[target] = ChanceNode(id=target, moves=(
                    Move(action="accident", to=f"acc{i}_{j}", prob=Num(Fraction(slip))),
                    Move(action="calm", to=f"fin{i}_{j}", prob=Num(1 - Fraction(slip)))))
                nodes[f"acc{i}_{j}"] = _terminal(f"acc{i}_{j}", players, payoff, disaster=True)
                end = f"fin{i}_{j}"
            if finals > 1:
                nodes[end] = DecisionNode(id=end, player="sender", moves=tuple(
                    Move(action=f"f{k}", to=f"z{i}_{j}_{k}") for k in range(finals)))
                for k in range(finals):
                    nodes[f"z{i}_{j}_{k}"] = _terminal(f"z{i}_{j}_{k}", players, payoff)
            else:
                nodes[end] = _terminal(end, players, payoff)
        nodes[f"resp{i}"] = DecisionNode(id=f"resp{i}", player="receiver", moves=tuple(moves))
    return GameSpec(id="random-signalling", title="Random signalling game", players=players,
                    nodes=nodes, root="signal",
                    campaign=Campaign(rounds=rounds) if rounds > 1 else None)


def _terminal(node_id: str, players, payoff: PayoffFn, disaster: bool = False) -> TerminalNode:
    values = {}
    for index, player in enumerate(players):
        for own in player.types:
            for opp in players[1 - index].types:
                values[(player.id, own.id, opp.id)] = Num(Fraction(payoff(node_id, index, own.id,
                                                                          opp.id)))
    return TerminalNode(id=node_id, outcome=node_id.split("_")[0], payoffs=values,
                        disaster=disaster)


def chicken_spec(w: int = 1, l: int = 1, c: int = 10) -> GameSpec:
    """Simultaneous Chicken (models.md 8.2): payoffs (Row, Column)."""
    players = (Player(id="row", name="Row", types=_types([Fraction(1)], "")),
               Player(id="column", name="Column", types=_types([Fraction(1)], "")))
    table = {("swerve", "swerve"): (0, 0), ("swerve", "straight"): (-l, w),
             ("straight", "swerve"): (w, -l), ("straight", "straight"): (-c, -c)}
    nodes: dict = {}
    branches = []
    for (a, b), (u, v) in table.items():
        node_id = f"{a}_{b}"
        nodes[node_id] = TerminalNode(
            id=node_id, outcome=f"{a}/{b}", disaster=(a, b) == ("straight", "straight"),
            payoffs={("row", "sole", "sole"): Num(Fraction(u)),
                     ("column", "sole", "sole"): Num(Fraction(v))})
        branches.append(SimultaneousBranch(actions=(a, b), to=node_id))
    actions = (Move(action="swerve", to=""), Move(action="straight", to=""))
    nodes["standoff"] = SimultaneousNode(id="standoff", players=("row", "column"),
                                         actions=(actions, actions), branches=tuple(branches))
    return GameSpec(id="chicken-test", title="Chicken", players=players, nodes=nodes,
                    root="standoff")
