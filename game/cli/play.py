"""The plain terminal game (rich prompts): pick, brief, decide, see the outcome and a debrief."""

from __future__ import annotations

import random
from fractions import Fraction

from rich.console import Console
from rich.panel import Panel
from rich.prompt import IntPrompt, Prompt
from rich.table import Table
from rich.text import Text

from game.cli import EXIT_OK, EXIT_PROBLEMS, UsageError, parse_sets
from game.model.expr import format_fraction
from game.model.tree import NATURE


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
        table.add_row(str(number), spec.title, ", ".join(spec.concepts))
    console.print(table)
    choice = IntPrompt.ask("Play which scenario", choices=[str(n) for n in range(1, len(entries) + 1)],
                           show_choices=False, default=1)
    return entries[choice - 1].id


def _opponent(kind: str, game, result):
    from game.bots.base import RandomBot
    from game.bots.equilibrium import EquilibriumBot, preferred_equilibrium

    if kind == "random":
        return RandomBot()
    if kind == "equilibrium":
        equilibrium = preferred_equilibrium(result)
        if equilibrium is None:
            return RandomBot()
        return EquilibriumBot(game, equilibrium, list(result.equilibria).index(equilibrium))
    raise UsageError(f"the plain interface supports --opponent equilibrium or random, not {kind!r}")


def run_play(args) -> int:
    """`deterrence play`: the Textual game (`--plain`: the prompt game; `--web`: in a browser).

    Every argument is checked here first, so a bad one ends with a clean usage error before
    any screen appears. A scenario file with problems is not an argument error: the game opens
    and shows the located problems in a dialog.
    """
    if args.plain:
        if args.web:
            raise UsageError("--plain and --web cannot be combined")
        if args.opponent not in ("equilibrium", "random"):
            raise UsageError("the plain interface supports --opponent equilibrium or random, "
                             f"not {args.opponent!r}")
        from game.cli.commands import console

        return play_plain(console, args)
    values = parse_sets(args.set)
    _check_play_args(args, values)
    if args.web:
        return serve_web(args)
    from game.tui.app import make_app

    app = make_app(args.scenario, role=args.role, own_type=args.own_type,
                   opponent=args.opponent, rounds=args.rounds, seed=args.seed, exam=args.exam,
                   values=values)
    app.run()
    return EXIT_OK


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
    """Plays one game at the prompt; returns the exit code."""
    from game.cli.commands import load_game, print_problems
    from game.engine.state import State
    from game.engine.view import view_of
    from game.scenario.errors import ScenarioError
    from game.solver.solve import solve

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
    rng = random.Random(args.seed)
    with console.status("Solving the game for your opponent..."):
        result = solve(game)
    bot = _opponent(args.opponent, game, result)
    other = 1 - me

    state = State.initial(game)
    while state.is_chance and state.current.private_to >= 0:
        node = state.current
        if node.private_to == me and args.own_type:
            state = state.play(args.own_type)
        else:
            state = state.sample_chance(rng)
    view = view_of(state, me)
    _briefing(console, spec, game, me, view.own_type)
    while not state.is_terminal:
        if state.is_chance:
            node = state.current
            state = state.sample_chance(rng)
            action = state.actions_taken()[-1]
            console.print(Text(f"Chance: {spec.action_label(node.stage, action)}.", style="yellow"))
            continue
        view = view_of(state, state.to_move)
        if state.to_move == me:
            action = _ask(console, spec, game, view, result, bot, args.exam)
        else:
            action = bot.choose(view, rng)
            stage = spec.nodes[view.stage]
            if state.current.conceals:
                console.print(Text(f"{spec.players[other].name} has chosen (you will see it once "
                                   "you choose).", style="cyan"))
            else:
                console.print(Text(f"{spec.players[other].name}: "
                                   f"{spec.action_label(stage.id, action)}.", style="cyan"))
        state = state.play(action)
    _outcome(console, spec, game, state, me)
    return EXIT_OK


def _briefing(console: Console, spec, game, me: int, own_type: str) -> None:
    from game.cli.render import payoff_table

    player = spec.players[me]
    lines = [f"You play {player.name}. {player.role}"]
    if len(player.types) > 1:
        held = spec.type_of(me, own_type)
        lines.append(f"Your private type: {held.name}. {held.description}")
    opponent = spec.players[1 - me]
    if len(opponent.types) > 1:
        names = ", ".join(t.name for t in opponent.types)
        lines.append(f"You do not know {opponent.name}'s type ({names}); it knows its own.")
    console.print(Panel(Text("\n".join(lines)), title=spec.title, title_align="left"))
    console.print(payoff_table(spec, game.values))


def _ask(console: Console, spec, game, view, result, bot, exam: bool) -> str:
    stage = spec.nodes[view.stage]
    header = stage.title or stage.id
    if game.rounds > 1:
        header += f"  (round {view.round} of {game.rounds})"
    console.print(Panel(Text(stage.text or ""), title=header, title_align="left"))
    actions = view.legal_actions
    hint = {}
    if not exam and hasattr(bot, "equilibrium"):
        hint = _action_values(game, bot.equilibrium, view)
    for number, action in enumerate(actions, start=1):
        extra = f"   (worth {format_fraction(hint[action])} in equilibrium)" if action in hint else ""
        console.print(f"  {number}. {spec.action_label(stage.id, action)}{extra}", markup=False)
    choice = IntPrompt.ask("Your move", choices=[str(n) for n in range(1, len(actions) + 1)],
                           show_choices=False)
    return actions[choice - 1]


def _action_values(game, equilibrium, view) -> dict[str, Fraction]:
    from game.solver.evaluate import Evaluation
    from game.solver.structure import Structure

    infoset = game.infoset_by_label[view.infoset]
    evaluation = Evaluation(Structure(game), equilibrium.behaviour)
    belief = evaluation.group_belief(infoset.group)
    if belief is None:
        return {}
    return dict(zip(infoset.actions, evaluation.action_values(infoset.id, belief)))


def _outcome(console: Console, spec, game, state, me: int) -> None:
    node = state.current
    stage = spec.nodes[node.stage]
    types = state.types()
    lines = [stage.text or node.outcome, ""]
    for index, player in enumerate(spec.players):
        type_text = ""
        if len(player.types) > 1:
            type_text = f" ({spec.type_of(index, types[index]).name})"
        lines.append(f"{player.name}{type_text}: payoff {format_fraction(node.payoffs[index])}"
                     + ("  <- you" if index == me else ""))
    console.print(Panel(Text("\n".join(lines)), title=f"Outcome: {node.outcome}",
                        title_align="left"))
    if NATURE is not None and spec.debrief:
        console.print(Panel(Text("\n\n".join(spec.debrief)), title="Debrief", title_align="left"))
