"""Shared helpers for the editor tests: the VS Code settings reader, a pyright language-server
session driven through pytest-lsp, and small subprocess helpers for pyright, mypy and venvs.

The language-server session behaves like VS Code with Pylance: it opens a folder as the
workspace, answers `workspace/configuration` with the settings from `.vscode/settings.json`
(plus the interpreter, as the Python extension does), and answers the server's
`client/registerCapability` requests (without an answer pyright stops).

Waiting for diagnostics uses a real signal, not a quiet period: every document is opened with
one extra last line, `reveal_type("<sentinel>")`. Its "Type of ..." information is produced by
pyright's checker in the same pass as every other diagnostic of the file, and each
`publishDiagnostics` carries a file's whole list, so the first list that contains the sentinel
is the checked result for that document. Earlier lists (diagnostics can first arrive empty)
are ignored. The sentinel line is appended after the file's text, so positions in the file
are unchanged, and it is removed from the returned diagnostics.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import AsyncGenerator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features
from vscode_jsonc import read_jsonc

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
VENV_PYTHON = VENV_BIN / "python"
PYRIGHT = VENV_BIN / "pyright"
PYRIGHT_LANGSERVER = VENV_BIN / "pyright-langserver"
SETTINGS_JSON = ROOT / ".vscode" / "settings.json"
STUB = ROOT / "stubs" / "pyrs.pyi"

# Bounds for every wait on the language server (seconds). Generous: the machine has 2 cores
# and may be compiling Rust at the same time.
START_TIMEOUT = 60.0
REQUEST_TIMEOUT = 60.0
# Bounds for subprocesses (seconds): pyright/mypy/venv calls, and cargo/maturin builds (a
# cold build in a fresh target folder takes minutes on 2 cores).
TOOL_TIMEOUT = 180.0
BUILD_TIMEOUT = 1200.0

# Variables the Makefile exports that VS Code does not give the language server: the editor
# must work from the project's configuration alone, so the tests drop them.
MAKEFILE_ONLY_VARIABLES = ("PYTHONPATH", "VIRTUAL_ENV")


# --------------------------------------------------------------------------------------------
# .vscode/settings.json


def nest_settings(flat: dict[str, Any]) -> dict[str, Any]:
    """VS Code's dotted keys (`"python.analysis.x": 1`) as the nested objects that
    `workspace/configuration` sections (`python`, `python.analysis`) are looked up in.
    Language overrides (`"[python]"`) stay whole."""
    nested: dict[str, Any] = {}
    for key, value in flat.items():
        *parents, leaf = [key] if key.startswith("[") else key.split(".")
        node = nested
        for part in parents:
            child = node.setdefault(part, {})
            assert isinstance(child, dict), f"setting {key!r} clashes with another"
            node = cast("dict[str, Any]", child)
        if isinstance(value, dict) and isinstance(node.get(leaf), dict):
            node[leaf] = {**node[leaf], **cast("dict[str, Any]", value)}
        else:
            node[leaf] = value
    return nested


def expand_variables(value: Any, workspace: Path) -> Any:
    """`${workspaceFolder}` in settings values, as VS Code expands it."""
    if isinstance(value, str):
        return value.replace("${workspaceFolder}", str(workspace))
    if isinstance(value, dict):
        items = cast("dict[str, Any]", value).items()
        return {k: expand_variables(v, workspace) for k, v in items}
    if isinstance(value, list):
        return [expand_variables(v, workspace) for v in cast("list[Any]", value)]
    return value


def editor_configuration(workspace: Path, settings_json: Path | None) -> dict[str, Any]:
    """What VS Code answers to `workspace/configuration`: the workspace settings, plus
    `python.pythonPath`, the interpreter the Python extension hands to Pylance (taken from
    `python.defaultInterpreterPath`)."""
    flat = read_jsonc(settings_json) if settings_json is not None else {}
    config = nest_settings(expand_variables(flat, workspace))
    python = config.setdefault("python", {})
    if "defaultInterpreterPath" in python:
        python.setdefault("pythonPath", python["defaultInterpreterPath"])
    return config


# --------------------------------------------------------------------------------------------
# Language-server session


def sentinel_line(number: int) -> str:
    return f'reveal_type("editor-test sentinel {number}")\n'


def position_of(text: str, needle: str, offset: int = 0, nth: int = 0) -> types.Position:
    """LSP position of `needle`'s `nth` occurrence in `text`, plus `offset` characters."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    line = text.count("\n", 0, start)
    column = start - (text.rfind("\n", 0, start) + 1)
    return types.Position(line=line, character=column + offset)


