"""The plain terminal game (rich prompts): pick, brief, decide, see the outcome and a debrief."""

from __future__ import annotations

import random

from rich.console import Console
from rich.panel import Panel
from rich.prompt import IntPrompt, Prompt
from rich.table import Table
from rich.text import Text

from game.cli import EXIT_OK, EXIT_PROBLEMS, UsageError, parse_sets
from game.model.expr import format_fraction


def _pick_scenario(console: Console) -> str:
    from game.scenario.library import shipped
    from game.scenario.load import load_scenario

    entries = []
    for entry in shipped():
        try:
            entries.append(load_scenario(entry.path))
        except Exception:  # noqa: BLE001 - a broken file is simply not offered
            continue
    if not entries:
        raise UsageError("no shipped scenarios were found")
    table = Table(title="Scenarios", title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("title")
    table.add_column("concepts")
    for number, spec in enumerate(entries, start=1):
        table.add_row(str(number), Text(spec.title), Text(", ".join(spec.concepts)))
    console.print(table)
    choice = IntPrompt.ask("Play which scenario", choices=[str(n) for n in range(1, len(entries) + 1)],
                           show_choices=False, default=1)
    return entries[choice - 1].id


def run_play(args) -> int:
    """`deterrence play`: the Textual game (`--plain`: the prompt game; `--web`: in a browser).

    Every argument is checked here first, so a bad one ends with a clean usage error before
    any screen appears. A scenario file with problems is not an argument error: the game opens
    and shows the located problems in a dialog.
    """
    if args.plain and args.web:
        raise UsageError("--plain and --web cannot be combined")
    _check_scenario_name(args.scenario)
    values = parse_sets(args.set)
    _check_play_args(args, values)
    if args.plain:
        from game.cli.commands import console

        return play_plain(console, args)
    if args.web:
        return serve_web(args)
    from game.tui.app import make_app

    app = make_app(args.scenario, role=args.role, own_type=args.own_type,
                   opponent=args.opponent, rounds=args.rounds, seed=args.seed, exam=args.exam,
                   values=values)
    app.run()
    return EXIT_OK


def _check_scenario_name(name: str | None) -> None:
    """A usage error (with a did-you-mean) when `name` is neither a shipped scenario nor an
    existing file; a file with problems is not an argument error (the game shows them)."""
    if name is None:
        return
    from game.scenario.errors import ScenarioError
    from game.tui.session import scenario_path

    try:
        scenario_path(name)
    except ScenarioError as error:
        raise UsageError(error.problems[0].message) from None


def _check_play_args(args, values) -> None:
    """Raises UsageError for any bad play argument (the scenario's own problems excepted)."""
    from game.bots import BotSpecError, check_kind

    if args.opponent != "human":
        try:
            check_kind(args.opponent)
        except BotSpecError as error:
            raise UsageError(f"--opponent: {error}") from None
    if args.rounds is not None and not 1 <= args.rounds <= 12:
        raise UsageError("--rounds must be between 1 and 12")
    if args.web and not 1 <= args.port <= 65535:
        raise UsageError("--port must be between 1 and 65535")
    if args.scenario is None:
        if args.role or args.own_type:
            raise UsageError("--as and --type need a scenario")
        return
    from game.scenario.errors import ScenarioError
    from game.tui.session import load

    try:
        spec, game = load(args.scenario, values, args.rounds)
    except ScenarioError:
        return  # shown in the game's problems dialog
    check_type(spec, resolve_role(spec, game, args.role), args.own_type)


def resolve_role(spec, game, role: str | None) -> int:
    """The player index `--as` names (0 when not given); a usage error for an unknown one."""
    if not role:
        return 0
    try:
        return game.player_index(role)
    except KeyError:
        names = ", ".join(f"{p.id} ({p.name})" for p in spec.players)
        raise UsageError(f"--as: no player {role!r}; choose one of {names}") from None


def check_type(spec, me: int, own_type: str | None) -> None:
    """A usage error when `--type` names no type of the player."""
    own_types = [t.id for t in spec.players[me].types]
    if own_type and own_type not in own_types:
        raise UsageError(f"--type: {spec.players[me].name} has no type {own_type!r}; "
                         f"choose one of {', '.join(own_types)}")


def web_command(args) -> str:
    """The command textual-serve runs per browser session: this Python, absolute path.

    An absolute interpreter path avoids the PATH gotcha (textual-serve starts the command
    through a shell, where the virtualenv's `python` may not be first on PATH).
    """
    import shlex
    import sys

    parts = [sys.executable, "-m", "game", "play"]
    if args.scenario:
        parts.append(args.scenario)
    for flag, value in (("--as", args.role), ("--type", args.own_type),
                        ("--opponent", args.opponent), ("--rounds", args.rounds),
                        ("--seed", args.seed)):
        if value is not None:
            parts += [flag, str(value)]
    if args.exam:
        parts.append("--exam")
    for item in args.set or []:
        parts += ["--set", item]
    return " ".join(shlex.quote(p) for p in parts)


def serve_web(args) -> int:
    """Serves the game on 127.0.0.1:PORT with textual-serve until interrupted."""
    import os
    import sys
    from pathlib import Path

    from textual_serve.server import Server

    bin_dir = str(Path(sys.executable).parent)
    os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    server = Server(web_command(args), host="127.0.0.1", port=args.port,
                    title="Deterrence")
    print(f"Serving the game at http://127.0.0.1:{args.port}/ (Ctrl+C stops)", flush=True)
    server.serve()
    return EXIT_OK


def play_plain(console: Console, args) -> int:
    """Plays one game at the prompt, with the same panels and the same computed debrief as
    the Textual game (for screen readers and slow links); returns the exit code."""
    from game.cli.commands import load_game, print_problems
    from game.scenario.errors import ScenarioError
    from game.tui.driver import LocalDriver
    from game.tui.screens.briefing import build_opponent
    from game.tui.session import default_solver

    name = args.scenario or _pick_scenario(console)
    values = parse_sets(args.set)
    try:
        spec, game = load_game(name, values, rounds=args.rounds)
    except ScenarioError as error:
        print_problems(error)
        return EXIT_PROBLEMS
    if spec is None:
        raise UsageError("play needs a scenario file, not a .efg game")
    me = resolve_role(spec, game, args.role)
    if not args.role and args.scenario is None:
        names = [p.name for p in spec.players]
        picked = Prompt.ask("Play as", choices=names, default=names[0])
        me = names.index(picked)
    check_type(spec, me, args.own_type)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1, 1_000_000)
    with console.status("Solving the game..."):
        result = default_solver(game)
    bot, note = build_opponent(args.opponent, game, result, seed)
    if note:
        console.print(Text(note.strip(), style="yellow"))
    if bot is not None:
        bot.reset()
    from game.tui.debrief_text import preferred_index

    index = getattr(bot, "equilibrium_index", preferred_index(result))
    driver = LocalDriver(game, me, bot=bot, seed=seed, own_type=args.own_type, result=result,
                         equilibrium_index=index)
    _briefing(console, spec, game, driver, result, args.exam)
    shown = me
    for event in driver.drain_events():
        _event(console, event)
    while not driver.finished:
        seat = driver.seat
        if len(driver.humans) > 1 and seat != shown:
            Prompt.ask(Text(f"Pass the keyboard to {spec.players[seat].name}; press Enter "
                            "when alone"), default="", show_default=False)
            shown = seat
        action = _ask(console, spec, game, driver, seat, args.exam)
        driver.submit(action)
        for event in driver.drain_events():
            _event(console, event)
    _outcome(console, spec, game, driver, me if len(driver.humans) == 1 else None)
    return EXIT_OK


