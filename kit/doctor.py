"""Why is the editor red, and which command fixes it.

    python -m kit.doctor [--root DIR]      (make doctor; DIR: another checkout of the kit)

Each check prints OK, FAIL with the exact command that fixes the problem, or SKIP with the
reason; the exit code is 0 when nothing failed, 1 otherwise.

The checks follow the chain the editor depends on: the project's interpreter exists and VS
Code is not pointed at another one; the module imports there and was built from the current
Rust sources; the committed stub matches the sources; ``.vscode/settings.json`` does not say
something that ``[tool.pyright]`` silently overrides; each of the six type checkers
(``kit.checkers``) resolves the module to the stub in ``stubs/`` (not to the copy installed
in ``.venv``, not to nothing) and types its first public function from it; the run/debug
``PYTHONPATH`` in ``.env`` exists; and no build left over from before a ``make rename``
(nor the old kit's ``*-tools.pth``) is still installed. The checks run side by side.
"""

from __future__ import annotations

import argparse
import ast
import csv
import dataclasses
import functools
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlparse
from urllib.request import url2pathname

from dotenv import dotenv_values

from kit import checkers, lspprobe, stubs, vscode
from kit.checkers import Checker, Diagnostic
from kit.project import Project

QUICK_TIMEOUT = 60.0  # seconds: an interpreter start or an import
CHECKER_TIMEOUT = 120.0  # a type checker on one file (pyright starts node, reads typeshed)
INTERPRETER_SETTING = "python.defaultInterpreterPath"
PICKS_VENV = "VS Code's Python extension picks .venv itself"


@dataclass(frozen=True)
class Problem:
    message: str
    fix: str


@dataclass(frozen=True)
class Result:
    """What one check found: OK (no problems), problems, or skipped (with the reason)."""

    name: str
    ok: str = ""
    problems: tuple[Problem, ...] = ()
    skipped: str = ""

    def lines(self) -> list[str]:
        if self.skipped:
            return [f"SKIP  {self.name}: {self.skipped}"]
        if not self.problems:
            return [f"OK    {self.name}: {self.ok}"]
        out: list[str] = []
        for problem in self.problems:
            out.append(f"FAIL  {self.name}: {problem.message}")
            out.append(f"      fix: {problem.fix}")
        return out


def fail(name: str, message: str, fix: str) -> Result:
    return Result(name, problems=(Problem(message, fix),))


def rel(project: Project, path: Path) -> str:
    """``path`` as the user types it from the checkout's root."""
    try:
        return str(path.relative_to(project.root))
    except ValueError:
        return str(path)


def same_path(a: Path, b: Path) -> bool:
    """Whether two paths name the same place (symlinks, ``..`` and case resolved)."""
    return os.path.normcase(a.resolve()) == os.path.normcase(b.resolve())


def inside(path: Path, folder: Path) -> bool:
    path, folder = path.resolve(), folder.resolve()
    return path == folder or folder in path.parents


def file_url_path(url: str) -> Path | None:
    """The local path of a ``file://`` URL (None for any other URL)."""
    parsed = urlparse(url)
    if parsed.scheme != "file":
        return None
    return Path(url2pathname(parsed.path))


# --- reading the configuration files -----------------------------------------------------


def dotenv_pythonpath(project: Project) -> list[str]:
    """The PYTHONPATH entries of ``.env``, parsed as VS Code's Python extension does."""
    path = project.root / ".env"
    if not path.exists():
        return []
    value = dotenv_values(path).get("PYTHONPATH") or ""
    return [entry for entry in value.split(os.pathsep) if entry]


def pyright_config(project: Project) -> tuple[str, dict[str, Any]] | None:
    """(where, table) of the pyright configuration, or None: pyrightconfig.json wins over
    ``[tool.pyright]`` in pyproject.toml, as in pyright itself."""
    config_json = project.root / "pyrightconfig.json"
    if config_json.exists():
        return "pyrightconfig.json", vscode.read(config_json)  # JSON with comments too
    tool = cast("dict[str, Any]", project.pyproject.get("tool", {}))
    if "pyright" not in tool:
        return None
    return "[tool.pyright] in pyproject.toml", cast("dict[str, Any]", tool["pyright"])


