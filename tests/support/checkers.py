"""The type checkers users run, how each is invoked and how each one's report reads.

Each checker reads its own table in ``pyproject.toml`` (``[tool.pyright]`` also serves
basedpyright, ``[tool.mypy]`` also serves zuban), all pointing at ``stubs/`` at one Python
version. This module runs them with machine-readable output where they have one and turns
every report into the same ``Diagnostic`` records, so a test or ``make typecheck`` can ask
"which errors, on which lines, with which codes" the same way of all six.

A checker that fails to run, prints what cannot be parsed or checks no file at all is
reported as an error too (``tool-failure``): a silent checker must never read as a clean one.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from typing_extensions import override

from tests.support.project import Project

TIMEOUT = 600.0  # seconds: mypy's first strict run of the whole repo, on a busy machine
SEVERITIES = {"information": "info", "note": "info", "warn": "warning"}


def severity(raw: str) -> str:
    """One checker's severity word as "error", "warning" or "info"."""
    return SEVERITIES.get(raw, raw)


@dataclass(frozen=True)
class Diagnostic:
    checker: str
    path: str  # relative to the folder the checker ran in when inside it, with "/"
    line: int  # 1-based
    code: str  # the checker's rule or error code ("" when it has none, e.g. a reveal)
    severity: str  # "error", "warning" or "info"
    message: str

    @override
    def __str__(self) -> str:
        first = self.message.splitlines()[0] if self.message else ""
        return f"{self.path}:{self.line}: {self.severity} [{self.code}] {first}"


@dataclass(frozen=True)
class Report:
    checker: str
    command: list[str]
    returncode: int
    diagnostics: list[Diagnostic]
    output: str

    @property
    def problems(self) -> list[Diagnostic]:
        """Errors and warnings: what fails a strict check (reveals are information)."""
        return [d for d in self.diagnostics if d.severity != "info"]


def relative(path: str, cwd: Path) -> str:
    full = Path(path) if Path(path).is_absolute() else cwd / path
    try:
        return full.resolve().relative_to(cwd.resolve()).as_posix()
    except ValueError:
        return full.as_posix()


def parse_pyright(name: str, out: str, cwd: Path) -> list[Diagnostic]:
    report = cast("dict[str, Any]", json.loads(out))
    found: list[Diagnostic] = []
    for item in cast("list[dict[str, Any]]", report["generalDiagnostics"]):
        found.append(
            Diagnostic(
                name,
                relative(item["file"], cwd),
                item["range"]["start"]["line"] + 1,
                item.get("rule", ""),
                severity(item["severity"]),
                item["message"],
            )
        )
    if report["summary"]["filesAnalyzed"] == 0:
        found.append(Diagnostic(name, "", 0, "tool-failure", "error", "no file checked"))
    return found


def parse_mypy(name: str, out: str, cwd: Path) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for line in out.splitlines():
        if line.startswith("{"):
            item = cast("dict[str, Any]", json.loads(line))
            message = item["message"] + (f" ({item['hint']})" if item.get("hint") else "")
            code = item.get("code") or ""
            level = severity(item["severity"])
            found.append(
                Diagnostic(name, relative(item["file"], cwd), item["line"], code, level, message)
            )
    return found


def parse_ty(name: str, out: str, cwd: Path) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for item in cast("list[dict[str, Any]]", json.loads(out or "[]")):
        code = str(item.get("check_name", ""))
        message = str(item["description"]).removeprefix(f"{code}: ")
        # GitLab code-quality severities.
        grade = str(item["severity"])
        level = "error" if grade in ("major", "critical", "blocker") else "info"
        level = "warning" if grade == "minor" else level
        line = int(item["location"].get("positions", {}).get("begin", {}).get("line", 0))
        path = relative(item["location"]["path"], cwd)
        found.append(Diagnostic(name, path, line, code, level, message))
    return found


def parse_pyrefly(name: str, out: str, cwd: Path) -> list[Diagnostic]:
    report = cast("dict[str, Any]", json.loads(out or '{"errors": []}'))
    return [
        Diagnostic(
            name,
            relative(item["path"], cwd),
            item["line"],
            item["name"],
            severity(item["severity"]),
            item["concise_description"],
        )
        for item in cast("list[dict[str, Any]]", report["errors"])
    ]


# zuban prints mypy's text format; this reads it with the flags in ZUBAN's command.
ZUBAN_LINE = re.compile(
    r"^(?P<path>[^:\n]+):(?P<line>\d+):(?:\d+:)? (?P<severity>error|warning|note): "
    r"(?P<message>.*?)(?:  \[(?P<code>[a-z0-9-]+)\])?$"
)


