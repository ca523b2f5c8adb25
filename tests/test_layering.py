"""The import layering holds: contracts in pyproject.toml, and no terminal below the front ends."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_import_linter_contracts_hold():
    command = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    result = subprocess.run([command], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" not in result.stdout.lower().split("contracts:")[-1] or "0 broken" in result.stdout


def test_the_core_loads_without_a_terminal_library():
    code = ("import sys; import game.solver.solve, game.engine, game.scenario.load, "
            "game.bots.equilibrium, game.model.expand; "
            "bad = [m for m in ('textual', 'rich') if m in sys.modules]; "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_engine_and_model_load_without_pydantic():
    code = ("import sys; import game.engine, game.model.expand, game.model.tree; "
            "sys.exit(1 if 'pydantic' in sys.modules else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