def editor_env(project: Project, *, dotenv: bool) -> dict[str, str]:
    """The environment of VS Code's language server (``dotenv=False``) or of its run/debug
    (``.env``'s PYTHONPATH): nothing from make or an activated venv, no check skipping."""
    env = project.user_env()
    entries = [str(project.root / entry) for entry in dotenv_pythonpath(project)]
    if dotenv and entries:
        env["PYTHONPATH"] = os.pathsep.join(entries)
    return env


def site_packages(project: Project) -> list[Path]:
    """The site-packages folders of ``.venv`` (POSIX and Windows layouts), found without
    running its interpreter, which may be the broken part."""
    found = [
        *project.venv.glob("lib/python*/site-packages"),
        project.venv / "Lib" / "site-packages",
    ]
    unique: dict[Path, Path] = {}
    for folder in found:
        if folder.is_dir():
            unique.setdefault(folder.resolve(), folder)
    return sorted(unique.values())


# --- the checks --------------------------------------------------------------------------


def check_interpreter(project: Project) -> Result:
    name = "interpreter"
    python = rel(project, project.python)
    if not project.python.exists():
        return fail(name, f"{python} does not exist", "make venv")
    try:
        version = subprocess.run(
            [project.python, "-c", "import sys; print(sys.version.split()[0])"],
            cwd=project.root,
            capture_output=True,
            text=True,
            timeout=QUICK_TIMEOUT,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError) as error:
        venv = rel(project, project.venv)
        return fail(name, f"{python} does not run ({error})", f"rm -rf {venv} && make venv")
    return Result(name, ok=f"{python} (Python {version})")


def check_editor_interpreter(project: Project) -> Result:
    name = "VS Code interpreter"
    settings_file = vscode.SETTINGS
    if not (project.root / settings_file).exists():
        return Result(name, ok=f"no {settings_file}: {PICKS_VENV}")
    try:
        settings = vscode.flat_settings(project.root)
    except ValueError as error:
        message = f"{settings_file} is not valid JSON with comments: {error}"
        return fail(name, message, f"edit {settings_file}")
    value = settings.get(INTERPRETER_SETTING)
    if value is None:
        # Unset is the portable choice: the same settings work on every OS.
        return Result(name, ok=f"{INTERPRETER_SETTING} is not set: {PICKS_VENV}")
    ours = "${workspaceFolder}/" + project.python.relative_to(project.root).as_posix()
    fix = (
        f'delete "{INTERPRETER_SETTING}" from {settings_file}, or set it to "{ours}" '
        "(then 'Python: Select Interpreter' if VS Code remembers another)"
    )
    if not isinstance(value, str):
        return fail(name, f"{INTERPRETER_SETTING} is {value!r}, not a path", fix)
    chosen = vscode.setting_path(value, project.root)
    python = rel(project, project.python)
    if not same_path(chosen.parent, project.bin) or not chosen.name.startswith("python"):
        return fail(
            name, f"{INTERPRETER_SETTING} is {value!r} ({chosen}), not the project's {python}", fix
        )
    return Result(name, ok=f"{settings_file} points VS Code at {python}")


def check_import(project: Project) -> Result:
    module = project.module
    name = f"import {module}"
    python = rel(project, project.python)
    if not project.python.exists():
        return Result(name, skipped=f"no {python}")
    proc = subprocess.run(
        [
            project.python,
            "-W",
            "always::RuntimeWarning",
            "-c",
            f"import {module}; print({module}.__file__)",
        ],
        cwd=project.root,
        env=editor_env(project, dotenv=True),
        capture_output=True,
        text=True,
        timeout=QUICK_TIMEOUT,
        check=False,
    )
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
        if f"No module named '{module}'" in proc.stderr:
            return fail(
                name,
                f"{module} is not installed in {rel(project, project.venv)} (not built yet): "
                f"{last}",
                "make dev   (or make demo for the release build and the benchmark)",
            )
        return fail(name, f"import {module} fails: {last}", "make dev")
    stale = re.search(rf"RuntimeWarning: ({re.escape(project.stale_mark)}[^\n]*)", proc.stderr)
    if stale:
        return fail(name, stale.group(1), "make dev")
    return Result(name, ok=f"imports from {proc.stdout.strip()}, built from the current sources")


