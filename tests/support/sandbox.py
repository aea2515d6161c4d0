"""Throwaway copies of the checkout, for the tests and benchmarks that build, break or rename
the kit without touching the working tree or its ``.venv``.

A copy holds what a fresh clone would (tracked files, plus untracked ones that are not
ignored), every file dated now: copies may share a cargo target folder (their crate's
fingerprint does not depend on the folder), and cargo judges freshness by modification time,
so an old date could make it reuse a binary built from another copy's sources.

A copy gets its own venv (``sandbox_venv``): ``maturin develop`` there installs the copy's
build, never the checkout's. Hold ``lock()`` while using one: a venv and a target folder
serve one build at a time.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Generator
from pathlib import Path

from tests.support.project import ROOT, Project, venv_python

LOCK_TIMEOUT = 1800.0  # seconds: another test's cold build may hold the lock that long
INSTALL_TIMEOUT = 900.0  # seconds: a cold install downloads node and numpy


def tracked_files(root: Path = ROOT) -> list[str]:
    """Relative paths of the files git tracks or would track (untracked, not ignored) that
    exist in the working tree."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return sorted(name for name in set(listed.split("\0")) if name and (root / name).is_file())


def copy_checkout(dest: Path, root: Path = ROOT, *, venv_dir: Path | None = None) -> Project:
    """Copy the checkout at ``root`` into ``dest`` (files dated now); with ``venv_dir``,
    ``dest/.venv`` links to it. The copy, as a Project."""
    for name in tracked_files(root):
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / name, target)
        shutil.copymode(root / name, target)
    if venv_dir is not None:
        (dest / ".venv").symlink_to(venv_dir, target_is_directory=True)
    return Project(dest)


def sandbox_venv(name: str, project: Project | None = None) -> Path:
    """A venv with the dev tools, kept under ``target/`` for the copies of the checkout to
    share (``name`` tells them apart); created on first use. Its path."""
    path = sandbox_project(Project(), name, project).venv
    dev_venv(path, (project or Project()).root)
    return path


def dev_venv(path: Path, root: Path = ROOT) -> Path:
    """The venv at ``path`` with the dev tools of the checkout at ``root`` as its uv.lock pins
    them (``make venv``'s sync, for another venv: quick when it is current); made with the
    running interpreter when missing. Its interpreter."""
    uv = Project().tool("uv")
    if not venv_python(path).exists():
        command: list[str | Path] = [uv, "venv", "--quiet", "--python", sys.executable, path]
        subprocess.run(command, check=True, timeout=INSTALL_TIMEOUT)
    sync: list[str | Path] = [uv, "sync", "--locked", "--inexact", "--no-install-project"]
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env["UV_PROJECT_ENVIRONMENT"] = str(path)
    subprocess.run(
        [*sync, "--quiet", "--group", "dev"], cwd=root, env=env, check=True, timeout=INSTALL_TIMEOUT
    )
    return venv_python(path)


def target_dir(name: str, project: Project | None = None) -> Path:
    """A cargo target folder for copies of the checkout, kept warm between runs."""
    return (project or Project()).target / "sandbox" / name / "target"


def sandbox_project(copy: Project, name: str, project: Project | None = None) -> Project:
    """A copy, building with sandbox ``name``'s venv (by its own path, the same for every
    copy, so cargo never rebuilds pyo3 between copies)."""
    project = project or Project()
    return Project(copy.root, venv_dir=project.target / "sandbox" / name / "venv")


def sandbox_env(copy: Project, name: str, project: Project | None = None) -> dict[str, str]:
    """The build environment of a copy using sandbox ``name``: its venv and target folder."""
    built = sandbox_project(copy, name, project)
    return built.env(CARGO_TARGET_DIR=str(target_dir(name, project)))


@contextlib.contextmanager
def lock(name: str, project: Project | None = None) -> Generator[None]:
    """Exclusive use of the sandbox ``name`` (its venv and target folder) across processes;
    the lock goes with the process that holds it, however it ends. POSIX (make test's
    platforms)."""
    import fcntl

    path = (project or Project()).target / "sandbox" / f"{name}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + LOCK_TIMEOUT
    with path.open("w") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{path} held for {LOCK_TIMEOUT:.0f} s") from None
                time.sleep(0.5)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
