"""Provides the semantic pass over a shape-valid scenario, and the build of the `GameSpec`.

Checks references (nodes, players, types, actions, parameters) with "did you mean", the
stage graph (cycles, unreachable nodes, size), expressions (syntax, unknown parameters,
division by zero at the default values), chance and prior probabilities (exactly 1),
payoff coverage, and parameter ranges.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from fractions import Fraction

from game.model.expand import MAX_EXPANDED_NODES
from game.model.expr import Expr, ExprError, evaluate, format_fraction, parameters
from game.model.spec import (
    ALL_TYPES,
    Campaign,
    ChanceNode,
    DecisionNode,
    GameSpec,
    Move,
    Parameter,
    Player,
    PlayerType,
    Reference,
    SimultaneousBranch,
    SimultaneousNode,
    TerminalNode,
)
from game.scenario.exprparse import (
    MAX_EXPRESSION_LENGTH,
    ExpressionSyntaxError,
    expression_from_value,
)
from game.scenario.messages import did_you_mean
from game.scenario.schema import (
    ActionSpec,
    ChanceSpec,
    DecisionSpec,
    ScenarioSpec,
    SimultaneousSpec,
    TerminalSpec,
)

SOLE_TYPE = "sole"
"""The type id of a player declared without types."""
RESERVED_PLAYER_IDS = ("to",)

Report = Callable[[tuple, str], None]


class _Context:
    def __init__(self, shell: ScenarioSpec, report: Report,
                 values: Mapping[str, Fraction] | None) -> None:
        self.shell = shell
        self.report = report
        self.defaults: dict[str, Fraction] = {}
        self.values = dict(values or {})
        self.invalid: set[str] = set()
        self.dangling = False
        self._cache: dict[tuple, tuple[Expr | None, list[str]]] = {}

    def expr(self, raw: object, path: tuple, evaluate_now: bool = True) -> Expr | None:
        """Parses an expression; reports syntax, unknown parameters and evaluation problems.

        Results are cached by the raw value: a file repeats the same expressions many times.
        """
        key = (type(raw), raw, evaluate_now) if isinstance(raw, (str, int)) or raw is None else None
        if key is not None and key in self._cache:
            expr, messages = self._cache[key]
        else:
            expr, messages = self._parse(raw, evaluate_now)
            if key is not None:
                self._cache[key] = (expr, messages)
        for message in messages:
            self.report(path, message)
        return expr

    def _parse(self, raw: object, evaluate_now: bool) -> tuple[Expr | None, list[str]]:
        try:
            expr = expression_from_value(raw)
        except ExpressionSyntaxError as error:
            shown = str(raw) if len(str(raw)) <= 60 else str(raw)[:57] + "..."
            where = (f" (at character {error.column + 1})"
                     if isinstance(raw, str) and len(str(raw)) <= MAX_EXPRESSION_LENGTH else "")
            return None, [f"The expression {shown!r} does not parse: {error}{where}."]
        used = parameters(expr)
        unknown = sorted(used - set(self.shell.parameters))
        messages = []
        for name in unknown:
            hint = did_you_mean(name, self.shell.parameters)
            if str(raw).strip() == name:
                messages.append(f"{name!r} is neither a number nor a parameter.{hint}")
            else:
                messages.append(f"Unknown parameter {name!r} in {str(raw)!r}.{hint}")
        if unknown:
            return None, messages
        if evaluate_now and not (used & self.invalid):
            try:
                evaluate(expr, self.point())
            except ExprError as error:
                return None, [f"The expression {str(raw)!r} cannot be evaluated at the "
                              f"parameters' values: {error}."]
        return expr, []

    def point(self) -> dict[str, Fraction]:
        merged = dict(self.defaults)
        merged.update(self.values)
        return merged

    def number(self, expr: Expr | None) -> Fraction | None:
        if expr is None or parameters(expr) & self.invalid:
            return None
        try:
            return evaluate(expr, self.point())
        except ExprError:
            return None


def check_and_build(shell: ScenarioSpec, nodes: list, raw_nodes: list, report: Report,
                    known_concepts: Collection[str] | None = None,
                    values: Mapping[str, Fraction] | None = None,
                    source: str | None = None) -> GameSpec | None:
    """Runs the semantic checks and returns the `GameSpec` (None when a problem was reported).

    Args:
        shell: the validated top level (its `nodes` are placeholders).
        nodes: (index, validated node) for each node that passed the shape check.
        raw_nodes: the raw node list (to know the ids of nodes that failed the shape check).
        report: called with (key path, message) for every problem.
        known_concepts: concept ids a scenario may tag, or None to skip the check.
        values: parameter overrides from the command line.
        source: the file the scenario came from.
    """
    problems: list[tuple] = []

    def collect(path: tuple, message: str) -> None:
        problems.append((path, message))
        report(path, message)

    context = _Context(shell, collect, values)
    parameters_ = _check_parameters(context)
    players = _check_players(context)
    if known_concepts is not None:
        for index, concept in enumerate(shell.concepts):
            if concept not in known_concepts:
                collect(("concepts", index), f"Unknown concept {concept!r}; concepts come from "
                        f"seeds/concepts.yaml.{did_you_mean(concept, known_concepts)}")
    campaign = None
    if shell.campaign is not None:
        discount = None
        if shell.campaign.discount is not None:
            discount = context.expr(shell.campaign.discount, ("campaign", "discount"))
            number = context.number(discount)
            if number is not None and not 0 < number <= 1:
                collect(("campaign", "discount"), f"The discount must be more than 0 and at "
                        f"most 1; it is {format_fraction(number)}.")
        campaign = Campaign(rounds=shell.campaign.rounds, discount=discount)

    all_ids = {raw.get("id") for raw in raw_nodes if isinstance(raw, dict)
               and isinstance(raw.get("id"), str)}
    by_id: dict[str, tuple[int, object]] = {}
    for index, node in nodes:
        if node.id in by_id:
            collect(("nodes", index, "id"), f"The node id {node.id!r} is used twice (first by "
                                            f"nodes[{by_id[node.id][0]}]).")
        else:
            by_id[node.id] = (index, node)
    if shell.root not in all_ids:
        collect(("root",), f"The root {shell.root!r} is not a node id."
                           f"{did_you_mean(shell.root, all_ids)}")

    built: dict[str, object] = {}
    for node_id, (index, node) in by_id.items():
        path = ("nodes", index)
        result = None
        if isinstance(node, DecisionSpec):
            result = _check_decision(context, node, path, players, all_ids)
        elif isinstance(node, ChanceSpec):
            result = _check_chance(context, node, path, all_ids)
        elif isinstance(node, SimultaneousSpec):
            result = _check_simultaneous(context, node, path, players, all_ids)
        elif isinstance(node, TerminalSpec):
            result = _check_terminal(context, node, path, players)
        if result is not None:
            built[node_id] = result

    if len(by_id) == len(all_ids) and shell.root in by_id:
        _check_graph(context, shell.root, by_id, players)

    if problems or players is None:
        return None
    spec = GameSpec(
        id=shell.id, title=shell.title, players=players, nodes=built, root=shell.root,
        parameters=parameters_, campaign=campaign, summary=shell.summary.strip(),
        concepts=tuple(shell.concepts),
        references=tuple(Reference(r.citation, r.note) for r in shell.references),
        debrief=tuple(note.strip() for note in shell.debrief), difficulty=shell.difficulty,
        minutes=shell.minutes, source_path=source,
    )
    return spec


def _check_parameters(context: _Context) -> tuple[Parameter, ...]:
    result = []
    for name, spec in context.shell.parameters.items():
        path = ("parameters", name)
        numbers = {}
        for field in ("value", "min", "max"):
            raw = getattr(spec, field)
            if raw is None:
                numbers[field] = None
                continue
            try:
                expr = expression_from_value(raw)
                if parameters(expr):
                    raise ExpressionSyntaxError("a parameter's value must be a number, not use "
                                                "other parameters")
                numbers[field] = evaluate(expr, {})
            except (ExpressionSyntaxError, ExprError) as error:
                context.report((*path, field), f"The {field} of parameter {name!r} must be an "
                                               f"exact number: {error}.")
                numbers[field] = None
                if field == "value":
                    context.invalid.add(name)
        value, low, high = numbers["value"], numbers["min"], numbers["max"]
        if low is not None and high is not None and low > high:
            context.report(path, f"Parameter {name!r} has min {format_fraction(low)} above max "
                                 f"{format_fraction(high)}.")
        if value is not None:
            context.defaults[name] = value
            if (low is not None and value < low) or (high is not None and value > high):
                context.report((*path, "value"), f"Parameter {name!r} is "
                               f"{format_fraction(value)}, outside its range "
                               f"{_range_text(low, high)}.")
        override = context.values.get(name)
        if override is not None and ((low is not None and override < low)
                                     or (high is not None and override > high)):
            context.report(path, f"The value {format_fraction(override)} set for {name!r} is "
                                 f"outside its range {_range_text(low, high)}.")
        result.append(Parameter(name=name, value=value if value is not None else Fraction(0),
                                minimum=low, maximum=high, description=spec.description.strip()))
    for name in context.values:
        if name not in context.shell.parameters:
            context.report(("parameters",), f"--set names an unknown parameter {name!r}."
                                            f"{did_you_mean(name, context.shell.parameters)}")
    return tuple(result)


def _range_text(low: Fraction | None, high: Fraction | None) -> str:
    low_text = format_fraction(low) if low is not None else "-inf"
    high_text = format_fraction(high) if high is not None else "+inf"
    return f"[{low_text}, {high_text}]"


def _check_players(context: _Context) -> tuple[Player, Player] | None:
    players = []
    seen: set[str] = set()
    ok = True
    priors_ok = True
    for index, player in enumerate(context.shell.players):
        path = ("players", index)
        if player.id in seen:
            context.report((*path, "id"), f"The player id {player.id!r} is used twice.")
            ok = False
        if player.id in RESERVED_PLAYER_IDS:
            context.report((*path, "id"), f"{player.id!r} is reserved; choose another player id.")
            ok = False
        seen.add(player.id)
        types = []
        type_ids: set[str] = set()
        priors = []
        for type_index, spec in enumerate(player.types):
            type_path = (*path, "types", type_index)
            if spec.id in type_ids:
                context.report((*type_path, "id"), f"The type id {spec.id!r} is used twice.")
                ok = False
            if spec.id == ALL_TYPES:
                context.report((*type_path, "id"), f"{ALL_TYPES!r} is reserved in payoffs; "
                                                   "choose another type id.")
                ok = False
            type_ids.add(spec.id)
            prior = context.expr(spec.prior, (*type_path, "prior"))
            if prior is None:
                priors_ok = False
                types.append(PlayerType(id=spec.id, name=spec.name or _title(spec.id),
                                        prior=expression_from_value(0),
                                        description=spec.description.strip()))
                continue
            priors.append((type_path, context.number(prior)))
            types.append(PlayerType(id=spec.id, name=spec.name or _title(spec.id),
                                    prior=prior, description=spec.description.strip()))
        if not player.types:
            types.append(PlayerType(id=SOLE_TYPE, name="", prior=expression_from_value(1)))
        elif priors_ok and priors and all(p is not None for _, p in priors):
            for type_path, number in priors:
                if number < 0:
                    context.report((*type_path, "prior"), f"A prior cannot be negative; this one "
                                                          f"is {format_fraction(number)}.")
                    priors_ok = False
            total = sum(number for _, number in priors)
            if total != 1:
                context.report((*path, "types"), f"The priors of the types of {player.id!r} must "
                                                 f"add up to 1; they add up to "
                                                 f"{format_fraction(total)}.")
                priors_ok = False
        if player.short_run and len(player.types) > 1:
            context.report((*path, "short_run"), "A short-run player (a fresh opponent every "
                                                 "round) cannot have private types.")
        players.append(Player(id=player.id, name=player.name or _title(player.id),
                              role=player.role.strip(), types=tuple(types),
                              short_run=player.short_run))
    if not ok or len(players) != 2:
        return None
    return (players[0], players[1])


def _title(identifier: str) -> str:
    return identifier.replace("-", " ").replace("_", " ").title()


def _player_ids(players) -> list[str]:
    return [p.id for p in players] if players else []


def _check_moves(context: _Context, moves, path: tuple, all_ids: set, chance: bool) -> list[Move]:
    result = []
    seen: set[str] = set()
    for index, move in enumerate(moves):
        move_path = (*path, "moves", index)
        if move.action in seen:
            context.report((*move_path, "action"), f"The action {move.action!r} appears twice at "
                                                   "this node.")
        seen.add(move.action)
        if move.to not in all_ids:
            context.dangling = True
            context.report((*move_path, "to"), f"There is no node {move.to!r}."
                                               f"{did_you_mean(move.to, all_ids)}")
        prob = None
        if chance:
            if move.prob is None:
                context.report(move_path, "A chance move needs a `prob`.")
            else:
                prob = context.expr(move.prob, (*move_path, "prob"))
        elif move.prob is not None:
            context.report((*move_path, "prob"), "Only chance nodes have probabilities; remove "
                                                 "`prob` or make the node `kind: chance`.")
        result.append(Move(action=move.action, to=move.to, label=move.label or _label(move.action),
                           prob=prob))
    return result


def _label(action: str) -> str:
    return action.replace("_", " ").replace("-", " ").capitalize()


def _check_decision(context, node: DecisionSpec, path, players, all_ids) -> DecisionNode | None:
    ids = _player_ids(players)
    if players is not None and node.player not in ids:
        context.report((*path, "player"), f"Unknown player {node.player!r}."
                                          f"{did_you_mean(node.player, ids)}")
    moves = _check_moves(context, node.moves, path, all_ids, chance=False)
    return DecisionNode(id=node.id, player=node.player, moves=tuple(moves), title=node.title,
                        text=node.text.strip())


def _check_chance(context, node: ChanceSpec, path, all_ids) -> ChanceNode | None:
    moves = _check_moves(context, node.moves, path, all_ids, chance=True)
    numbers = [context.number(m.prob) for m in moves]
    if moves and all(n is not None for n in numbers):
        for index, number in enumerate(numbers):
            if number < 0:
                context.report((*path, "moves", index, "prob"), f"A probability cannot be "
                               f"negative; this one is {format_fraction(number)}.")
        total = sum(numbers)
        if total != 1:
            context.report((*path, "moves"), f"The probabilities must add up to 1; these add up "
                                             f"to {format_fraction(total)}.")
    return ChanceNode(id=node.id, moves=tuple(moves), title=node.title, text=node.text.strip())


def _check_simultaneous(context, node: SimultaneousSpec, path, players,
                        all_ids) -> SimultaneousNode | None:
    if players is None:
        return None
    ids = _player_ids(players)
    ok = True
    for key in node.actions:
        if key not in ids:
            context.report((*path, "actions", key), f"Unknown player {key!r}."
                                                    f"{did_you_mean(key, ids)}")
            ok = False
    for pid in ids:
        if pid not in node.actions:
            context.report((*path, "actions"), f"Both players choose at a simultaneous node; "
                                               f"the actions of {pid!r} are missing.")
            ok = False
    if not ok:
        return None
    actions: dict[str, list[Move]] = {}
    for pid in ids:
        seen: list[str] = []
        moves = []
        for index, item in enumerate(node.actions[pid]):
            action = item.action if isinstance(item, ActionSpec) else item
            label = item.label if isinstance(item, ActionSpec) and item.label else _label(action)
            if action in seen:
                context.report((*path, "actions", pid, index), f"The action {action!r} appears "
                                                               "twice.")
                ok = False
            seen.append(action)
            moves.append(Move(action=action, to="", label=label))
        if not moves:
            context.report((*path, "actions", pid), "Needs at least 1 action.")
            ok = False
        actions[pid] = moves
    branches = []
    covered: dict[tuple[str, str], int] = {}
    for index, entry in enumerate(node.next):
        entry_path = (*path, "next", index)
        for key in entry:
            if key != "to" and key not in ids:
                context.report((*entry_path, key), f"Unknown key {key!r}: each entry names both "
                               f"players' actions and `to`.{did_you_mean(key, [*ids, 'to'])}")
                ok = False
        if "to" not in entry:
            context.report(entry_path, "The key 'to' is missing.")
            ok = False
        elif entry["to"] not in all_ids:
            context.dangling = True
            context.report((*entry_path, "to"), f"There is no node {entry['to']!r}."
                                                f"{did_you_mean(entry['to'], all_ids)}")
            ok = False
        pair = []
        for pid in ids:
            if pid not in entry:
                context.report(entry_path, f"The key {pid!r} is missing (the action of {pid}).")
                ok = False
                continue
            names = [m.action for m in actions[pid]]
            if entry[pid] not in names:
                context.report((*entry_path, pid), f"The player {pid!r} has no action {entry[pid]!r}."
                                                   f"{did_you_mean(entry[pid], names)}")
                ok = False
            pair.append(entry[pid])
        if len(pair) == 2:
            key = (pair[0], pair[1])
            if key in covered:
                context.report(entry_path, f"The pair {pair[0]} / {pair[1]} is listed twice "
                                           f"(first in next[{covered[key]}]).")
                ok = False
            covered[key] = index
            if "to" in entry:
                branches.append(SimultaneousBranch(actions=key, to=entry["to"]))
    if all(actions.get(pid) for pid in ids):
        for first in actions[ids[0]]:
            for second in actions[ids[1]]:
                if (first.action, second.action) not in covered:
                    context.report((*path, "next"), f"No entry says where {first.action} / "
                                                    f"{second.action} leads.")
                    ok = False
    if not ok:
        return None
    return SimultaneousNode(id=node.id, players=(ids[0], ids[1]),
                            actions=(tuple(actions[ids[0]]), tuple(actions[ids[1]])),
                            branches=tuple(branches), title=node.title, text=node.text.strip())


def _check_terminal(context, node: TerminalSpec, path, players) -> TerminalNode | None:
    if players is None:
        return None
    ids = _player_ids(players)
    payoffs: dict[tuple[str, str, str], Expr] = {}
    ok = True
    for key in node.payoffs:
        if key not in ids:
            context.report((*path, "payoffs", key), f"Unknown player {key!r}."
                                                    f"{did_you_mean(key, ids)}")
            ok = False
    for index, player in enumerate(players):
        opponent = players[1 - index]
        own_types = [t.id for t in player.types]
        opp_types = [t.id for t in opponent.types]
        raw = node.payoffs.get(player.id)
        base = (*path, "payoffs", player.id)
        if raw is None:
            context.report((*path, "payoffs"), f"The payoff of {player.id!r} is missing.")
            ok = False
            continue
        if not isinstance(raw, dict):
            expr = context.expr(raw, base)
            if expr is None:
                ok = False
                continue
            for own in own_types:
                for opp in opp_types:
                    payoffs[(player.id, own, opp)] = expr
            continue
        explicit_own = [k for k in raw if k != ALL_TYPES]
        for key in raw:
            if key != ALL_TYPES and key not in own_types:
                hint = did_you_mean(key, own_types)
                if key in opp_types and not hint:
                    hint = (f" ({key!r} is a type of {opponent.id!r}; to make the payoff depend on "
                            f"the opponent's type, nest it under the player's own type or "
                            f"{ALL_TYPES!r})")
                context.report((*base, key), f"The player {player.id!r} has no type {key!r}.{hint}")
                ok = False
        for own in own_types:
            key = own if own in raw else ALL_TYPES if ALL_TYPES in raw else None
            if key is None:
                if len(own_types) == 1 and own == SOLE_TYPE and explicit_own:
                    continue
                context.report(base, f"The payoff of {player.id!r} for its type {own!r} is "
                                     f"missing.")
                ok = False
                continue
            value = raw[key]
            if isinstance(value, dict):
                for opp_key in value:
                    if opp_key not in opp_types:
                        context.report((*base, key, opp_key), f"The player {opponent.id!r} has no type "
                                       f"{opp_key!r}.{did_you_mean(opp_key, opp_types)}")
                        ok = False
                for opp in opp_types:
                    if opp not in value:
                        context.report((*base, key), f"The payoff of {player.id!r} against "
                                                     f"{opponent.id!r}'s type {opp!r} is missing.")
                        ok = False
                        continue
                    expr = context.expr(value[opp], (*base, key, opp))
                    if expr is None:
                        ok = False
                    else:
                        payoffs[(player.id, own, opp)] = expr
            else:
                expr = context.expr(value, (*base, key))
                if expr is None:
                    ok = False
                    continue
                for opp in opp_types:
                    payoffs[(player.id, own, opp)] = expr
    if not ok:
        return None
    return TerminalNode(id=node.id, outcome=node.outcome.strip(), payoffs=payoffs,
                        title=node.title, text=node.text.strip(), disaster=node.disaster)


def _successors(node) -> list[tuple[tuple, str]]:
    if isinstance(node, (DecisionSpec, ChanceSpec)):
        return [(("moves", i, "to"), m.to) for i, m in enumerate(node.moves)]
    if isinstance(node, SimultaneousSpec):
        return [(("next", i, "to"), e["to"]) for i, e in enumerate(node.next) if "to" in e]
    return []


def _check_graph(context: _Context, root: str, by_id: dict, players) -> None:
    """Reports cycles, unreachable nodes, and trees too large to expand."""
    state: dict[str, int] = {}
    order: list[str] = []
    reported_cycle = False

    def visit(node_id: str, trail: list[str]) -> None:
        nonlocal reported_cycle
        stack = [(node_id, iter(_successors(by_id[node_id][1])))]
        state[node_id] = 1
        trail.append(node_id)
        while stack:
            current, successors = stack[-1]
            advanced = False
            for sub_path, target in successors:
                if target not in by_id:
                    continue
                if state.get(target) == 1:
                    if not reported_cycle:
                        loop = trail[trail.index(target):] + [target]
                        index = by_id[current][0]
                        context.report(("nodes", index, *sub_path),
                                       "The stage loops back on itself: " + " -> ".join(loop) +
                                       ". Every path must end at a terminal node (use a campaign "
                                       "to repeat the stage).")
                        reported_cycle = True
                    continue
                if target not in state:
                    state[target] = 1
                    trail.append(target)
                    stack.append((target, iter(_successors(by_id[target][1]))))
                    advanced = True
                    break
            if not advanced:
                stack.pop()
                trail.pop()
                state[current] = 2
                order.append(current)

    visit(root, [])
    for node_id, (index, _node) in by_id.items():
        if node_id not in state and not context.dangling:
            context.report(("nodes", index, "id"), f"The node {node_id!r} cannot be reached from "
                                                   f"the root {root!r}.")
    if reported_cycle or players is None:
        return
    # Count expanded nodes: per stage node, the nodes of its subtree (order is post-order).
    size: dict[str, int] = {}
    for node_id in order:
        node = by_id[node_id][1]
        if isinstance(node, SimultaneousSpec):
            counts = [len(v) for v in node.actions.values()]
            first = counts[0] if counts else 1
            size[node_id] = 1 + first + sum(size.get(t, 1) for _, t in _successors(node))
        else:
            size[node_id] = 1 + sum(size.get(t, 1) for _, t in _successors(node))
    profiles = 1
    for player in players:
        profiles *= max(1, len(player.types))
    rounds = context.shell.campaign.rounds if context.shell.campaign else 1
    stage_size = size.get(root, 1)
    estimate = profiles * stage_size ** rounds
    if estimate > MAX_EXPANDED_NODES:
        context.report(("nodes",), f"The full game would have about {estimate:,} nodes (types x "
                                   f"stage tree x rounds); the limit is {MAX_EXPANDED_NODES:,}.")


__all__ = ["SOLE_TYPE", "check_and_build"]
