"""Running ``pyrs`` and the generators in the tests of the tool."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEV_VENV_BIN = REPO / ".venv" / "bin"
# The tool, as `make pyrs` builds it (the Makefile exports its path, so the tests of a copy
# of the checkout run the same binary).
PYRS = Path(os.environ.get("PYRS_BINARY", REPO / ".venv" / "bin" / "pyrs"))
# The runtime side of pyrs's stub truth check, as the binary ships it (include_str!).
TRUTH_SCRIPT = REPO / "tool" / "src" / "stubs" / "truth.py"
# Shared by every fixture project: one cargo target folder (pyo3 is built once per version
# and feature set) and one venv, which each project reaches through its `.venv` link.
SHARED = REPO / "target" / "tool-fixtures"
TIMEOUT = 1800.0  # seconds: a cold pyo3 build on two busy cores


def environment(**extra: str) -> dict[str, str]:
    """A user's shell: no venv activated, no variables of the repo's own build."""
    dropped = ("VIRTUAL_ENV", "PYTHONPATH", "PYO3_PYTHON", "CARGO_TARGET_DIR")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env["CARGO_TARGET_DIR"] = str(SHARED / "cargo")
    env.update(extra)
    return env


def run(
    command: Sequence[object],
    *,
    cwd: Path,
    check: bool = False,
    env: dict[str, str] | None = None,
    timeout: float = TIMEOUT,
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [str(c) for c in command],
        cwd=cwd,
        env=env if env is not None else environment(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check:
        assert proc.returncode == 0, describe(command, proc)
    return proc


def describe(command: Sequence[object], proc: subprocess.CompletedProcess[str]) -> str:
    return (
        f"{' '.join(map(str, command))} exited {proc.returncode}\n"
        f"--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"
    )


def pyrs(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run([PYRS, *args], cwd=cwd)