@dataclass
class OpenDocument:
    uri: str
    text: str  # as given, without the sentinel line
    sentinel: str


@dataclass
class EditorSession:
    """One `pyright-langserver --stdio` on one workspace folder."""

    workspace: Path
    configuration: dict[str, Any]
    env: dict[str, str]
    client: LanguageClient | None = None
    published: dict[str, list[types.Diagnostic]] = field(
        default_factory=dict[str, list[types.Diagnostic]]
    )
    registrations: list[str] = field(default_factory=list[str])
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _documents: dict[str, OpenDocument] = field(default_factory=dict[str, OpenDocument])

    # -- client side of the protocol --

    def make_client(self) -> LanguageClient:
        client = LanguageClient(converter_factory=default_converter)

        def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
            self.published[params.uri] = list(params.diagnostics)
            self._changed.set()

        def on_register(params: types.RegistrationParams) -> None:
            self.registrations.extend(r.method for r in params.registrations)

        def on_unregister(params: types.UnregistrationParams) -> None:
            return None

        features: dict[str, Any] = {
            **DEFAULT_CLIENT_FEATURES,
            types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: on_diagnostics,
            types.CLIENT_REGISTER_CAPABILITY: on_register,
            types.CLIENT_UNREGISTER_CAPABILITY: on_unregister,
        }
        register_lsp_features(client, features)
        client.set_configuration(self.configuration)
        self.client = client
        return client

    @property
    def lsp(self) -> LanguageClient:
        assert self.client is not None, "session not started"
        return self.client

    def log_text(self) -> str:
        return "\n".join(m.message for m in self.lsp.log_messages)

    # -- documents --

    async def open(self, path: Path, text: str | None = None) -> OpenDocument:
        """Open `path` (its text on disk unless `text` is given; the file need not exist)
        and wait until pyright has checked it."""
        uri = path.as_uri()
        if uri in self._documents:
            return self._documents[uri]
        body = path.read_text(encoding="utf-8") if text is None else text
        if body and not body.endswith("\n"):
            body += "\n"
        number = len(self._documents) + 1
        document = OpenDocument(uri, body, sentinel=f"editor-test sentinel {number}")
        self._documents[uri] = document
        self.lsp.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id="python", version=1, text=body + sentinel_line(number)
                )
            )
        )
        await self.diagnostics(document)
        return document

    async def diagnostics(self, document: OpenDocument) -> list[types.Diagnostic]:
        """The checker's complete diagnostics for `document`, without the sentinel's."""

        def complete() -> bool:
            return any(document.sentinel in d.message for d in self.published.get(document.uri, []))

        async with asyncio.timeout(REQUEST_TIMEOUT):
            while True:
                self._changed.clear()
                if complete():
                    break
                await self._changed.wait()
        return [d for d in self.published[document.uri] if document.sentinel not in d.message]

    async def hover(self, document: OpenDocument, position: types.Position) -> str:
        async with asyncio.timeout(REQUEST_TIMEOUT):
            hover = await self.lsp.text_document_hover_async(
                types.HoverParams(
                    text_document=types.TextDocumentIdentifier(uri=document.uri),
                    position=position,
                )
            )
        assert hover is not None, "no hover"
        contents = hover.contents
        assert isinstance(contents, types.MarkupContent), contents
        assert contents.kind == types.MarkupKind.Markdown
        return contents.value

    async def completion_labels(
        self, document: OpenDocument, position: types.Position
    ) -> list[str]:
        async with asyncio.timeout(REQUEST_TIMEOUT):
            result = await self.lsp.text_document_completion_async(
                types.CompletionParams(
                    text_document=types.TextDocumentIdentifier(uri=document.uri),
                    position=position,
                )
            )
        if result is None:
            return []
        items = result.items if isinstance(result, types.CompletionList) else result
        return [item.label for item in items]

    async def definition(
        self, document: OpenDocument, position: types.Position
    ) -> list[tuple[Path, int]]:
        """Each target of go-to-definition as (file, 0-based line)."""
        async with asyncio.timeout(REQUEST_TIMEOUT):
            result = await self.lsp.text_document_definition_async(
                types.DefinitionParams(
                    text_document=types.TextDocumentIdentifier(uri=document.uri),
                    position=position,
                )
            )
        if result is None:
            return []
        found: list[types.Location | types.LocationLink] = (
            [result] if isinstance(result, types.Location) else list(result)
        )
        targets: list[tuple[Path, int]] = []
        for target in found:
            if isinstance(target, types.Location):
                uri, line = target.uri, target.range.start.line
            else:
                uri, line = target.target_uri, target.target_selection_range.start.line
            assert uri.startswith("file://"), uri
            targets.append((Path(uri.removeprefix("file://")), line))
        return targets


