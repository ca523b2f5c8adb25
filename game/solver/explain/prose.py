"""Provides plain-language descriptions of equilibria, for the debrief and `deterrence solve`."""

from __future__ import annotations

from fractions import Fraction

from game.model.expr import format_fraction
from game.model.tree import Game, Infoset
from game.solver.results import Equilibrium

CONCEPT_TEXT = {
    "pbe": ("Solution concept: perfect Bayesian equilibrium (Fudenberg and Tirole). Each "
            "player holds one belief about the other's type at each point of the public "
            "history, whatever its own type. Only the other player's moves change it, by Bayes' "
            "rule wherever that is defined (also after an unexpected move), so a type that "
            "earlier moves ruled out stays ruled out while Bayes' rule applies; after a move no "
            "type still possible would make, any belief over the types Nature could have drawn "
            "may be held (but none with weight on a type of prior probability zero). Every "
            "choice is a best reply to these beliefs and to the play that follows."),
    "weak": ("Solution concept: weak perfect Bayesian equilibrium. Every choice is a best reply "
             "to the beliefs and to the play that follows; beliefs follow Bayes' rule on the "
             "equilibrium path, and off it may be anything."),
}
"""One plain paragraph per solution concept (see `SolveResult.concept`)."""

CONCEPT_NAME = {"pbe": "perfect Bayesian equilibrium (Fudenberg-Tirole)",
                "weak": "weak perfect Bayesian equilibrium"}
"""A short name per solution concept."""


def action_name(game: Game, infoset: Infoset, index: int) -> str:
    """An action's display label."""
    action = infoset.actions[index]
    spec = game.spec
    if spec is not None and infoset.stage:
        return spec.action_label(infoset.stage, action)
    return action


def actor_name(game: Game, infoset: Infoset) -> str:
    """'the Resolved type of State A' or 'State B'."""
    player = game.players[infoset.player]
    spec = game.spec
    if spec is not None and len(spec.players[infoset.player].types) > 1 and infoset.own_type:
        return f"the {spec.type_of(infoset.player, infoset.own_type).name} type of {player}"
    return player


def key_name(game: Game, infoset: Infoset, key: str) -> str:
    """Names a belief key (an opponent type, possibly with a concealed move)."""
    spec = game.spec
    opponent = 1 - infoset.player
    type_id, _, hidden = key.partition("+")
    if spec is not None:
        try:
            name = spec.type_of(opponent, type_id).name
        except KeyError:
            name = type_id
        if hidden:
            label = spec.action_label(infoset.stage, hidden)
            return f"{name} and chose {label}" if name else f"chose {label}"
        return name
    return key


def history_name(game: Game, infoset: Infoset) -> str:
    """A campaign's history in words: 'round 2, after War in round 1' ('' in round 1)."""
    if game.rounds < 2 or infoset.round < 2:
        return ""
    from game.model.tree import TERMINAL

    node_id = infoset.members[0]
    while game.nodes[node_id].player != TERMINAL:
        node_id = game.nodes[node_id].children[0]
    parts = game.nodes[node_id].outcome.split(" / ")[:infoset.round - 1]
    if len(parts) == 1:
        return f"round {infoset.round}, after {parts[0]} in round 1"
    return f"round {infoset.round}, after {', then '.join(parts)}"


def stage_name(game: Game, infoset: Infoset) -> str:
    """Where an information set is, for sentences (a campaign's history named in words)."""
    spec = game.spec
    if spec is not None and infoset.stage in spec.nodes:
        title = spec.nodes[infoset.stage].title
        text = f"'{title}'" if title else infoset.stage
        history = history_name(game, infoset)
        if history:
            text += f" ({history})"
        elif game.rounds > 1:
            text += " (round 1)"
        return text
    return infoset.label


def _probability_phrase(p: Fraction) -> str:
    if p == 1:
        return "always"
    if p == 0:
        return "never"
    return f"with probability {format_fraction(p)}"


def describe_behaviour(game: Game, eq: Equilibrium, infoset: Infoset) -> str:
    """'the Irresolute type of State A chooses Issue a public threat with probability 1/2'."""
    probs = eq.behaviour[infoset.id]
    support = [a for a, p in enumerate(probs) if p > 0]
    who = actor_name(game, infoset)
    if len(support) == 1:
        return f"{who} chooses {action_name(game, infoset, support[0])}"
    parts = [f"{action_name(game, infoset, a)} {_probability_phrase(probs[a])}" for a in support]
    return f"{who} mixes: " + ", ".join(parts)


