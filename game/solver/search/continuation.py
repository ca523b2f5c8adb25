"""Off-path mixing by continuation games (the first way of `game.solver.search.offpath`).

Where every open information set of a cluster lies below public states whose beliefs are
numbers (nobody was surprised), the play below each such state must be an equilibrium of the
game that starts there with those beliefs as its prior (`continuation_game`). That game is
solved on its own, pure and mixed, with the same solver (`solve_continuation`, at most
`MAX_NESTING` games deep, memoised per game), and `by_continuation` tries its equilibria
against the conditions above.
"""

from __future__ import annotations

from itertools import product

from game.model.tree import NATURE, TERMINAL
from game.solver.search.assess import PureValues
from game.solver.search.atoms import check_atom
from game.solver.search.offpath import MAX_SUPPORT_PROFILES, UNKNOWN, as_probs
from game.solver.structure import ONE, ZERO, Structure


def by_continuation(structure, base, infosets, atoms, continuation, domains):
    """Completions from equilibria of the games that start where the play leaves the path;
    open sets on the path itself (another type's move there) are tried with every action."""
    tree = structure.public
    ft = structure.ft
    reached = reached_states(structure, base)
    roots: set[int] = set()
    on_path: list[int] = []
    for i in sorted(infosets):
        state = tree.state_of[structure.game.infosets[i].members[0]]
        root = _leaving_state(tree, reached, state)
        if root is None:
            on_path.append(i)
        else:
            roots.add(root)
    covered: set[int] = set(on_path)
    for root in roots:
        covered |= tree.state_infosets[root]
    if not infosets <= covered:
        return UNKNOWN
    play = base.__getitem__
    options = []
    complete = True
    sure: list[bool] = []   # per root: is its list of options complete?
    for root in sorted(roots):
        complete_before = complete
        complete = True
        parent = tree.states[root].parent
        if tree.states[parent].concealed:
            return UNKNOWN
        candidates = []
        for holder in (0, 1):
            before = ft.status_at(parent, holder, play)
            if before is None:
                return UNKNOWN
            entered = ft.entry_weights(before, parent, root, holder, play)
            if entered is not None:
                candidates.append([entered])
                continue
            # A surprise: the belief there is free over the types still possible. Some
            # beliefs are tried (each type for sure, and the belief before the surprise);
            # finding none then proves nothing.
            complete = False
            candidates.append([{label: ONE} for label in sorted(before.weights)]
                              + [dict(before.weights)])
        option: list[dict] = []
        for pair in product(*candidates):
            found = continuation(root, (pair[0], pair[1]))
            if found is UNKNOWN:
                complete = False
                continue
            equilibria, whole = found
            complete = complete and whole
            for eq in equilibria:
                part = {i: p for i, p in eq.items() if i in infosets}
                if part not in option:
                    option.append(part)
        options.append(option)
        sure.append(complete)
        complete = complete_before and complete
    for i in on_path:
        options.append([{i: a} for a in domains[i]])
        sure.append(True)
    count = 1
    for option in options:
        count *= len(option)
    if count > MAX_SUPPORT_PROFILES:
        return UNKNOWN
    for choice in product(*options):
        assignment = dict(base)
        for part in choice:
            assignment.update(part)
        values = PureValues(structure, assignment)
        if all(check_atom(structure, atom, assignment, values) for atom, _ in atoms):
            return {i: as_probs(assignment[i], len(structure.game.infosets[i].actions))
                    for i in infosets}
    if complete or _one_atom_fails(structure, base, atoms, options, sure):
        return None
    return UNKNOWN


def _one_atom_fails(structure, base, atoms, options, whole) -> bool:
    """Is some check sure to fail: for every option of the parts it depends on, each part's
    list of options being complete (the other parts do not matter to it)?"""
    covers = [set().union(*(part.keys() for part in option)) if option else set()
              for option in options]
    for atom, deps in atoms:
        touched = [k for k, cover in enumerate(covers) if deps & cover]
        if not touched or not all(whole[k] for k in touched):
            continue
        if not deps <= set().union(*(covers[k] for k in touched)):
            continue
        count = 1
        for k in touched:
            count *= len(options[k])
        if count > MAX_SUPPORT_PROFILES:
            continue
        holds = False
        for choice in product(*(options[k] for k in touched)):
            assignment = dict(base)
            for part in choice:
                assignment.update(part)
            try:
                if check_atom(structure, atom, assignment, PureValues(structure, assignment)):
                    holds = True
                    break
            except KeyError:   # it needs a part not listed: no proof here
                holds = True
                break
        if not holds:
            return True
    return False


def _leaving_state(tree, reached: set[int], state: int) -> int | None:
    """The first public state on the way to `state` that the play does not reach (None if
    `state` is reached)."""
    path = []
    current = state
    while current >= 0:
        path.append(current)
        current = tree.states[current].parent
    for s in reversed(path):
        if s not in reached:
            return s
    return None


def reached_states(structure, base) -> set[int]:
    """The public states the play `base` reaches (a set with no play assigned yet stops the
    walk there)."""
    nodes = structure.game.nodes
    tree = structure.public
    reached = set()
    stack = [0]
    while stack:
        node = nodes[stack.pop()]
        reached.add(tree.state_of[node.id])
        if node.player == TERMINAL:
            continue
        if node.player == NATURE:
            stack.extend(c for p, c in zip(node.probs, node.children) if p)
            continue
        chosen = base.get(node.infoset)
        if chosen is None:
            continue
        if isinstance(chosen, int):
            stack.append(node.children[chosen])
        else:
            stack.extend(c for p, c in zip(chosen, node.children) if p)
    return reached



MAX_NESTING = 8
"""How many continuation games may be solved inside one another."""


