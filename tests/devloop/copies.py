"""A throwaway copy of the checkout, edited and built with ``pyrs dev``: what the dev-loop
tests check the edit loop on.

Copies build in the "devloop" sandbox (``tests/support/sandbox.py``): its own venv and
target folder, so the checkout's ``.venv`` is never touched and, once warm, only the crate is
recompiled; the tests that use it take its lock for as long as their copy is in use.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from tests.support import sandbox
from tests.support.project import Project
from tests.support.tools import BUILD_TIMEOUT, PROJECT, TOOL_TIMEOUT
from tests.tool.tooling import PYRS

SANDBOX = "devloop"
Edited = TypeVar("Edited")


@dataclass
class BuiltCopy:
    copy: Project
    env: dict[str, str]  # the build environment: the sandbox's venv and target folder

    def run(self, *command: str, timeout: float = TOOL_TIMEOUT) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            list(command),
            cwd=self.copy.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def python(self, *args: str) -> subprocess.CompletedProcess[str]:
        """The copy's interpreter; a stale-build warning fails the import (the build must be
        the sources')."""
        return self.run(self.env["PYO3_PYTHON"], "-W", "error::RuntimeWarning", *args)

    def pyright(self, source: str) -> list[dict[str, Any]]:
        """pyright's diagnostics on ``source``, a file of the copy (its stub, its config)."""
        probe = self.copy.root / "devloop_probe.py"
        probe.write_text(source)
        proc = self.run(str(PROJECT.tool("pyright")), "--outputjson", str(probe))
        report = json.loads(proc.stdout)
        assert report["summary"]["filesAnalyzed"] == 1, report
        diagnostics: list[dict[str, Any]] = report["generalDiagnostics"]
        return diagnostics


@contextlib.contextmanager
def built_copy(where: Path, edit: Callable[[Path], Edited]) -> Generator[tuple[BuiltCopy, Edited]]:
    """A copy of the checkout at ``where``, changed by ``edit`` (given its root) and built;
    the copy and what ``edit`` returned."""
    with sandbox.lock(SANDBOX):
        venv = sandbox.sandbox_venv(SANDBOX)
        copy = sandbox.copy_checkout(where, venv_dir=venv)
        env = sandbox.sandbox_env(copy, SANDBOX)
        env.pop(copy.skip_variable, None)
        edited = edit(copy.root)
        subprocess.run(
            [PYRS, "--python", env["PYO3_PYTHON"], "dev"],
            cwd=copy.root,
            env=env,
            check=True,
            timeout=BUILD_TIMEOUT,
        )
        yield BuiltCopy(copy, env), edited
