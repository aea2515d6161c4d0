"""The release wheel the downstream tests install: the one ``pyrs test --matrix`` built for
the interpreter running them (it names it in ``PYRS_WHEEL``), else one built here for that
interpreter with ``maturin build --release``.

Each interpreter builds in a target folder of its own, so every one's build stays warm:
pyo3 is compiled for one interpreter (``PYO3_PYTHON``), and a shared folder would rebuild it
at every switch.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from pathlib import Path

from tests.support.tools import BUILD_TIMEOUT, PROJECT, run

WHEEL_VARIABLE = "PYRS_WHEEL"  # set by pyrs test --matrix for the tests it runs


def under_test() -> Path:
    """The wheel of the matrix, else one built now for the running interpreter."""
    named = os.environ.get(WHEEL_VARIABLE, "")
    if named != "":
        return Path(named)
    return build(Path(sys.executable))


def build(python: Path) -> Path:
    """``maturin build --release`` for ``python``; the wheel's path."""
    key = hashlib.sha256(str(python.absolute()).encode()).hexdigest()[:10]
    target = PROJECT.target / "wheels" / key
    out = target / "dist"
    shutil.rmtree(out, ignore_errors=True)
    command: list[str | Path] = [PROJECT.tool("maturin"), "build", "--release", "--quiet"]
    command += ["-i", python, "-o", out]
    env = PROJECT.env(PYO3_PYTHON=str(python), CARGO_TARGET_DIR=str(target))
    run(command, cwd=PROJECT.root, env=env, timeout=BUILD_TIMEOUT, check=True)
    (wheel,) = out.glob("*.whl")
    return wheel
