"""The classroom commands (`host`, `join`, `report`, `loadtest`, and `export DB`): parse and call."""

from __future__ import annotations

from game.cli import UsageError


def _values(args) -> dict:
    from game.cli import parse_sets

    return parse_sets(getattr(args, "set", None))


def run_host(args) -> int:
    """`deterrence host`: one room (a scenario), or many (`--rooms FILE`, `--room`)."""
    import time

    from game.classroom.eventloop import run, run_app
    from game.classroom.gate import ServerLimits
    from game.classroom.host import HostOptions, prepare, serve_headless
    from game.classroom.session import KEEP
    from game.classroom.storage import StoreError, shown
    from game.cli.commands import load_game

    _check_host(args)
    rooms, codes = [] if args.resume else _room_specs(args), []
    if args.resume:
        codes = [c.strip().upper() for c in args.room or []]
        if any("=" in c or not c.isalnum() for c in codes):
            raise UsageError("with --resume, --room names a room to continue by its code "
                             "(like --room K7PQ2X)")
    db = args.db or time.strftime("session-%Y%m%d-%H%M%S.sqlite")
    limits = ServerLimits(max_connections=args.max_connections, join_rate=args.join_rate)
    options = HostOptions(
        db=db, rooms=rooms, port=args.port, bind=args.bind, resume=args.resume,
        codes=tuple(codes), timeout=KEEP if args.timeout is None else (args.timeout or None),
        grace=args.grace, limits=limits,
        standby=tuple(_address(a) for a in args.standby) if args.standby else None)
    from game.scenario.errors import ScenarioError

    try:
        hosted = prepare(options, load_game)
    except StoreError as err:
        raise UsageError(str(err)) from None
    except ScenarioError as err:   # a room's scenario: its problems, located
        from game.cli import EXIT_PROBLEMS
        from game.cli.commands import print_problems

        print_problems(err)
        return EXIT_PROBLEMS
    web = None
    try:
        web = _start_web(args) if args.web else None
        if not args.headless:
            from game.tui.classroom_console import InstructorConsole

            run_app(InstructorConsole(hosted.rooms, hosted.logs, args.bind, args.port,
                                      hosted.results, limits=limits))
            print(f"session database: {shown(db)}")
            return 0
        return run(serve_headless(hosted, args.bind, args.port,
                                  out=lambda s: print(s, flush=True), limits=limits))
    except OSError as err:
        raise UsageError(f"cannot listen on {args.bind}:{args.port} ({err.strerror})") from None
    except KeyboardInterrupt:
        print("stopped; continue later with: deterrence host --resume --db " + shown(db))
        return 0
    finally:
        hosted.close()
        if web is not None:
            web.terminate()
            web.wait(5)


def _check_host(args) -> None:
    """Usage errors of `host` that need no file."""
    many = bool(args.rooms or (args.room and not args.resume))
    if args.resume and not args.db:
        raise UsageError("--resume needs --db FILE or --db postgresql://... (the session "
                         "database to continue)")
    if args.resume and args.rooms:
        raise UsageError("--resume continues the rooms stored in --db; --rooms makes new ones")
    if not args.resume and not args.scenario and not many:
        raise UsageError("name a scenario to host, or rooms (--rooms FILE, --room "
                         "NAME=SCENARIO), or --resume --db DB")
    if many and args.scenario and not args.resume:
        raise UsageError("name either one scenario or rooms (--rooms, --room), not both")
    if args.rooms and args.room:
        raise UsageError("use either --rooms FILE or --room options, not both")
    checks = [
        (1 <= args.rounds <= 200, "--rounds must be between 1 and 200"),
        (0 <= args.port <= 65535, "--port must be between 0 and 65535"),
        (args.timeout is None or args.timeout >= 0,
         "--timeout must be 0 (no timer) or more seconds"),
        (args.grace >= 0, "--grace must be 0 or more seconds"),
        (2 <= args.max_students <= 5000, "--max-students must be between 2 and 5000"),
        (args.join_rate >= 0, "--join-rate must be 0 (no limit) or more per minute"),
        (16 <= args.max_connections <= 20000,
         "--max-connections must be between 16 and 20000"),
        (not (args.web and args.port == 0),
         "--web needs a fixed --port (the browser entry connects to it)"),
        (not args.web or 1 <= args.web_sessions <= 500,
         "--web-sessions must be between 1 and 500"),
    ]
    for ok, message in checks:
        if not ok:
            raise UsageError(message)


