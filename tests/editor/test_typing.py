"""The module as every type checker sees it in this repository, from the committed stub.

A compiled module with no stub type-checks silently as `Any` or `Unknown`, so these tests look
at what each checker infers, not only at whether it complains: the typed usage file is clean
in strict mode and runs; each checker reveals `int` results; and the file of deliberately
wrong calls gets exactly the expected error on each marked line, nothing else. Each at the
oldest and the newest supported Python version.

All of that would also pass on the copy of the stub the last build installed in `.venv`, so
first each checker is asked which file it resolves the module to: the one in `stubs/` (what a
fresh clone has before anything is built, and what `make stubs` changes at once).
"""

from __future__ import annotations

import re
import runpy
import subprocess

import pytest

from tests.support.checkers import CHECKERS, Checker
from tests.support.expectations import expected_errors
from tests.support.tools import PROJECT, TOOL_TIMEOUT, user_environment
from tests.tool.tooling import PYRS

ROOT = PROJECT.root
USAGE = ROOT / "tests" / "usage" / "usage.py"
FIXTURES = ROOT / "tests" / "usage" / "fixtures"
VERSIONS = sorted({PROJECT.supported_pythons[0], PROJECT.supported_pythons[-1]})
checkers = pytest.mark.parametrize("checker", CHECKERS, ids=[c.name for c in CHECKERS])
versions = pytest.mark.parametrize("version", VERSIONS)


@pytest.fixture(scope="module")
def doctor_lines() -> list[str]:
    """What `pyrs doctor` says of each checker: which file it resolves the module to."""
    proc = subprocess.run(
        [PYRS, "doctor"],
        cwd=ROOT,
        env=user_environment(),
        capture_output=True,
        text=True,
        timeout=TOOL_TIMEOUT,
        check=False,
    )
    return proc.stdout.splitlines()


@checkers
def test_the_module_resolves_to_the_stub_in_stubs(
    checker: Checker, doctor_lines: list[str]
) -> None:
    (line,) = [line for line in doctor_lines if line.split()[:2] == ["checker", checker.name]]
    stub = PROJECT.stub.relative_to(ROOT).as_posix()
    assert f"ok: {PROJECT.module} -> {stub};" in line, "\n".join(doctor_lines)


def test_typed_usage_runs() -> None:
    runpy.run_path(str(USAGE), run_name="__main__")


@checkers
@versions
def test_typed_usage_is_clean_in_strict_mode(checker: Checker, version: str) -> None:
    report = checker.run([USAGE.relative_to(ROOT)], cwd=ROOT, version=version)
    assert report.diagnostics == [], report.output


@checkers
@versions
def test_results_are_revealed_as_int(checker: Checker, version: str) -> None:
    report = checker.run([FIXTURES / "reveal.py"], cwd=ROOT, version=version)
    assert report.problems == [], report.output
    revealed = [d for d in report.diagnostics if d.severity == "info"]
    lines = (FIXTURES / "reveal.py").read_text().splitlines()
    calls = [number for number, line in enumerate(lines, 1) if line.startswith("reveal_type(")]
    assert [d.line for d in revealed] == calls, report.output
    for diagnostic in revealed:
        # "int", "builtins.int": the stub's return type, never Any/Unknown.
        assert re.search(r"\b(builtins\.)?int\b", diagnostic.message), diagnostic
        assert not re.search(r"Any|Unknown", diagnostic.message), diagnostic


@checkers
@versions
def test_wrong_calls_get_exactly_the_expected_errors(checker: Checker, version: str) -> None:
    report = checker.run(
        [FIXTURES / "wrong_calls.py"], cwd=ROOT, version=version, env=user_environment()
    )
    found = {(d.line, d.code) for d in report.problems}
    expected = expected_errors(FIXTURES / "wrong_calls.py", checker)
    assert found == expected, [str(d) for d in report.problems]
    # Errors, not warnings: what fails a user's CI run of the checker (ty's `all = "error"`).
    assert {d.severity for d in report.problems} == {"error"}, [str(d) for d in report.problems]
