"""The version matrix: the Python-facing test suite on every CPython the machine has.

    python -m kit.matrix [--bench] [--only 3.12 ...]

For each CPython >= the project's oldest supported version found on PATH (``python3.N``),
under pyenv (``$PYENV_ROOT/versions/*``) or installed by uv (``uv python list``): one
interpreter per minor version (the newest patch release), a venv of it with the test tools
(``requirements/test.txt``), a release wheel built for it (``kit.wheel``) and installed
there, and ``pytest`` on the payload and downstream tests in that venv. ``--bench`` runs
the combo benchmark in each instead (with the benchmark peers installed).

It prints a table of the versions run and the versions not found, and fails when a test
fails or when a version the project claims (its ``Python :: 3.N`` classifiers) is missing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from kit import venv, wheel
from kit.project import Project

SUITE = ("tests/payload", "tests/downstream")
PROBE = (
    "import json, platform, sys, sysconfig; print(json.dumps([sys.executable,"
    " platform.python_implementation(), list(sys.version_info[:3]),"
    " bool(sysconfig.get_config_var('Py_GIL_DISABLED'))]))"
)
TEST_TIMEOUT = 1800.0


@dataclass(frozen=True)
class Interpreter:
    path: Path
    version: tuple[int, int, int]
    source: str  # where it was found: PATH, pyenv, uv

    @property
    def minor(self) -> str:
        return f"{self.version[0]}.{self.version[1]}"

    @property
    def full(self) -> str:
        return ".".join(map(str, self.version))


def candidates(project: Project) -> Iterator[tuple[Path, str]]:
    """Every interpreter path worth probing, with where it was found."""
    for minor in range(10, 30):
        found = shutil.which(f"python3.{minor}")
        if found is not None:
            yield Path(found), "PATH"
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    for python in sorted((pyenv_root / "versions").glob("*/bin/python3")):
        yield python, "pyenv"
    uv = project.tool("uv")
    if uv.exists():
        listed = subprocess.run(
            [uv, "python", "list", "--only-installed", "--output-format", "json"],
            capture_output=True,
            text=True,
            check=False,
        )
        if listed.returncode == 0:
            for entry in json.loads(listed.stdout or "[]"):
                if entry.get("path"):
                    yield Path(entry["path"]), "uv"


def probe(path: Path, source: str) -> Interpreter | None:
    """The interpreter at ``path`` if it runs and is a regular (GIL) CPython."""
    try:
        proc = subprocess.run(
            [path, "-c", PROBE], capture_output=True, text=True, timeout=30, check=False
        )
    except OSError:
        return None
    if proc.returncode != 0:
        return None  # e.g. a pyenv shim for a version that is not selected
    executable, implementation, version, free_threaded = json.loads(proc.stdout)
    if implementation != "CPython" or free_threaded:
        return None
    # The interpreter itself, not the shim or link that started it.
    return Interpreter(Path(executable), (version[0], version[1], version[2]), source)


def discover(project: Project) -> dict[str, Interpreter]:
    """The newest interpreter of each supported minor version found, by minor version."""
    oldest = tuple(map(int, project.supported_pythons[0].split(".")))
    best: dict[str, Interpreter] = {}
    for path, source in candidates(project):
        found = probe(path, source)
        if found is None or found.version[:2] < oldest:
            continue
        current = best.get(found.minor)
        if current is None or found.version > current.version:
            best[found.minor] = found
    return dict(sorted(best.items(), key=lambda item: item[1].version))


@dataclass
class Row:
    interpreter: Interpreter
    result: str = ""
    ok: bool = False
    seconds: float = 0.0
    output: str = ""


def run_version(project: Project, interpreter: Interpreter, bench: bool) -> Row:
    row = Row(interpreter)
    start = time.perf_counter()
    where = project.target / "matrix" / interpreter.minor
    groups = [venv.TEST, venv.BENCH] if bench else [venv.TEST]
    python = venv.ensure(where / "venv", groups, project=project, python=interpreter.path)
    built = wheel.build(python, project)
    subprocess.run(
        [
            project.tool("uv"),
            "pip",
            "install",
            "--quiet",
            "--reinstall",
            "--no-deps",
            "--python",
            str(python),
            str(built),
        ],
        check=True,
    )
    if bench:
        command = [python, "-m", "bench.combo", "--json"]
    else:
        command = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *SUITE]
    # Without .venv's PYTHONPATH or VIRTUAL_ENV: the version's venv alone.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    proc = subprocess.run(
        [str(part) for part in command],
        cwd=project.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=TEST_TIMEOUT,
        check=False,
    )
    row.seconds = time.perf_counter() - start
    row.output = proc.stdout + proc.stderr
    row.ok = proc.returncode == 0
    if bench and row.ok:
        row.result = bench_summary(json.loads(proc.stdout))
    else:
        lines = proc.stdout.strip().splitlines()
        row.result = lines[-1].strip("= ") if lines else f"exit {proc.returncode}"
        failed = [line.split()[1] for line in lines if line.startswith(("FAILED ", "ERROR "))]
        if failed:
            row.result += ": " + ", ".join(failed[:3]) + (" ..." if len(failed) > 3 else "")
    return row


def bench_summary(report: dict[str, float]) -> str:
    """One table row's worth of a ``bench.combo --json`` report (ns per round)."""
    ns = {name: seconds * 1e9 for name, seconds in report.items()}
    module, python, gmpy2, floor = (ns[key] for key in ("module", "python", "gmpy2", "floor"))
    return (
        f"{module:6.0f} ns | {python:8.0f} ns | {gmpy2:6.0f} ns | {floor:5.0f} ns"
        f" | {python / module:5.1f}x | {gmpy2 / module:4.2f}x"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kit.matrix", description=__doc__)
    parser.add_argument("--bench", action="store_true", help="run the combo benchmark instead")
    parser.add_argument("--only", nargs="+", metavar="3.N", help="these versions only")
    args = parser.parse_args(argv)
    project = Project()
    found = discover(project)
    claimed = project.supported_pythons
    wanted = [v for v in found if not args.only or v in args.only]
    missing = [v for v in claimed if v not in found and (not args.only or v in args.only)]

    rows: list[Row] = []
    for minor in wanted:
        print(f"matrix: CPython {found[minor].full} ({found[minor].path}) ...", flush=True)
        row = run_version(project, found[minor], args.bench)
        rows.append(row)
        if not row.ok:
            print(row.output, file=sys.stderr)

    if args.bench:
        result = f"{project.module} | pure Python | gmpy2 | floor | vs Python | vs gmpy2"
    else:
        result = "result"
    print(f"\n{'CPython':<9} {'found in':<7} {result:<60} {'time':>6}")
    for row in rows:
        interp = row.interpreter
        status = row.result if row.ok else f"FAILED: {row.result}"
        print(f"{interp.full:<9} {interp.source:<7} {status:<60} {row.seconds:5.0f}s")
    for minor in missing:
        print(f"{minor:<9} {'-':<7} NOT FOUND (claimed by pyproject.toml's classifiers)")
    extra = [v for v in wanted if v not in claimed]
    if extra:
        print(f"also run, not claimed: {', '.join(extra)}")
    if missing:
        print(
            f"matrix: claimed but not found: {', '.join(missing)}; install them (pyenv, uv "
            "python install) or stop claiming them",
            file=sys.stderr,
        )
    return 0 if rows and all(r.ok for r in rows) and not missing else 1


if __name__ == "__main__":
    sys.exit(main())
