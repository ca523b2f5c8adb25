"""Large test inputs, generated rather than committed: long chains, deep `.efg` files, wide trees.

Each generator writes text that the loaders must accept (or reject with located problems);
the tests that use them check that no command recurses over the tree's depth and that large
files stay fast.
"""

from __future__ import annotations


def chain_scenario(decisions: int, scenario_id: str = "chain") -> str:
    """A scenario whose stage is a chain of `decisions` visible moves (2 * decisions + 1 nodes).

    Players `a` and `b` alternate; at each step the mover may `stop` (a terminal) or `go` on to
    the next decision; the last `go` ends at `end`. Payoffs are small integers.
    """
    lines = [f"id: {scenario_id}", "title: A long chain of visible moves", "players:",
             "  - {id: a, name: State A}", "  - {id: b, name: State B}", "root: d0", "nodes:"]
    for index in range(decisions):
        player = "a" if index % 2 == 0 else "b"
        after = f"d{index + 1}" if index + 1 < decisions else "end"
        lines.append(f"  - {{id: d{index}, kind: decision, player: {player}, moves: "
                     f"[{{action: go, to: {after}}}, {{action: stop, to: s{index}}}]}}")
        lines.append(f"  - {{id: s{index}, kind: terminal, outcome: Stopped, payoffs: "
                     f"{{a: {index % 3}, b: {(index + 1) % 3}}}}}")
    lines.append("  - {id: end, kind: terminal, outcome: The end, payoffs: {a: 1, b: 1}}")
    return "\n".join(lines) + "\n"


def deep_efg(depth: int) -> str:
    """A `.efg` game `depth` decisions deep (2 * depth + 1 nodes), players alternating.

    At each decision `stop` ends the game and `go` leads to the next decision.
    """
    lines = ['EFG 2 R "A deep game" { "One" "Two" }', '""', ""]
    for index in range(depth):
        player = 1 + index % 2
        lines.append(f'p "" {player} {index // 2 + 1} "i{index}" {{ "go" "stop" }} 0')
    # Written in pre-order: each decision's `go` subtree comes first, then its `stop` leaf;
    # so the leaves are written after the innermost decision, innermost first.
    lines.append(f't "" {depth + 1} "The end" {{ 1, 1 }}')
    for index in reversed(range(depth)):
        lines.append(f't "" {index + 1} "Stopped {index}" {{ {index % 3}, {(index + 1) % 3} }}')
    return "\n".join(lines) + "\n"


def wide_scenario(nodes: int, scenario_id: str = "wide") -> str:
    """A scenario of about `nodes` stage nodes: a balanced tree of decisions with 4 moves each.

    Player `a` has two private types, so the expanded game has about twice as many nodes.
    """
    lines = [f"id: {scenario_id}", "title: A wide tree", "players:",
             "  - id: a", "    types:", "      - {id: h, prior: 1/2}",
             "      - {id: l, prior: 1/2}", "  - {id: b}", "root: n0", "nodes:"]
    decisions = (nodes - 1) // 4
    count = 1 + 4 * decisions
    for index in range(count):
        children = [4 * index + k for k in range(1, 5)]
        if children[-1] < count:
            player = "a" if index % 2 == 0 else "b"
            moves = ", ".join(f"{{action: m{k}, to: n{child}}}" for k, child in enumerate(children))
            lines.append(f"  - {{id: n{index}, kind: decision, player: {player}, moves: [{moves}]}}")
        else:
            lines.append(f"  - {{id: n{index}, kind: terminal, outcome: E{index % 7}, payoffs: "
                         f"{{a: {{h: {index % 5}, l: {-(index % 3)}}}, b: {index % 4}}}}}")
    return "\n".join(lines) + "\n"


class shallow_stack:  # noqa: N801 (named like a function: `with shallow_stack(): ...`)
    """Lowers the recursion limit to the current depth plus `headroom` frames.

    Code that recursed over a tree's depth fails inside it even on small trees, so a test can
    show that a function is iterative without building a huge input.
    """

    def __init__(self, headroom: int = 120) -> None:
        self.headroom = headroom
        self.saved = 0

    def __enter__(self) -> None:
        import sys

        depth = 0
        frame = sys._getframe()
        while frame is not None:
            depth += 1
            frame = frame.f_back
        self.saved = sys.getrecursionlimit()
        sys.setrecursionlimit(depth + self.headroom)

    def __exit__(self, *exc: object) -> None:
        import sys

        sys.setrecursionlimit(self.saved)
