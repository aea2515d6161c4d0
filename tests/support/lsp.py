"""A language-server session driven like VS Code drives one, for the editor tests.

pytest-lsp (with pygls and lsprotocol) is the client: it starts the server, answers
``workspace/configuration`` from the settings given (here ``.vscode/settings.json``, as the
Python extension passes them on, plus the interpreter it picked), and records published
diagnostics and log messages. Added here, for what it lacks with these servers:

- answers to the server-to-client requests pytest-lsp's client leaves unhandled
  (``client/registerCapability``: pyright and basedpyright exit without one; the refresh
  requests pyrefly sends), and a structure hook for the notebook selector that ty, pyrefly
  and zuban send in ``initialize`` (lsprotocol 2025.0.0 cannot parse it);
- waiting for a document's complete diagnostics: every document is opened with one extra
  last line, ``typing_extensions.reveal_type("<sentinel>")``, whose revealed type every
  checker reports in the
  same pass as the document's other diagnostics. The first complete list that contains the
  sentinel (pulled with ``textDocument/diagnostic`` where the server offers it, else
  published) is the checked result; the sentinel is then dropped from it. Positions in the
  document are unchanged (the line is appended).
"""

from __future__ import annotations

import asyncio
import typing
from collections.abc import AsyncGenerator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

from cattrs import Converter
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import register_lsp_features

from tests.support import vscode
from tests.support.checkers import Checker
from tests.support.project import Project
from tests.support.tools import user_environment

# Bounds for every wait on a language server (seconds). Generous: the machine has 2 cores and
# may be compiling Rust at the same time.
START_TIMEOUT = 60.0
REQUEST_TIMEOUT = 60.0
POLL_SECONDS = 0.1
Result = TypeVar("Result")


async def within(seconds: float, awaitable: Awaitable[Result]) -> Result:
    return await asyncio.wait_for(awaitable, seconds)


def editor_configuration(workspace: Path) -> dict[str, Any]:
    """What VS Code answers ``workspace/configuration`` with: the workspace's
    ``.vscode/settings.json`` (variables expanded), plus the interpreter the Python extension
    picked, ``python.pythonPath`` (the settings' ``python.defaultInterpreterPath``, else the
    workspace's ``.venv``, which the extension discovers by itself)."""
    flat = vscode.expand_all(vscode.flat_settings(workspace), workspace)
    chosen = flat.get("python.defaultInterpreterPath")
    flat["python.pythonPath"] = chosen or str(Project(workspace).python)
    return vscode.nested_settings(flat)


def sentinel_line(number: int) -> str:
    """The appended last line: an import every checker accepts anywhere (none knows
    ``reveal_type`` without one) and the reveal, in one statement line."""
    alias = f"_editor_test_sentinel_{number}"
    return f'import typing_extensions as {alias}; {alias}.reveal_type("{sentinel(number)}")\n'


def sentinel(number: int) -> str:
    return f"editor-test sentinel {number}"


