"""The before/after this kit exists for: what pyright (Pylance's engine) shows for the same
file, `tests/usage/usage.py`, in four states of a workspace built outside the repository.

| state                              | import line                 | gcd      |
| ---------------------------------- | --------------------------- | -------- |
| compiled module, no stub, no config | nothing (silent)           | Unknown  |
| no module, no stub                 | reportMissingImports error  | Unknown  |
| stub in stubPath, not built        | reportMissingModuleSource   | typed    |
| stub in stubPath + built module    | nothing                     | typed    |

Every workspace uses its own interpreter, a bare venv (`.venv` inside the workspace, nothing
installed): the repository's `.venv` has the module installed with its stub, and would hide the
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
from lsprotocol import types

from tests.support.checkers import CHECKERS, PYRIGHT, Checker
from tests.support.lsp import (
    OpenDocument,
    describe,
    editor_configuration,
    editor_session,
    position_of,
)
from tests.support.tools import (
    MODULE,
    PROJECT,
    find_module,
    install_offline,
    installed_extension,
    make_bare_venv,
    pyright_json,
    site_packages,
    user_environment,
)
from tests.support.vscode import SETTINGS

ROOT = PROJECT.root
STUB = PROJECT.stub
USAGE = Path("tests") / "usage" / "usage.py"
IMPORT_LINE = position_of((ROOT / USAGE).read_text(), f"import {MODULE}\n").line
DOT = len(MODULE) + 1


@dataclass
class Workspace:
    root: Path
    python: Path
    extension: Path | None

    @property
    def usage(self) -> Path:
        return self.root / USAGE


def build_workspace(tmp_path: Path, *, extension: bool, stub: bool, config: bool) -> Workspace:
    """A workspace outside the repository with `tests/usage/usage.py` and a bare `.venv`;
    optionally the compiled module (as a top-level `<module>.cpython-*.so`), the committed stub in
    `stubs/`, and the kit's configuration (pyproject.toml's [tool.pyright], .vscode/)."""
    root = tmp_path / "workspace"
    (root / USAGE).parent.mkdir(parents=True)
    shutil.copy2(ROOT / USAGE, root / USAGE)
    python = make_bare_venv(root / ".venv")
    # usage.py's assert_type comes from typing_extensions (it runs on Python 3.10 too).
    install_offline(python, "typing_extensions")
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
        (root / SETTINGS).parent.mkdir()
        shutil.copy2(ROOT / SETTINGS, root / SETTINGS)
    assert not root.resolve().is_relative_to(ROOT)
    return Workspace(root, python, built)


def verify_state(ws: Workspace, *, stub: bool, config: bool) -> None:
    """The workspace is what the test claims: checked with the interpreter itself."""
    # The bare venv has nothing of the module; the workspace's interpreter imports the copied
    # extension (for real, so it loads) or nothing.
    assert list(site_packages(ws.python).glob(f"{MODULE}*")) == []
    imported = find_module(ws.python, MODULE, cwd=ws.root)
    assert imported == (str(ws.extension) if ws.extension else None)
    stubs = sorted(p.relative_to(ws.root) for p in ws.root.rglob("*.pyi") if ".venv" not in p.parts)
    assert stubs == ([STUB.relative_to(ROOT)] if stub else [])
    configs = [p for p in ("pyproject.toml", "pyrightconfig.json") if (ws.root / p).exists()]
    assert configs == (["pyproject.toml"] if config else [])


def lsp_configuration(ws: Workspace, *, config: bool) -> dict[str, Any]:
    """With the kit: the kit's .vscode/settings.json (its interpreter is the workspace .venv).
    Without: a user who picked the interpreter and turned on strict mode in the editor."""
    if config:
        configuration = editor_configuration(ws.root)
        assert configuration["python"]["pythonPath"] == str(ws.python)
        return configuration
    return {"python": {"pythonPath": str(ws.python), "analysis": {"typeCheckingMode": "strict"}}}


def isolated_environment() -> dict[str, str]:
    """The full environment minus the repository's .venv on PATH (and the Makefile's
    PYTHONPATH/VIRTUAL_ENV): nothing can point pyright at the installed module."""
    bin_dir = str(PROJECT.bin)
    path = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if p != bin_dir)
    return user_environment(PATH=path)


async def open_in_editor(
    ws: Workspace, *, config: bool, hover_on: str = "gcd"
) -> tuple[list[types.Diagnostic], str]:
    """Diagnostics for usage.py and the hover text on `<module>.<hover_on>` in it."""
    async with editor_session(
        PYRIGHT, ws.root, lsp_configuration(ws, config=config), isolated_environment()
    ) as session:
        document: OpenDocument = await session.open(ws.usage)
        diagnostics = await session.diagnostics(document)
        where = position_of(document.text, f"{MODULE}.{hover_on}", DOT)
        hover = await session.hover(document, where)
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


@pytest.mark.asyncio
async def test_compiled_module_without_stub_is_silent_but_unknown(tmp_path: Path) -> None:
    ws = build_workspace(tmp_path, extension=True, stub=False, config=False)
    verify_state(ws, stub=False, config=False)

    diagnostics, hover = await open_in_editor(ws, config=False)
    # Silent where the user looks first: nothing on the import line...
    assert at_import(diagnostics) == [], describe(diagnostics)
    # ...but every member is Unknown: hover says so, and so does strict mode at each use.
    assert "gcd: Unknown" in hover, hover
    rules = {d.code for d in diagnostics}
    assert rules == {
        "reportUnknownMemberType",
        "reportUnknownVariableType",
        "reportUnknownArgumentType",
        "reportAssertTypeFailure",
    }, describe(diagnostics)
    assert any('Type of "gcd" is unknown' in d.message for d in diagnostics)
    assert any('received "Unknown"' in d.message for d in diagnostics)

    # The CLI without a config (standard mode): the import is clean too, only the
    # assert_type lines of usage.py give the Unknown away.
    found = cli_diagnostics(ws, config=False)
    assert [f for f in found if f[0] == IMPORT_LINE] == []
    assert {f[2] for f in found} == {"reportAssertTypeFailure"}, found


@pytest.mark.asyncio
async def test_no_module_and_no_stub_is_report_missing_imports(tmp_path: Path) -> None:
    ws = build_workspace(tmp_path, extension=False, stub=False, config=False)
    verify_state(ws, stub=False, config=False)

    diagnostics, hover = await open_in_editor(ws, config=False)
    (missing,) = at_import(diagnostics)
    assert missing.code == "reportMissingImports"
    assert missing.severity == types.DiagnosticSeverity.Error
    assert missing.message == f'Import "{MODULE}" could not be resolved'
    assert "Unknown" in hover, hover

    found = cli_diagnostics(ws, config=False)
    assert [f for f in found if f[0] == IMPORT_LINE] == [
        (IMPORT_LINE, "error", "reportMissingImports")
    ]


@pytest.mark.asyncio
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
    assert f'Import "{MODULE}" could not be resolved from source' in warning.message
    assert "*integers: SupportsIndex" in hover, hover

    assert cli_diagnostics(ws, config=True) == [
        (IMPORT_LINE, "warning", "reportMissingModuleSource")
    ]


# -- after -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["gcd", "fib"])
@pytest.mark.asyncio
async def test_kit_configuration_is_clean_and_fully_typed(tmp_path: Path, name: str) -> None:
    ws = build_workspace(tmp_path, extension=True, stub=True, config=True)
    verify_state(ws, stub=True, config=True)

    diagnostics, hover = await open_in_editor(ws, config=True, hover_on=name)
    assert diagnostics == [], describe(diagnostics)
    assert f"(function) def {name}(" in hover, hover
    assert "SupportsIndex" in hover
    assert ") -> int" in hover
    assert "Unknown" not in hover

    assert cli_diagnostics(ws, config=True) == []


# -- every checker, in every state ------------------------------------------------------------

# The same four workspaces through each checker's command line, run with the workspace's
# interpreter (each checker's own flag for it). Per state: the code each checker reports on
# the import line ("" for silence), and whether the stub's types reach the assert_type lines.
STATES = {
    "compiled, no stub": {"extension": True, "stub": False, "config": False},
    "nothing": {"extension": False, "stub": False, "config": False},
    "fresh clone": {"extension": False, "stub": True, "config": True},
    "the kit": {"extension": True, "stub": True, "config": True},
}
AT_IMPORT: dict[str, dict[str, str]] = {
    "compiled, no stub": {
        # pyright, basedpyright and zuban take the .so as the module: silent, untyped.
        "pyright": "",
        "basedpyright": "",
        "mypy": "import-not-found",
        "ty": "import-not-found",
        "pyrefly": "missing-import",
        "zuban": "",
    },
    "nothing": {
        "pyright": "reportMissingImports",
        "basedpyright": "reportMissingImports",
        "mypy": "import-not-found",
        "ty": "import-not-found",
        "pyrefly": "missing-import",
        "zuban": "import-not-found",
    },
    "fresh clone": {
        "pyright": "reportMissingModuleSource",
        "basedpyright": "reportMissingModuleSource",
        "mypy": "",
        "ty": "",
        "pyrefly": "",
        "zuban": "",
    },
    "the kit": dict.fromkeys(("pyright", "basedpyright", "mypy", "ty", "pyrefly", "zuban"), ""),
}
# Each checker's code for a failed assert_type (the types did not come from the stub).
ASSERT_FAILED = {
    "pyright": "reportAssertTypeFailure",
    "basedpyright": "reportAssertTypeFailure",
    "mypy": "assert-type",
    "ty": "type-assertion-failure",
    "pyrefly": "assert-type",
    "zuban": "misc",
}
# Without a configuration pyrefly runs its lenient "basic" preset, which checks no assert_type:
# it flags the import and nothing else.
LENIENT_WITHOUT_CONFIG = {"pyrefly"}


@pytest.fixture(scope="module")
def workspaces(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Workspace]:
    """One workspace per state, shared by the checkers (each only reads it)."""
    found: dict[str, Workspace] = {}
    for state, layout in STATES.items():
        ws = build_workspace(tmp_path_factory.mktemp("state"), **layout)
        verify_state(ws, stub=layout["stub"], config=layout["config"])
        found[state] = ws
    return found


@pytest.mark.parametrize("checker", CHECKERS, ids=[c.name for c in CHECKERS])
@pytest.mark.parametrize("state", STATES)
def test_each_checker_in_each_state(
    workspaces: dict[str, Workspace], state: str, checker: Checker
) -> None:
    layout = STATES[state]
    ws = workspaces[state]
    report = checker.run([USAGE], cwd=ws.root, interpreter=ws.python, env=isolated_environment())
    found = {(d.line, d.code) for d in report.problems}
    import_codes = {code for line, code in found if line == IMPORT_LINE + 1}
    expected_import = AT_IMPORT[state][checker.name]
    assert import_codes == ({expected_import} if expected_import else set()), report.output

    lines = (ROOT / USAGE).read_text().splitlines()
    # The assert_type lines whose int comes from the module: with Unknown or Any they fail
    # (those on the module's own classes compare Unknown with Unknown, and len() is int).
    assert_lines = {
        n
        for n, line in enumerate(lines, 1)
        if "assert_type(" in line and line.endswith(", int)") and "len(" not in line
    }
    failed = {line for line, code in found if code == ASSERT_FAILED[checker.name]}
    typed = layout["stub"] and layout["config"]
    if typed or (checker.name in LENIENT_WITHOUT_CONFIG and not layout["config"]):
        assert failed == set(), report.output
        if typed:
            assert found - {(IMPORT_LINE + 1, expected_import)} == set(), report.output
    else:
        assert failed == assert_lines, report.output
