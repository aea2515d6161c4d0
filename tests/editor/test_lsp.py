"""What a VS Code user sees in this repository, through the real language server.

One `pyright-langserver --stdio` (the engine Pylance runs) is started on the repository folder
and configured the way VS Code configures Pylance: the `workspace/configuration` answers come
from `.vscode/settings.json`, the interpreter is the one it names (`.venv`). The tests then
check diagnostics, hover, completion and go-to-definition on real files that import `pyrs`.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import AsyncGenerator
from pathlib import Path

import pytest
import pytest_asyncio
from editor_support import (
    ROOT,
    SETTINGS_JSON,
    STUB,
    VENV_PYTHON,
    EditorSession,
    describe,
    editor_configuration,
    editor_session,
    find_module,
    first_doc_line,
    position_of,
    site_packages,
)
from lsprotocol import types
from vscode_jsonc import strip_jsonc

import pyrs

COMBO = ROOT / "bench" / "combo.py"
USAGE = ROOT / "tests" / "typing" / "usage.py"
# Opened in the server only, never written: an unsaved editor buffer inside the workspace.
SCRATCH = ROOT / "tests" / "_editor_scratch_wrong_call.py"

in_module_loop = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def repo() -> AsyncGenerator[EditorSession, None]:
    async with editor_session(ROOT, editor_configuration(ROOT, SETTINGS_JSON)) as session:
        yield session


def plain(markdown: str) -> str:
    """Hover markdown as text: `\\_\\_index\\_\\_` -> `__index__`, `&gt;` -> `>`."""
    return html.unescape(re.sub(r"\\(.)", r"\1", markdown))


# -- the settings reader ---------------------------------------------------------------------


def test_jsonc_reader_strips_comments_not_strings() -> None:
    text = """{
      // a comment with "quotes" and a , before }
      "url": "https://example.com/a//b", /* block
      comment */ "glob": "**/*.py",
      "quote": "say \\"//hi\\", then ,}",
      "list": [1, 2,],
    }"""
    assert json.loads(strip_jsonc(text)) == {
        "url": "https://example.com/a//b",
        "glob": "**/*.py",
        "quote": 'say "//hi", then ,}',
        "list": [1, 2],
    }
    assert strip_jsonc(text).count("\n") == text.count("\n")


def test_settings_name_the_venv_interpreter_and_no_analysis_settings() -> None:
    config = editor_configuration(ROOT, SETTINGS_JSON)
    assert config["python"]["pythonPath"] == str(VENV_PYTHON)
    assert VENV_PYTHON.exists()
    # [tool.pyright] exists, so pyright ignores python.analysis.* from the editor settings:
    # any there would be a second, silently ignored, source of truth.
    assert "analysis" not in config["python"]


# -- the language server on the repository ---------------------------------------------------


@in_module_loop
async def test_server_runs_the_settings_interpreter(repo: EditorSession) -> None:
    await repo.open(USAGE)
    assert f'pythonPath for service "{ROOT.name}": "{VENV_PYTHON}"' in repo.log_text()
    assert f"Loading pyproject.toml file at {ROOT / 'pyproject.toml'}" in repo.log_text()
    # pyright asked to watch files (client/registerCapability) and got its answer.
    assert "workspace/didChangeWatchedFiles" in repo.registrations


@in_module_loop
@pytest.mark.parametrize("path", [COMBO, USAGE], ids=["combo", "usage"])
async def test_real_file_is_clean(repo: EditorSession, path: Path) -> None:
    # The extension is built and importable by the interpreter the editor uses.
    built = find_module(VENV_PYTHON, "pyrs", cwd=ROOT)
    assert built is not None
    assert built.startswith(str(site_packages(VENV_PYTHON)))
    document = await repo.open(path)
    diagnostics = await repo.diagnostics(document)
    assert diagnostics == [], describe(diagnostics)


@in_module_loop
async def test_wrong_call_is_a_report_argument_type_error(repo: EditorSession) -> None:
    assert not SCRATCH.exists()
    text = 'import pyrs\n\npyrs.gcd("4", 6)\n'
    document = await repo.open(SCRATCH, text)
    diagnostics = await repo.diagnostics(document)
    assert len(diagnostics) == 1, describe(diagnostics)
    (error,) = diagnostics
    assert error.severity == types.DiagnosticSeverity.Error
    assert error.code == "reportArgumentType"
    assert error.range.start.line == 2
    assert "SupportsIndex" in error.message
    assert not SCRATCH.exists()


@in_module_loop
@pytest.mark.parametrize(
    ("name", "signature", "phrase"),
    [
        ("gcd", ["def gcd(", "a: SupportsIndex", "b: SupportsIndex", ") -> int"], "greatest"),
        ("fib", ["def fib(", "n: SupportsIndex", ") -> int"], "Fibonacci number"),
    ],
)
async def test_hover_shows_signature_and_rust_docstring(
    repo: EditorSession, name: str, signature: list[str], phrase: str
) -> None:
    document = await repo.open(COMBO)
    text = plain(await repo.hover(document, position_of(document.text, f"pyrs.{name}", 5)))
    assert text.startswith("```python\n(function) def "), text
    for piece in signature:
        assert piece in text
    # The docstring is the `///` comment in src/python.rs: the runtime's __doc__ has it too.
    runtime_doc = getattr(pyrs, name).__doc__
    assert first_doc_line(runtime_doc) in text
    assert phrase in text


@in_module_loop
async def test_completion_after_pyrs_dot_offers_the_public_functions(
    repo: EditorSession,
) -> None:
    document = await repo.open(COMBO)
    labels = await repo.completion_labels(document, position_of(document.text, "pyrs.gcd", 5))
    public = sorted(label for label in labels if not label.startswith("_"))
    assert public == ["fib", "gcd"]
    # Nothing private: the only underscore names are the module dunders every module has,
    # and the stub's own `import typing` does not leak.
    assert all(re.fullmatch(r"__\w+__", label) for label in labels if label.startswith("_"))
    assert "typing" not in labels


@in_module_loop
async def test_definition_of_pyrs_gcd_is_the_committed_stub(repo: EditorSession) -> None:
    document = await repo.open(COMBO)
    targets = await repo.definition(document, position_of(document.text, "pyrs.gcd", 5))
    stub_line = position_of(STUB.read_text(), "def gcd(").line
    assert targets == [(STUB, stub_line)]
