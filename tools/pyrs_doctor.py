"""pyrs doctor: why is the editor red, and which command fixes it.

Usage: ``python -m pyrs_doctor [--root DIR]`` (``make doctor``); DIR defaults to the checkout
this file belongs to. Each check prints OK or the problem with the exact command that fixes
it; the exit code is 0 when everything passes, 1 otherwise.

The checks follow the chain the editor depends on: the project's interpreter exists and VS Code
is pointed at it; ``pyrs`` imports there and was built from the current Rust sources; the
committed stub matches the sources; ``.vscode/settings.json`` does not say something that
``[tool.pyright]`` silently overrides; pyright really resolves ``pyrs`` to the stub in
``stubs/``; the run/debug ``PYTHONPATH`` in ``.env`` exists.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import tomllib
from check_stubs import STUB, stub_diff
from vscode_jsonc import strip_jsonc

VENV_PYTHON = Path(".venv") / "bin" / "python"
VENV_PYRIGHT = Path(".venv") / "bin" / "pyright"
SETTINGS = Path(".vscode") / "settings.json"
STALE_MARK = "pyrs: stale build"
SKIP_VARIABLE = "PYRS_SKIP_SOURCE_CHECK"
QUICK_TIMEOUT = 60.0
PYRIGHT_TIMEOUT = 120.0
PROBE = "import pyrs\n\nreveal_type(pyrs.gcd)\n"
DESCRIPTION = "Why is the editor red, and which command fixes it."
INTERPRETER_SETTING = "python.defaultInterpreterPath"
INTERPRETER_VALUE = "${workspaceFolder}/.venv/bin/python"


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


# --- reading the configuration files -----------------------------------------------------


def read_settings(root: Path) -> dict[str, Any]:
    """``.vscode/settings.json`` as a flat dict of dotted keys (nested objects under a key
    without brackets, like ``"python.analysis": {...}``, are flattened)."""
    data: object = json.loads(strip_jsonc((root / SETTINGS).read_text()))
    if not isinstance(data, dict):
        raise ValueError("the top level is not an object")
    flat: dict[str, Any] = {}

    def walk(prefix: str, value: dict[str, Any]) -> None:
        for key, item in value.items():
            name = f"{prefix}.{key}" if prefix else key
            if isinstance(item, dict) and not key.startswith("[") and name.startswith("python"):
                walk(name, cast(dict[str, Any], item))
            else:
                flat[name] = item

    walk("", cast(dict[str, Any], data))
    return flat


def expand_vscode(value: str, root: Path) -> Path:
    """A VS Code path setting as an absolute path (workspace variables, ``~``, relative)."""

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "workspaceFolder":
            return str(root)
        if name == "workspaceFolderBasename":
            return root.name
        if name == "userHome":
            return str(Path.home())
        if name.startswith("env:"):
            return os.environ.get(name[4:], "")
        return match.group(0)

    expanded = Path(re.sub(r"\$\{([^}]+)\}", substitute, value)).expanduser()
    return Path(os.path.normpath(root / expanded))


def read_dotenv(root: Path) -> dict[str, str]:
    """KEY=VALUE lines of ``.env`` (comments, blank lines, ``export`` and quotes allowed)."""
    path = root / ".env"
    if not path.exists():
        return {}
    values: dict[str, str] = {}
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.removeprefix("export ").split("=", 1)
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def dotenv_pythonpath(root: Path) -> list[str]:
    entries = read_dotenv(root).get("PYTHONPATH", "")
    return [entry for entry in entries.split(os.pathsep) if entry]


def pyright_config(root: Path) -> tuple[str, dict[str, Any]] | None:
    """(where, table) of the pyright configuration, or None: pyrightconfig.json wins over
    ``[tool.pyright]`` in pyproject.toml, as in pyright itself."""
    config_json = root / "pyrightconfig.json"
    if config_json.exists():
        data = json.loads(strip_jsonc(config_json.read_text()))
        return "pyrightconfig.json", cast(dict[str, Any], data)
    pyproject = root / "pyproject.toml"
    if not pyproject.exists():
        return None
    tool = cast(dict[str, Any], tomllib.loads(pyproject.read_text()).get("tool", {}))
    if "pyright" not in tool:
        return None
    return "[tool.pyright] in pyproject.toml", cast(dict[str, Any], tool["pyright"])


def subprocess_env(root: Path) -> dict[str, str]:
    """The environment VS Code's run/debug gives: ``.env``'s PYTHONPATH, no check skipping."""
    env = dict(os.environ)
    env.pop(SKIP_VARIABLE, None)
    entries = [str(root / entry) for entry in dotenv_pythonpath(root)]
    if entries:
        env["PYTHONPATH"] = os.pathsep.join(entries)
    else:
        env.pop("PYTHONPATH", None)
    return env


# --- the checks --------------------------------------------------------------------------


def check_interpreter(root: Path) -> Result:
    name = "interpreter"
    python = root / VENV_PYTHON
    if not python.exists():
        return fail(name, f"{VENV_PYTHON} does not exist", "make venv")
    try:
        version = subprocess.run(
            [str(python), "-c", "import sys; print(sys.version.split()[0])"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=QUICK_TIMEOUT,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError) as error:
        return fail(name, f"{VENV_PYTHON} does not run ({error})", "rm -rf .venv && make venv")
    return Result(name, ok=f"{VENV_PYTHON} (Python {version})")


def check_editor_interpreter(root: Path) -> Result:
    name = "VS Code interpreter"
    fix_setting = f'set "{INTERPRETER_SETTING}": "{INTERPRETER_VALUE}" in {SETTINGS}'
    if not (root / SETTINGS).exists():
        return fail(name, f"{SETTINGS} does not exist", fix_setting)
    try:
        settings = read_settings(root)
    except ValueError as error:
        message = f"{SETTINGS} is not valid JSON with comments: {error}"
        return fail(name, message, f"edit {SETTINGS}")
    value = settings.get(INTERPRETER_SETTING)
    if not isinstance(value, str):
        return fail(name, f"{SETTINGS} does not set {INTERPRETER_SETTING}", fix_setting)
    chosen = expand_vscode(value, root)
    venv_bin = Path(os.path.normpath(root / VENV_PYTHON.parent))
    if chosen.parent != venv_bin or not chosen.name.startswith("python"):
        return fail(
            name,
            f"{INTERPRETER_SETTING} is {value!r} ({chosen}), not the project's {VENV_PYTHON}",
            fix_setting + " (then 'Python: Select Interpreter' if VS Code remembers another)",
        )
    return Result(name, ok=f"{SETTINGS} points VS Code at {VENV_PYTHON}")


def check_import(root: Path) -> Result:
    name = "import pyrs"
    python = root / VENV_PYTHON
    if not python.exists():
        return Result(name, skipped=f"no {VENV_PYTHON}")
    proc = subprocess.run(
        [str(python), "-W", "always::RuntimeWarning", "-c", "import pyrs; print(pyrs.__file__)"],
        cwd=root,
        env=subprocess_env(root),
        capture_output=True,
        text=True,
        timeout=QUICK_TIMEOUT,
        check=False,
    )
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
        if "No module named 'pyrs'" in proc.stderr:
            return fail(
                name,
                f"pyrs is not installed in .venv (not built yet): {last}",
                "make dev   (or make demo for the release build and the benchmark)",
            )
        return fail(name, f"import pyrs fails: {last}", "make dev")
    stale = re.search(rf"RuntimeWarning: ({re.escape(STALE_MARK)}[^\n]*)", proc.stderr)
    if stale:
        return fail(name, stale.group(1), "make dev")
    return Result(name, ok=f"imports from {proc.stdout.strip()}, built from the current sources")


def check_stubs(root: Path) -> Result:
    name = "stubs in sync"
    if "PYO3_PYTHON" not in os.environ:
        # cargo would build pyo3 for whatever python3 is first on PATH, then again for .venv.
        return Result(name, skipped=f"no {VENV_PYTHON} to build the stub generator with")
    if not (root / STUB).exists():
        return fail(name, f"{STUB} is missing", "make stubs")
    try:
        diff = stub_diff(root)
    except FileNotFoundError:
        return fail(name, "cargo is not installed", "install Rust (rustup), then make stubs")
    except subprocess.CalledProcessError as error:
        return fail(
            name,
            f"the stub generator failed ({' '.join(error.cmd)} exited {error.returncode})",
            "make stubs   (shows the compiler error)",
        )
    if diff:
        head = "".join(f"\n        {line}" for line in diff.splitlines()[:12])
        return fail(name, f"{STUB} is not what the Rust source generates:{head}", "make stubs")
    return Result(name, ok=f"{STUB} matches the Rust source")


def check_settings(root: Path) -> Result:
    name = "settings vs [tool.pyright]"
    try:
        config = pyright_config(root)
    except (ValueError, tomllib.TOMLDecodeError) as error:
        return fail(name, f"the pyright configuration does not parse: {error}", "fix its syntax")
    if config is None:
        return fail(
            name,
            "pyproject.toml has no [tool.pyright] table: pyright uses no stubPath",
            'add [tool.pyright] with stubPath = "stubs" to pyproject.toml',
        )
    where, table = config
    problems: list[Problem] = []
    if table.get("stubPath") != "stubs":
        problems.append(
            Problem(
                f'{where} does not set stubPath = "stubs" (has {table.get("stubPath")!r})',
                f'set stubPath = "stubs" in {where}',
            )
        )
    settings: dict[str, Any] = {}
    if (root / SETTINGS).exists():
        try:
            settings = read_settings(root)
        except ValueError as error:
            problems.append(Problem(f"{SETTINGS} does not parse: {error}", f"edit {SETTINGS}"))
    for key in sorted(settings):
        if not key.startswith("python.analysis."):
            continue
        option = key.removeprefix("python.analysis.")
        if option == "extraPaths" and "extraPaths" not in table:
            continue  # still applied by pyright when the config file sets none
        problems.append(
            Problem(
                f'"{key}" in {SETTINGS} is ignored: {where} exists, and pyright then reads '
                f"only that",
                f'delete "{key}" from {SETTINGS} and set {option} in {where} instead',
            )
        )
    return Result(name, ok=f'{where} sets stubPath = "stubs"', problems=tuple(problems))


def run_pyright(root: Path, probe: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(root / VENV_PYRIGHT), "--project", str(root), *options, str(probe)],
        cwd=root,
        env=subprocess_env(root),
        capture_output=True,
        text=True,
        timeout=PYRIGHT_TIMEOUT,
        check=False,
    )


def resolved_stub(output: str, probe: Path) -> str | None:
    """From ``pyright --dependencies --verbose``: the pyrs file the probe imports."""
    lines = output.splitlines()
    for index, line in enumerate(lines):
        if line.strip().endswith(probe.name) and not line.startswith(" "):
            for item in lines[index + 1 :]:
                if item and not item.startswith(" "):
                    break
                match = re.search(r"file://(\S*/pyrs(?:/__init__)?\.(?:pyi|py|[^/\s]*so))$", item)
                if match:
                    return match.group(1)
    return None


def check_pyright(root: Path) -> Result:
    name = "pyright sees the stub"
    if not (root / VENV_PYRIGHT).exists():
        return fail(name, f"{VENV_PYRIGHT} does not exist", "make venv")
    stub = Path(os.path.normpath(root / STUB))
    with tempfile.TemporaryDirectory(prefix="pyrs-doctor-") as tmp:
        probe = Path(tmp) / "pyrs_doctor_probe.py"
        probe.write_text(PROBE)
        with ThreadPoolExecutor(2) as pool:
            report_run = pool.submit(run_pyright, root, probe, "--outputjson")
            deps_run = pool.submit(run_pyright, root, probe, "--dependencies", "--verbose")
            proc, deps = report_run.result(), deps_run.result()
    try:
        report = cast(dict[str, Any], json.loads(proc.stdout))
    except json.JSONDecodeError:
        output = proc.stderr.strip() or proc.stdout[:300]
        return fail(name, f"pyright failed: {output}", "make venv")
    analysed = report.get("summary", {}).get("filesAnalyzed")
    if analysed != 1:
        message = f"pyright analysed {analysed} files, not the probe"
        return fail(name, message, "check include/exclude in [tool.pyright]")
    diagnostics = cast(list[dict[str, Any]], report.get("generalDiagnostics", []))
    rules = {str(d.get("rule", "")) for d in diagnostics}
    revealed = next(
        (str(d["message"]) for d in diagnostics if str(d.get("message", "")).startswith("Type of")),
        "",
    )
    if "reportMissingImports" in rules:
        if not stub.exists():
            return fail(name, f'pyright cannot resolve "pyrs": no {STUB}, no module', "make stubs")
        return fail(name, 'pyright cannot resolve "pyrs" (stub not in stubPath?)', "make dev")
    if "reportMissingModuleSource" in rules:
        return fail(
            name,
            "pyright uses the stub, but the compiled module is not installed in .venv",
            "make dev",
        )
    if "Unknown" in revealed or "SupportsIndex" not in revealed or "-> int" not in revealed:
        return fail(name, f"pyright does not type pyrs from the stub: {revealed!r}", "make stubs")
    source = resolved_stub(deps.stdout, probe)
    if source is None or Path(os.path.normpath(source)) != stub:
        return fail(
            name,
            f"pyright resolves pyrs to {source}, not {STUB} (an installed copy that "
            f"`make stubs` does not update)",
            "make stubs",
        )
    return Result(name, ok=f"{revealed.removeprefix('Type of ')} (from {STUB})")


def check_dotenv(root: Path) -> Result:
    name = ".env PYTHONPATH"
    entries = dotenv_pythonpath(root)
    if not entries:
        return Result(name, ok="no PYTHONPATH in .env")
    missing = [entry for entry in entries if not (root / entry).exists()]
    problems = tuple(
        Problem(
            f"{entry!r} (in .env PYTHONPATH) does not exist",
            f"remove {entry!r} from PYTHONPATH in .env (or create {entry})",
        )
        for entry in missing
    )
    return Result(name, ok=f"{os.pathsep.join(entries)} exists", problems=problems)


CHECKS: tuple[Callable[[Path], Result], ...] = (
    check_interpreter,
    check_editor_interpreter,
    check_import,
    check_stubs,
    check_settings,
    check_pyright,
    check_dotenv,
)


def run_checks(root: Path) -> list[Result]:
    """Every check; the slow ones (cargo, pyright) run side by side."""
    python = root / VENV_PYTHON
    if python.exists():
        # The Makefile's interpreter for pyo3's build: cargo then reuses `make stubs`' build.
        os.environ.setdefault("PYO3_PYTHON", str(python))
    with ThreadPoolExecutor(3) as pool:
        futures = [pool.submit(check, root) for check in CHECKS]
        return [future.result() for future in futures]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pyrs_doctor", description=DESCRIPTION)
    parser.add_argument(
        "--root",
        type=Path,
        default=Path(__file__).resolve().parent.parent,
        help="the pyrs checkout to examine (default: the one this file is in)",
    )
    root = parser.parse_args(argv).root.absolute()
    results = run_checks(root)
    for result in results:
        for line in result.lines():
            print(line)
    count = sum(len(result.problems) for result in results)
    print("pyrs doctor: all good" if count == 0 else f"pyrs doctor: {count} problem(s)")
    return 0 if count == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