def parse_zuban(name: str, out: str, cwd: Path) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for line in out.splitlines():
        match = ZUBAN_LINE.match(line)
        if match:
            severity = SEVERITIES.get(match["severity"], match["severity"])
            path = relative(match["path"], cwd)
            code = match["code"] or ""
            found.append(
                Diagnostic(name, path, int(match["line"]), code, severity, match["message"])
            )
    return found


def tool_path(name: str, tools: Path | None = None) -> str:
    """The tool installed in ``tools`` (a venv's bin folder), by default ``.venv``'s
    (uv.lock pins every checker: the dev dependency group)."""
    return str(tools / name if tools is not None else Project().tool(name))


@dataclass(frozen=True)
class Checker:
    name: str
    executable: str
    arguments: tuple[str, ...]  # before the files: machine-readable output, no colours
    version_flag: str  # overrides the configured Python version
    interpreter_flag: str  # names the interpreter whose site-packages to read
    parse: Callable[[str, str, Path], list[Diagnostic]]
    server: tuple[str, ...]  # the language server's command (executable first), if any
    # Exit codes of a completed check (any other is the tool failing).
    completed: tuple[int, ...] = (0, 1)

    def command(
        self,
        files: Sequence[str | Path] = (),
        version: str | None = None,
        interpreter: Path | None = None,
        tools: Path | None = None,
    ) -> list[str]:
        options = [] if version is None else [self.version_flag, version]
        if interpreter is not None:
            options += [self.interpreter_flag, str(interpreter)]
        return [tool_path(self.executable, tools), *self.arguments, *options, *map(str, files)]

    def server_command(self) -> list[str]:
        if not self.server:
            raise ValueError(f"{self.name} has no language server")
        return [tool_path(self.server[0]), *self.server[1:]]

    def run(
        self,
        files: Sequence[str | Path] = (),
        *,
        cwd: Path,
        version: str | None = None,
        interpreter: Path | None = None,
        env: dict[str, str] | None = None,
        tools: Path | None = None,
    ) -> Report:
        """Check ``files`` (none: the whole project, as its configuration selects) from
        ``cwd``, where the checker finds its configuration; ``interpreter`` overrides the
        configured or discovered one; ``tools``: the bin folder to run the checker from."""
        command = self.command(files, version, interpreter, tools)
        environment = dict(env if env is not None else os.environ)
        environment["NO_COLOR"] = "1"
        proc = subprocess.run(
            command,
            cwd=cwd,
            env=environment,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
        output = proc.stdout + proc.stderr
        try:
            diagnostics = self.parse(self.name, proc.stdout, cwd)
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            failure = f"unreadable output ({error}): {output[-600:]}"
            diagnostics = [Diagnostic(self.name, "", 0, "tool-failure", "error", failure)]
        if proc.returncode not in self.completed:
            failure = f"exit status {proc.returncode}: {output[-600:]}"
            diagnostics.append(Diagnostic(self.name, "", 0, "tool-failure", "error", failure))
        return Report(self.name, command, proc.returncode, diagnostics, output)


PYRIGHT = Checker(
    name="pyright",
    executable="pyright",
    arguments=("--outputjson",),
    version_flag="--pythonversion",
    parse=parse_pyright,
    interpreter_flag="--pythonpath",
    server=("pyright-langserver", "--stdio"),
)
BASEDPYRIGHT = Checker(
    name="basedpyright",
    executable="basedpyright",
    arguments=("--outputjson",),
    version_flag="--pythonversion",
    parse=parse_pyright,
    interpreter_flag="--pythonpath",
    server=("basedpyright-langserver", "--stdio"),
)
MYPY = Checker(
    name="mypy",
    executable="mypy",
    arguments=("-O", "json", "--no-error-summary"),
    version_flag="--python-version",
    parse=parse_mypy,
    interpreter_flag="--python-executable",
    server=(),  # none of its own (dmypy is a daemon, not a language server)
)
TY = Checker(
    name="ty",
    executable="ty",
    arguments=("check", "--output-format", "gitlab", "--no-progress"),
    version_flag="--python-version",
    parse=parse_ty,
    interpreter_flag="--python",
    server=("ty", "server"),
)
PYREFLY = Checker(
    name="pyrefly",
    executable="pyrefly",
    arguments=("check", "--output-format", "json", "--summary=none", "--progress-bar", "no"),
    version_flag="--python-version",
    parse=parse_pyrefly,
    interpreter_flag="--python-interpreter-path",
    server=("pyrefly", "lsp"),
)
ZUBAN = Checker(
    name="zuban",
    executable="zuban",
    arguments=("check", "--show-column-numbers", "--show-error-codes", "--no-pretty"),
    version_flag="--python-version",
    parse=parse_zuban,
    interpreter_flag="--python-executable",
    server=("zuban", "server"),
)
CHECKERS = (PYRIGHT, BASEDPYRIGHT, MYPY, TY, PYREFLY, ZUBAN)
BY_NAME = {checker.name: checker for checker in CHECKERS}
