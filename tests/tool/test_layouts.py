"""``pyrs`` on every layout: built, importable, its stub current and carrying the Rust docs,
typed by all six checkers from the project's own configuration (a wrong call flagged),
``pyrs doctor`` clean and ``pyrs test`` green."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tool.conftest import Built
from tests.tool.layouts import USER_FUNCTION_DOC
from tests.tool.tooling import describe, pyrs, run
from tests.tool.usage import CHECKERS, assert_typed_by


def test_dev_makes_the_extension_importable(built: Built) -> None:
    code = f"from {built.layout.importer} import count_words; print(count_words('A bb CCC', 2))"
    proc = run([built.python, "-c", code], cwd=built.root, check=True)
    assert proc.stdout.strip() == "2"


def test_stub_is_current_and_carries_the_docs(built: Built) -> None:
    proc = pyrs("stubs", "--check", cwd=built.root)
    assert proc.returncode == 0, describe(["pyrs", "stubs", "--check"], proc)
    stub = Path(pyrs_show(built)["stub"])
    assert stub.is_file()
    # A stub package (`_core/__init__.pyi`) holds the function in a submodule's file.
    files = sorted(stub.parent.glob("*.pyi")) if stub.name == "__init__.pyi" else [stub]
    assert any(USER_FUNCTION_DOC in file.read_text() for file in files), files


def test_doctor_is_clean(built: Built) -> None:
    proc = pyrs("doctor", cwd=built.root)
    assert proc.returncode == 0, describe(["pyrs", "doctor"], proc)


@pytest.mark.parametrize("checker", sorted(CHECKERS))
def test_checkers_type_the_user_function(built: Built, checker: str) -> None:
    assert_typed_by(checker, built.root, built.venv, built.layout.importer)


def test_pyrs_test_passes(built: Built) -> None:
    proc = pyrs("test", cwd=built.root)
    assert proc.returncode == 0, describe(["pyrs", "test"], proc)


def pyrs_show(built: Built) -> dict[str, str]:
    import json

    proc = pyrs("show", cwd=built.root)
    assert proc.returncode == 0, describe(["pyrs", "show"], proc)
    shown: dict[str, str] = {
        key: str(value) for key, value in json.loads(proc.stdout).items() if value is not None
    }
    return shown
