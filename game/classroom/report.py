"""The class debrief from a session's events: frequencies per information set beside each
equilibrium's prediction and the logit QRE at the maximum-likelihood lambda, round-by-round
shares, and stated beliefs against the Bayes posterior implied by the class's play."""

from __future__ import annotations

import math
import threading
from collections import Counter, defaultdict

SPARK = "▁▂▃▄▅▆▇█"
_TRACES: dict[tuple, tuple] = {}
"""(id of the game, the lambda grid) -> (the game, its QRE points): a trace depends on the
game alone, so the rooms of one host that play the same game share it (see `trace_qre`)."""
_TRACES_LOCK = threading.Lock()


def coarse_grid() -> list[float]:
    """The lambdas first tried along the principal branch."""
    import numpy as np

    return [0.0, *(float(x) for x in np.geomspace(0.01, 200, 48))]


def trace_qre(game, grid: list[float]) -> list:
    """The logit QRE at each lambda of `grid` (remembered for this game: tracing is most of
    a debrief's work, and a host's rooms often play the same game)."""
    from game.solver.qre import LogitQRE

    key = (id(game), tuple(grid))
    with _TRACES_LOCK:
        cached = _TRACES.get(key)
    if cached is not None and cached[0] is game:
        return cached[1]
    points = LogitQRE(game).trace(list(grid))
    with _TRACES_LOCK:
        if len(_TRACES) > 256:
            _TRACES.clear()
        _TRACES[key] = (game, points)
    return points


def prepare_debrief(game) -> None:
    """Traces the game's QRE along the coarse grid now (before the session), so that making a
    room's debrief at its end costs little while other rooms still play."""
    trace_qre(game, coarse_grid())


def fit_qre(game, counts: dict[int, Counter]) -> tuple[float, float, dict[int, tuple]]:
    """Maximises the log-likelihood of the class's decisions over lambda (a grid along the
    principal branch, then a finer grid around the best point). Returns (lambda, loglik,
    behaviour)."""
    import numpy as np

    def loglik(point) -> float:
        total = 0.0
        for infoset_id, counter in counts.items():
            probs = point.behaviour.get(infoset_id)
            if probs is None:
                continue
            actions = game.infosets[infoset_id].actions
            for action, n in counter.items():
                total += n * math.log(max(probs[actions.index(action)], 1e-12))
        return total

    grid = coarse_grid()
    points = trace_qre(game, grid)
    scored = [(loglik(p), p) for p in points]
    best_index = max(range(len(scored)), key=lambda i: scored[i][0])
    low = points[max(0, best_index - 1)].lam
    high = points[min(len(points) - 1, best_index + 1)].lam
    if high > low:
        fine = [*grid[:1], *(float(x) for x in np.linspace(max(low, 1e-3), high, 24))]
        scored += [(loglik(p), p) for p in trace_qre(game, sorted(set(fine)))]
    ll, point = max(scored, key=lambda s: s[0])
    return point.lam, ll, point.behaviour


