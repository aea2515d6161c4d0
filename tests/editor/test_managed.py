"""The demo's editor and checker configuration is exactly what ``pyrs adopt`` writes: the
demo is the tool's first user, and upgrading the tool then re-running adopt is its update
path too."""

from __future__ import annotations

import subprocess

from tests.support.tools import PROJECT, TOOL_TIMEOUT, user_environment
from tests.tool.tooling import PYRS


def pyrs(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PYRS), *args],
        cwd=PROJECT.root,
        env=user_environment(),
        capture_output=True,
        text=True,
        timeout=TOOL_TIMEOUT,
        check=False,
    )


def test_adopt_check_is_clean() -> None:
    proc = pyrs("adopt", "--check")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip().endswith("is current"), proc.stdout


def test_adopt_would_change_nothing() -> None:
    proc = pyrs("adopt", "--dry-run")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "would change" not in proc.stdout, proc.stdout
    assert proc.stdout.strip().splitlines()[-1].startswith("pyrs adopt: up to date"), proc.stdout