def continuation_game(structure: Structure, root: int, beliefs) -> tuple | None:
    """The game that starts at public state `root`, with the given beliefs as its prior.

    Args:
        beliefs: per holder, its (unnormalised) belief over the other player's type labels.

    Returns:
        (the game, new information set -> the original one), or None if the state does not
        start a game of its own (two nodes there for one pair of types).
    """
    from game.model.tree import Game, Infoset, Node

    game = structure.game
    tree = structure.public
    nodes = game.nodes
    state = tree.states[root]
    entries = [n for n in state.nodes if tree.state_of[nodes[n].parent] != root]
    entry_of = {tree.labels[e]: e for e in entries}
    if len(entry_of) != len(entries):
        return None
    labels = [sorted({tree.labels[e][p] for e in entries}) for p in (0, 1)]
    priors = []
    for player in (0, 1):
        weights = beliefs[1 - player]
        total = sum((weights.get(label, ZERO) for label in labels[player]), ZERO)
        priors.append([weights.get(label, ZERO) / total for label in labels[player]])
    new: list[dict] = []
    mapping: dict[int, int] = {}

    def add(**fields) -> int:
        fields["id"] = len(new)
        fields["children"] = []
        new.append(fields)
        if fields["parent"] >= 0:
            new[fields["parent"]]["children"].append(fields["id"])
        return fields["id"]

    def draws(player: int, parent: int, chosen: tuple) -> None:
        if player == 2:
            _copy(structure, entry_of[chosen], parent, add, mapping)
            return
        if len(labels[player]) == 1:
            draws(player + 1, parent, (*chosen, labels[player][0]))
            return
        node = add(parent=parent, player=NATURE, infoset=-1,
                   actions=tuple("/".join(label) or "-" for label in labels[player]),
                   probs=tuple(priors[player]), label=f"Nature:start#{root}:{player}",
                   private_to=player)
        for label in labels[player]:
            draws(player + 1, node, (*chosen, label))

    draws(0, -1, ())   # at most two levels deep
    old_infosets = sorted(tree.state_infosets[root])
    infoset_map = {old: k for k, old in enumerate(old_infosets)}
    groups: dict[int, int] = {}
    infosets = []
    for old in old_infosets:
        infoset = game.infosets[old]
        group = groups.setdefault(infoset.group, len(groups))
        infosets.append(Infoset(id=infoset_map[old], player=infoset.player, label=infoset.label,
                                actions=infoset.actions,
                                members=tuple(mapping[m] for m in infoset.members),
                                keys=infoset.keys, group=group, own_type=infoset.own_type,
                                stage=infoset.stage, round=infoset.round))
    for fields in new:
        old_infoset = fields.pop("old_infoset", -1)
        fields["infoset"] = infoset_map[old_infoset] if old_infoset >= 0 else -1
        fields["children"] = tuple(fields["children"])
    round_payoffs = None
    if game.round_payoffs:
        round_payoffs = {mapping[z]: v for z, v in game.round_payoffs.items() if z in mapping}
    sub = Game(title=game.title, players=game.players, nodes=tuple(Node(**f) for f in new),
               infosets=tuple(infosets), player_ids=game.player_ids, myopic=game.myopic,
               round_payoffs=round_payoffs, spec=game.spec, values=dict(game.values),
               rounds=game.rounds)
    return sub, {k: old for old, k in infoset_map.items()}


def _copy(structure: Structure, entry: int, parent: int, add, mapping: dict[int, int]) -> None:
    """Copies the subtree of `entry` below `parent` (preorder, without recursion)."""
    nodes = structure.game.nodes
    private = structure.public.private_to
    stack = [(entry, parent)]
    while stack:
        old, under = stack.pop()
        node = nodes[old]
        mapping[old] = add(parent=under, player=node.player, infoset=-1,
                           old_infoset=node.infoset, actions=node.actions, probs=node.probs,
                           label=node.label, payoffs=node.payoffs, outcome=node.outcome,
                           stage=node.stage, round=node.round,
                           private_to=private.get(old, -1), conceals=node.conceals)
        stack.extend((child, mapping[old]) for child in reversed(node.children))


def solve_continuation(structure: Structure, root: int, beliefs, seconds: float | None):
    """The equilibria of the game that starts at `root` (see `continuation_game`), as
    behaviour over the original information sets, and whether the list is complete; or
    `UNKNOWN` when that game cannot be built or solved here."""
    key = ("continuation", root, tuple(tuple(sorted(b.items())) for b in beliefs))
    known = structure.memo.get(key)
    if known is not None:
        return known
    if structure.nesting >= MAX_NESTING:
        return UNKNOWN
    built = continuation_game(structure, root, beliefs)
    if built is None:
        return UNKNOWN
    sub_game, back = built
    sub = Structure(sub_game, concept=structure.concept, nesting=structure.nesting + 1)
    if not sub.public.ok:
        return UNKNOWN
    from game.solver.search.mixed import mixed_pbe_solve
    from game.solver.search.pure import pure_pbe_search

    families, cut, gaps = pure_pbe_search(sub, seconds=seconds, with_gaps=True)
    solutions, mixed_cut = mixed_pbe_solve(sub, seconds=seconds)
    found = []
    for family in families:
        found.append(family.first())
    found.extend(solution.behaviour for solution in solutions)
    behaviours = []
    for profile in found:
        behaviours.append({back[i]: (chosen if isinstance(chosen, tuple)
                                     else as_probs(chosen, len(sub_game.infosets[i].actions)))
                           for i, chosen in profile.items()})
    complete = not (cut or gaps or mixed_cut or any(s.continuum for s in solutions))
    result = (behaviours, complete)
    structure.memo[key] = result
    return result