def _event(console: Console, event) -> None:
    style = "yellow" if event.kind == "chance" else "cyan"
    console.print(Text(event.text, style=style))


def _briefing(console: Console, spec, game, driver, result, exam: bool) -> None:
    from game.tui.screens.briefing import payoff_table
    from game.tui.teach.drawing import draw_tree, matrices

    me = driver.home
    player = spec.players[me]
    lines = [" ".join(spec.summary.split()), ""]
    if len(driver.humans) > 1:
        lines.append(f"Hot-seat: {spec.players[0].name} and {spec.players[1].name} share this "
                     "keyboard.")
    else:
        lines.append(f"You play {player.name}. {player.role}")
        if len(player.types) > 1:
            held = spec.type_of(me, driver.view().own_type)
            lines.append(f"Your private type (only you see it): {held.name}. "
                         f"{' '.join(held.description.split())}")
        else:
            lines.append("You have no private type: your payoffs are common knowledge.")
        opponent = spec.players[1 - me]
        if len(opponent.types) > 1:
            names = ", ".join(t.name for t in opponent.types)
            lines.append(f"You do not know {opponent.name}'s type ({names}); it knows its own.")
        else:
            lines.append(f"{opponent.name} has no private type: you know its payoffs.")
        lines.append(f"Your opponent ({driver.opponent_name}): {driver.opponent_description}")
    lines.append(f"Seed {driver.seed}: --seed {driver.seed} replays these draws.")
    if result is not None and not exam:
        found = len(result.equilibria)
        lines.append(f"The solver found {found} equilibri{'um' if found == 1 else 'a'}.")
    console.print(Panel(Text("\n".join(lines)), title=Text(spec.title), title_align="left"))
    console.print(payoff_table(spec, game.values))
    if spec.parameters:
        from game.tui.screens.briefing import _plain

        console.print(Text("Parameters: " + "; ".join(
            f"{p.name} = {format_fraction(game.values.get(p.name, p.value))}"
            + (f" ({_plain(p.description, exam)})" if p.description else "")
            for p in spec.parameters)))
    for matrix in matrices(spec, game.values):
        console.print(Text("\n".join(["The simultaneous stage in strategic form:",
                                      *matrix.lines()])))
    console.print(Text("\n".join(["The game tree ([tags] name information sets):",
                                  *draw_tree(game)])))