def check_stubs(project: Project) -> Result:
    name = "stubs in sync"
    module, stub = project.module, rel(project, project.stub)
    if not project.python.exists():
        # PYO3_PYTHON names it: without it cargo would build pyo3 for another Python.
        python = rel(project, project.python)
        return Result(name, skipped=f"no {python} to build the stub generator with")
    if not project.stub.exists():
        return fail(name, f"{stub} is missing", "make stubs")
    try:
        diff = stubs.diff(project)
    except FileNotFoundError as error:
        if error.filename == "cargo":
            return fail(name, "cargo is not installed", "install Rust (rustup), then make stubs")
        # stub_gen names the stub after the crate: a [lib] name other than the module's.
        message = f"the stub generator wrote no {project.stub.name} ({error})"
        return fail(name, message, f"make stubs   (and check that the crate is named {module})")
    except subprocess.CalledProcessError as error:
        command = " ".join(map(str, error.cmd))
        return fail(
            name,
            f"the stub generator failed ({command} exited {error.returncode})",
            "make stubs   (shows the compiler error)",
        )
    except subprocess.TimeoutExpired as error:
        return fail(name, f"the stub generator took over {error.timeout:.0f} s", "make stubs")
    if diff:
        head = "".join(f"\n        {line}" for line in diff.splitlines()[:12])
        return fail(name, f"{stub} is not what the Rust source generates:{head}", "make stubs")
    return Result(name, ok=f"{stub} matches the Rust source")


def check_settings(project: Project) -> Result:
    name = "settings vs [tool.pyright]"
    settings_file = vscode.SETTINGS
    stub_path = project.stubs.relative_to(project.root).as_posix()
    try:
        config = pyright_config(project)
    except (OSError, ValueError) as error:  # TOMLDecodeError is a ValueError
        return fail(name, f"the pyright configuration does not parse: {error}", "fix its syntax")
    if config is None:
        return fail(
            name,
            "pyproject.toml has no [tool.pyright] table: pyright uses no stubPath",
            f'add [tool.pyright] with stubPath = "{stub_path}" to pyproject.toml',
        )
    where, table = config
    problems: list[Problem] = []
    value = table.get("stubPath")
    if not isinstance(value, str) or not same_path(project.root / value, project.stubs):
        problems.append(
            Problem(
                f'{where} does not set stubPath = "{stub_path}" (has {value!r})',
                f'set stubPath = "{stub_path}" in {where}',
            )
        )
    settings: dict[str, Any] = {}
    if (project.root / settings_file).exists():
        try:
            settings = vscode.flat_settings(project.root)
        except ValueError as error:
            message = f"{settings_file} does not parse: {error}"
            problems.append(Problem(message, f"edit {settings_file}"))
    for key in sorted(settings):
        if not key.startswith("python.analysis."):
            continue
        option = key.removeprefix("python.analysis.")
        if option == "extraPaths" and "extraPaths" not in table:
            continue  # still applied by pyright when the config file sets none
        problems.append(
            Problem(
                f'"{key}" in {settings_file} is ignored: {where} exists, and pyright then '
                "reads only that",
                f'delete "{key}" from {settings_file} and set {option} in {where} instead',
            )
        )
    return Result(name, ok=f'{where} sets stubPath = "{stub_path}"', problems=tuple(problems))


# --- what each type checker resolves the module to ------------------------------------------
#
# Each checker is given a probe that imports the module and reveals the type of the stub's
# first public function, and asked both where it found the module and what type it gives the
# function. Where, in the simplest way each one tells:
#   pyright, basedpyright  `--dependencies --verbose`: the files each file imports, as URLs
#   mypy                   `-v` (with no cache, so that it parses): "LOG:  Parsing FILE (module)"
#   zuban                  `zuban check` with ZUBAN_LOG=debug: "Read from FS: FILE-URL"
#   ty, pyrefly            their command line prints no file: the language server's answer to
#                          textDocument/declaration on the import (kit.lspprobe)
# What type: the reveal in the report each one gives ``make typecheck`` (kit.checkers).

PROBE_NAME = "doctor_probe.py"
UNTYPED = ("Any", "Unknown")  # how the checkers spell "no type"
# Names in an annotation that a checker prints another way (or not at all).
SPECIAL_FORMS = frozenset(
    {"Optional", "Union", "Callable", "Literal", "Annotated", "Final", "None", "Self", "Unpack"}
)
REVEALED = re.compile(r'(?:Type of "[^"]*" is|Revealed type is|[Rr]evealed type:)\s*(?P<type>.+)')


class ToolFailure(Exception):
    """A checker did not finish, or printed what cannot be read."""


@dataclass(frozen=True)
class Seen:
    """What one checker made of the probe."""

    diagnostics: tuple[Diagnostic, ...]
    resolved: Path | None  # the file it resolved the module to; None: not found (or failed)
    failure: str = ""  # why it did not report, or reported only in part


