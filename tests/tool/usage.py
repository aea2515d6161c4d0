"""The user function, typed by each checker as a user runs it: a file of right calls must be
clean, a file with a wrong call must be flagged, from the project's own configuration."""

from __future__ import annotations

from pathlib import Path

from tests.tool.tooling import describe, run

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


def assert_typed_by(checker: str, root: Path, venv: Path, importer: str) -> None:
    """``checker`` finds the right calls clean and flags the wrong one."""
    good = root / "usage_good.py"
    wrong = root / "usage_wrong.py"
    good.write_text(GOOD_USAGE.format(importer=importer))
    wrong.write_text(WRONG_USAGE.format(importer=importer))
    try:
        command = [venv / "bin" / CHECKERS[checker][0], *CHECKERS[checker][1:]]
        clean = run([*command, good.name], cwd=root)
        assert clean.returncode == 0, describe([*command, good.name], clean)
        flagged = run([*command, wrong.name], cwd=root)
        assert flagged.returncode != 0, describe([*command, wrong.name], flagged)
        assert "usage_wrong.py" in flagged.stdout + flagged.stderr
    finally:
        good.unlink()
        wrong.unlink()