def _ask(console: Console, spec, game, driver, seat: int, exam: bool) -> str:
    from game.tui.teach import panels

    view = driver.view()
    stage = spec.nodes[view.stage]
    header = (stage.title or stage.id) + f"  ({spec.players[seat].name}"
    if len(spec.players[seat].types) > 1:
        header += f", your type: {spec.type_of(seat, view.own_type).name}"
    header += ")"
    if game.rounds > 1:
        header += f"  round {view.round} of {game.rounds}"
    console.print(Panel(Text(" ".join((stage.text or "").split())), title=Text(header),
                        title_align="left"))
    legal = view.legal_actions
    for number, action in enumerate(legal, start=1):
        console.print(Text(f"  {number}. {spec.action_label(stage.id, action)}"))
    insight = driver.insight(seat)
    texts = [panels.own_belief(spec, seat, insight, exam) if len(spec.players[1 - seat].types)
             > 1 else "", panels.belief_about_you(spec, seat, insight, exam),
             "" if exam else panels.risk_panel(spec, legal, insight),
             panels.worth_panel(spec, legal, insight, exam)]
    for text in texts:
        if text:
            console.print(Text(text, style="dim"))
    choice = IntPrompt.ask("Your move", choices=[str(n) for n in range(1, len(legal) + 1)],
                           show_choices=False)
    action = legal[choice - 1]
    if exam and len(driver.humans) == 1:
        _predict(console, spec, game, driver, action)
    return action


def _predict(console: Console, spec, game, driver, action: str) -> None:
    """Exam mode: when the opponent answers this move next, asks what it will do."""
    node = driver.state.current
    child = game.nodes[node.children[node.actions.index(action)]]
    if child.player != 1 - node.player:
        return
    options = [spec.action_label(child.stage, a) for a in child.actions]
    console.print(Text(f"What will {spec.players[child.player].name} do now? "
                       + "; ".join(f"{n}. {o}" for n, o in enumerate(options, start=1))))
    choice = IntPrompt.ask("Your prediction", choices=[str(n) for n in
                                                       range(1, len(options) + 1)],
                           show_choices=False)
    driver.predictions.append((child.id, child.actions[choice - 1]))


def _outcome(console: Console, spec, game, driver, me: int | None) -> None:
    from game.tui.teach.export import debrief_sections

    state = driver.final_state()
    node = state.current
    stage = spec.nodes.get(node.stage)
    types = state.types()
    lines = [" ".join((getattr(stage, "text", "") or node.outcome).split()), ""]
    for index, player in enumerate(spec.players):
        type_text = ""
        if len(player.types) > 1:
            type_text = f" ({spec.type_of(index, types[index]).name})"
        lines.append(f"{player.name}{type_text}: payoff {format_fraction(node.payoffs[index])}"
                     + ("  <- you" if index == me else ""))
    console.print(Panel(Text("\n".join(lines)), title=Text(f"Outcome: {node.outcome}"),
                        title_align="left"))
    index = driver.equilibrium_index
    for heading, body in debrief_sections(spec, game, driver.result, index, state, me, driver):
        console.print(Text(heading.upper(), style="bold"))
        console.print(Text("\n".join(body)))
        console.print()
