"""Create or update a virtual environment from the lock files in ``requirements/``.

    python3 -m kit.venv [--bench]      .venv with requirements/dev.txt (and bench.txt)
    python -m kit.venv --lock          rewrite the *.txt locks from the *.in files

The locks are universal (``uv pip compile --universal``): one file pins every package for
every Python the project supports, with environment markers where a version differs (numpy
and hypothesis dropped 3.10, for example). uv installs them; its own pin is read from
dev.in, so it is written in one place. Standard library only: this runs before ``.venv``
exists, with whatever ``python3`` the machine has.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from kit.project import Project, executable, venv_python

LOCKS = Path("requirements")
# Which lock an environment needs: .venv (dev), the per-version matrix venvs (test), and
# `make bench` (bench on top of the others).
DEV, TEST, BENCH = "dev", "test", "bench"
STAMP = ".kit-installed"
INSTALL_TIMEOUT = 900.0  # seconds: a cold install downloads node and numpy


def lock_file(project: Project, group: str) -> Path:
    return project.root / LOCKS / f"{group}.txt"


def dev_pin(project: Project, name: str) -> str:
    """``name``'s requirement as pinned in dev.in (and so in the dev lock): ``uv==X.Y.Z``,
    ``pyright[nodejs]==X.Y.Z``."""
    source = project.root / LOCKS / f"{DEV}.in"
    pinned = rf"^{re.escape(name)}(?:\[[\w,-]+\])?==\S+"
    match = re.search(pinned, source.read_text(), re.MULTILINE)
    if match is None:
        raise SystemExit(f"{source} pins no {name}")
    return match.group(0)


def run(command: Sequence[str | Path], cwd: Path | None = None) -> None:
    subprocess.run([str(part) for part in command], cwd=cwd, check=True, timeout=INSTALL_TIMEOUT)


def uv(project: Project) -> Path:
    """The pinned uv of .venv, installed there with pip first if it is missing."""
    tool = executable(project.bin, "uv")
    pin = dev_pin(project, "uv")
    if tool.exists():
        found = subprocess.run([tool, "--version"], capture_output=True, text=True, check=True)
        if found.stdout.split()[1:2] == [pin.split("==")[1]]:
            return tool
    run([project.python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", pin])
    return tool


def ensure(
    venv: Path,
    groups: Sequence[str],
    *,
    project: Project | None = None,
    python: Path | str | None = None,
) -> Path:
    """``venv`` with the locks of ``groups`` installed, reused as is when its stamp says
    they already are; returns its interpreter. ``python`` is the base interpreter of a new
    venv (default: the one running this)."""
    project = project or Project()
    locks = [lock_file(project, group) for group in groups]
    digest = hashlib.sha256(b"".join(lock.read_bytes() for lock in locks)).hexdigest()
    stamp = venv / STAMP
    interpreter = venv_python(venv)
    if interpreter.exists() and stamp.exists() and stamp.read_text() == digest:
        return interpreter
    base = python or sys.executable
    if not interpreter.exists() and venv == project.venv:
        run([base, "-m", "venv", venv])  # with pip: the way uv itself gets in
    elif not interpreter.exists():
        run([uv(project), "venv", "--quiet", "--python", base, venv])
    command: list[str | Path] = [uv(project), "pip", "install", "--quiet", "--python", interpreter]
    for lock in locks:
        command += ["-r", lock]
    run(command)
    stamp.write_text(digest)
    return interpreter


def lock(project: Project) -> None:
    """Rewrite every lock from its ``.in`` file, for the oldest supported Python and up.
    dev.in includes test.in; test and bench are held to dev's versions."""
    tool = uv(project)
    jobs: list[tuple[str, list[str]]] = [(DEV, []), (TEST, [DEV]), (BENCH, [DEV])]
    for group, constraints in jobs:
        command: list[str | Path] = [tool, "pip", "compile", "--quiet", "--universal"]
        command += ["--python-version", project.supported_pythons[0], "--no-header"]
        for other in constraints:
            command += ["--constraint", lock_file(project, other)]
        command += [project.root / LOCKS / f"{group}.in", "-o", lock_file(project, group)]
        run(command, cwd=project.root)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kit.venv", description=__doc__)
    parser.add_argument("--bench", action="store_true", help="add the benchmark peers")
    parser.add_argument("--lock", action="store_true", help="rewrite the lock files")
    args = parser.parse_args(argv)
    project = Project()
    if args.lock:
        lock(project)
        return 0
    groups = [DEV, BENCH] if args.bench else [DEV]
    ensure(project.venv, groups, project=project)
    return 0


if __name__ == "__main__":
    sys.exit(main())
