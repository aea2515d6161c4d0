"""The edit loop end to end, on a throwaway copy of the checkout: add a Rust function the way
the README says, run ``python -m kit.dev`` (``make dev``) there, and the function is
importable, callable and typed by pyright from the regenerated stub; edit without rebuilding
and the import warns that the build is stale (and doctor says so).

The copy builds in the "devloop" sandbox (``kit.sandbox``): its own venv and target folder,
so the checkout's ``.venv`` is never touched and only the crate itself is recompiled.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Generator
from typing import Any

import pytest

from kit import sandbox
from kit.project import Project
from tests.devloop import edits
from tests.support.tools import BUILD_TIMEOUT, MODULE, PROJECT, TOOL_TIMEOUT

SANDBOX = "devloop"
NEW = "distance"
NEW_SIGNATURE = f'Type of "{MODULE}.{NEW}" is "(a: int, b: int) -> int"'


class Loop:
    """The copy after adding ``NEW`` and running ``python -m kit.dev`` in it."""

    def __init__(self, copy: Project, env: dict[str, str], doc: str) -> None:
        self.copy, self.env, self.doc = copy, env, doc

    def python(self, code: str, *warning_options: str) -> subprocess.CompletedProcess[str]:
        options = [arg for option in warning_options for arg in ("-W", option)]
        return subprocess.run(
            [self.env["PYO3_PYTHON"], *options, "-c", code],
            cwd=self.copy.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=TOOL_TIMEOUT,
            check=False,
        )

    def pyright(self, source: str) -> list[dict[str, Any]]:
        probe = self.copy.root / "loop_probe.py"
        probe.write_text(source)
        proc = subprocess.run(
            [PROJECT.tool("pyright"), "--outputjson", str(probe)],
            cwd=self.copy.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=TOOL_TIMEOUT,
            check=False,
        )
        report = json.loads(proc.stdout)
        assert report["summary"]["filesAnalyzed"] == 1, report
        diagnostics: list[dict[str, Any]] = report["generalDiagnostics"]
        return diagnostics


@pytest.fixture(scope="module")
def loop(tmp_path_factory: pytest.TempPathFactory) -> Generator[Loop]:
    with sandbox.lock(SANDBOX):
        venv = sandbox.sandbox_venv(SANDBOX)
        copy = sandbox.copy_checkout(tmp_path_factory.mktemp("loop") / "kit", venv_dir=venv)
        env = sandbox.sandbox_env(copy, SANDBOX)
        env.pop(copy.skip_variable, None)
        doc = edits.add_function(copy.root, NEW)
        subprocess.run(
            [env["PYO3_PYTHON"], "-m", "kit.dev"],
            cwd=copy.root,
            env=env,
            check=True,
            timeout=BUILD_TIMEOUT,
        )
        yield Loop(copy, env, doc)


def test_new_function_is_importable_and_callable(loop: Loop) -> None:
    proc = loop.python(
        f"import {MODULE} as m; print(m.{NEW}(4, 6), m.{NEW}(9, 2), m.gcd(12, 18)); "
        f"print(m.{NEW}.__doc__)",
        "error::RuntimeWarning",  # a stale-build warning would fail the import
    )
    assert proc.returncode == 0, proc.stderr
    first, doc = proc.stdout.split("\n", 1)
    assert first == "2 7 6"
    assert loop.doc in doc


def test_new_function_is_in_the_regenerated_stub(loop: Loop) -> None:
    stub = loop.copy.stub.read_text()
    assert f"def {NEW}(a: builtins.int, b: builtins.int) -> builtins.int:" in stub
    assert loop.doc in stub
    assert f'"{NEW}",' in stub  # in __all__


def test_pyright_types_the_new_function_from_the_stub(loop: Loop) -> None:
    diagnostics = loop.pyright(
        "from typing_extensions import assert_type\n\n"
        f"import {MODULE}\n\n"
        f"reveal_type({MODULE}.{NEW})\n"
        f"assert_type({MODULE}.{NEW}(4, 6), int)\n"
    )
    assert [d["message"] for d in diagnostics] == [NEW_SIGNATURE], diagnostics


def test_pyright_rejects_a_wrong_call_of_the_new_function(loop: Loop) -> None:
    """The control for the test above: the same probe machinery does report errors."""
    diagnostics = loop.pyright(f'import {MODULE}\n\n{MODULE}.{NEW}("4", 6)\n')
    assert [d.get("rule") for d in diagnostics] == ["reportArgumentType"], diagnostics


def test_editing_without_rebuilding_warns_at_import(loop: Loop) -> None:
    edits.toggle_body_edit(loop.copy.root)
    try:
        proc = loop.python(f"import {MODULE}", "always::RuntimeWarning")
        assert proc.returncode == 0, proc.stderr
        assert proc.stderr.count(f"RuntimeWarning: {loop.copy.stale_mark}") == 1, proc.stderr
        assert str(loop.copy.root) in proc.stderr
        assert "make dev" in proc.stderr
        doctor = subprocess.run(
            [sys.executable, "-m", "kit.doctor", "--root", str(loop.copy.root)],
            cwd=PROJECT.root,
            env=loop.env,
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT,
            check=False,
        )
        assert doctor.returncode == 1, doctor.stdout + doctor.stderr
        assert f"FAIL  import {MODULE}: {loop.copy.stale_mark}" in doctor.stdout, doctor.stdout
        assert "      fix: make dev\n" in doctor.stdout
        silenced = subprocess.run(
            [loop.env["PYO3_PYTHON"], "-W", "error::RuntimeWarning", "-c", f"import {MODULE}"],
            cwd=loop.copy.root,
            env={**loop.env, loop.copy.skip_variable: "1"},
            capture_output=True,
            text=True,
            timeout=TOOL_TIMEOUT,
            check=False,
        )
        assert silenced.returncode == 0, silenced.stderr
    finally:
        edits.toggle_body_edit(loop.copy.root)
    # The sources are back to what was built: no warning.
    proc = loop.python(f"import {MODULE}", "error::RuntimeWarning")
    assert proc.returncode == 0, proc.stderr
