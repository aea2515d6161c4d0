"""``pyrs`` on every layout: built, importable, its stub current and carrying the Rust docs,
typed by all six checkers from the project's own configuration (a wrong call flagged),
``pyrs doctor`` clean and ``pyrs test`` green."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tool.conftest import Built
from tests.tool.layouts import USER_FUNCTION_DOC
from tests.tool.tooling import describe, pyrs, run

GOOD_USAGE = """\
from typing_extensions import assert_type

from {importer} import count_words

assert_type(count_words("a bb"), int)
assert_type(count_words("A BB c", 2, upper_only=True), int)
"""
WRONG_USAGE = """\
from {importer} import count_words

count_words(3)
"""
# Each checker as a user runs it from the project's folder: its own configuration, the
# project's venv (pyright and basedpyright through venvPath, the others run from it).
CHECKERS = {
    "pyright": ["pyright"],
    "basedpyright": ["basedpyright"],
    "mypy": ["mypy"],
    "zuban": ["zuban", "check"],
    "ty": ["ty", "check"],
    "pyrefly": ["pyrefly", "check"],
}


def test_dev_makes_the_extension_importable(built: Built) -> None:
    code = f"from {built.layout.importer} import count_words; print(count_words('A bb CCC', 2))"
    proc = run([built.python, "-c", code], cwd=built.root, check=True)
    assert proc.stdout.strip() == "2"


def test_stub_is_current_and_carries_the_docs(built: Built) -> None:
    proc = pyrs("stubs", "--check", cwd=built.root)
    assert proc.returncode == 0, describe(["pyrs", "stubs", "--check"], proc)
    stub = Path(pyrs_show(built)["stub"])
    assert stub.is_file()
    assert USER_FUNCTION_DOC in stub.read_text()


def test_doctor_is_clean(built: Built) -> None:
    proc = pyrs("doctor", cwd=built.root)
    assert proc.returncode == 0, describe(["pyrs", "doctor"], proc)


@pytest.mark.parametrize("checker", sorted(CHECKERS))
def test_checkers_type_the_user_function(built: Built, checker: str) -> None:
    good = built.root / "usage_good.py"
    wrong = built.root / "usage_wrong.py"
    good.write_text(GOOD_USAGE.format(importer=built.layout.importer))
    wrong.write_text(WRONG_USAGE.format(importer=built.layout.importer))
    try:
        command = [built.venv / "bin" / CHECKERS[checker][0], *CHECKERS[checker][1:]]
        clean = run([*command, good.name], cwd=built.root)
        assert clean.returncode == 0, describe([*command, good.name], clean)
        flagged = run([*command, wrong.name], cwd=built.root)
        assert flagged.returncode != 0, describe([*command, wrong.name], flagged)
        assert "usage_wrong.py" in flagged.stdout + flagged.stderr
    finally:
        good.unlink()
        wrong.unlink()


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