def _room_specs(args) -> list:
    """The rooms to make: from --rooms, the --room options, or the one scenario; the command
    line's options are what a room does not say."""
    from pathlib import Path

    from game.bots import BotSpecError, check_kind
    from game.classroom.rooms import (
        RoomsFileError,
        RoomSpec,
        check_room_names,
        parse_room_option,
        read_rooms_file,
    )

    roster = None
    if args.roster:
        try:
            lines = Path(args.roster).read_text(encoding="utf-8").splitlines()
        except OSError as err:
            raise UsageError(f"--roster: cannot read {args.roster} ({err.strerror})") from None
        roster = tuple(dict.fromkeys(x.strip() for x in lines if x.strip()))
        if not roster:
            raise UsageError(f"--roster: {args.roster} names nobody")
    base = RoomSpec(
        name="", scenario=args.scenario or "", values=_values(args), rounds=args.rounds,
        campaign_rounds=args.campaign_rounds, matching=args.matching, roles=args.roles,
        roster=roster, timeout=60.0 if args.timeout is None else (args.timeout or None),
        elicit_beliefs=args.elicit_beliefs, seed=args.seed, autostart=args.autostart,
        bot=args.bot, max_students=args.max_students)
    try:
        if args.rooms:
            specs = read_rooms_file(args.rooms, base)
        elif args.room:
            specs = [parse_room_option(text, base) for text in args.room]
            check_room_names(specs)
        else:
            specs = [base]
    except RoomsFileError as err:
        raise UsageError(str(err)) from None
    for spec in specs:
        try:
            check_kind(spec.bot)
        except BotSpecError as err:
            raise UsageError(f"{spec.name + ': ' if spec.name else ''}{err}") from None
    return specs


def _start_web(args):
    """A textual-serve child serving `deterrence join` (which asks for the room code, the
    name and, to take a seat back, the token) to browsers on --bind:--web-port, at most
    --web-sessions at once; each browser session joins its room on this machine."""
    import shlex
    import subprocess
    import sys

    if not 1 <= args.web_port <= 65535 or args.web_port == args.port:
        raise UsageError("--web-port must be a free port other than --port")
    target = "127.0.0.1" if args.bind in ("0.0.0.0", "::") else args.bind
    command = " ".join(shlex.quote(p) for p in (sys.executable, "-m", "game", "join",
                                                 f"{target}:{args.port}"))
    process = subprocess.Popen([sys.executable, "-m", "game.cli.classroom_web", command,
                                args.bind, str(args.web_port), str(args.web_sessions)],
                               stdout=subprocess.DEVNULL)
    print(f"browser entry: http://{args.bind}:{args.web_port}/", flush=True)
    print(f"browser sessions at once: at most {args.web_sessions}", flush=True)
    return process


def _address(text: str) -> str:
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit():
        raise UsageError(f"the address must be HOST:PORT (like 127.0.0.1:8765), not {text!r}")
    return f"ws://{host}:{port}"


def _loader(welcome: dict):
    """Loads the session's game from the welcome's source (raises the loader's errors)."""
    from fractions import Fraction

    from game.cli.commands import load_game

    source = welcome.get("source") or {}
    return load_game(source.get("scenario") or "",
                     {k: Fraction(v) for k, v in (source.get("values") or {}).items()},
                     source.get("campaign_rounds"))[1]


def run_join(args) -> int:
    """`deterrence join`: the full-screen seat, or a plain prompt (`--plain`)."""
    import asyncio

    url = _address(args.address)
    if args.plain and (args.name is None or args.code is None):
        raise UsageError("--plain needs --code ROOM and --name LABEL")
    if not args.plain:
        return _join_tui(url, args)
    from game.classroom.client import JoinRefusedError

    try:
        return asyncio.run(_plain(url, args))
    except KeyboardInterrupt:
        return 0
    except JoinRefusedError as err:
        raise UsageError(f"could not join: {err.message}") from None
    except (OSError, TimeoutError) as err:
        raise UsageError(f"cannot reach {args.address} ({err})") from None