def position_of(text: str, needle: str, offset: int = 0, nth: int = 0) -> types.Position:
    """LSP position of ``needle``'s ``nth`` occurrence in ``text``, plus ``offset`` characters."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    line = text.count("\n", 0, start)
    column = start - (text.rfind("\n", 0, start) + 1)
    return types.Position(line=line, character=column + offset)


# pygls' factory has no annotations: typed here for the strict checkers.
typed_default_converter: Callable[[], Converter] = default_converter  # ty: ignore[unsound-assignment]


def converter() -> Converter:
    """pygls' converter, plus a hook for ``NotebookDocumentFilterWithCells.notebook``: ty,
    pyrefly and zuban send ``{"cells": [...]}`` without it, which lsprotocol 2025.0.0 cannot
    structure ("Invalid Params": the session would die at ``initialize``)."""
    base = typed_default_converter()
    union = typing.get_type_hints(types.NotebookDocumentFilterWithCells)["notebook"]
    choices = (
        types.NotebookDocumentFilterNotebookType,
        types.NotebookDocumentFilterScheme,
        types.NotebookDocumentFilterPattern,
    )

    def structure(value: object, _: object) -> object:
        if value is None or isinstance(value, str):
            return value
        for choice in choices:
            try:
                return base.structure(value, choice)
            except Exception:
                continue
        raise ValueError(f"not a notebook filter: {value!r}")

    base.register_structure_hook(union, structure)
    return base


@dataclass
class OpenDocument:
    uri: str
    text: str  # as given, without the sentinel line
    sentinel: str


@dataclass
class EditorSession:
    """One language server on one workspace folder."""

    checker: Checker
    workspace: Path
    configuration: dict[str, Any]
    env: dict[str, str]
    client: LanguageClient | None = None
    server_capabilities: types.ServerCapabilities | None = None
    registrations: list[str] = field(default_factory=list[str])
    _documents: dict[str, OpenDocument] = field(default_factory=dict[str, OpenDocument])

    def make_client(self) -> LanguageClient:
        client = LanguageClient(converter_factory=converter)
        register_lsp_features(client)

        def on_register(params: types.RegistrationParams) -> None:
            self.registrations.extend(r.method for r in params.registrations)

        def ignore(*_: object) -> None:
            return None

        client.feature(types.CLIENT_REGISTER_CAPABILITY)(on_register)
        for method in (
            types.CLIENT_UNREGISTER_CAPABILITY,
            types.WORKSPACE_SEMANTIC_TOKENS_REFRESH,
            types.WORKSPACE_INLAY_HINT_REFRESH,
            types.WORKSPACE_CODE_LENS_REFRESH,
            types.WORKSPACE_INLINE_VALUE_REFRESH,
            types.WORKSPACE_FOLDING_RANGE_REFRESH,
        ):
            client.feature(method)(ignore)
        client.set_configuration(self.configuration)
        self.client = client
        return client

    @property
    def lsp(self) -> LanguageClient:
        assert self.client is not None, "session not started"
        return self.client

    def log_text(self) -> str:
        return "\n".join(m.message for m in self.lsp.log_messages)

    @property
    def pulls_diagnostics(self) -> bool:
        """The server answers ``textDocument/diagnostic`` (declared or registered)."""
        capabilities = self.server_capabilities
        declared = capabilities is not None and capabilities.diagnostic_provider is not None
        return declared or types.TEXT_DOCUMENT_DIAGNOSTIC in self.registrations

    async def open(self, path: Path, text: str | None = None) -> OpenDocument:
        """Open ``path`` (its text on disk unless ``text`` is given; the file need not
        exist) and wait until the server has checked it."""
        uri = path.as_uri()
        if uri in self._documents:
            return self._documents[uri]
        body = path.read_text(encoding="utf-8") if text is None else text
        if body and not body.endswith("\n"):
            body += "\n"
        number = len(self._documents) + 1
        document = OpenDocument(uri, body, sentinel=sentinel(number))
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

    async def _current(self, document: OpenDocument) -> Sequence[types.Diagnostic]:
        if not self.pulls_diagnostics:
            # ty infers pytest-lsp's attribute as Unknown (the other checkers read its type).
            published: Sequence[types.Diagnostic] = self.lsp.diagnostics.get(document.uri, [])  # ty: ignore[unsound-assignment]
            return published
        report = await within(
            REQUEST_TIMEOUT,
            self.lsp.text_document_diagnostic_async(
                types.DocumentDiagnosticParams(
                    text_document=types.TextDocumentIdentifier(uri=document.uri)
                )
            ),
        )
        items: list[types.Diagnostic] = []
        if isinstance(report, types.RelatedFullDocumentDiagnosticReport):
            items.extend(report.items)
        return items

    async def diagnostics(self, document: OpenDocument) -> list[types.Diagnostic]:
        """The server's complete diagnostics for ``document``, without the sentinel's."""

        async def checked() -> Sequence[types.Diagnostic]:
            while True:
                found = await self._current(document)
                if any(document.sentinel in d.message for d in found):
                    return found
                await asyncio.sleep(POLL_SECONDS)

        found = await within(REQUEST_TIMEOUT, checked())
        return [d for d in found if document.sentinel not in d.message]

    async def hover(self, document: OpenDocument, position: types.Position) -> str:
        hover = await within(
            REQUEST_TIMEOUT,
            self.lsp.text_document_hover_async(
                types.HoverParams(
                    text_document=types.TextDocumentIdentifier(uri=document.uri),
                    position=position,
                )
            ),
        )
        assert hover is not None, "no hover"
        contents = hover.contents
        assert isinstance(contents, types.MarkupContent), contents
        return contents.value

    async def completion_labels(
        self, document: OpenDocument, position: types.Position
    ) -> list[str]:
        result = await within(
            REQUEST_TIMEOUT,
            self.lsp.text_document_completion_async(
                types.CompletionParams(
                    text_document=types.TextDocumentIdentifier(uri=document.uri),
                    position=position,
                    context=types.CompletionContext(
                        trigger_kind=types.CompletionTriggerKind.TriggerCharacter,
                        trigger_character=".",
                    ),
                )
            ),
        )
        if result is None:
            return []
        items = result.items if isinstance(result, types.CompletionList) else result
        return [item.label for item in items]

    async def definition(
        self, document: OpenDocument, position: types.Position
    ) -> list[tuple[Path, int]]:
        """Each target of go-to-definition as (file, 0-based line)."""
        request = self.lsp.text_document_definition_async(
            types.DefinitionParams(
                text_document=types.TextDocumentIdentifier(uri=document.uri), position=position
            )
        )
        return locations(await within(REQUEST_TIMEOUT, request))

    async def declaration(
        self, document: OpenDocument, position: types.Position
    ) -> list[tuple[Path, int]]:
        """Each target of go-to-declaration as (file, 0-based line)."""
        request = self.lsp.text_document_declaration_async(
            types.DeclarationParams(
                text_document=types.TextDocumentIdentifier(uri=document.uri), position=position
            )
        )
        return locations(await within(REQUEST_TIMEOUT, request))


def locations(
    result: types.Location | Sequence[types.Location | types.LocationLink] | None,
) -> list[tuple[Path, int]]:
    """A definition or declaration answer as (file, 0-based line) targets."""
    if result is None:
        return []
    found = [result] if isinstance(result, types.Location) else list(result)
    targets: list[tuple[Path, int]] = []
    for target in found:
        if isinstance(target, types.Location):
            uri, line = target.uri, target.range.start.line
        else:
            uri, line = target.target_uri, target.target_selection_range.start.line
        assert uri.startswith("file://"), uri
        targets.append((Path(uri.removeprefix("file://")), line))
    return targets


@asynccontextmanager
async def editor_session(
    checker: Checker,
    workspace: Path,
    configuration: dict[str, Any],
    env: dict[str, str] | None = None,
) -> AsyncGenerator[EditorSession]:
    """Start ``checker``'s language server on ``workspace``, initialise it like VS Code,
    shut it down."""
    session = EditorSession(checker, workspace, configuration, env or user_environment())
    config = ClientServerConfig(
        server_command=checker.server_command(),
        client_factory=session.make_client,
        server_env=session.env,
    )
    await within(START_TIMEOUT, config.start())
    initialized = await within(
        START_TIMEOUT,
        session.lsp.initialize_session(
            types.InitializeParams(
                capabilities=client_capabilities("visual-studio-code"),
                root_uri=workspace.as_uri(),
                workspace_folders=[
                    types.WorkspaceFolder(uri=workspace.as_uri(), name=workspace.name)
                ],
            )
        ),
    )
    session.server_capabilities = initialized.capabilities
    try:
        yield session
    finally:
        await within(START_TIMEOUT, session.lsp.shutdown_session())
        # pytest-lsp's stop() has no annotations: typed here for the strict checkers.
        stop = cast("Callable[[], Awaitable[None]]", session.lsp.stop)
        await within(START_TIMEOUT, stop())


def describe(diagnostics: Sequence[types.Diagnostic]) -> list[str]:
    """Readable diagnostics for assertion messages."""
    return [f"{d.range.start.line}: {d.severity} {d.code}: {d.message}" for d in diagnostics]