@dataclass(frozen=True)
class SearchSetting:
    """The configuration key that puts ``stubs/`` on a checker's search path."""

    name: str  # as the user finds it: "[tool.ty.environment] extra-paths in pyproject.toml"
    paths: tuple[str, ...]
    fix: str

    def includes(self, project: Project) -> bool:
        return any(same_path(project.root / path, project.stubs) for path in self.paths)


def first_function(project: Project) -> ast.FunctionDef | None:
    """The stub's first public function (None without one, or without a readable stub)."""
    try:
        tree = ast.parse(project.stub.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return None
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            return node
    return None


def revealed_expression(project: Project) -> str:
    function = first_function(project)
    return f"{project.module}.{function.name}" if function else project.module


def probe_source(project: Project) -> str:
    """A file that imports the module and reveals the type of the stub's first public
    function (of the module itself when there is none): typed only if the stub is read."""
    return f"import {project.module}\n\nreveal_type({revealed_expression(project)})\n"


def annotation_names(node: ast.AST) -> Iterator[str]:
    """The type names an annotation spells (``typing.SupportsIndex`` gives SupportsIndex)."""
    if isinstance(node, ast.Attribute):
        yield node.attr
    elif isinstance(node, ast.Name):
        yield node.id
    else:
        for child in ast.iter_child_nodes(node):
            yield from annotation_names(child)


def stub_type_names(project: Project) -> list[str]:
    """The names of the types in the first public function's signature, which a checker
    that reads the stub shows in its type."""
    function = first_function(project)
    if function is None:
        return []
    arguments = function.args
    parameters = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    parameters += [p for p in (arguments.vararg, arguments.kwarg) if p is not None]
    annotations = [p.annotation for p in parameters if p.annotation is not None]
    annotations += [function.returns] if function.returns is not None else []
    names = (name for node in annotations for name in annotation_names(node))
    return sorted({name for name in names if name not in SPECIAL_FORMS})


def revealed_type(diagnostics: Sequence[Diagnostic]) -> str | None:
    """The type a checker revealed in the probe (the last one given, when a message gives a
    summary first: pyright's "partially unknown")."""
    found: str | None = None
    for diagnostic in diagnostics:
        for line in diagnostic.message.splitlines():
            match = REVEALED.search(line)
            if match:
                found = str(match["type"]).strip().strip("\"`'")
    return found


def untyped(project: Project, revealed: str) -> str:
    """Why ``revealed`` is not the stub's type ("" when it is)."""
    expected = stub_type_names(project)
    wrong = [
        word for word in UNTYPED if word not in expected and re.search(rf"\b{word}\b", revealed)
    ]
    if wrong:
        return f"{' and '.join(wrong)} in it"
    missing = [name for name in expected if not re.search(rf"\b{re.escape(name)}\b", revealed)]
    return f"no {', '.join(missing)} in it" if missing else ""


# The key of each checker's table in pyproject.toml that puts stubs/ on its search path
# (pyright's and basedpyright's: stubPath, where pyright_config finds it).
SEARCH_KEYS = {
    "mypy": ("tool.mypy", "mypy_path"),
    "zuban": ("tool.mypy", "mypy_path"),  # `zuban check` reads mypy's table
    "ty": ("tool.ty.environment", "extra-paths"),
    "pyrefly": ("tool.pyrefly", "search-path"),
}


def search_setting(project: Project, checker: Checker) -> SearchSetting | None:
    """The setting of ``checker`` that should name ``stubs/`` (None: unknown, or in a file
    that does not parse, which check_settings reports)."""
    folder = project.stubs.relative_to(project.root).as_posix()
    if checker.name in ("pyright", "basedpyright"):
        try:
            config = pyright_config(project)
        except (OSError, ValueError):
            return None
        where, settings = config or ("[tool.pyright] in pyproject.toml", {})
        stub_path: object = settings.get("stubPath")
        given = (stub_path,) if isinstance(stub_path, str) else ()
        return SearchSetting(f"stubPath in {where}", given, f'set stubPath = "{folder}" in {where}')
    if checker.name not in SEARCH_KEYS:
        return None
    dotted, key = SEARCH_KEYS[checker.name]
    table: object = project.pyproject
    for part in dotted.split("."):
        table = cast("dict[str, object]", table).get(part) if isinstance(table, dict) else None
    value = cast("dict[str, object]", table).get(key) if isinstance(table, dict) else None
    entries: list[str] = []
    if isinstance(value, str):  # mypy_path: "a,b" or "a:b"; the others: one path
        entries = value.replace(",", ":").split(":") if key == "mypy_path" else [value]
    elif isinstance(value, list):
        entries = [str(item) for item in cast("list[object]", value)]
    root = str(project.root)
    paths = tuple(entry.strip().replace("$MYPY_CONFIG_FILE_DIR", root) for entry in entries)
    name = f"[{dotted}] {key} in pyproject.toml"
    return SearchSetting(name, paths, f'add "{folder}" to {name}')


def shown(project: Project, path: Path) -> str:
    """A file a checker named, as the user finds it: from the checkout, or from its venv (a
    checker may name it through the link the venv is reached by, or without it)."""
    for base, prefix in ((project.root, ""), (project.venv, f"{rel(project, project.venv)}/")):
        for folder, file in ((base, path), (base.resolve(), path.resolve())):
            try:
                return prefix + file.relative_to(folder).as_posix()
            except ValueError:
                continue
    return str(path)


def module_file(project: Project) -> re.Pattern[str]:
    """A path or URL that ends in a file of the module: a stub, a package or an extension."""
    module = re.escape(project.module)
    return re.compile(rf"/{module}(?:/__init__)?\.(?:pyi|py|[^/\s]*(?:so|pyd))$")


def resolved_module(project: Project, output: str, probe: Path) -> Path | None:
    """From ``pyright --dependencies --verbose``: the file that the probe's import of the
    module resolved to."""
    tail = module_file(project)
    lines = output.splitlines()
    for index, line in enumerate(lines):
        if line.strip().endswith(probe.name) and not line.startswith(" "):
            for item in lines[index + 1 :]:
                if item and not item.startswith(" "):
                    break
                url = item.strip()
                if url.startswith("file://") and tail.search(url):
                    return file_url_path(url)
    return None


def run_tool(
    project: Project, command: Sequence[str | Path], **extra_env: str
) -> subprocess.CompletedProcess[str]:
    env = editor_env(project, dotenv=False)  # the language servers never read .env
    env.update(NO_COLOR="1", **extra_env)
    return subprocess.run(
        [str(part) for part in command],
        cwd=project.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=CHECKER_TIMEOUT,
        check=False,
    )


def report_of(
    project: Project, checker: Checker, proc: subprocess.CompletedProcess[str]
) -> tuple[Diagnostic, ...]:
    """The diagnostics of a checker's run (ToolFailure if it did not complete)."""
    if proc.returncode not in checker.completed:
        lines = (proc.stderr.strip() or proc.stdout.strip()).splitlines() or ["(no output)"]
        raise ToolFailure(f"exit status {proc.returncode}: {lines[-1].strip()}")
    try:
        return tuple(checker.parse(checker.name, proc.stdout, project.root))
    except (ValueError, KeyError, TypeError) as error:  # JSONDecodeError is a ValueError
        raise ToolFailure(f"unreadable output ({error!r})") from error


def outcome(
    project: Project,
    checker: Checker,
    proc: subprocess.CompletedProcess[str],
    resolved: Path | None,
    failure: str = "",
) -> Seen:
    try:
        return Seen(report_of(project, checker, proc), resolved, failure)
    except ToolFailure as error:
        return Seen((), resolved, "; ".join(filter(None, (str(error), failure))))


# pyright's text report (``--outputjson`` excludes ``--dependencies --verbose``): a line per
# diagnostic, its message continued on lines indented further (with no-break spaces), the
# rule last.
PYRIGHT_LINE = re.compile(
    r"^  (?P<path>.+?):(?P<line>\d+):\d+ - (?P<severity>error|warning|information): "
    r"(?P<message>.*)$"
)
PYRIGHT_RULE = re.compile(r" \((?P<rule>report[A-Za-z]+)\)$")


def parse_pyright_text(name: str, output: str, cwd: Path) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    current: re.Match[str] | None = None
    message: list[str] = []

    def close() -> None:
        if current is not None:
            rule = PYRIGHT_RULE.search(message[-1])
            if rule:
                message[-1] = message[-1][: rule.start()]
            level = checkers.severity(current["severity"])
            path = checkers.relative(current["path"], cwd)
            text = "\n".join(message)
            found.append(
                Diagnostic(
                    name, path, int(current["line"]), rule["rule"] if rule else "", level, text
                )
            )

    for line in output.splitlines():
        match = PYRIGHT_LINE.match(line)
        if match or not line.startswith("  "):
            close()
            current, message = match, [str(match["message"])] if match else []
        elif current is not None:
            message.append(line.strip())
    close()
    return found


def see_pyright(project: Project, checker: Checker, probe: Path) -> Seen:
    """pyright and basedpyright: one run (node starts in a second) gives both answers."""
    tool = project.tool(checker.executable)
    command: list[str | Path] = [
        tool,
        "--project",
        project.root,
        "--dependencies",
        "--verbose",
        probe,
    ]
    proc = run_tool(project, command)
    resolved = resolved_module(project, proc.stdout, probe)
    text = dataclasses.replace(checker, parse=parse_pyright_text)
    return outcome(project, text, proc, resolved)


def see_mypy(project: Project, checker: Checker, probe: Path) -> Seen:
    tool = project.tool(checker.executable)
    command: list[str | Path] = [tool, *checker.arguments, "-v", f"--cache-dir={os.devnull}", probe]
    proc = run_tool(project, command)
    parsed = rf"^LOG:  Parsing (?P<path>.+) \({re.escape(project.module)}\)$"
    match = re.search(parsed, proc.stderr, re.MULTILINE)
    return outcome(project, checker, proc, Path(match["path"]) if match else None)


def see_zuban(project: Project, checker: Checker, probe: Path) -> Seen:
    proc = run_tool(
        project, [project.tool(checker.executable), *checker.arguments, probe], ZUBAN_LOG="debug"
    )
    tail = module_file(project)
    urls = re.findall(r"Read from FS: (file://\S+)", proc.stderr + proc.stdout)
    resolved = next((file_url_path(url) for url in urls if tail.search(url)), None)
    return outcome(project, checker, proc, resolved)


def declared(project: Project, command: Sequence[str | Path]) -> Path | None:
    """Where a language server declares the module the probe imports: the probe is a
    document of the project, open in the editor (never written: a name that starts with a
    dot is no module, so it shadows nothing)."""
    document = project.root / f".{project.module}-doctor-probe.py"
    text = probe_source(project)
    env = editor_env(project, dotenv=False)
    found = lspprobe.declaration(
        command, project.root, document, text, 0, len("import "), env=env, timeout=CHECKER_TIMEOUT
    )
    return found[0].path if found else None


def see_with_server(
    project: Project, checker: Checker, command: Sequence[str | Path], server: Sequence[str | Path]
) -> Seen:
    """ty and pyrefly: the check and the language server, side by side."""
    with ThreadPoolExecutor(2) as pool:
        report = pool.submit(run_tool, project, command)
        declaration = pool.submit(declared, project, server)
        proc = report.result()
        try:
            resolved, failure = declaration.result(), ""
        except (lspprobe.LspError, OSError) as error:
            resolved, failure = None, f"its language server: {error}"
    return outcome(project, checker, proc, resolved, failure)


def see_ty(project: Project, checker: Checker, probe: Path) -> Seen:
    tool = project.tool(checker.executable)
    command: list[str | Path] = [tool, *checker.arguments, probe]
    server: list[str | Path] = [project.tool(checker.server[0]), *checker.server[1:]]
    return see_with_server(project, checker, command, server)


def see_pyrefly(project: Project, checker: Checker, probe: Path) -> Seen:
    tool = project.tool(checker.executable)
    # A file outside the project finds no configuration by itself: name the project's.
    config = project.root / "pyrefly.toml"
    config = config if config.exists() else project.root / "pyproject.toml"
    command: list[str | Path] = [tool, *checker.arguments, "--config", config, probe]
    # No indexing of the whole project for find-references: it would delay the exit by
    # seconds and changes no answer.
    server: list[str | Path] = [
        project.tool(checker.server[0]),
        *checker.server[1:],
        "--indexing-mode",
        "none",
    ]
    return see_with_server(project, checker, command, server)


SEE: dict[str, Callable[[Project, Checker, Path], Seen]] = {
    "pyright": see_pyright,
    "basedpyright": see_pyright,
    "mypy": see_mypy,
    "zuban": see_zuban,
    "ty": see_ty,
    "pyrefly": see_pyrefly,
}


def check_resolution(project: Project, checker: Checker) -> Result:
    """Where ``checker`` resolves the module (the stub in ``stubs/``, or a problem with the
    command that fixes it), and that it types the module from it."""
    name = f"{checker.name} resolves {project.module}"
    if not project.python.exists():
        return Result(name, skipped=f"no {rel(project, project.python)}")
    tool = project.tool(checker.executable)
    if not tool.exists():
        return fail(name, f"{rel(project, tool)} does not exist", "make venv")
    see = SEE.get(checker.name)
    if see is None:
        return Result(name, skipped=f"doctor does not know how to ask {checker.name}")
    with tempfile.TemporaryDirectory(prefix="kit-doctor-") as tmp:
        probe = Path(tmp) / PROBE_NAME
        probe.write_text(probe_source(project), encoding="utf-8")
        try:
            found = see(project, checker, probe)
        except (OSError, subprocess.SubprocessError) as error:  # TimeoutExpired among them
            found = Seen((), None, str(error))
    return judge(project, checker, found)


def judge(project: Project, checker: Checker, seen: Seen) -> Result:
    module, stub = project.module, rel(project, project.stub)
    name = f"{checker.name} resolves {module}"
    resolved = seen.resolved
    if resolved is not None and same_path(resolved, project.stub):
        return judge_types(project, checker, seen)
    if resolved is None:
        where = f"nothing ({seen.failure})" if seen.failure else f"nothing ({module} not found)"
    else:
        where = shown(project, resolved)
        if inside(resolved, project.venv):
            where += " (the copy the last build installed)"
    if not project.stub.exists():
        return fail(name, f"{where}, not {stub}, which is missing", "make stubs")
    if resolved is None and seen.failure:
        return fail(name, f"{checker.name} fails: {seen.failure}", typecheck_fix(project, checker))
    setting = search_setting(project, checker)
    folder = project.stubs.relative_to(project.root).as_posix()
    if setting is not None and not setting.includes(project):
        message = f'{where}, not {stub}: {setting.name} does not include "{folder}"'
        return fail(name, message, setting.fix)
    read = setting.name if setting else "its configuration"
    message = f"{where}, not {stub}, although {read} includes {folder}"
    return fail(name, message, f"check that {checker.name} reads {read} (and no other file)")


def judge_types(project: Project, checker: Checker, seen: Seen) -> Result:
    """The checker resolves the module to the stub: does it type it from there?"""
    name = f"{checker.name} resolves {project.module}"
    stub, expression = rel(project, project.stub), revealed_expression(project)
    if seen.failure:
        return fail(
            name,
            f"{stub}, but {checker.name} fails: {seen.failure}",
            typecheck_fix(project, checker),
        )
    if "reportMissingModuleSource" in {d.code for d in seen.diagnostics}:
        message = (
            f"{stub}, but the compiled module is not installed in {rel(project, project.venv)}"
        )
        return fail(name, message, "make dev")
    revealed = revealed_type(seen.diagnostics)
    if revealed is None:
        message = f"{stub}, but {checker.name} reveals no type for {expression}"
        return fail(name, message, typecheck_fix(project, checker))
    wrong = untyped(project, revealed)
    if wrong:
        return fail(name, f"{stub}, but {expression} is {revealed} ({wrong})", "make stubs")
    return Result(name, ok=f"{stub}, reveal_type({expression}): {revealed}")


def typecheck_fix(project: Project, checker: Checker) -> str:
    python = rel(project, project.python)
    return f"{python} -m kit.typecheck --only {checker.name}   (shows {checker.name}'s error)"


def check_dotenv(project: Project) -> Result:
    name = ".env PYTHONPATH"
    entries = dotenv_pythonpath(project)
    if not entries:
        return Result(name, ok="no PYTHONPATH in .env")
    problems = tuple(
        Problem(
            f"{entry!r} (in .env PYTHONPATH) does not exist",
            f"remove {entry!r} from PYTHONPATH in .env (or create {entry})",
        )
        for entry in entries
        if not (project.root / entry).exists()
    )
    return Result(name, ok=f"PYTHONPATH={os.pathsep.join(entries)} exists", problems=problems)


def record_top_levels(dist_info: Path) -> list[str]:
    """The importable top-level names a distribution installed, from its RECORD."""
    try:
        with (dist_info / "RECORD").open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
    except OSError:
        return []
    names: set[str] = set()
    for row in rows:
        first = Path(row[0]).parts[0] if row and row[0] else ""
        if first in ("", "..", "__pycache__") or first.endswith((".dist-info", ".data", ".pth")):
            continue  # metadata, scripts outside site-packages, bytecode, path files
        names.add(first.split(".", 1)[0])  # pkg, mod.py, mod.cpython-311-x86_64-linux-gnu.so
    return sorted(names)


def old_builds(project: Project, folder: Path) -> Iterator[Problem]:
    """Distributions in ``folder`` built from this checkout under another name."""
    uv = rel(project, project.tool("uv"))
    venv = rel(project, project.venv)
    current = project.module.lower()
    for dist_info in sorted(folder.glob("*.dist-info")):
        try:
            data: object = json.loads((dist_info / "direct_url.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # not installed from a URL: from an index, not from here
        url = cast("dict[str, Any]", data).get("url") if isinstance(data, dict) else None
        source = file_url_path(url) if isinstance(url, str) else None
        # `maturin develop` writes the checkout's file URL; a wheel built here lies below it.
        if source is None or not inside(source, project.root):
            continue
        distribution, _, version = dist_info.name.removesuffix(".dist-info").partition("-")
        if re.sub(r"[-_.]+", "_", distribution).lower() == current:
            continue  # the current build: the import check judges it
        imports = ", ".join(record_top_levels(dist_info)) or distribution
        yield Problem(
            f"{distribution} {version}, built from this checkout under an old name (before "
            f"a rename to {project.module}?), is still installed in {venv} and importable "
            f"as {imports}",
            f"{uv} pip uninstall --python {venv} {distribution}",
        )


def tools_pth(project: Project, folder: Path) -> Iterator[Problem]:
    """``*-tools.pth`` files in ``folder`` that put a folder of this checkout on sys.path."""
    for pth in sorted(folder.glob("*-tools.pth")):
        try:
            lines = pth.read_text(encoding="utf-8").splitlines()
        except (OSError, ValueError):
            continue
        for line in (raw.strip() for raw in lines):
            if not line or line.startswith(("#", "import ", "import\t")):
                continue
            if inside(folder / line, project.root):  # relative lines are from site-packages
                yield Problem(
                    f"{rel(project, pth)} (left by the old kit) adds {line} to sys.path in "
                    f"every run of {rel(project, project.python)}",
                    f"rm {rel(project, pth)}",
                )
                break


def check_old_builds(project: Project) -> Result:
    name = "old builds"
    folders = site_packages(project)
    if not folders:
        return Result(name, skipped=f"no site-packages in {rel(project, project.venv)}")
    problems = [
        problem
        for folder in folders
        for problem in (*old_builds(project, folder), *tools_pth(project, folder))
    ]
    ok = f"no build of this checkout under a name other than {project.module}, no *-tools.pth"
    return Result(name, ok=ok, problems=tuple(problems))


CHECKS: tuple[Callable[[Project], Result], ...] = (
    check_interpreter,
    check_editor_interpreter,
    check_import,
    check_stubs,
    check_settings,
    *(functools.partial(check_resolution, checker=checker) for checker in checkers.CHECKERS),
    check_dotenv,
    check_old_builds,
)


def run_checks(project: Project) -> Iterator[Result]:
    """Every check, in order; all run side by side (cargo and pyright take seconds, the
    rest milliseconds), each result given as soon as it and those before it are done."""
    with ThreadPoolExecutor(len(CHECKS)) as pool:
        futures = [pool.submit(check, project) for check in CHECKS]
        for future in futures:
            yield future.result()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kit.doctor", description=(__doc__ or "").splitlines()[0]
    )
    parser.add_argument("--root", type=Path, help="another checkout of the kit (default: this)")
    args = parser.parse_args(argv)
    # Absolute, not resolved: cargo keys its pyo3 build on PYO3_PYTHON's spelling, which the
    # stub check derives from the root as given.
    project = Project(args.root.absolute()) if args.root else Project()
    try:
        module = project.module
    except (OSError, ValueError, KeyError) as error:
        print(f"FAIL  pyproject.toml: no [project] name to read the module's from ({error!r})")
        print("      fix: run doctor in a checkout of the kit, or repair its pyproject.toml")
        print("kit doctor: 1 problem(s)")
        return 1
    count = 0
    for result in run_checks(project):
        count += len(result.problems)
        for line in result.lines():
            print(line, flush=True)
    print(f"{module} doctor: all good" if count == 0 else f"{module} doctor: {count} problem(s)")
    return 0 if count == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
