"""The edit loop end to end, on a throwaway copy of the checkout: add a Rust function the way
the README says, run ``pyrs dev`` (``make dev``) there, and the function is
importable, callable and typed by pyright from the regenerated stub; edit without rebuilding
and the import warns that the build is stale (and doctor says so).

The copy is built by ``tests/devloop/copies.py``, in the "devloop" sandbox.
"""

from __future__ import annotations

import subprocess
from collections.abc import Generator

import pytest

from tests.devloop import edits
from tests.devloop.copies import BuiltCopy, built_copy
from tests.support.tools import BUILD_TIMEOUT, MODULE
from tests.tool.tooling import PYRS

NEW = "distance"
Loop = tuple[BuiltCopy, str]  # the built copy, and the new function's docstring
NEW_SIGNATURE = f'Type of "{MODULE}.{NEW}" is "(a: int, b: int) -> int"'


@pytest.fixture(scope="module")
def loop(tmp_path_factory: pytest.TempPathFactory) -> Generator[Loop]:
    """The copy after adding ``NEW`` (its docstring's first line with it)."""
    where = tmp_path_factory.mktemp("loop") / "kit"
    with built_copy(where, lambda root: edits.add_function(root, NEW)) as built:
        yield built


def test_new_function_is_importable_and_callable(loop: Loop) -> None:
    built, doc = loop
    proc = built.python(
        "-c",
        f"import {MODULE} as m; print(m.{NEW}(4, 6), m.{NEW}(9, 2), m.gcd(12, 18)); "
        f"print(m.{NEW}.__doc__)",
    )
    assert proc.returncode == 0, proc.stderr
    first, runtime_doc = proc.stdout.split("\n", 1)
    assert first == "2 7 6"
    assert doc in runtime_doc


def test_new_function_is_in_the_regenerated_stub(loop: Loop) -> None:
    built, doc = loop
    stub = built.copy.stub.read_text()
    assert f"def {NEW}(a: builtins.int, b: builtins.int) -> builtins.int:" in stub
    assert doc in stub
    assert f'"{NEW}",' in stub  # in __all__


def test_pyright_types_the_new_function_from_the_stub(loop: Loop) -> None:
    built, _ = loop
    diagnostics = built.pyright(
        "from typing_extensions import assert_type\n\n"
        f"import {MODULE}\n\n"
        f"reveal_type({MODULE}.{NEW})\n"
        f"assert_type({MODULE}.{NEW}(4, 6), int)\n"
    )
    assert [d["message"] for d in diagnostics] == [NEW_SIGNATURE], diagnostics


def test_pyright_rejects_a_wrong_call_of_the_new_function(loop: Loop) -> None:
    """The control for the test above: the same probe machinery does report errors."""
    built, _ = loop
    diagnostics = built.pyright(f'import {MODULE}\n\n{MODULE}.{NEW}("4", 6)\n')
    assert [d.get("rule") for d in diagnostics] == ["reportArgumentType"], diagnostics


def test_editing_without_rebuilding_warns_at_import(loop: Loop) -> None:
    built, _ = loop
    copy, python = built.copy, built.env["PYO3_PYTHON"]
    edits.toggle_body_edit(copy.root)
    try:
        proc = built.run(python, "-W", "always::RuntimeWarning", "-c", f"import {MODULE}")
        assert proc.returncode == 0, proc.stderr
        assert proc.stderr.count(f"RuntimeWarning: {copy.stale_mark}") == 1, proc.stderr
        assert str(copy.root) in proc.stderr
        assert "make dev" in proc.stderr
        doctor = subprocess.run(
            [PYRS, "--python", python, "doctor"],
            cwd=copy.root,
            env=built.env,
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT,
            check=False,
        )
        assert doctor.returncode == 1, doctor.stdout + doctor.stderr
        assert "older than" in doctor.stdout, doctor.stdout
        assert "fix: pyrs dev" in doctor.stdout, doctor.stdout
        built.env[copy.skip_variable] = "1"
        try:
            silenced = built.python("-c", f"import {MODULE}")
        finally:
            del built.env[copy.skip_variable]
        assert silenced.returncode == 0, silenced.stderr
    finally:
        edits.toggle_body_edit(copy.root)
    # The sources are back to what was built: no warning.
    proc = built.python("-c", f"import {MODULE}")
    assert proc.returncode == 0, proc.stderr
