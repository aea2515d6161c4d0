"""The combo benchmark on every CPython of the version matrix, each against the release wheel
``pyrs test --matrix`` built and tested for it (``make bench`` runs the matrix first).

    python -m bench.versions

For each version the matrix left in ``target/pyrs-matrix/3.N/`` (its venv and its wheel): a
venv of that interpreter in ``target/bench-versions/3.N`` with the test and bench dependency
groups as uv.lock pins them (typing_extensions for ``reference``, gmpy2) and the wheel, and
``bench.combo --json`` run there. The matrix's own venvs keep the test requirements alone.
Prints one table row per version.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from tests.support.project import Project, venv_python

TIMEOUT = 1800.0  # seconds: a cold install, or a slow benchmark on a busy machine
VERSION = "import platform; print(platform.python_version())"


def matrix_folder(project: Project) -> Path:
    """Where ``pyrs test --matrix`` keeps each version's venv and wheel (in cargo's target
    folder)."""
    target = os.environ.get("CARGO_TARGET_DIR", "")
    return (Path(target) if target != "" else project.target) / "pyrs-matrix"


def versions(project: Project) -> list[tuple[str, Path, Path]]:
    """``(3.N, interpreter, wheel)`` of each version the matrix built, oldest first."""
    found: list[tuple[tuple[int, ...], str, Path, Path]] = []
    for folder in matrix_folder(project).glob("3.*"):
        python = venv_python(folder / "venv")
        wheels = sorted((folder / "wheels").glob("*.whl"))
        if python.exists() and len(wheels) == 1:
            key = tuple(int(part) for part in folder.name.split("."))
            found.append((key, folder.name, python, wheels[0]))
    return [(minor, python, wheel) for _, minor, python, wheel in sorted(found)]


def run(
    command: Sequence[str | Path], cwd: Path | None = None, env: dict[str, str] | None = None
) -> str:
    proc = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, command))} failed:\n{proc.stdout}{proc.stderr}")
    return proc.stdout


def bench_venv(project: Project, minor: str, python: Path, wheel: Path, pins: Path) -> Path:
    """The version's bench venv with the bench group and the wheel; its interpreter."""
    uv = project.tool("uv")
    venv = project.target / "bench-versions" / minor
    if not venv_python(venv).exists():
        run([uv, "venv", "--quiet", "--python", python, venv])
    bench = venv_python(venv)
    install: list[str | Path] = [uv, "pip", "install", "--quiet", "--python", bench, "-r", pins]
    run([*install, "--reinstall-package", project.module, wheel])
    return bench


def summary(report: dict[str, float]) -> str:
    """One table row's worth of a ``bench.combo --json`` report (ns per round)."""
    ns = {name: seconds * 1e9 for name, seconds in report.items()}
    module, python, gmpy2, floor = (ns[key] for key in ("module", "python", "gmpy2", "floor"))
    return (
        f"{module:6.0f} ns | {python:8.0f} ns | {gmpy2:6.0f} ns | {floor:5.0f} ns"
        f" | {python / module:5.1f}x | {gmpy2 / module:4.2f}x"
    )


def main() -> int:
    project = Project()
    found = versions(project)
    if not found:
        print(f"no version built in {matrix_folder(project)}: run make matrix", file=sys.stderr)
        return 1
    pins = project.target / "bench-versions" / "bench-requirements.txt"
    pins.parent.mkdir(parents=True, exist_ok=True)
    export: list[str | Path] = [project.tool("uv"), "export", "--frozen", "--quiet"]
    export += ["--only-group", "test", "--only-group", "bench"]
    run([*export, "--no-hashes", "--no-emit-project", "-o", pins], cwd=project.root)
    # Without .venv's PYTHONPATH or VIRTUAL_ENV: each version's venv alone.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    header = f"{project.module} | pure Python | gmpy2 | floor | vs Python | vs gmpy2"
    rows: list[str] = []
    for minor, python, wheel in found:
        print(f"bench: CPython {minor} ({wheel.name}) ...", flush=True)
        bench = bench_venv(project, minor, python, wheel, pins)
        full = run([bench, "-c", VERSION]).strip()
        report = run([bench, "-m", "bench.combo", "--json"], cwd=project.root, env=env)
        rows.append(f"{full:<9} {summary(json.loads(report))}")
    print(f"\n{'CPython':<9} {header}")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
