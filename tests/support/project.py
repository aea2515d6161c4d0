"""What the demo's tests know about this checkout, in one place: its paths, the module's
name, the interpreter of ``.venv`` and the environment every build command runs in.

The tests and the benchmarks ask this module instead of spelling a path, a name or a variable
again. (The tool reads the same facts for itself, in Rust: tool/src/project/.)
"""

from __future__ import annotations

import functools
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
WINDOWS = os.name == "nt"
# Variables that make (``Project.env``), an activated venv or ``.env`` set, and that VS Code
# does not give its language servers: probes of what the editor sees leave them out.
NOT_IN_EDITOR = ("VIRTUAL_ENV", "PYTHONPATH", "PYO3_PYTHON")


def venv_python(venv: Path) -> Path:
    """The interpreter of a virtual environment, where it is on this OS."""
    return venv / ("Scripts/python.exe" if WINDOWS else "bin/python")


def venv_bin(venv: Path) -> Path:
    """The folder of a virtual environment's executables."""
    return venv_python(venv).parent


def executable(bin_dir: Path, name: str) -> Path:
    """A console script installed in ``bin_dir`` (``name.exe`` on Windows)."""
    return bin_dir / (f"{name}.exe" if WINDOWS else name)


@dataclass(frozen=True)
class Project:
    """One checkout (this one, or a copy of it made by a test), and the venv it
    builds for: its own ``.venv`` unless ``venv_dir`` names another (a test's copy builds
    with a venv at a fixed path, so that cargo never rebuilds pyo3 for a new path)."""

    root: Path = ROOT
    venv_dir: Path | None = None

    @functools.cached_property
    def pyproject(self) -> dict[str, Any]:
        if sys.version_info >= (3, 11):
            import tomllib
        else:  # Python 3.10: the same parser from PyPI (the dev group)
            import tomli as tomllib
        with (self.root / "pyproject.toml").open("rb") as file:
            parsed: dict[str, Any] = tomllib.load(file)
        return parsed

    @property
    def module(self) -> str:
        """The Python import name of the extension: ``[project].name`` (also the crate's
        name; ``make rename`` changes both)."""
        name = str(self.pyproject["project"]["name"])
        return name.replace("-", "_")

    @property
    def stubs(self) -> Path:
        """The folder of the generated stub: every checker and the editor read it here."""
        return self.root / "stubs"

    @property
    def stub(self) -> Path:
        return self.stubs / f"{self.module}.pyi"

    @property
    def venv(self) -> Path:
        return self.venv_dir or self.root / ".venv"

    @property
    def python(self) -> Path:
        """The project's interpreter (``.venv``), the one VS Code and every build use."""
        return venv_python(self.venv)

    @property
    def bin(self) -> Path:
        return venv_bin(self.venv)

    def tool(self, name: str) -> Path:
        """A console script of ``.venv`` (pyright, maturin, ...)."""
        return executable(self.bin, name)

    @property
    def target(self) -> Path:
        """Cargo's build folder, shared by every build of this checkout."""
        return self.root / "target"

    @property
    def skip_variable(self) -> str:
        """Set to 1 to skip the import-time stale-build check (the Rust side, in
        ``src/python/staleness.rs``, derives the same name from the module's)."""
        return f"{self.module.upper()}_SKIP_SOURCE_CHECK"

    @property
    def stale_mark(self) -> str:
        """How the import-time warning about a stale build starts."""
        return f"{self.module}: stale build"

    @property
    def supported_pythons(self) -> list[str]:
        """The CPython versions the project claims (its ``Python :: 3.N`` classifiers), each
        of which ``make test`` runs (``pyrs test --matrix``)."""
        prefix = "Programming Language :: Python :: "
        claimed = [
            c.removeprefix(prefix)
            for c in self.pyproject["project"].get("classifiers", [])
            if c.startswith(prefix) and c.removeprefix(prefix).count(".") == 1
        ]
        return sorted(claimed, key=lambda v: tuple(map(int, v.split("."))))

    def user_env(self, **extra: str) -> dict[str, str]:
        """What VS Code's language servers and run/debug, or a user's plain shell, have: this
        environment without the variables of ``env()`` and an activated venv (NOT_IN_EDITOR)
        and without the skip of the stale-build check; ``extra`` added last."""
        dropped = (*NOT_IN_EDITOR, self.skip_variable)
        env = {k: v for k, v in os.environ.items() if k not in dropped}
        env.update(extra)
        return env

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of every build and tool command: ``.venv`` first on PATH and
        active, and PYO3_PYTHON naming its interpreter, so that cargo (tests, clippy,
        stub_gen) and maturin build pyo3 for the same Python and never rebuild it for each
        other. ``extra`` is added last."""
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONHOME", "CONDA_PREFIX")}
        env.update(
            PYO3_PYTHON=str(self.python),
            VIRTUAL_ENV=str(self.venv),
            PATH=os.pathsep.join([str(self.bin), env.get("PATH", "")]),
        )
        env.update(extra)
        return env
