"""Downstream users get the types: the wheel ships the stub and `py.typed`, and a consumer's
script in a fresh virtual environment, outside the repository, type-checks strictly with
pyright and mypy and runs. The sdist builds into a wheel that works too.

Builds reuse warm caches: the wheel comes from `maturin build --release` in the repository
(the `target/release` that `make build` keeps warm); the sdist is built in its own
`target/sdist-check` (its sources are unpacked in a new folder each time).
"""

from __future__ import annotations

import os
import tarfile
import zipfile
from pathlib import Path

import pytest
from editor_support import (
    BUILD_TIMEOUT,
    ROOT,
    STUB,
    VENV_BIN,
    VENV_PYTHON,
    make_bare_venv,
    path_first,
    pyright_json,
    run,
    server_environment,
    site_packages,
)

SDIST_TARGET_DIR = ROOT / "target" / "sdist-check"
PIP = [VENV_PYTHON, "-m", "pip"]
OFFLINE = ["--no-index", "--no-deps", "--no-cache-dir", "--quiet"]
MYPY = [VENV_PYTHON, "-m", "mypy", "--strict", "--no-incremental"]

CONSUMER = '''\
"""A downstream user's script: pyrs comes from the installed wheel, nothing else."""

from typing import assert_type, reveal_type

import pyrs


def main() -> None:
    reveal_type(pyrs.gcd(4, 6))
    assert_type(pyrs.fib(10), int)
    total: int = pyrs.fib(10) + pyrs.gcd(12, 18)
    print(f"total={total}")


main()
'''

PYRIGHT_CONFIG = '{"venvPath": ".", "venv": "venv", "typeCheckingMode": "strict"}\n'


def build_environment(**extra: str) -> dict[str, str]:
    """The Makefile's build environment: the same PYO3_PYTHON/VIRTUAL_ENV/PATH as `make
    build`, so cargo reuses its fingerprints instead of rebuilding pyo3."""
    env = {
        **os.environ,
        "PYO3_PYTHON": str(VENV_PYTHON),
        "VIRTUAL_ENV": str(ROOT / ".venv"),
        "PATH": os.pathsep.join([str(VENV_BIN), os.environ["PATH"]]),
        "CARGO_NET_OFFLINE": "true",
    }
    env.update(extra)
    return env


def only(paths: list[Path]) -> Path:
    assert len(paths) == 1, paths
    return paths[0]


def install(wheel: Path, venv: Path) -> Path:
    """A fresh venv with `wheel` installed (no index, no dependencies); its python."""
    python = make_bare_venv(venv)
    run(
        [*PIP, "--python", python, "install", *OFFLINE, wheel],
        cwd=venv.parent,
        check=True,
    )
    return python