def describe_equilibrium(game: Game, eq: Equilibrium) -> str:
    """One paragraph in plain words: behaviour on the path, beliefs, outcomes, refinements."""
    sentences: list[str] = []
    kind = eq.kind
    intro = {"separating": "In this separating equilibrium the types act differently, so their "
                           "moves reveal them.",
             "semi-separating": "In this semi-separating (hybrid) equilibrium some types mix, so "
                                "a move is informative but not conclusive.",
             "partially pooling": "In this partially pooling equilibrium some types act alike."}
    if kind.startswith("pooling"):
        sentences.append(f"In this pooling equilibrium every type acts alike ({kind}), so the "
                         "first move reveals nothing.")
    elif kind in intro:
        sentences.append(intro[kind])
    else:
        sentences.append(f"In this {'pure' if eq.pure else 'mixed'} equilibrium:")
    on_path = [i for i in game.infosets if eq.on_path[i.id]]
    described = [describe_behaviour(game, eq, i) + f" at {stage_name(game, i)}" for i in on_path]
    if described:
        joined = "; ".join(described) + "."
        if not sentences[-1].endswith(":"):
            joined = joined[:1].upper() + joined[1:]
        sentences.append(joined)
    for infoset in on_path:
        if len(set(infoset.keys)) < 2 or infoset.group not in eq.beliefs:
            continue
        belief = eq.beliefs[infoset.group]
        parts = [f"{key_name(game, infoset, k)} {format_fraction(belief.get(k, Fraction(0)))}"
                 for k in infoset.keys]
        sentences.append(f"At {stage_name(game, infoset)}, {game.players[infoset.player]} "
                         f"believes: " + ", ".join(parts) + " (by Bayes' rule).")
        break
    folded: dict[str, list[str]] = {}
    for group, belief_set in eq.off_path_beliefs.items():
        infoset = game.infosets[game.group_infosets[group][0]]
        if len(belief_set.keys) < 2:
            continue
        interval = belief_set.interval
        first = key_name(game, infoset, belief_set.keys[0])
        if interval is not None and not belief_set.unrestricted:
            low, high = interval
            belief_text = (f"believes {first} with probability between {format_fraction(low)} "
                           f"and {format_fraction(high)}")
            if low == high:
                belief_text = f"believes {first} with probability {format_fraction(low)}"
        elif belief_set.unrestricted:
            belief_text = "believes anything"
        else:
            belief_text = "holds one of the beliefs listed"
        behaviour = describe_behaviour(game, eq, infoset)
        reason = (f"there {behaviour}, which is a best reply as long as "
                  f"{game.players[infoset.player]} {belief_text}.")
        folded.setdefault(reason, []).append(stage_name(game, infoset))
    for reason, places in folded.items():       # one sentence for the same play and belief
        where = places[0] if len(places) == 1 else (
            ", ".join(places[:-1]) + f" and {places[-1]}" if len(places) <= 3 else
            f"{places[0]} and {len(places) - 1} other histories")
        verb = "is" if len(places) == 1 else "are"
        sentences.append(f"{where} {verb} never reached; {reason}")
    outcome_parts = [f"{label} {format_fraction(p)}" for label, p in
                     sorted(eq.outcomes.items(), key=lambda kv: -kv[1])]
    sentences.append("Outcomes: " + ", ".join(outcome_parts) + ".")
    if eq.continuum is not None:
        sentences.append("This equilibrium is one point of a continuum: the probabilities can "
                         "vary within the ranges shown and it stays an equilibrium.")
    if eq.intuitive is not None and eq.off_path_beliefs:
        sentences.append(f"Intuitive Criterion: {eq.intuitive.reason}")
    if eq.d1 is not None and eq.off_path_beliefs and eq.d1.reason != (eq.intuitive.reason if eq.intuitive else ""):
        sentences.append(f"D1: {eq.d1.reason}")
    return " ".join(dict.fromkeys(sentences))   # never the same sentence twice
