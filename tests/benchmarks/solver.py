"""Benchmark: the solver on random signalling games, side by side with pygambit when installed.

Run: `uv run python tests/benchmarks/solver.py [--quick]`. Prints medians over several random
games per size (generic integer payoffs in [-100, 100], random priors). Targets, for ALL pure
PBE with their off-path belief sets: 2x2x2 under 20 ms; 3x4x4 under 100 ms; 5x10x10 under
10 s and 1 GB. Mixed equilibria of 2-type games up to 3 signals x 3 responses: under 1 s.
Ties: 5x10x10x2 with payoffs in [-10, 10] (every tie below the replies counted, not listed),
all pure PBE families with their counts, under 10 s. Whole processes (`deterrence solve
FILE.efg --format json`, bytecode cached): 2x2x2x2 under 0.5 s; 3x4x4x2, 4x6x5x2 and 5x10x10x2
with the time per stage; a 10,000-node scenario within its budget (5 s) plus 1 s, under 500 MB.
With pygambit (`uv sync --group oracle`), its `lcp_solve` (ONE equilibrium) runs on the same
games exported as .efg, with a time limit, and the ratio is printed.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import resource
import statistics
import sys
import time
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from game.model.expand import expand_game  # noqa: E402
from game.scenario.efg import game_to_efg  # noqa: E402
from game.solver.solve import solve  # noqa: E402
from tests.games import signalling_spec  # noqa: E402


def random_game(types: int, messages: int, responses: int, finals: int, seed: int,
                span: int = 100):
    rng = random.Random(seed)
    weights = [rng.randint(1, 9) for _ in range(types)]
    priors = [Fraction(w, sum(weights)) for w in weights]
    table: dict = {}

    def payoff(node: str, player: int, own: str, opp: str) -> int:
        return table.setdefault((node, player, own, opp), rng.randint(-span, span))

    return expand_game(signalling_spec(priors, messages, responses, payoff, finals=finals))


def _gambit(efg: str, queue) -> None:
    import pygambit as gbt

    game = gbt.read_efg(__import__("io").StringIO(efg))
    start = time.perf_counter()
    gbt.nash.lcp_solve(game, rational=True)  # sequence form: one equilibrium
    queue.put(time.perf_counter() - start)


def gambit_seconds(game, limit: float) -> float | None:
    try:
        import pygambit  # noqa: F401
    except ImportError:
        return None
    queue: multiprocessing.Queue = multiprocessing.Queue()
    process = multiprocessing.Process(target=_gambit, args=(game_to_efg(game), queue))
    process.start()
    process.join(limit)
    if process.is_alive():
        process.kill()
        return float("inf")
    return queue.get() if not queue.empty() else None


def measure(shape, repeats: int, mixed: bool, gambit_limit: float) -> None:
    times, counts, gambit = [], [], []
    for seed in range(repeats):
        game = random_game(*shape, seed=seed)
        start = time.perf_counter()
        result = solve(game, mixed=mixed, refine=False, seconds=30.0)
        times.append(time.perf_counter() - start)
        counts.append(sum(e.alternatives for e in result.equilibria))
        if gambit_limit:
            g = gambit_seconds(game, gambit_limit)
            if g is not None:
                gambit.append(g)
    label = "x".join(map(str, shape[:3]))
    what = "pure+mixed" if mixed else "all pure"
    ordered = sorted(times)
    p90 = ordered[min(len(ordered) - 1, (9 * len(ordered)) // 10)]
    line = (f"{label:>8} ({what:10}) {repeats} games: median "
            f"{statistics.median(times) * 1000:8.1f} ms, p90 {p90 * 1000:8.1f} ms, "
            f"max {max(times) * 1000:8.1f} ms, median #PBE {statistics.median(counts)}")
    if gambit:
        median = statistics.median(gambit)
        ratio = median / statistics.median(times)
        line += f"; pygambit lcp (one eq.) {median:.2f} s, ratio {ratio:.1f}x"
    print(line, flush=True)


def _big(queue, seed: int) -> None:
    game = random_game(5, 10, 10, 2, seed=seed)
    start = time.perf_counter()
    result = solve(game, mixed=False, refine=False, seconds=60.0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put((time.perf_counter() - start, len(result.equilibria),
               sum(e.alternatives for e in result.equilibria), peak))


def in_child(target, seed: int, limit: float):
    """Runs `target(queue, seed)` in a child process; what it put on the queue, or None when
    it did not finish within `limit` seconds (it is then killed)."""
    queue: multiprocessing.Queue = multiprocessing.Queue()
    process = multiprocessing.Process(target=target, args=(queue, seed))
    process.start()
    process.join(limit)
    if process.is_alive():
        process.kill()
        return None
    return queue.get()


def big_limit(limit: float, seeds: int = 3) -> None:
    """5x10x10 on a few random games, each in a child process with a time limit."""
    times = []
    for seed in range(seeds):
        found = in_child(_big, seed, limit)
        if found is None:
            print(f"5x10x10 (all pure  ) seed {seed}: did not finish within {limit:.0f} s",
                  flush=True)
            times.append(float("inf"))
            continue
        seconds, listed, count, peak = found
        times.append(seconds)
        print(f"5x10x10 (all pure  ) seed {seed}: {seconds:.1f} s, {listed} equilibria listed "
              f"({count} pure PBE in their families), peak {peak:.0f} MB", flush=True)
    print(f"5x10x10 (all pure  ) median {statistics.median(times):.1f} s, "
          f"max {max(times):.1f} s", flush=True)


def _ties(queue, seed: int) -> None:
    from game.solver.search.pure import pure_pbe_search
    from game.solver.structure import Structure

    game = random_game(5, 10, 10, 2, seed=seed, span=10)
    start = time.perf_counter()
    families, truncated, gaps = pure_pbe_search(Structure(game), seconds=15.0, with_gaps=True)
    searched = time.perf_counter() - start
    start = time.perf_counter()
    result = solve(game, mixed=False, refine=False, seconds=60.0)
    queue.put((searched, len(families), sum(f.count for f in families),
               not truncated and not gaps, time.perf_counter() - start, len(result.equilibria)))


def ties(limit: float, seeds: int = 3) -> None:
    """5x10x10x2 with payoffs in [-10, 10]: many ties below the replies."""
    times = []
    for seed in range(seeds):
        found = in_child(_ties, seed, limit)
        if found is None:
            print(f"ties 5x10x10x2 seed {seed}: did not finish within {limit:.0f} s", flush=True)
            times.append(float("inf"))
            continue
        seconds, families, count, complete, solved, listed = found
        times.append(seconds)
        print(f"ties 5x10x10x2 [-10,10] seed {seed}: all families {seconds:.1f} s, {families} "
              f"families, {count} pure PBE, complete {complete}; solve listing {listed} "
              f"(one per family, capped) {solved:.1f} s", flush=True)
    print(f"ties 5x10x10x2 median {statistics.median(times):.1f} s, max {max(times):.1f} s",
          flush=True)


def whole_process(shape, seeds: int, runs: int = 3) -> None:
    """`deterrence solve FILE.efg --format json` as a whole process, and the time per stage
    (in-process, the same game)."""
    import subprocess
    import tempfile

    walls, stages = [], {}
    with tempfile.TemporaryDirectory() as folder:
        for seed in range(seeds):
            game = random_game(*shape, seed=seed)
            path = Path(folder) / f"g{seed}.efg"
            path.write_text(game_to_efg(game), encoding="utf-8")
            subprocess.run([sys.executable, "-m", "game", "solve", str(path), "--format",
                            "json"], capture_output=True, cwd=ROOT)   # warm the bytecode cache
            for _ in range(runs):
                start = time.perf_counter()
                out = subprocess.run([sys.executable, "-m", "game", "solve", str(path),
                                      "--format", "json"], capture_output=True, cwd=ROOT)
                walls.append(time.perf_counter() - start)
                assert out.returncode == 0, out.stderr[-500:]
            from game.scenario.efg import load_efg

            result = solve(load_efg(path))
            for stage, seconds in result.timings.items():
                stages.setdefault(stage, []).append(seconds)
    label = "x".join(map(str, shape))
    split = ", ".join(f"{stage} {statistics.median(v):.2f}" for stage, v in stages.items())
    print(f"process {label:>9}: median {statistics.median(walls):.2f} s, max "
          f"{max(walls):.2f} s over {len(walls)} runs; stages (median s): {split}", flush=True)


def big_scenario(runs: int = 3) -> None:
    """`deterrence solve` on a 10,000-node scenario: wall time and peak memory."""
    import subprocess
    import tempfile

    from tests.scenario.generated import wide_scenario

    measure = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], "
               "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "wide.yaml"
        path.write_text(wide_scenario(10_000), encoding="utf-8")
        walls, peaks = [], []
        for _ in range(runs):
            start = time.perf_counter()
            out = subprocess.run([sys.executable, "-c", measure, sys.executable, "-m", "game",
                                  "solve", str(path)], capture_output=True, text=True, cwd=ROOT)
            walls.append(time.perf_counter() - start)
            peaks.append(int(out.stdout.split()[-1]) / 1024)
    print(f"10,000-node scenario (budget 5 s): median {statistics.median(walls):.2f} s, "
          f"max {max(walls):.2f} s, peak {max(peaks):.0f} MB", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer repeats, skip 5x10x10")
    parser.add_argument("--gambit-limit", type=float, default=60.0)
    parser.add_argument("--big-limit", type=float, default=120.0,
                        help="seconds allowed for the 5x10x10 game")
    args = parser.parse_args()
    repeats = 3 if args.quick else 7
    for shape in [(2, 2, 2, 2), (3, 4, 4, 2)]:
        measure(shape, repeats, mixed=False, gambit_limit=args.gambit_limit)
    if not args.quick:
        big_limit(args.big_limit)
        ties(args.big_limit)
    whole_process((2, 2, 2, 2), seeds=3 if args.quick else 5)
    whole_process((3, 4, 4, 2), seeds=2 if args.quick else 3)
    if not args.quick:
        whole_process((4, 6, 5, 2), seeds=2, runs=1)
        whole_process((5, 10, 10, 2), seeds=2, runs=1)
        big_scenario()
    for shape in [(2, 2, 2, 2), (2, 3, 3, 2)]:   # more games: the mixed search's tail matters
        measure(shape, 3 * repeats if args.quick else 40, mixed=True, gambit_limit=0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:.0f} MB")


if __name__ == "__main__":
    main()