async def _plain(url: str, args, token: str | None = None) -> int:
    import asyncio

    from game.classroom.client import SeatLink
    from game.cli.classroom_plain import PlainSeat, stdin_lines

    link = SeatLink(url, args.code, args.name, token or args.token)
    await link.open()
    try:
        game = _loader(link.welcome)
    except Exception:  # noqa: BLE001 - the plain prompt works without the scenario
        game = None
    lines = stdin_lines(asyncio.get_running_loop())
    return await PlainSeat(link, lines, lambda s: print(s, flush=True), game,
                           args.address).run()


def _join_tui(url: str, args) -> int:
    """The Textual seat: the play screens fed by the server (falls back to --plain when this
    machine does not have the session's scenario)."""
    import asyncio

    from game.scenario.errors import ScenarioError
    from game.tui.classroom_driver import ClassroomConnection
    from game.tui.classroom_join import ClassroomJoinApp

    connection = ClassroomConnection(url, args.code or "", args.name or "", args.token)
    if args.name is None or args.code is None:   # the browser entry: the app asks, then joins
        app = ClassroomJoinApp(connection, loader=_loader)
        app.run()
        app.connection.close()
        return 0
    try:
        welcome = connection.start()
    except ConnectionError as err:
        raise UsageError(f"could not join: {err}") from None
    try:
        game = _loader(welcome)
    except (UsageError, ScenarioError, OSError, ValueError):
        connection.close()
        print("This machine does not have the session's scenario; using the plain prompt.")
        return asyncio.run(_plain(url, args, connection.token))
    ClassroomJoinApp(connection, game.spec, game).run()
    connection.close()
    print(f"Your seat token (to rejoin): {connection.token}")
    return 0


def _read(db: str, codes: list[str] | None = None) -> list[list[dict]]:
    """Every room of a session database (or the rooms with these codes), read-only."""
    from game.classroom.storage import StoreError, read_rooms

    try:
        return read_rooms(db, codes)
    except StoreError as err:
        raise UsageError(str(err)) from None


def run_report(args) -> int:
    """`deterrence report`: the class debrief of each room (or of the rooms named)."""
    from fractions import Fraction

    from game.classroom.report import analyse, render
    from game.classroom.session import scenario_source
    from game.classroom.storage import room_title
    from game.cli.commands import load_game
    from game.solver.solve import solve

    rooms = _read(args.db, args.room)
    for index, events in enumerate(rooms):
        session = events[0]
        values = {k: Fraction(v) for k, v in session["values"].items()}
        _, game = load_game(scenario_source(session), values, session.get("campaign_rounds"))
        if len(rooms) > 1:
            title = f"Room {room_title(session)}"
            heading = f"# {title}" if args.markdown else f"{title}\n{'#' * len(title)}"
            print(("\n" if index else "") + heading + "\n")
        print(render(analyse(events, game, solve(game)), markdown=args.markdown), end="")
    return 0


def run_loadtest(args) -> int:
    """`deterrence loadtest`."""
    import asyncio

    from game.classroom.loadtest import format_figures
    from game.classroom.loadtest import run_loadtest as load

    if not 2 <= args.clients <= 2000:
        raise UsageError("--clients must be between 2 and 2000")
    if not 1 <= args.rounds <= 200:
        raise UsageError("--rounds must be between 1 and 200")
    try:
        figures = asyncio.run(load(args.clients, args.rounds, args.scenario, args.think))
    except (RuntimeError, TimeoutError) as err:
        raise UsageError(f"the load test failed: {err}") from None
    print(format_figures(figures))
    return 0


def run_export_db(args) -> int:
    """`deterrence export DB`: called by `export` when its argument is a session database."""
    from game.classroom.data import tables, write_csv, write_json

    if not args.csv and not args.json:
        raise UsageError("export DB needs --csv DIR or --json FILE")
    data: dict[str, list[dict]] = {}
    for events in _read(args.target, getattr(args, "room", None)):
        for name, rows in tables(events).items():
            data.setdefault(name, []).extend(rows)
    try:
        if args.csv:
            for path in write_csv(data, args.csv):
                print(f"wrote {path}")
        if args.json:
            print(f"wrote {write_json(data, args.json)}")
    except OSError as err:
        raise UsageError(f"cannot write: {err}") from None
    return 0