def check_wheel_contents(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "pyrs/py.typed" in names, names
    assert "pyrs/__init__.pyi" in names, names
    assert "pyrs/__init__.py" in names, names
    assert any(n.startswith("pyrs/pyrs.cpython-") and n.endswith(".so") for n in names), names
    assert zipfile.ZipFile(wheel).read("pyrs/__init__.pyi") == STUB.read_bytes()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    run(
        [VENV_BIN / "maturin", "build", "--release", "-i", VENV_PYTHON, "--out", out],
        cwd=ROOT,
        env=build_environment(),
        timeout=BUILD_TIMEOUT,
        check=True,
    )
    return only(sorted(out.glob("pyrs-*.whl")))


@pytest.fixture(scope="module")
def consumer(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Path:
    """A downstream project: consumer.py, pyrightconfig.json, and `venv` with the wheel."""
    project = tmp_path_factory.mktemp("consumer")
    assert not project.resolve().is_relative_to(ROOT)
    python = install(wheel, project / "venv")
    assert (site_packages(python) / "pyrs" / "py.typed").exists()
    (project / "consumer.py").write_text(CONSUMER)
    (project / "pyrightconfig.json").write_text(PYRIGHT_CONFIG)
    return project


def test_wheel_ships_the_stub_and_py_typed(wheel: Path) -> None:
    check_wheel_contents(wheel)


def test_consumer_runs(consumer: Path) -> None:
    proc = run([consumer / "venv" / "bin" / "python", "consumer.py"], cwd=consumer, check=True)
    assert proc.stdout == f"total={55 + 6}\n"
    assert "Runtime type is 'int'" in proc.stderr


def test_pyright_strict_in_the_consumer_project(consumer: Path) -> None:
    report = pyright_json(["consumer.py"], cwd=consumer)
    diagnostics = report["generalDiagnostics"]
    assert [d["message"] for d in diagnostics] == ['Type of "pyrs.gcd(4, 6)" is "int"'], report
    assert report["summary"]["errorCount"] == 0
    assert report["summary"]["warningCount"] == 0


def test_verifytypes_in_the_consumer_venv(consumer: Path) -> None:
    """pyright resolves pyrs to the wheel installed in the consumer's venv, complete."""
    venv = consumer / "venv"
    report = pyright_json(
        ["--verifytypes", "pyrs", "--ignoreexternal"], cwd=consumer, env=path_first(venv / "bin")
    )
    completeness = report["typeCompleteness"]
    assert completeness["packageRootDirectory"] == str(
        site_packages(venv / "bin" / "python") / "pyrs"
    )
    assert completeness["completenessScore"] == 1.0
    assert report["generalDiagnostics"] == []


def test_mypy_strict_in_the_consumer_project(consumer: Path) -> None:
    proc = run(
        [*MYPY, "--python-executable", consumer / "venv" / "bin" / "python", "consumer.py"],
        cwd=consumer,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.splitlines() == [
        'consumer.py:9: note: Revealed type is "int"',
        "Success: no issues found in 1 source file",
    ], proc.stdout


def test_sdist_builds_a_working_wheel(tmp_path: Path) -> None:
    sdist_dir = tmp_path / "sdist"
    run(
        [VENV_BIN / "maturin", "sdist", "--out", sdist_dir],
        cwd=ROOT,
        env=build_environment(),
        timeout=BUILD_TIMEOUT,
        check=True,
    )
    sdist = only(sorted(sdist_dir.glob("pyrs-*.tar.gz")))
    unpacked = tmp_path / "unpacked"
    with tarfile.open(sdist) as archive:
        members = {m.name.split("/", 1)[1]: m for m in archive.getmembers() if "/" in m.name}
        archive.extractall(unpacked, filter="data")
    assert members["pyrs.pyi"].isfile()  # the link to stubs/pyrs.pyi, stored as a file
    assert {"Cargo.toml", "Cargo.lock", "pyproject.toml", "src/lib.rs"} <= members.keys()
    (source,) = unpacked.iterdir()
    # The sdist stores every file with one fixed old date; cargo decides freshness by mtime,
    # so in the shared (warm) target folder it would reuse a binary built from other sources.
    # Dating the files now makes it recompile this crate (seconds; dependencies stay cached).
    for path in source.rglob("*"):
        os.utime(path)

    wheels = tmp_path / "wheels"
    run(
        [*PIP, "wheel", "--no-build-isolation", *OFFLINE, "--wheel-dir", wheels, source],
        cwd=tmp_path,
        # The build backend is the venv's maturin (no isolation: nothing from PyPI).
        env=build_environment(CARGO_TARGET_DIR=str(SDIST_TARGET_DIR)),
        timeout=BUILD_TIMEOUT,
        check=True,
    )
    built = only(sorted(wheels.glob("pyrs-*.whl")))
    check_wheel_contents(built)
    python = install(built, tmp_path / "venv")
    proc = run(
        [python, "-c", "import pyrs; print(pyrs.gcd(4, 6), pyrs.__file__)"],
        cwd=tmp_path,
        env=server_environment(),
        check=True,
    )
    result, location = proc.stdout.split()
    assert result == "2"
    assert location.startswith(str(site_packages(python)))
