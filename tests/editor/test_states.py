"""The before/after this kit exists for: what pyright (Pylance's engine) shows for the same
file, `tests/typing/usage.py`, in four states of a workspace built outside the repository.

| state                              | import line                 | pyrs.gcd |
| ---------------------------------- | --------------------------- | -------- |
| compiled module, no stub, no config | nothing (silent)           | Unknown  |
| no module, no stub                 | reportMissingImports error  | Unknown  |
| stub in stubPath, not built        | reportMissingModuleSource   | typed    |
| stub in stubPath + built module    | nothing                     | typed    |

Every workspace uses its own interpreter, a bare venv (`.venv` inside the workspace, nothing
installed): the repository's `.venv` has `pyrs` installed with its stub, and would hide the
"before" states. Each test first proves its state (what the interpreter imports from where,
which stub files exist), then asks the language server (diagnostics and hover), then the
pyright CLI (what CI sees).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from editor_support import (
    ROOT,
    SETTINGS_JSON,
    STUB,
    VENV_BIN,
    OpenDocument,
    describe,
    editor_configuration,
    editor_session,
    find_module,
    installed_extension,
    make_bare_venv,
    position_of,
    pyright_json,
    server_environment,
    site_packages,
)
from lsprotocol import types

pytestmark = pytest.mark.asyncio

USAGE = Path("tests") / "typing" / "usage.py"
IMPORT_LINE = position_of((ROOT / USAGE).read_text(), "import pyrs\n").line


@dataclass
class Workspace:
    root: Path
    python: Path
    extension: Path | None

    @property
    def usage(self) -> Path:
        return self.root / USAGE


def build_workspace(tmp_path: Path, *, extension: bool, stub: bool, config: bool) -> Workspace:
    """A workspace outside the repository with `tests/typing/usage.py` and a bare `.venv`;
    optionally the compiled module (as a top-level `pyrs.cpython-*.so`), the committed stub in
    `stubs/`, and the kit's configuration (pyproject.toml's [tool.pyright], .vscode/)."""
    root = tmp_path / "workspace"
    (root / USAGE).parent.mkdir(parents=True)
    shutil.copy2(ROOT / USAGE, root / USAGE)
    python = make_bare_venv(root / ".venv")
    built = None
    if extension:
        source = installed_extension()
        built = root / source.name
        shutil.copy2(source, built)
    if stub:
        (root / "stubs").mkdir()
        shutil.copy2(STUB, root / "stubs" / STUB.name)
    if config:
        shutil.copy2(ROOT / "pyproject.toml", root / "pyproject.toml")
        (root / ".vscode").mkdir()
        shutil.copy2(SETTINGS_JSON, root / ".vscode" / SETTINGS_JSON.name)
    assert not root.resolve().is_relative_to(ROOT)
    return Workspace(root, python, built)


def verify_state(ws: Workspace, *, stub: bool, config: bool) -> None:
    """The workspace is what the test claims: checked with the interpreter itself."""
    # The bare venv has nothing named pyrs; the workspace's interpreter imports the copied
    # extension (for real, so it loads) or nothing.
    assert list(site_packages(ws.python).glob("pyrs*")) == []
    imported = find_module(ws.python, "pyrs", cwd=ws.root)
    assert imported == (str(ws.extension) if ws.extension else None)
    stubs = sorted(p.relative_to(ws.root) for p in ws.root.rglob("*.pyi") if ".venv" not in p.parts)
    assert stubs == ([Path("stubs") / "pyrs.pyi"] if stub else [])
    configs = [p for p in ("pyproject.toml", "pyrightconfig.json") if (ws.root / p).exists()]
    assert configs == (["pyproject.toml"] if config else [])


def lsp_configuration(ws: Workspace, *, config: bool) -> dict[str, Any]:
    """With the kit: the kit's .vscode/settings.json (its interpreter is the workspace .venv).
    Without: a user who picked the interpreter and turned on strict mode in the editor."""
    if config:
        configuration = editor_configuration(ws.root, ws.root / ".vscode" / "settings.json")
        assert configuration["python"]["pythonPath"] == str(ws.python)
        return configuration
    return {"python": {"pythonPath": str(ws.python), "analysis": {"typeCheckingMode": "strict"}}}


def isolated_environment() -> dict[str, str]:
    """The full environment minus the repository's .venv on PATH (and the Makefile's
    PYTHONPATH/VIRTUAL_ENV): nothing can point pyright at the installed pyrs."""
    path = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if p != str(VENV_BIN))
    return server_environment(PATH=path)


async def open_in_editor(
    ws: Workspace, *, config: bool, hover_on: str = "pyrs.gcd"
) -> tuple[list[types.Diagnostic], str]:
    """Diagnostics for usage.py and the hover text on `pyrs.gcd` in it."""
    async with editor_session(
        ws.root, lsp_configuration(ws, config=config), isolated_environment()
    ) as session:
        document: OpenDocument = await session.open(ws.usage)
        diagnostics = await session.diagnostics(document)
        hover = await session.hover(document, position_of(document.text, hover_on, 5))
        assert f'"{ws.python}"' in session.log_text(), "pyright did not use the workspace venv"
    return diagnostics, hover


def cli_diagnostics(ws: Workspace, *, config: bool) -> list[tuple[int, str, str]]:
    """(line, severity, rule) of every `pyright --outputjson` diagnostic on usage.py."""
    args: list[str | Path] = [] if config else ["--pythonpath", ws.python]
    report = pyright_json([*args, USAGE], cwd=ws.root, env=isolated_environment())
    assert report["summary"]["filesAnalyzed"] == 1, report
    return [
        (d["range"]["start"]["line"], d["severity"], d.get("rule", ""))
        for d in report["generalDiagnostics"]
    ]


def at_import(diagnostics: list[types.Diagnostic]) -> list[types.Diagnostic]:
    return [d for d in diagnostics if d.range.start.line == IMPORT_LINE]


# -- before ----------------------------------------------------------------------------------


async def test_compiled_module_without_stub_is_silent_but_unknown(tmp_path: Path) -> None:
    ws = build_workspace(tmp_path, extension=True, stub=False, config=False)
    verify_state(ws, stub=False, config=False)

    diagnostics, hover = await open_in_editor(ws, config=False)
    # Silent where the user looks first: nothing on `import pyrs`...
    assert at_import(diagnostics) == [], describe(diagnostics)
    # ...but every member is Unknown: hover says so, and so does strict mode at each use.
    assert "gcd: Unknown" in hover, hover
    rules = {d.code for d in diagnostics}
    assert rules == {
        "reportUnknownMemberType",
        "reportUnknownVariableType",
        "reportAssertTypeFailure",
    }, describe(diagnostics)
    assert any('Type of "gcd" is unknown' in d.message for d in diagnostics)
    assert any('received "Unknown"' in d.message for d in diagnostics)

    # The CLI without a config (standard mode): the import is clean too, only the
    # assert_type lines of usage.py give the Unknown away.
    found = cli_diagnostics(ws, config=False)
    assert [f for f in found if f[0] == IMPORT_LINE] == []
    assert {f[2] for f in found} == {"reportAssertTypeFailure"}, found


async def test_no_module_and_no_stub_is_report_missing_imports(tmp_path: Path) -> None:
    ws = build_workspace(tmp_path, extension=False, stub=False, config=False)
    verify_state(ws, stub=False, config=False)

    diagnostics, hover = await open_in_editor(ws, config=False)
    (missing,) = at_import(diagnostics)
    assert missing.code == "reportMissingImports"
    assert missing.severity == types.DiagnosticSeverity.Error
    assert missing.message == 'Import "pyrs" could not be resolved'
    assert "Unknown" in hover, hover

    found = cli_diagnostics(ws, config=False)
    assert [f for f in found if f[0] == IMPORT_LINE] == [
        (IMPORT_LINE, "error", "reportMissingImports")
    ]


async def test_fresh_clone_only_warns_report_missing_module_source(tmp_path: Path) -> None:
    ws = build_workspace(tmp_path, extension=False, stub=True, config=True)
    verify_state(ws, stub=True, config=True)

    diagnostics, hover = await open_in_editor(ws, config=True)
    # One warning, on the import; every assert_type in the file passes: the stub's types.
    assert len(diagnostics) == 1, describe(diagnostics)
    (warning,) = diagnostics
    assert warning.code == "reportMissingModuleSource"
    assert warning.severity == types.DiagnosticSeverity.Warning
    assert warning.range.start.line == IMPORT_LINE
    assert 'Import "pyrs" could not be resolved from source' in warning.message
    assert "a: SupportsIndex" in hover, hover

    assert cli_diagnostics(ws, config=True) == [
        (IMPORT_LINE, "warning", "reportMissingModuleSource")
    ]


# -- after -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["gcd", "fib"])
async def test_kit_configuration_is_clean_and_fully_typed(tmp_path: Path, name: str) -> None:
    ws = build_workspace(tmp_path, extension=True, stub=True, config=True)
    verify_state(ws, stub=True, config=True)

    diagnostics, hover = await open_in_editor(ws, config=True, hover_on=f"pyrs.{name}")
    assert diagnostics == [], describe(diagnostics)
    assert f"(function) def {name}(" in hover, hover
    assert "SupportsIndex" in hover
    assert ") -> int" in hover
    assert "Unknown" not in hover

    assert cli_diagnostics(ws, config=True) == []
