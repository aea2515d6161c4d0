"""The editor's view of pyrs, through the real pyright with the project's [tool.pyright].

A compiled module with no stub type-checks silently as `Unknown`, so these tests look at what
pyright infers, not only at whether it complains."""

from __future__ import annotations

import json
import runpy
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TYPING = ROOT / "tests" / "typing"
PYRIGHT = Path(sys.executable).parent / "pyright"


def run_pyright(path: Path) -> list[dict[str, Any]]:
    """pyright --outputjson on one file, from the repo root so pyproject.toml applies."""
    proc = subprocess.run(
        [str(PYRIGHT), "--outputjson", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(proc.stdout)
    assert report["summary"]["filesAnalyzed"] == 1, report
    diagnostics: list[dict[str, Any]] = report["generalDiagnostics"]
    return diagnostics


def test_typed_usage_runs() -> None:
    runpy.run_path(str(TYPING / "usage.py"), run_name="__main__")


def test_typed_usage_is_clean_in_strict_mode() -> None:
    assert run_pyright(TYPING / "usage.py") == []


def test_pyright_sees_the_generated_signatures() -> None:
    diagnostics = run_pyright(TYPING / "fixtures" / "reveal.py")
    revealed = [d["message"] for d in diagnostics if d["severity"] == "information"]
    assert [d for d in diagnostics if d["severity"] != "information"] == []
    assert revealed == [
        'Type of "pyrs.gcd" is "(a: SupportsIndex, b: SupportsIndex, /) -> int"',
        'Type of "pyrs.fib" is "(n: SupportsIndex, /) -> int"',
        'Type of "pyrs.gcd(4, 6)" is "int"',
    ]


def test_wrong_call_is_an_error() -> None:
    diagnostics = run_pyright(TYPING / "fixtures" / "wrong_call.py")
    errors = [d for d in diagnostics if d["severity"] == "error"]
    assert len(errors) == 1, diagnostics
    (error,) = errors
    assert error["rule"] == "reportArgumentType"
    assert error["range"]["start"]["line"] == 4  # 0-based: `pyrs.gcd("4", 6)`
    assert "\"Literal['4']\"" in error["message"]
    assert "SupportsIndex" in error["message"]
