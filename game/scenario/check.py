"""Provides the semantic pass over a shape-valid scenario, and the build of the `GameSpec`.

Checks references (nodes, players, types, actions, parameters) with "did you mean", the
stage graph (cycles, unreachable nodes, size), expressions (syntax, unknown parameters,
division by zero at the default values), chance and prior probabilities (exactly 1),
payoff coverage, and parameter ranges.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from fractions import Fraction

from game.model.expr import (
    MAX_DIGITS,
    Expr,
    ExprError,
    evaluate,
    fits,
    format_fraction,
    parameters,
)
from game.model.spec import ALL_TYPES, Campaign, GameSpec, Parameter, Player, PlayerType, Reference
from game.scenario.exprparse import (
    MAX_EXPRESSION_LENGTH,
    ExpressionSyntaxError,
    expression_from_value,
)
from game.scenario.check_nodes import (
    SOLE_TYPE,
    check_chance,
    check_decision,
    check_graph,
    check_simultaneous,
    check_terminal,
)
from game.scenario.messages import did_you_mean
from game.scenario.schema import (
    ChanceSpec,
    DecisionSpec,
    ScenarioSpec,
    SimultaneousSpec,
    TerminalSpec,
)

RESERVED_PLAYER_IDS = ("to",)

Report = Callable[[tuple, str], None]


class CheckContext:
    """What the checks share: the scenario, the report, parameter values and evaluation."""

    def __init__(self, shell: ScenarioSpec, report: Report,
                 values: Mapping[str, Fraction] | None, broken: Collection[tuple] = (),
                 lost_parameters: Collection[str] = ()) -> None:
        self.shell = shell
        self.report = report
        self.defaults: dict[str, Fraction] = {}
        self.values = dict(values or {})
        self.broken = set(broken)
        """Key paths whose values failed the shape checks (already reported): not checked."""
        self.lost = set(lost_parameters)
        """Parameters whose declaration failed the shape checks: known names, no values."""
        self.invalid: set[str] = set(self.lost)
        self.dangling = False
        self.ids_known = True
        """False when some node's id cannot be read: references to unknown ids are not judged."""
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
        unknown = sorted(used - set(self.shell.parameters) - self.lost)
        if ("parameters",) in self.broken:  # the parameters are not even a mapping
            self.invalid.update(unknown)
            unknown = []
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
                    source: str | None = None, broken: Collection[tuple] = (),
                    lost_parameters: Collection[str] = (),
                    build: bool = True) -> GameSpec | None:
    """Runs the semantic checks and returns the `GameSpec` (None when a problem was reported).

    Args:
        shell: the validated top level (its `nodes` are placeholders).
        nodes: (index, validated node) for each node that passed the shape check.
        raw_nodes: the raw node list (to know the ids of nodes that failed the shape check).
        report: called with (key path, message) for every problem.
        known_concepts: concept ids a scenario may tag, or None to skip the check.
        values: parameter overrides from the command line.
        source: the file the scenario came from.
        broken: key paths of the shell that failed the shape checks (their problems are
            reported already; the checks skip them).
        lost_parameters: names of parameters whose declarations failed the shape checks.
        build: False when shape problems were found: check, but build nothing.
    """
    problems: list[tuple] = []

    def collect(path: tuple, message: str) -> None:
        problems.append((path, message))
        report(path, message)

    context = CheckContext(shell, collect, values, broken, lost_parameters)
    parameters_ = _check_parameters(context)
    players = _check_players(context)
    if ("players",) in context.broken:
        players = None
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
            elif number is not None and not fits(number ** (shell.campaign.rounds - 1)):
                collect(("campaign", "discount"), f"Over {shell.campaign.rounds} rounds the "
                        f"discount {format_fraction(number)} is raised to the power "
                        f"{shell.campaign.rounds - 1}, which has more than {MAX_DIGITS} digits; "
                        "use a simpler discount (like 9/10).")
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
    # A node whose id cannot be read (not a mapping, an id that is not text) may be the one a
    # reference means: references to unknown ids are then not judged (no false problems).
    context.ids_known = all(isinstance(raw, dict) and isinstance(raw.get("id"), str)
                            for raw in raw_nodes)
    root_ok = (("root",) not in context.broken and ("nodes",) not in context.broken
               and context.ids_known)
    if root_ok and shell.root not in all_ids:
        collect(("root",), f"The root {shell.root!r} is not a node id."
                           f"{did_you_mean(shell.root, all_ids)}")

    built: dict[str, object] = {}
    for node_id, (index, node) in by_id.items():
        path = ("nodes", index)
        result = None
        if isinstance(node, DecisionSpec):
            result = check_decision(context, node, path, players, all_ids)
        elif isinstance(node, ChanceSpec):
            result = check_chance(context, node, path, all_ids)
        elif isinstance(node, SimultaneousSpec):
            result = check_simultaneous(context, node, path, players, all_ids)
        elif isinstance(node, TerminalSpec):
            result = check_terminal(context, node, path, players)
        if result is not None:
            built[node_id] = result

    if root_ok and len(by_id) == len(all_ids) and shell.root in by_id:
        check_graph(context, shell.root, by_id, players)

    if problems or players is None or not build:
        return None
    spec = GameSpec(
        id=shell.id, title=shell.title, players=players, nodes=built, root=shell.root,
        parameters=parameters_, campaign=campaign, summary=shell.summary.strip(),
        concepts=tuple(shell.concepts),
        references=tuple(Reference(r.citation, r.note) for r in shell.references),
        debrief=tuple(note.strip() for note in shell.debrief),
        discussion=tuple(" ".join(question.split()) for question in shell.discussion),
        difficulty=shell.difficulty,
        minutes=shell.minutes, source_path=source,
    )
    return spec


def _check_parameters(context: CheckContext) -> tuple[Parameter, ...]:
    result = []
    for name, spec in context.shell.parameters.items():
        path = ("parameters", name)
        numbers = {}
        for field in ("value", "min", "max"):
            raw = getattr(spec, field)
            if raw is None or (*path, field) in context.broken:
                numbers[field] = None
                if raw is not None and field == "value":
                    context.invalid.add(name)
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


def _check_players(context: CheckContext) -> tuple[Player, Player] | None:
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
            prior = (None if (*type_path, "prior") in context.broken
                     else context.expr(spec.prior, (*type_path, "prior")))
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


__all__ = ["SOLE_TYPE", "check_and_build"]