def analyse(events: list[dict], game, result) -> dict:
    """The debrief's numbers (plain data)."""
    moves = [e for e in events if e["kind"] == "move"]
    human = [e for e in moves if not e["bot"]]
    used = human or moves
    label_to_id = {i.label: i.id for i in game.infosets}
    results = {(e["round"], e["pair"]): e for e in events if e["kind"] == "result"}
    counts: dict[int, Counter] = defaultdict(Counter)
    by_round: dict[int, dict[int, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for e in used:
        infoset_id = label_to_id.get(e["infoset"])
        if infoset_id is None:
            continue
        counts[infoset_id][e["action"]] += 1
        by_round[infoset_id][e["round"]][e["action"]] += 1
    lam, ll, qre = fit_qre(game, counts) if counts else (0.0, 0.0, {})
    rows = []
    for infoset in game.infosets:
        n = sum(counts[infoset.id].values())
        rows.append({
            "infoset": infoset.label, "player": game.players[infoset.player], "n": n,
            "actions": list(infoset.actions),
            "class": [counts[infoset.id][a] / n if n else None for a in infoset.actions],
            "equilibria": [[float(p) for p in eq.behaviour[infoset.id]]
                           if infoset.id in eq.behaviour else None
                           for eq in result.equilibria] if result is not None else [],
            "qre": list(qre.get(infoset.id, ())),
            "rounds": {r: (c[infoset.actions[0]] / sum(c.values()))
                       for r, c in sorted(by_round[infoset.id].items())},
        })
    beliefs = []
    grouped: dict[str, list[dict]] = defaultdict(list)
    for e in events:
        if e["kind"] == "belief":
            grouped[e["infoset"]].append(e)
    for infoset, items in sorted(grouped.items()):
        types = sorted({t for e in items for t in e["beliefs"]})
        reached = Counter()
        for e in moves:
            if e["infoset"] == infoset and (e["round"], e["pair"]) in results:
                reached[results[(e["round"], e["pair"])]["types"][1 - e["role"]]] += 1
        total = sum(reached.values())
        posterior = {t: reached[t] / total if total else None for t in types}
        stated = {t: sum(e["beliefs"].get(t, 0) for e in items) / len(items) for t in types}

        def score(b: dict, actual: str) -> float:
            return 1 - sum(((b.get(t) or 0) - (1 if t == actual else 0)) ** 2 for t in types)
        beliefs.append({
            "infoset": infoset, "n": len(items), "stated": stated, "posterior": posterior,
            "score_stated": sum(score(e["beliefs"], e["opponent_type"]) for e in items)
            / len(items),
            "score_posterior": (sum(score(posterior, e["opponent_type"]) for e in items)
                                / len(items)) if total else None})
    design = ""
    if events and events[0].get("kind") == "session" and "config" in events[0]:
        from game.classroom.seating import RoomConfig

        design = RoomConfig.from_dict(events[0]["config"]).design()
    return {"title": game.title, "decisions": len(used), "human_only": bool(human),
            "students": len({e["label"] for e in human}), "design": design,
            "rounds": max((e["round"] for e in moves), default=0), "lambda": lam,
            "loglik": ll, "infosets": rows, "beliefs": beliefs,
            "n_equilibria": len(result.equilibria) if result is not None else 0,
            "equilibrium_kinds": [eq.kind for eq in result.equilibria] if result else []}


def _pct(p) -> str:
    return "-" if p is None else f"{100 * p:.0f}%"


def _spark(values: list[float]) -> str:
    return "".join(SPARK[min(7, int(v * 8))] for v in values)


def render(data: dict, markdown: bool = False) -> str:
    """The debrief as text (or Markdown)."""
    lines: list[str] = []
    h = (lambda s: f"## {s}") if markdown else (lambda s: f"{s}\n{'=' * len(s)}")
    title = f"# Class debrief: {data['title']}" if markdown else f"Class debrief: {data['title']}"
    lines += [title, ""]
    students = data.get("students", 0)
    who = (f"decisions by {students} student{'s' if students != 1 else ''}"
           if data["human_only"] else "decisions (bots only: no student decided)")
    lines.append(f"{data['decisions']} {who} over {data['rounds']} rounds. Logit QRE fitted by "
                 f"maximum likelihood: lambda = {data['lambda']:.3g} "
                 f"(log-likelihood {data['loglik']:.1f}).")
    if data.get("design"):
        lines.append(f"Design: {data['design']}.")
    for i, kind in enumerate(data["equilibrium_kinds"], 1):
        lines.append(f"  E{i}: {kind}")
    lines += ["", h("Frequencies per information set"), ""]
    eq_names = [f"E{i}" for i in range(1, data["n_equilibria"] + 1)]
    header = ["information set", "action", "n", "class", *eq_names, "QRE"]
    table = []
    for row in data["infosets"]:
        for k, action in enumerate(row["actions"]):
            table.append([row["infoset"] if k == 0 else "", action, str(row["n"]) if k == 0
                          else "", _pct(row["class"][k]),
                          *[_pct(eq[k]) if eq else "-" for eq in row["equilibria"]],
                          _pct(row["qre"][k]) if row["qre"] else "-"])
    lines += _table(header, table, markdown)
    lines += ["", h("Round by round (share of the first action)"), ""]
    curve_rows = [[row["infoset"], row["actions"][0], _spark(list(row["rounds"].values())),
                   " ".join(_pct(v) for v in row["rounds"].values())]
                  for row in data["infosets"] if row["rounds"]]
    lines += _table(["information set", "action", "curve", "rounds 1.."], curve_rows, markdown)
    if data["beliefs"]:
        lines += ["", h("Stated beliefs against the Bayes posterior of the class's play"), ""]
        rows = []
        for b in data["beliefs"]:
            for t in b["stated"]:
                rows.append([b["infoset"], t, str(b["n"]), _pct(b["stated"][t]),
                             _pct(b["posterior"][t]), f"{b['score_stated']:.2f}",
                             "-" if b["score_posterior"] is None
                             else f"{b['score_posterior']:.2f}"])
        lines += _table(["information set", "opponent type", "n", "stated (mean)",
                         "posterior", "quadratic score", "score of posterior"], rows, markdown)
        lines.append("")
        lines.append("Quadratic score: 1 - sum over types of (belief - truth)^2; 1 is perfect.")
    return "\n".join(lines) + "\n"


def _table(header: list[str], rows: list[list[str]], markdown: bool) -> list[str]:
    if markdown:
        out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        out += ["| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |" for r in rows]
        return out
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return [fmt.format(*header).rstrip(), fmt.format(*("-" * w for w in widths))] + \
           [fmt.format(*r).rstrip() for r in rows]


__all__ = ["analyse", "fit_qre", "prepare_debrief", "render", "trace_qre"]
