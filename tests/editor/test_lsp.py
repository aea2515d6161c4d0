"""What an editor user sees in this repository, through each real language server.

Every checker that has a language server (pyright, the engine of Pylance; basedpyright;
ty; pyrefly; zuban) is started on the repository folder and configured the way VS Code
configures one: ``workspace/configuration`` is answered from ``.vscode/settings.json`` and
the interpreter is the project's ``.venv``. Each then shows, on real files that import the
module: no diagnostics, hover with the signature and the Rust docstring, completion of the
public names, go-to-definition into ``stubs/``, and an error on a wrong call.
"""

from __future__ import annotations

import ast
import html
import re
from collections.abc import AsyncGenerator
from pathlib import Path

import pytest
import pytest_asyncio

from tests.extension import ext
from tests.support.checkers import BASEDPYRIGHT, CHECKERS, PYRIGHT
from tests.support.lsp import (
    EditorSession,
    describe,
    editor_configuration,
    editor_session,
    position_of,
)
from tests.support.tools import MODULE, PROJECT, find_module, first_doc_line, site_packages

ROOT = PROJECT.root
STUB = PROJECT.stub
VENV_PYTHON = PROJECT.python
COMBO = ROOT / "bench" / "combo.py"
USAGE = ROOT / "tests" / "usage" / "usage.py"
# Opened in the server only, never written: an unsaved editor buffer inside the workspace.
SCRATCH = ROOT / "tests" / "_editor_scratch_wrong_call.py"
COMPLETION = ROOT / "tests" / "_editor_scratch_completion.py"
# `module.` in front of a name: hover and completion point just after it.
DOT = len(MODULE) + 1
SERVERS = [checker for checker in CHECKERS if checker.server]
# Where a server differs from the others (checked both ways: if it changes, a test fails).
STUB_IMPORTS_OFFERED = {"pyrefly"}  # pyrefly 1.4.1 completes a stub's plain `import typing`
# zuban 0.10.2 answers go-to-definition with the installed copy of the stub (its "source"),
# go-to-declaration with the stub in stubs/; the others answer both with stubs/.
DEFINITION_IN_INSTALLED_COPY = {"zuban"}

in_module_loop = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(
    loop_scope="module", scope="module", params=SERVERS, ids=[s.name for s in SERVERS]
)
async def repo(request: pytest.FixtureRequest) -> AsyncGenerator[EditorSession]:
    async with editor_session(request.param, ROOT, editor_configuration(ROOT)) as session:
        yield session


def plain(markdown: str) -> str:
    """Hover markdown as text: `\\_\\_index\\_\\_` -> `__index__`, `&gt;` -> `>`."""
    return html.unescape(re.sub(r"\\(.)", r"\1", markdown))


def test_settings_name_no_analysis_settings() -> None:
    config = editor_configuration(ROOT)
    assert config["python"]["pythonPath"] == str(VENV_PYTHON)
    assert VENV_PYTHON.exists()
    # The checkers' tables in pyproject.toml win over python.analysis.* in the editor
    # settings: any there would be a second, silently ignored, source of truth.
    assert "analysis" not in config["python"]


@in_module_loop
async def test_server_reads_pyproject_and_the_venv(repo: EditorSession) -> None:
    await repo.open(USAGE)
    if repo.checker in (PYRIGHT, BASEDPYRIGHT):
        log = repo.log_text()
        assert f'pythonPath for service "{ROOT.name}": "{VENV_PYTHON}"' in log
        assert f"Loading pyproject.toml file at {ROOT / 'pyproject.toml'}" in log
        # The server asked to watch files (client/registerCapability) and got its answer.
        assert "workspace/didChangeWatchedFiles" in repo.registrations


@in_module_loop
@pytest.mark.parametrize("path", [COMBO, USAGE], ids=["combo", "usage"])
async def test_real_file_is_clean(repo: EditorSession, path: Path) -> None:
    # The extension is built and importable by the interpreter the editor uses.
    built = find_module(VENV_PYTHON, MODULE, cwd=ROOT)
    assert built is not None
    assert built.startswith(str(site_packages(VENV_PYTHON)))
    document = await repo.open(path)
    diagnostics = await repo.diagnostics(document)
    assert diagnostics == [], describe(diagnostics)


@in_module_loop
async def test_wrong_call_is_an_error(repo: EditorSession) -> None:
    assert not SCRATCH.exists()
    text = f'import {MODULE}\n\n{MODULE}.gcd("4", 6)\n'
    document = await repo.open(SCRATCH, text)
    diagnostics = await repo.diagnostics(document)
    assert len(diagnostics) == 1, describe(diagnostics)
    (error,) = diagnostics
    assert error.severity == 1  # Error
    assert error.range.start.line == 2
    assert "SupportsIndex" in error.message, error.message
    assert not SCRATCH.exists()


@in_module_loop
@pytest.mark.parametrize(("name", "phrase"), [("gcd", "greatest"), ("fib", "Fibonacci number")])
async def test_hover_shows_signature_and_rust_docstring(
    repo: EditorSession, name: str, phrase: str
) -> None:
    document = await repo.open(COMBO)
    text = plain(await repo.hover(document, position_of(document.text, f"{MODULE}.{name}", DOT)))
    assert f"def {name}(" in text, text
    assert "SupportsIndex" in text, text
    assert "-> int" in text, text
    # The docstring is the `///` comment in src/python/: the runtime's __doc__ has it too.
    assert first_doc_line(getattr(ext, name).__doc__) in text, text
    assert phrase in text


@in_module_loop
async def test_completion_after_the_module_offers_its_public_names(repo: EditorSession) -> None:
    # As typed: the line ends at the dot.
    document = await repo.open(COMPLETION, f"import {MODULE}\n\n{MODULE}.\n")
    where = position_of(document.text, f"{MODULE}.\n", DOT)
    labels = await repo.completion_labels(document, where)
    dunders = {label for label in labels if re.fullmatch(r"__\w+__", label)}
    # The public names, and no private one; the stub's own imports (`import builtins`,
    # `import typing`) are not re-exported (a stub re-exports only `import x as x`), though
    # pyrefly offers them all the same.
    stub = ast.parse(STUB.read_text())
    imported = {a.name for node in stub.body if isinstance(node, ast.Import) for a in node.names}
    leaked = imported if repo.checker.name in STUB_IMPORTS_OFFERED else set[str]()
    assert set(labels) - dunders == set(ext.__all__) | leaked, labels


@in_module_loop
async def test_declaration_of_gcd_is_the_committed_stub(repo: EditorSession) -> None:
    document = await repo.open(COMBO)
    where = position_of(document.text, f"{MODULE}.gcd", DOT)
    stub_line = position_of(STUB.read_text(), "def gcd(").line
    assert await repo.declaration(document, where) == [(STUB, stub_line)]


@in_module_loop
async def test_definition_of_gcd_is_the_committed_stub(repo: EditorSession) -> None:
    document = await repo.open(COMBO)
    targets = await repo.definition(document, position_of(document.text, f"{MODULE}.gcd", DOT))
    stub_line = position_of(STUB.read_text(), "def gcd(").line
    if repo.checker.name in DEFINITION_IN_INSTALLED_COPY:
        installed = site_packages(VENV_PYTHON) / MODULE / "__init__.pyi"
        assert installed.read_bytes() == STUB.read_bytes()
        assert targets == [(installed, stub_line)]
    else:
        assert targets == [(STUB, stub_line)]
