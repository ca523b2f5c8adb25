"""Tidy tables from a session's events, for `deterrence export DB --csv DIR | --json FILE`.

Times are absolute (ISO 8601 with the host's UTC offset, to the millisecond); each decision
says its place among the moves of its game (`move`), who the partner was, and the session's
matching design, so the tables of several sessions can be stacked and analysed together.
"""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

COLUMNS = {
    "decisions": ["session", "round", "pair", "move", "at", "participant", "partner", "role",
                  "type", "opponent_type", "infoset", "action", "time_ms", "bot", "reason",
                  "stated_belief", "matching", "roles", "type_draws"],
    "rounds": ["session", "round", "pair", "started_at", "ended_at", "participant_a",
               "participant_b", "type_a", "type_b", "outcome", "payoff_a", "payoff_b",
               "actions", "matching", "roles", "type_draws"],
    "participants": ["session", "seat", "participant", "joined_at", "removed"],
    "beliefs": ["session", "round", "pair", "at", "participant", "infoset", "opponent_type",
                "belief_type", "probability"],
    "session": ["session", "scenario", "title", "parameters", "seed", "rounds", "matching",
                "roles", "type_draws", "design", "timeout", "elicit_beliefs", "player_a",
                "player_b", "started_at", "room_name"],
}


def when(t: float | None) -> str:
    """An event's wall-clock time as ISO 8601 with the UTC offset ("" when unknown)."""
    if t is None:
        return ""
    return datetime.fromtimestamp(t).astimezone().isoformat(timespec="milliseconds")


def tables(events: list[dict]) -> dict[str, list[dict]]:
    """One list of rows per table (see `COLUMNS`)."""
    from game.classroom.seating import RoomConfig

    session = events[0]
    config = session["config"]
    design = RoomConfig.from_dict(config)
    code = config["code"]
    players = session.get("players", ["0", "1"])
    results = {(e["round"], e["pair"]): e for e in events if e["kind"] == "result"}
    labels: dict[int, str] = {}
    pairs: dict[tuple[int, int], list] = {}
    started: dict[int, float] = {}
    moves_in_game: dict[tuple[int, int], int] = {}
    shape = {"matching": design.matching, "roles": design.roles,
             "type_draws": design.type_draws}
    out: dict[str, list[dict]] = {name: [] for name in COLUMNS}
    out["session"].append({
        "session": code, "scenario": session["scenario"], "title": session.get("title", ""),
        "parameters": json.dumps(session.get("values", {})), "seed": config["seed"],
        "rounds": config["rounds"], **shape, "design": design.design(),
        "timeout": config["timeout"], "elicit_beliefs": config["elicit_beliefs"],
        "player_a": players[0], "player_b": players[1], "started_at": when(session.get("t")),
        "room_name": config.get("name", "")})
    for e in events:
        kind = e["kind"]
        if kind == "join":
            labels[e["seat"]] = e["label"]
            out["participants"].append({"session": code, "seat": e["seat"],
                                        "participant": e["label"], "joined_at": when(e["t"]),
                                        "removed": False})
        elif kind == "kick":
            out["participants"][e["seat"]]["removed"] = True
        elif kind == "round":
            started[e["round"]] = e.get("t")
            for index, seats in enumerate(e["pairs"]):
                pairs[(e["round"], index)] = seats
        elif kind == "move":
            key = (e["round"], e["pair"])
            result = results.get(key)
            opponent = result["types"][1 - e["role"]] if result else ""
            moves_in_game[key] = moves_in_game.get(key, 0) + 1
            seats = pairs.get(key, [None, None])
            partner = seats[1 - e["role"]]
            out["decisions"].append({
                "session": code, "round": e["round"], "pair": e["pair"],
                "move": moves_in_game[key], "at": when(e.get("t")),
                "participant": e["label"] or "(bot)",
                "partner": labels.get(partner, "") if partner is not None else "(bot)",
                "role": players[e["role"]], "type": e["type"], "opponent_type": opponent,
                "infoset": e["infoset"], "action": e["action"], "time_ms": e["ms"],
                "bot": e["bot"], "reason": e["reason"],
                "stated_belief": json.dumps(e["belief"]) if e.get("belief") else "", **shape})
        elif kind == "belief":
            for belief_type, p in e["beliefs"].items():
                out["beliefs"].append({
                    "session": code, "round": e["round"], "pair": e["pair"],
                    "at": when(e.get("t")), "participant": labels.get(e["seat"], ""),
                    "infoset": e["infoset"], "opponent_type": e["opponent_type"],
                    "belief_type": belief_type, "probability": p})
        elif kind == "result":
            a, b = e["labels"]
            out["rounds"].append({
                "session": code, "round": e["round"], "pair": e["pair"],
                "started_at": when(started.get(e["round"])), "ended_at": when(e.get("t")),
                "participant_a": a or "(bot)", "participant_b": b or "(bot)",
                "type_a": e["types"][0], "type_b": e["types"][1], "outcome": e["outcome"],
                "payoff_a": e["payoffs"][0], "payoff_b": e["payoffs"][1],
                "actions": " ".join(e["actions"]), **shape})
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
    path.write_text(json.dumps({"format": "deterrence-classroom/2", **data}, indent=1),
                    encoding="utf-8")
    return path


__all__ = ["COLUMNS", "tables", "when", "write_csv", "write_json"]
