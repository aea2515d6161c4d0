"""Ask a language server where a name is declared: the smallest LSP client that does it.

JSON-RPC over the server's stdin and stdout, standard library only (doctor runs it; the
editor tests drive whole sessions with pytest-lsp instead). One session per question:
start the server in the project's folder, ``initialize``, open the document (its text is
sent, so the file need not exist on disk), ``textDocument/declaration``, ``shutdown``,
``exit``. Requests the server sends meanwhile (configuration, registrations, progress) are
answered with nothing.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast
from urllib.parse import urlparse
from urllib.request import url2pathname

SHUTDOWN_TIMEOUT = 5.0  # seconds: for the server to answer shutdown, then to exit
RETRIES = 3  # an empty answer is asked again (a server may answer before its first check)
RETRY_SECONDS = 0.2

Message = dict[str, Any]


class LspError(Exception):
    """The server failed to start, answered with an error, exited or did not answer."""


@dataclass(frozen=True)
class Location:
    path: Path
    line: int  # 0-based


def url_path(url: str) -> Path | None:
    """The local path of a ``file://`` URL (None for any other URL)."""
    parsed = urlparse(url)
    return Path(url2pathname(parsed.path)) if parsed.scheme == "file" else None


def locations(result: object) -> list[Location]:
    """The targets of a definition or declaration answer: a Location, a list of Locations or
    of LocationLinks, or null."""
    items = cast(
        "list[Message]", result if isinstance(result, list) else [result] if result else []
    )
    found: list[Location] = []
    for item in items:
        url = item.get("uri") or item.get("targetUri")
        where = cast("Message", item.get("range") or item.get("targetSelectionRange") or {})
        path = url_path(url) if isinstance(url, str) else None
        if path is not None:
            found.append(Location(path, int(where.get("start", {}).get("line", 0))))
    return found


class Session:
    """A running server and the messages it sent that were not read yet."""

    def __init__(self, command: Sequence[str | Path], root: Path, env: dict[str, str]) -> None:
        self.stderr: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        try:
            self.proc = subprocess.Popen(
                [str(part) for part in command],
                cwd=root,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self.stderr,
            )
        except OSError:
            self.stderr.close()
            raise
        self.inbox: queue.Queue[Message | None] = queue.Queue()
        self.last_id = 0
        threading.Thread(target=self.read_all, daemon=True).start()

    def read_all(self) -> None:
        """Put each message from the server in the inbox, then None at the end of output."""
        stdout = self.proc.stdout
        assert stdout is not None
        try:
            while True:
                length = -1
                while line := stdout.readline().strip():
                    name, _, value = line.decode("ascii").partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value)
                if length < 0:
                    break  # end of output (or a header block without a length)
                self.inbox.put(cast("Message", json.loads(stdout.read(length))))
        except (OSError, ValueError):
            pass
        finally:
            self.inbox.put(None)

    def send(self, message: Message) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        stdin = self.proc.stdin
        assert stdin is not None
        try:
            stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            stdin.flush()
        except OSError as error:
            raise LspError(f"the server stopped reading ({error}){self.tail()}") from error

    def notify(self, method: str, params: object) -> None:
        self.send({"method": method, "params": params})

    def request(self, method: str, params: object, timeout: float) -> object:
        """Send a request and wait for its answer, answering the server's own requests."""
        self.last_id += 1
        ident = self.last_id
        self.send({"id": ident, "method": method, "params": params})
        deadline = time.monotonic() + timeout
        while True:
            try:
                message = self.inbox.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise LspError(f"no answer to {method} within {timeout:.0f} s") from None
            if message is None:
                raise LspError(f"the server exited before answering {method}{self.tail()}")
            if "method" in message:
                if "id" in message:  # a request from the server: answer it with nothing
                    self.send({"id": message["id"], "result": self.reply(message)})
                continue
            if message.get("id") == ident:
                if "error" in message:
                    raise LspError(f"{method}: {json.dumps(message['error'])}")
                return cast("object", message.get("result"))

    @staticmethod
    def reply(message: Message) -> object:
        if message["method"] == "workspace/configuration":
            params = cast("Message", message.get("params") or {})
            return [None for _ in cast("list[object]", params.get("items", []))]
        return None

    def tail(self) -> str:
        self.stderr.seek(0)
        lines = self.stderr.read().decode(errors="replace").strip().splitlines()
        return f": {lines[-1]}" if lines else ""

    def close(self) -> None:
        """Shut the server down politely; kill it (only it) if it does not exit."""
        try:
            if self.proc.poll() is None:
                self.request("shutdown", None, SHUTDOWN_TIMEOUT)
                self.notify("exit", None)
        except LspError:
            pass
        finally:
            try:
                self.proc.wait(SHUTDOWN_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            for stream in (self.proc.stdin, self.proc.stdout):
                if stream is not None:
                    stream.close()
            self.stderr.close()


def declaration(
    command: Sequence[str | Path],
    root: Path,
    document: Path,
    text: str,
    line: int,
    character: int,
    *,
    env: dict[str, str] | None = None,
    timeout: float = 60.0,
) -> list[Location]:
    """Where the server started by ``command`` in ``root`` declares the name at (``line``,
    ``character``), 0-based, of ``document`` holding ``text``."""
    environment = dict(os.environ if env is None else env)
    try:
        session = Session(command, root, environment)
    except OSError as error:
        raise LspError(f"{command[0]} does not start: {error}") from error
    try:
        workspace = [{"uri": root.absolute().as_uri(), "name": root.name}]
        session.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": workspace[0]["uri"],
                "workspaceFolders": workspace,
                "capabilities": {"textDocument": {"declaration": {"linkSupport": False}}},
            },
            timeout,
        )
        session.notify("initialized", {})
        uri = document.absolute().as_uri()
        opened = {"uri": uri, "languageId": "python", "version": 1, "text": text}
        session.notify("textDocument/didOpen", {"textDocument": opened})
        where = {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}
        found: list[Location] = []
        for attempt in range(RETRIES):
            if attempt:
                time.sleep(RETRY_SECONDS)
            found = locations(session.request("textDocument/declaration", where, timeout))
            if found:
                break
        return found
    finally:
        session.close()
