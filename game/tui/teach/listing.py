"""Provides every equilibrium in full: the side-by-side table (kind, where play goes, payoffs,
beliefs, refinement verdicts) and the listing, in order of play, one line per information set.

In a campaign the histories are named in words, and information sets off the path whose
lines would say the same thing are folded into one line that lists where they are.
"""

from __future__ import annotations

from fractions import Fraction

from game.model.expr import format_fraction
from game.tui.teach.theory import history_words, label, title

ZERO = Fraction(0)


def _who(game, infoset) -> str:
    spec = game.spec
    name = game.players[infoset.player]
    if spec is not None and len(spec.players[infoset.player].types) > 1 and infoset.own_type:
        return f"{name} ({spec.type_of(infoset.player, infoset.own_type).name})"
    return name


def _play(game, equilibrium, infoset) -> str:
    node = game.nodes[infoset.members[0]]
    probs = equilibrium.behaviour[infoset.id]
    support = [a for a, p in enumerate(probs) if p]
    if len(support) == 1:
        return label(game, node, infoset.actions[support[0]])
    return ", ".join(f"{label(game, node, infoset.actions[a])} {format_fraction(probs[a])}"
                     for a in support)


def _key(game, infoset, key: str) -> str:
    from game.solver.explain.prose import key_name

    return key_name(game, infoset, key)


def _belief(game, equilibrium, infoset) -> str:
    """The belief at an information set with several nodes ('' with one)."""
    if len(set(infoset.keys)) < 2:
        return ""
    if infoset.group in equilibrium.beliefs:
        belief = equilibrium.beliefs[infoset.group]
        shown = ", ".join(f"{_key(game, infoset, k)} {format_fraction(belief.get(k, ZERO))}"
                          for k in dict.fromkeys(infoset.keys))
        return f"believes {shown} (Bayes' rule)"
    belief_set = equilibrium.off_path_beliefs.get(infoset.group)
    if belief_set is None:
        return ""
    if belief_set.unrestricted:
        return "believes anything (every belief supports this play)"
    interval = belief_set.interval
    if interval is not None:
        low, high = interval
        first = _key(game, infoset, belief_set.keys[0])
        span = (format_fraction(low) if low == high else
                f"between {format_fraction(low)} and {format_fraction(high)}")
        return f"believes {first} {span} (off the path: the equilibrium's assumption)"
    return "holds one of the beliefs that support this play (off the path)"


def listing_lines(game, result, index: int | None = None) -> list[str]:
    """Every equilibrium, in order of play, one line per information set (folded off the
    path where lines would repeat)."""
    from game.solver.structure import Structure
    from game.tui.debrief_text import count_text, verdicts_text

    structure = Structure(game)
    depth = structure.depth
    order = sorted(structure.order, key=lambda i: (game.infosets[i].round,
                                                   min(depth[m] for m in
                                                       game.infosets[i].members), i))
    lines = [f"THE EQUILIBRIA IN FULL ({count_text(len(result.equilibria))}; in order of "
             "play, one line per information set)"]
    for number, eq in enumerate(result.equilibria, start=1):
        mark = "  <- compared with your play" if number - 1 == index else ""
        lines += ["", f"Equilibrium {number}: {eq.kind}; "
                      f"{verdicts_text(eq.intuitive, eq.d1)}{mark}"]
        folded: dict[tuple[str, str, str, str], list[str]] = {}
        for infoset_id in order:
            infoset = game.infosets[infoset_id]
            where = history_words(game, infoset.members[0])
            play = _play(game, eq, infoset)
            belief = _belief(game, eq, infoset)
            text = f"{_who(game, infoset)}: {play}" + (f"; {belief}" if belief else "")
            if eq.on_path[infoset.id]:
                place = title(game, infoset.stage) + (f" ({where})" if where else "")
                lines.append(f"  {place}: {text}")
                continue
            key = (title(game, infoset.stage), text, "", "")
            if key not in folded:
                folded[key] = []
                lines.append(key)          # placeholder, filled below
            folded[key].append(where)
        for position, entry in enumerate(lines):
            if isinstance(entry, tuple):
                where = _places([w for w in folded[entry] if w])
                lines[position] = f"  {entry[0]}{where}, never reached: {entry[1]}"
        outcomes = ", ".join(f"{o} {format_fraction(p)}" for o, p in
                             sorted(eq.outcomes.items(), key=lambda kv: (-kv[1], kv[0])))
        lines.append(f"  Outcomes: {outcomes}. Payoffs: "
                     + ", ".join(f"{name} {format_fraction(v)}"
                                 for name, v in zip(game.players, eq.payoffs)) + ".")
        for extra in getattr(eq, "notes", ()) or ():
            lines.append(f"  Note: {extra}")
    return lines


def _places(places: list[str]) -> str:
    """' (round 2, after War in round 1 or after Status quo in round 1)' for folded lines."""
    if not places:
        return ""
    prefix = places[0].split(", ")[0] + ", "
    if all(p.startswith(prefix) for p in places):
        places = [places[0]] + [p[len(prefix):] for p in places[1:]]
    if len(places) > 4:
        places = [*places[:3], f"{len(places) - 3} more histories"]
    return " (" + " or ".join(places) + ")"


def table_rows(game, result) -> tuple[list[str], list[list[str]]]:
    """The side-by-side table: headers (one column per equilibrium) and rows."""
    from game.tui.debrief_text import verdict_text

    headers = ["", *[f"Eq. {n}" for n in range(1, len(result.equilibria) + 1)]]
    rows: list[list[str]] = [["kind"], ["where play goes"], ["payoffs"], ["beliefs on the path"],
                             ["beliefs off the path"], ["Intuitive Criterion"], ["D1"]]
    for eq in result.equilibria:
        rows[0].append(eq.kind + (" (a continuum)" if eq.continuum is not None else ""))
        rows[1].append("; ".join(f"{o} {format_fraction(p)}" for o, p in
                                 sorted(eq.outcomes.items(), key=lambda kv: (-kv[1], kv[0]))))
        rows[2].append("; ".join(f"{name} {format_fraction(v)}"
                                 for name, v in zip(game.players, eq.payoffs)))
        on, off = [], []
        for infoset in game.infosets:
            belief = _belief(game, eq, infoset)
            if not belief or infoset.id != game.group_infosets[infoset.group][0]:
                continue
            where = title(game, infoset.stage)
            history = history_words(game, infoset.members[0])
            entry = f"{where}{f' ({history})' if history else ''}: {belief.split(' (')[0]}"
            (on if eq.on_path[infoset.id] else off).append(entry.replace("believes ", ""))
        rows[3].append("; ".join(on[:4]) + (f"; +{len(on) - 4} more" if len(on) > 4 else "")
                       or "-")
        rows[4].append("; ".join(off[:3]) + (f"; +{len(off) - 3} more" if len(off) > 3 else "")
                       or "-")
        rows[5].append(verdict_text("", eq.intuitive).strip())
        rows[6].append(verdict_text("", eq.d1).strip())
    return headers, rows
