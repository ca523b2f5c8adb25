"""Tidy tables from a session's events, for `deterrence export DB --csv DIR | --json FILE`."""

from __future__ import annotations

import csv
import json
from pathlib import Path

COLUMNS = {
    "decisions": ["session", "round", "pair", "participant", "role", "type", "opponent_type",
                  "infoset", "action", "time_ms", "bot", "reason", "stated_belief"],
    "rounds": ["session", "round", "pair", "participant_a", "participant_b", "type_a",
               "type_b", "outcome", "payoff_a", "payoff_b", "actions"],
    "participants": ["session", "seat", "participant", "joined_at"],
    "beliefs": ["session", "round", "pair", "participant", "infoset", "opponent_type",
                "belief_type", "probability"],
    "session": ["session", "scenario", "title", "parameters", "seed", "rounds", "matching",
                "roles", "timeout", "elicit_beliefs", "player_a", "player_b", "started_at"],
}


def tables(events: list[dict]) -> dict[str, list[dict]]:
    """One list of rows per table (see `COLUMNS`)."""
    session = events[0]
    config = session["config"]
    code = config["code"]
    players = session.get("players", ["0", "1"])
    results = {(e["round"], e["pair"]): e for e in events if e["kind"] == "result"}
    labels: dict[int, str] = {}
    out: dict[str, list[dict]] = {name: [] for name in COLUMNS}
    out["session"].append({
        "session": code, "scenario": session["scenario"], "title": session.get("title", ""),
        "parameters": json.dumps(session.get("values", {})), "seed": config["seed"],
        "rounds": config["rounds"], "matching": config["matching"], "roles": config["roles"],
        "timeout": config["timeout"], "elicit_beliefs": config["elicit_beliefs"],
        "player_a": players[0], "player_b": players[1], "started_at": session.get("t")})
    for e in events:
        kind = e["kind"]
        if kind == "join":
            labels[e["seat"]] = e["label"]
            out["participants"].append({"session": code, "seat": e["seat"],
                                        "participant": e["label"], "joined_at": e["t"]})
        elif kind == "move":
            result = results.get((e["round"], e["pair"]))
            opponent = result["types"][1 - e["role"]] if result else ""
            out["decisions"].append({
                "session": code, "round": e["round"], "pair": e["pair"],
                "participant": e["label"] or "(bot)", "role": players[e["role"]],
                "type": e["type"], "opponent_type": opponent, "infoset": e["infoset"],
                "action": e["action"], "time_ms": e["ms"], "bot": e["bot"],
                "reason": e["reason"],
                "stated_belief": json.dumps(e["belief"]) if e.get("belief") else ""})
        elif kind == "belief":
            for belief_type, p in e["beliefs"].items():
                out["beliefs"].append({
                    "session": code, "round": e["round"], "pair": e["pair"],
                    "participant": labels.get(e["seat"], ""), "infoset": e["infoset"],
                    "opponent_type": e["opponent_type"], "belief_type": belief_type,
                    "probability": p})
        elif kind == "result":
            a, b = e["labels"]
            out["rounds"].append({
                "session": code, "round": e["round"], "pair": e["pair"],
                "participant_a": a or "(bot)", "participant_b": b or "(bot)",
                "type_a": e["types"][0], "type_b": e["types"][1], "outcome": e["outcome"],
                "payoff_a": e["payoffs"][0], "payoff_b": e["payoffs"][1],
                "actions": " ".join(e["actions"])})
    return out


def write_csv(data: dict[str, list[dict]], folder: str | Path) -> list[Path]:
    """Writes one CSV per table into `folder` (created); returns the files."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in data.items():
        path = folder / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS[name])
            writer.writeheader()
            writer.writerows(rows)
        written.append(path)
    return written


def write_json(data: dict[str, list[dict]], path: str | Path) -> Path:
    """Writes every table into one JSON object {"format": ..., table: [rows]}."""
    path = Path(path)
    path.write_text(json.dumps({"format": "deterrence-classroom/1", **data}, indent=1),
                    encoding="utf-8")
    return path


__all__ = ["COLUMNS", "tables", "write_csv", "write_json"]