def server_environment(**extra: str) -> dict[str, str]:
    """The full environment (the server needs HOME, PATH, ...), without the Makefile's
    PYTHONPATH/VIRTUAL_ENV, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if k not in MAKEFILE_ONLY_VARIABLES}
    env.update(extra)
    return env


@asynccontextmanager
async def editor_session(
    workspace: Path, configuration: dict[str, Any], env: dict[str, str] | None = None
) -> AsyncGenerator[EditorSession, None]:
    """Start pyright-langserver on `workspace`, initialise it like VS Code, shut it down."""
    session = EditorSession(workspace, configuration, env or server_environment())
    config = ClientServerConfig(
        server_command=[str(PYRIGHT_LANGSERVER), "--stdio"],
        client_factory=session.make_client,
        server_env=session.env,
    )
    async with asyncio.timeout(START_TIMEOUT):
        await config.start()
        await session.lsp.initialize_session(
            types.InitializeParams(
                capabilities=client_capabilities("visual-studio-code"),
                root_uri=workspace.as_uri(),
                workspace_folders=[
                    types.WorkspaceFolder(uri=workspace.as_uri(), name=workspace.name)
                ],
            )
        )
    try:
        yield session
    finally:
        async with asyncio.timeout(START_TIMEOUT):
            await session.lsp.shutdown_session()
            await session.lsp.stop()


# --------------------------------------------------------------------------------------------
# Subprocess helpers


def run(
    command: Sequence[str | Path],
    *,
    cwd: Path,
    env: dict[str, str] | None = None,
    timeout: float = TOOL_TIMEOUT,
    check: bool = False,
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [str(c) for c in command],
        cwd=cwd,
        env=env if env is not None else server_environment(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check:
        assert proc.returncode == 0, (
            f"{' '.join(map(str, command))} exited {proc.returncode}\n"
            f"--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"
        )
    return proc


def pyright_json(
    args: Sequence[str | Path], *, cwd: Path, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """`pyright --outputjson ARGS` from `cwd`; the parsed report."""
    proc = run([PYRIGHT, "--outputjson", *args], cwd=cwd, env=env)
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError as error:
        raise AssertionError(f"pyright gave no JSON:\n{proc.stdout}\n{proc.stderr}") from error
    assert isinstance(report, dict)
    return cast("dict[str, Any]", report)


def path_first(bin_dir: Path) -> dict[str, str]:
    """server_environment() with `bin_dir` first on PATH: `pyright --verifytypes` ignores
    `--pythonpath` and the config's venv and runs the first `python` on PATH."""
    return server_environment(PATH=os.pathsep.join([str(bin_dir), os.environ["PATH"]]))


def make_bare_venv(path: Path) -> Path:
    """A virtual environment with nothing installed (not even pip); its python."""
    run([sys.executable, "-m", "venv", "--without-pip", path], cwd=path.parent, check=True)
    python = path / "bin" / "python"
    assert python.exists()
    return python


def site_packages(python: Path) -> Path:
    proc = run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        cwd=python.parent,
        check=True,
    )
    return Path(proc.stdout.strip())


def find_module(python: Path, name: str, *, cwd: Path) -> str | None:
    """Where `python`, run in `cwd`, imports `name` from (None if it cannot), imported for
    real so a broken extension fails here rather than pass as "found"."""
    code = (
        "import importlib, sys\n"
        f"try:\n    module = importlib.import_module({name!r})\n"
        "except ModuleNotFoundError:\n    print('None')\n"
        "else:\n    print(module.__file__)\n"
    )
    proc = run([python, "-c", code], cwd=cwd, check=True)
    found = proc.stdout.strip()
    return None if found == "None" else found


def installed_extension() -> Path:
    """The compiled module `maturin develop` put in .venv (pyrs/pyrs.cpython-*.so)."""
    matches = sorted((site_packages(VENV_PYTHON) / "pyrs").glob("pyrs.cpython-*.so"))
    assert len(matches) == 1, f"expected one built extension in .venv, found {matches}"
    return matches[0]


def first_doc_line(text: str | None) -> str:
    assert text, "no docstring"
    return text.strip().splitlines()[0]


def matching(diagnostics: Sequence[types.Diagnostic], rule: str) -> list[types.Diagnostic]:
    return [d for d in diagnostics if d.code == rule]


def describe(diagnostics: Sequence[types.Diagnostic]) -> list[str]:
    """Readable diagnostics for assertion messages."""
    return [f"{d.range.start.line}: {d.severity} {d.code}: {d.message}" for d in diagnostics]
