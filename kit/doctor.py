"""Why is the editor red, and which command fixes it.

    python -m kit.doctor [--root DIR]      (make doctor; DIR: another checkout of the kit)

Each check prints OK, FAIL with the exact command that fixes the problem, or SKIP with the
reason; the exit code is 0 when nothing failed, 1 otherwise.

The checks follow the chain the editor depends on: the project's interpreter exists and VS
Code is not pointed at another one; the module imports there and was built from the current
Rust sources; the committed stub matches the sources; ``.vscode/settings.json`` does not say
something that ``[tool.pyright]`` silently overrides; pyright really resolves the module to
the stub in ``stubs/``; the run/debug ``PYTHONPATH`` in ``.env`` exists; and no build left
over from before a ``make rename`` (nor the old kit's ``*-tools.pth``) is still installed.
"""

from __future__ import annotations

import argparse
import ast
import csv
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

from kit import stubs, vscode
from kit.project import Project

QUICK_TIMEOUT = 60.0  # seconds: an interpreter start or an import
PYRIGHT_TIMEOUT = 120.0  # pyright starts node and reads typeshed
INTERPRETER_SETTING = "python.defaultInterpreterPath"
PICKS_VENV = "VS Code's Python extension picks .venv itself"
# Variables that make or an activated shell set and VS Code's editor and run/debug do not:
# the probes must see what the editor sees.
NOT_IN_EDITOR = ("VIRTUAL_ENV", "PYTHONPATH", "PYO3_PYTHON")


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
    dropped = (*NOT_IN_EDITOR, project.skip_variable)
    env = {k: v for k, v in os.environ.items() if k not in dropped}
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


def probe_source(project: Project) -> str:
    """A file that imports the module and reveals the type of the stub's first public
    function (of the module itself when there is none): typed only if the stub is read."""
    module = project.module
    revealed = module
    try:
        tree = ast.parse(project.stub.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        tree = ast.Module(body=[], type_ignores=[])
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            revealed = f"{module}.{node.name}"
            break
    return f"import {module}\n\nreveal_type({revealed})\n"


def run_pyright(project: Project, probe: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [project.tool("pyright"), "--project", project.root, *options, probe],
        cwd=project.root,
        env=editor_env(project, dotenv=False),  # the language server never reads .env
        capture_output=True,
        text=True,
        timeout=PYRIGHT_TIMEOUT,
        check=False,
    )


def resolved_module(project: Project, output: str, probe: Path) -> Path | None:
    """From ``pyright --dependencies --verbose``: the file that the probe's import of the
    module resolved to."""
    tail = re.compile(rf"/{re.escape(project.module)}(?:/__init__)?\.(?:pyi|py|[^/\s]*(?:so|pyd))$")
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


def check_pyright(project: Project) -> Result:
    name = "pyright sees the stub"
    module, stub = project.module, rel(project, project.stub)
    pyright = project.tool("pyright")
    if not pyright.exists():
        return fail(name, f"{rel(project, pyright)} does not exist", "make venv")
    with tempfile.TemporaryDirectory(prefix="kit-doctor-") as tmp:
        probe = Path(tmp) / "doctor_probe.py"
        probe.write_text(probe_source(project), encoding="utf-8")
        # Two runs of a few hundred ms each: side by side.
        with ThreadPoolExecutor(2) as pool:
            report_run = pool.submit(run_pyright, project, probe, "--outputjson")
            deps_run = pool.submit(run_pyright, project, probe, "--dependencies", "--verbose")
            proc, deps = report_run.result(), deps_run.result()
    try:
        report = cast("dict[str, Any]", json.loads(proc.stdout))
    except json.JSONDecodeError:
        output = proc.stderr.strip() or proc.stdout[:300]
        return fail(name, f"pyright failed: {output}", "make venv")
    analysed = cast("dict[str, Any]", report.get("summary", {})).get("filesAnalyzed")
    if analysed != 1:
        message = f"pyright analysed {analysed} files, not the probe"
        return fail(name, message, "check include/exclude in [tool.pyright]")
    diagnostics = cast("list[dict[str, Any]]", report.get("generalDiagnostics", []))
    rules = {str(d.get("rule", "")) for d in diagnostics}
    revealed = next(
        (str(d["message"]) for d in diagnostics if str(d.get("message", "")).startswith("Type of")),
        "",
    )
    if "reportMissingImports" in rules:
        if not project.stub.exists():
            message = f'pyright cannot resolve "{module}": no {stub}, no module'
            return fail(name, message, "make stubs")
        message = f'pyright cannot resolve "{module}" (stub not in stubPath?)'
        return fail(name, message, "make dev")
    if "reportMissingModuleSource" in rules:
        return fail(
            name,
            f"pyright uses the stub, but the compiled module is not installed in "
            f"{rel(project, project.venv)}",
            "make dev",
        )
    if not revealed or "Unknown" in revealed:
        return fail(
            name, f"pyright does not type {module} from the stub: {revealed!r}", "make stubs"
        )
    source = resolved_module(project, deps.stdout, probe)
    if source is None or not same_path(source, project.stub):
        return fail(
            name,
            f"pyright resolves {module} to {source}, not {stub} (an installed copy that "
            "`make stubs` does not update)",
            "make stubs",
        )
    return Result(name, ok=f"{revealed.removeprefix('Type of ')} (from {stub})")


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
    check_pyright,
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
