"""Benchmark: `check`, `show` and `export` on large and deep files, as whole processes.

Run: `uv run python tests/benchmarks/scenario.py [--runs N]`. Prints the median wall time and
the peak memory of `deterrence COMMAND FILE` (a fresh process each run; the machine is noisy).
Files: a 10,000-node scenario (a wide tree, two types), a 10,000-node chain (4,999 decisions),
a 500-decision chain, a 900-deep `.efg` and a 5,000-deep `.efg`, all generated.
Targets: each command on each file in a few seconds and well under 500 MB; no recursion error.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.scenario.generated import chain_scenario, deep_efg, wide_scenario  # noqa: E402

_MEASURE = ("import resource, subprocess, sys; "
            "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, "
            "stderr=subprocess.DEVNULL).returncode; "
            "print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def measure(args: list[str], runs: int) -> tuple[float, float, int]:
    """Median seconds, peak MB and exit code of `deterrence ARGS` over `runs` fresh processes."""
    times, peaks, code = [], [], 0
    for _ in range(runs):
        start = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", _MEASURE, sys.executable, "-m", "game",
                              *args], capture_output=True, text=True, cwd=ROOT, check=True)
        times.append(time.perf_counter() - start)
        code_text, peak_kb = out.stdout.split()
        code = int(code_text)
        peaks.append(int(peak_kb) / 1024)
    return statistics.median(times), max(peaks), code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        files = {
            "wide-10k.yaml": wide_scenario(10_000),
            "chain-10k.yaml": chain_scenario(4_999),
            "chain-500.yaml": chain_scenario(500),
            "deep-900.efg": deep_efg(900),
            "deep-5k.efg": deep_efg(4_999),
        }
        print(f"{'file':<16} {'command':<8} {'median s':>9} {'peak MB':>8}  exit")
        for name, text in files.items():
            path = Path(folder) / name
            path.write_text(text, encoding="utf-8")
            commands = ["check", "show", "export"] if name.endswith(".yaml") else ["show",
                                                                                   "export"]
            for command in commands:
                args = [command, str(path)]
                if command == "export":
                    args += ["--efg", str(Path(folder) / "out.efg")]
                seconds, peak, code = measure(args, runs)
                print(f"{name:<16} {command:<8} {seconds:>9.2f} {peak:>8.0f}  {code}")


if __name__ == "__main__":
    main()
