"""Hypothesis strategies shared by the tests (plural names, keyword bounds)."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st

from tests.games import signalling_spec


def _priors(draw, count: int) -> list[Fraction]:
    weights = draw(st.lists(st.integers(1, 5), min_size=count, max_size=count))
    total = sum(weights)
    return [Fraction(w, total) for w in weights]


@st.composite
def signalling_specs(draw, *, max_types: int = 3, max_messages: int = 3, max_responses: int = 3,
                     max_finals: int = 2, two_sided: bool = False, slips: bool = False,
                     max_payoff: int = 3):
    """Random signalling games: sizes first, then small integer payoffs and positive priors."""
    types = draw(st.integers(1, max_types))
    messages = draw(st.integers(1, max_messages))
    responses = draw(st.integers(1, max_responses))
    finals = draw(st.integers(1, max_finals))
    receiver_types = draw(st.integers(1, 2)) if two_sided else 1
    sender_priors = _priors(draw, types)
    receiver_priors = _priors(draw, receiver_types)
    slip = draw(st.sampled_from([None, Fraction(1, 4)])) if slips else None
    table: dict = {}
    seed = draw(st.lists(st.integers(-max_payoff, max_payoff), min_size=1, max_size=400))

    def payoff(node_id: str, player: int, own: str, opp: str) -> int:
        key = (node_id, player, own, opp)
        if key not in table:
            table[key] = seed[len(table) % len(seed)]
        return table[key]

    return signalling_spec(sender_priors, messages, responses, payoff, finals=finals,
                           receiver_priors=receiver_priors, slip=slip)
