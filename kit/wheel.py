"""Release wheels of the extension, one per interpreter, each built in a target folder of
its own so every interpreter's build stays warm.

pyo3 is compiled for one interpreter (``PYO3_PYTHON``); sharing a target folder between
interpreters would rebuild it at every switch. The version matrix and the downstream tests
both build through ``build()``, with the same arguments, so the second call is a no-op for
cargo and only repackages.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

from kit.project import Project

BUILD_TIMEOUT = 1800.0  # seconds: a cold release build of pyo3 and dashu on two busy cores


def target_dir(project: Project, python: Path) -> Path:
    """The build folder for wheels of ``python`` (by its path: a venv's own interpreter)."""
    key = hashlib.sha256(str(python.absolute()).encode()).hexdigest()[:10]
    return project.target / "wheels" / key


def build(python: Path, project: Project | None = None) -> Path:
    """``maturin build --release`` for ``python``; the wheel's path."""
    project = project or Project()
    target = target_dir(project, python)
    out = target / "dist"
    shutil.rmtree(out, ignore_errors=True)
    proc = subprocess.run(
        [project.tool("maturin"), "build", "--release", "--quiet", "-i", python, "-o", out],
        cwd=project.root,
        env=project.env(PYO3_PYTHON=str(python), CARGO_TARGET_DIR=str(target)),
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"maturin build for {python} failed:\n{proc.stdout}\n{proc.stderr}")
    (wheel,) = out.glob("*.whl")
    return wheel
