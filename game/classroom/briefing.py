"""What a student reads: the briefing (the game, their role and type, the payoffs, the
parameters, the session's rules) and, at the end, their own summary; plain text from the
server's messages and the scenario, for the plain prompt and the full-screen client alike."""

from __future__ import annotations


def briefing_text(welcome: dict, game=None, state: dict | None = None) -> str:
    """The briefing: from the welcome (the session's rules), the game (its story, payoffs and
    parameters; None when this machine does not have the scenario) and the latest state (the
    student's role and type this round, once a round has begun)."""
    spec = getattr(game, "spec", None)
    lines = [f"Briefing: {welcome.get('scenario', '')}"]
    if spec is not None and spec.summary.strip():
        lines += ["", " ".join(spec.summary.split())]
    lines.append("")
    if state is not None:
        role = state["role"]
        lines.append(f"This round (round {state['round']} of {state['rounds']}) you play "
                     f"{_player(spec, role, state['player'])}.")
        if spec is not None:
            player = spec.players[role]
            if player.role:
                lines.append(" ".join(player.role.split()))
            if len(player.types) > 1:
                own = spec.type_of(role, state["own_type"])
                lines.append(f"Your private type (only you see it): {own.name}. "
                             f"{' '.join(own.description.split())}")
            opponent = spec.players[1 - role]
            if len(opponent.types) > 1:
                names = ", ".join(t.name for t in opponent.types)
                lines.append(f"You do not know {opponent.name}'s type ({names}); you learn it "
                             "with the outcome.")
        elif state.get("own_type"):
            lines.append(f"Your private type: {state['own_type']}.")
    else:
        lines.append("Your role and your private type are shown when the first round "
                     "begins.")
    rounds, timeout = welcome.get("rounds"), welcome.get("timeout")
    clock = f"{timeout:g} seconds per decision, then a bot decides for you" if timeout else \
        "no time limit per decision"
    lines += ["", f"The session: {rounds} rounds; each round you play one game against a "
                  f"classmate; {clock}."]
    if welcome.get("design"):
        lines.append(f"Design: {welcome['design']}.")
    if spec is not None:
        from game.model.expr import format_fraction
        from game.model.spec import payoff_rows

        rows = payoff_rows(spec, game.values)
        header = ("outcome", "types", spec.players[0].name, spec.players[1].name)
        widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
        lines += ["", "Payoffs:"]
        lines.append("  " + "  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip())
        lines += ["  " + "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip()
                  for row in rows]
        params = [f"  {p.name} = {format_fraction(game.values.get(p.name, p.value))}"
                  + (f"  ({p.description})" if p.description else "")
                  for p in spec.parameters]
        if params:
            lines += ["", "Parameters:", *params]
    else:
        lines += ["", "(This machine does not have the scenario, so the payoff table is not "
                      "shown; ask the instructor.)"]
    return "\n".join(lines)


def _player(spec, role: int, fallback: str) -> str:
    return spec.players[role].name if spec is not None else fallback


def summary_text(ended: dict) -> str:
    """The student's own summary: each game, and the total."""
    games = ended.get("games") or []
    lines = [ended.get("message") or f"The session is over; your total is {ended['total']}."]
    if games:
        header = ("round", "you were", "your type", "partner", "their type", "outcome",
                  "your payoff")
        rows = [(str(g["round"]), g["player"], g["type"], g["partner"], g["partner_type"],
                 g["outcome"], g["payoff"]) for g in games]
        widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
        lines += ["", "Your games:"]
        lines.append("  " + "  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip())
        lines += ["  " + "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip()
                  for row in rows]
        lines.append(f"  total: {ended['total']}")
    else:
        lines.append("You played no game in this session.")
    return "\n".join(lines)


__all__ = ["briefing_text", "summary_text"]
