"""Subprocess helpers shared by the tests: run a tool, read pyright's JSON, make and inspect
venvs. Paths and names come from ``tests.support.project``."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

from tests.support.checkers import CHECKERS
from tests.support.project import Project, venv_python

PROJECT = Project()
MODULE = PROJECT.module
# Bounds for subprocesses (seconds): tool calls, and cargo/maturin builds (a cold build in a
# fresh target folder takes minutes on 2 cores).
TOOL_TIMEOUT = 180.0
BUILD_TIMEOUT = 1800.0


def user_environment(**extra: str) -> dict[str, str]:
    """The full environment (tools need HOME, PATH, ...) as the editor or a user's shell has
    it, without the kit's own variables (the editor and downstream checks must work without
    them), nor the skip of the stale-build check; plus ``extra``."""
    return PROJECT.user_env(**extra)


def run(
    command: Sequence[str | Path],
    *,
    cwd: Path,
    env: dict[str, str] | None = None,
    timeout: float = TOOL_TIMEOUT,
    check: bool = False,
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [str(c) for c in command],
        cwd=cwd,
        env=env if env is not None else user_environment(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check:
        assert proc.returncode == 0, (
            f"{' '.join(map(str, command))} exited {proc.returncode}\n"
            f"--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"
        )
    return proc


def pyright_json(
    args: Sequence[str | Path], *, cwd: Path, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """``pyright --outputjson ARGS`` from ``cwd``; the parsed report."""
    proc = run([PROJECT.tool("pyright"), "--outputjson", *args], cwd=cwd, env=env)
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError as error:
        raise AssertionError(f"pyright gave no JSON:\n{proc.stdout}\n{proc.stderr}") from error
    assert isinstance(report, dict)
    return cast("dict[str, Any]", report)


def path_first(bin_dir: Path) -> dict[str, str]:
    """``user_environment()`` with ``bin_dir`` first on PATH: ``pyright --verifytypes``
    ignores ``--pythonpath`` and the config's venv and runs the first ``python`` on PATH."""
    return user_environment(PATH=os.pathsep.join([str(bin_dir), os.environ["PATH"]]))


def make_bare_venv(path: Path) -> Path:
    """A virtual environment with nothing installed (not even pip); its python."""
    run([sys.executable, "-m", "venv", "--without-pip", path], cwd=path.parent, check=True)
    python = venv_python(path)
    assert python.exists()
    return python


def install_offline(python: Path, *requirements: str | Path) -> None:
    """Install into ``python``'s venv from uv's cache alone (no index): wheels built here and
    packages the kit's own installs already fetched."""
    command: list[str | Path] = [PROJECT.tool("uv"), "pip", "install", "--quiet", "--offline"]
    run([*command, "--python", python, *requirements], cwd=python.parent, check=True)


def dev_pin(name: str, project: Project = PROJECT) -> str:
    """``name``'s requirement as the dev dependency group pins it (pyproject.toml):
    ``uv==X.Y.Z``, ``pyright[nodejs]==X.Y.Z``."""
    pinned = re.compile(rf"{re.escape(name)}(\[[\w,-]+\])?==\S+")
    groups = cast("dict[str, list[object]]", project.pyproject["dependency-groups"])
    for requirement in groups["dev"]:
        if isinstance(requirement, str) and pinned.fullmatch(requirement):
            return requirement
    raise AssertionError(f"pyproject.toml's dev group pins no {name}")


def locked_requirements(group: str, dest: Path, project: Project = PROJECT) -> Path:
    """The dependency group ``group`` as uv.lock pins it, for every supported Python, in a
    requirements file at ``dest`` (for ``uv pip install -r`` or ``--constraint``)."""
    command: list[str | Path] = [PROJECT.tool("uv"), "export", "--frozen", "--quiet"]
    command += ["--only-group", group, "--no-hashes", "--no-emit-project", "-o", dest]
    run(command, cwd=project.root, check=True)
    return dest


def checkers_venv(path: Path) -> Path:
    """A venv holding the type checkers alone, as ``.venv`` pins them (and not the module,
    which ``.venv`` has: run from there, a checker finds it without being told where the
    user's interpreter is); its bin folder. Made with ``.venv``'s Python, from uv's cache."""
    pins = [dev_pin(checker.name) for checker in CHECKERS]
    run([PROJECT.python, "-m", "venv", "--without-pip", path], cwd=path.parent, check=True)
    python = venv_python(path)
    constraints = locked_requirements("dev", path.parent / "dev-constraints.txt")
    install_offline(python, "--constraint", constraints, *pins)
    return python.parent


def site_packages(python: Path) -> Path:
    proc = run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        cwd=python.parent,
        check=True,
    )
    return Path(proc.stdout.strip())


def find_module(python: Path, name: str, *, cwd: Path) -> str | None:
    """Where ``python``, run in ``cwd``, imports ``name`` from (None if it cannot), imported
    for real so a broken extension fails here rather than pass as "found"."""
    code = (
        "import importlib, sys\n"
        f"try:\n    module = importlib.import_module({name!r})\n"
        "except ModuleNotFoundError:\n    print('None')\n"
        "else:\n    print(module.__file__)\n"
    )
    proc = run([python, "-c", code], cwd=cwd, check=True)
    found = proc.stdout.strip()
    return None if found == "None" else found


def installed_extension() -> Path:
    """The compiled module installed in .venv (``<module>/<module>.cpython-*.so``)."""
    package = site_packages(PROJECT.python) / MODULE
    matches = sorted(package.glob(f"{MODULE}.*.so")) + sorted(package.glob(f"{MODULE}.*.pyd"))
    assert len(matches) == 1, f"expected one built extension in .venv, found {matches}"
    return matches[0]


def first_doc_line(text: str | None) -> str:
    assert text is not None, "no docstring"
    assert text.strip(), "empty docstring"
    return text.strip().splitlines()[0]


def install_old_build(site: Path, name: str, source: Path) -> Path:
    """What ``maturin develop`` of the kit under the name ``name`` left in ``site``: a
    package and its dist-info, whose direct_url.json names the checkout. The dist-info."""
    dist_info = site / f"{name}-0.1.0.dist-info"
    dist_info.mkdir()
    (site / name).mkdir()
    (site / name / "__init__.py").write_text("")
    (dist_info / "METADATA").write_text(f"Metadata-Version: 2.4\nName: {name}\nVersion: 0.1.0\n")
    (dist_info / "INSTALLER").write_text("uv\n")
    url = {"dir_info": {"editable": True}, "url": source.resolve().as_uri()}
    (dist_info / "direct_url.json").write_text(json.dumps(url))
    files = [f"{name}/__init__.py"]
    files += [f"{dist_info.name}/{f}" for f in ("METADATA", "INSTALLER", "direct_url.json")]
    files += [f"{dist_info.name}/RECORD"]
    (dist_info / "RECORD").write_text("".join(f"{f},,\n" for f in files))
    return dist_info
