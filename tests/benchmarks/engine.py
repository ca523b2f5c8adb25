"""Benchmark: scenario loading, random play-throughs, and the command's start-up time.

Run: `uv run python tests/benchmarks/engine.py`. Prints medians (the machine is noisy).
Targets: load+validate of a generated 2,000-node scenario under 200 ms; over 20,000 random
play-throughs per second on public-threat; `deterrence --help` under 300 ms.
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from game.engine.state import State  # noqa: E402
from game.model.expand import expand_game  # noqa: E402
from game.scenario.library import resolve  # noqa: E402
from game.scenario.load import load_scenario, load_scenario_text  # noqa: E402


def generated_scenario(decisions: int = 1000) -> str:
    """A scenario with `2 * decisions` nodes: a chain of choices, each with an exit."""
    lines = [
        "id: generated", "title: Generated chain", "parameters:",
        "  c: {value: 1/2, min: 0, max: 1, description: A cost.}",
        "players:",
        "  - id: a", "    types:", "      - {id: hi, prior: c}", "      - {id: lo, prior: 1 - c}",
        "  - id: b",
        "root: d0", "nodes:",
    ]
    for k in range(decisions):
        player = "a" if k % 2 == 0 else "b"
        nxt = f"d{k + 1}" if k + 1 < decisions else "end"
        lines += [
            f"  - id: d{k}", "    kind: decision", f"    player: {player}",
            f"    text: Decision number {k}.",
            "    moves:",
            f"      - {{action: go, label: Go on, to: {nxt}}}",
            f"      - {{action: stop, label: Stop, to: t{k}}}",
            f"  - id: t{k}", "    kind: terminal", f"    outcome: Stopped at {k}",
            "    payoffs:",
            f"      a: {{hi: {k % 7} - c, lo: -{k % 5}}}",
            f"      b: {k % 3}/2",
        ]
    lines += ["  - id: end", "    kind: terminal", "    outcome: The end",
              "    payoffs: {a: 0, b: 0}"]
    return "\n".join(lines) + "\n"


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    text = generated_scenario()
    nodes = text.count("  - id: ")
    load_scenario_text(text)  # warm up imports
    load_ms = median_time(lambda: load_scenario_text(text, "generated.yaml"), 9) * 1000
    print(f"load+validate {nodes:,}-node scenario ({len(text) // 1024} KiB): median {load_ms:.0f} ms"
          f"  (target < 200 ms)")

    game = expand_game(load_scenario(resolve("public-threat")))
    rng = random.Random(1)

    def playthroughs(count: int) -> None:
        for _ in range(count):
            state = State.initial(game)
            while not state.is_terminal:
                if state.is_chance:
                    state = state.sample_chance(rng)
                else:
                    actions = state.legal_actions()
                    state = state.play(actions[rng.randrange(len(actions))])

    count = 20_000
    seconds = median_time(lambda: playthroughs(count), 5)
    print(f"random play-throughs on public-threat: median {count / seconds:,.0f}/s"
          f"  (target > 20,000/s)")

    def help_time() -> None:
        subprocess.run([sys.executable, "-m", "game", "--help"], capture_output=True, check=True,
                       cwd=ROOT)

    help_ms = median_time(help_time, 9) * 1000
    baseline_ms = median_time(lambda: subprocess.run([sys.executable, "-c", "pass"],
                                                     capture_output=True, check=True), 9) * 1000
    print(f"`deterrence --help` wall time: median {help_ms:.0f} ms (bare Python start-up: "
          f"{baseline_ms:.0f} ms)  (target < 300 ms)")


if __name__ == "__main__":
    main()
