"""``python -m pyrs_doctor`` on a throwaway copy of the repo: all good as it is, and each way of
breaking the editor set-up is named with the command that fixes it.

The copy holds the files git knows about, with ``.venv`` linked to the repo's (so it has an
interpreter, pyright and the installed ``pyrs``); the repo itself is never written. The stub
check builds the stub generator with ``CARGO_TARGET_DIR=target/doctor-check`` so that it stays
warm between runs. Precondition: the repo's ``.venv`` holds a build of the current sources
(``make build`` or ``make dev``; ``make pytest`` builds first).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

try:
    import dev_loop_env
except ModuleNotFoundError:  # tools/ is not on the path (no .pth in this venv)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
    import dev_loop_env

REPO = Path(__file__).resolve().parent.parent
REPO_VENV = REPO / ".venv"
CHECK_NAMES = (
    "interpreter",
    "VS Code interpreter",
    "import pyrs",
    "stubs in sync",
    "settings vs [tool.pyright]",
    "pyright sees the stub",
    ".env PYTHONPATH",
)
STALE_WARNING = (
    "<frozen importlib._bootstrap>:241: RuntimeWarning: pyrs: stale build: the Rust sources "
    "in {root} changed after this extension was built; rebuild with `make dev` there"
)


@dataclass(frozen=True)
class Report:
    returncode: int
    stdout: str
    stderr: str

    def status(self) -> dict[str, str]:
        """Check name -> OK / FAIL / SKIP (FAIL wins when a check prints several lines)."""
        found: dict[str, str] = {}
        for line in self.stdout.splitlines():
            match = re.match(r"(OK|FAIL|SKIP) +([^:]+):", line)
            if match and found.get(match.group(2)) != "FAIL":
                found[match.group(2)] = match.group(1)
        return found

    def failures(self, check: str) -> list[tuple[str, str]]:
        """(message, fix) for each problem the named check printed."""
        found: list[tuple[str, str]] = []
        message: list[str] | None = None
        for line in self.stdout.splitlines():
            if line.startswith(f"FAIL  {check}: "):
                message = [line.removeprefix(f"FAIL  {check}: ")]
            elif message is not None and line.startswith("      fix: "):
                found.append(("\n".join(message), line.removeprefix("      fix: ")))
                message = None
            elif message is not None:
                message.append(line)
        return found


def run_doctor(root: Path) -> Report:
    env = dict(os.environ)
    env.update(
        PYTHONPATH=os.pathsep.join([str(REPO / "tools"), str(REPO / "reference")]),
        PYO3_PYTHON=str(REPO_VENV / "bin" / "python"),
        CARGO_TARGET_DIR=str(REPO / "target" / "doctor-check"),
    )
    env.pop("PYRS_SKIP_SOURCE_CHECK", None)
    proc = subprocess.run(
        [sys.executable, "-m", "pyrs_doctor", "--root", str(root)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,  # the first stub check in a new target folder builds pyo3
        check=False,
    )
    return Report(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture(scope="module", autouse=True)
def repo_build_is_current() -> None:
    """Every check but the broken one must pass, so the repo's build must be current."""
    proc = subprocess.run(
        [str(REPO_VENV / "bin" / "python"), "-W", "error::RuntimeWarning", "-c", "import pyrs"],
        cwd=REPO,
        env={k: v for k, v in os.environ.items() if k != "PYRS_SKIP_SOURCE_CHECK"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if proc.returncode != 0:
        pytest.fail(
            "the repo's .venv has no build of the current sources (run `make build`):\n"
            + proc.stderr[-2000:]
        )


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    return dev_loop_env.copy_repo(tmp_path / "pyrs", venv=REPO_VENV)


def test_unbroken_copy_is_all_good(copy: Path) -> None:
    report = run_doctor(copy)
    assert report.returncode == 0, report
    assert report.stdout.splitlines()[-1] == "pyrs doctor: all good"
    assert report.status() == dict.fromkeys(CHECK_NAMES, "OK"), report.stdout
    assert "built from the current sources" in report.stdout
    assert '"pyrs.gcd" is "(a: SupportsIndex, b: SupportsIndex' in report.stdout


def remove_venv(root: Path) -> None:
    (root / ".venv").unlink()


def interpreter_elsewhere(root: Path) -> None:
    path = root / ".vscode" / "settings.json"
    text = path.read_text()
    old = '"python.defaultInterpreterPath": "${workspaceFolder}/.venv/bin/python"'
    assert old in text
    path.write_text(text.replace(old, '"python.defaultInterpreterPath": "/usr/bin/python3"'))


def stub_path_in_settings(root: Path) -> None:
    """The classic mistake, written with the JSONC that must still parse: a trailing comma,
    comments, and ``//`` and ``/*`` inside strings."""
    path = root / ".vscode" / "settings.json"
    text = path.read_text().rstrip()
    assert text.endswith("}")
    path.write_text(
        text[:-1].rstrip()
        + ',\n  /* type checking */ "python.analysis.stubPath": "stubs", // moved here\n'
        + '  "http.proxy": "http://example.invalid/*not-a-comment*/",\n}\n'
    )


def docstring_edited(root: Path) -> None:
    dev_loop_env.replace_once(
        root / "src" / "python" / "mod.rs",
        "/// Return the greatest common divisor of a and b",
        "/// Return the largest common divisor of a and b",
    )


def stub_deleted(root: Path) -> None:
    (root / "stubs" / "pyrs.pyi").unlink()


def missing_pythonpath_entry(root: Path) -> None:
    path = root / ".env"
    text = path.read_text()
    assert "PYTHONPATH=reference\n" in text
    path.write_text(text.replace("PYTHONPATH=reference\n", "PYTHONPATH=reference:nowhere\n"))


def fake_venv(root: Path, python_script: str) -> None:
    """A ``.venv`` whose python is a wrapper script around the repo's, sharing its packages."""
    venv = root / ".venv"
    venv.unlink()
    (venv / "bin").mkdir(parents=True)
    (venv / "lib").symlink_to(REPO_VENV / "lib", target_is_directory=True)
    (venv / "pyvenv.cfg").write_text((REPO_VENV / "pyvenv.cfg").read_text())
    (venv / "bin" / "pyright").symlink_to(REPO_VENV / "bin" / "pyright")
    python = venv / "bin" / "python"
    python.write_text(python_script)
    python.chmod(0o755)


def stale_build(root: Path) -> None:
    """An interpreter whose ``import pyrs`` prints the extension's stale-build warning.

    The real warning compares the sources with those of the folder the extension was built
    in, which for the repo's .venv is the repo, not this copy: tests/test_dev_loop.py checks
    the real thing on a copy that built its own extension. Here, doctor's reading of it."""
    warning = STALE_WARNING.format(root=REPO)
    fake_venv(
        root,
        f"#!/bin/sh\nprintf '%s\\n' {shlex.quote(warning)} >&2\n"
        f'exec {shlex.quote(str(REPO_VENV / "bin" / "python"))} "$@"\n',
    )


def not_built(root: Path) -> None:
    """A fresh venv without pyrs (and the repo's pyright, which reads the copy's config)."""
    (root / ".venv").unlink()
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(root / ".venv")],
        check=True,
        timeout=120,
    )
    (root / ".venv" / "bin" / "pyright").symlink_to(REPO_VENV / "bin" / "pyright")


@dataclass(frozen=True)
class Breakage:
    name: str
    breaks: Callable[[Path], None]
    # check -> (a piece of its message, the exact fix); checks not named must be OK or SKIP
    expected: dict[str, tuple[str, str]]
    skipped: tuple[str, ...] = ()


BREAKAGES = (
    Breakage(
        "no .venv",
        remove_venv,
        {
            "interpreter": (".venv/bin/python does not exist", "make venv"),
            "pyright sees the stub": (".venv/bin/pyright does not exist", "make venv"),
        },
        skipped=("import pyrs",),
    ),
    Breakage(
        "VS Code points at another interpreter",
        interpreter_elsewhere,
        {
            "VS Code interpreter": (
                "python.defaultInterpreterPath is '/usr/bin/python3'",
                'set "python.defaultInterpreterPath": "${workspaceFolder}/.venv/bin/python" in '
                ".vscode/settings.json (then 'Python: Select Interpreter' if VS Code remembers "
                "another)",
            )
        },
    ),
    Breakage(
        "python.analysis.stubPath in settings.json",
        stub_path_in_settings,
        {
            "settings vs [tool.pyright]": (
                '"python.analysis.stubPath" in .vscode/settings.json is ignored',
                'delete "python.analysis.stubPath" from .vscode/settings.json and set stubPath '
                "in [tool.pyright] in pyproject.toml instead",
            )
        },
    ),
    Breakage(
        "Rust docstring edited, stub not regenerated",
        docstring_edited,
        {"stubs in sync": ("-    Return the greatest common divisor", "make stubs")},
    ),
    Breakage(
        "stubs/pyrs.pyi deleted",
        stub_deleted,
        {
            "stubs in sync": ("stubs/pyrs.pyi is missing", "make stubs"),
            "pyright sees the stub": ("site-packages/pyrs/__init__.pyi, not stubs", "make stubs"),
        },
    ),
    Breakage(
        "missing PYTHONPATH entry in .env",
        missing_pythonpath_entry,
        {".env PYTHONPATH": ("'nowhere' (in .env PYTHONPATH) does not exist", "")},
    ),
    Breakage(
        "stale build",
        stale_build,
        {"import pyrs": ("pyrs: stale build: the Rust sources in", "make dev")},
    ),
    Breakage(
        "not built",
        not_built,
        {
            "import pyrs": (
                "pyrs is not installed in .venv",
                "make dev   (or make demo for the release build and the benchmark)",
            ),
            "pyright sees the stub": ("compiled module is not installed", "make dev"),
        },
    ),
)


@pytest.mark.parametrize("breakage", BREAKAGES, ids=[b.name for b in BREAKAGES])
def test_doctor_names_the_problem_and_its_fix(copy: Path, breakage: Breakage) -> None:
    breakage.breaks(copy)
    report = run_doctor(copy)
    assert report.returncode == 1, report
    problems = sum(len(report.failures(check)) for check in CHECK_NAMES)
    assert problems == len(breakage.expected), report.stdout
    assert report.stdout.splitlines()[-1] == f"pyrs doctor: {problems} problem(s)"
    status = report.status()
    for check in CHECK_NAMES:
        if check in breakage.expected:
            assert status.get(check) == "FAIL", report.stdout
        elif check in breakage.skipped:
            assert status.get(check) == "SKIP", report.stdout
        else:
            assert status.get(check) == "OK", report.stdout
    for check, (message, fix) in breakage.expected.items():
        ((printed, printed_fix),) = report.failures(check)
        assert message in printed, report.stdout
        if fix:
            assert printed_fix == fix, report.stdout


def test_missing_pythonpath_fix_names_the_entry(copy: Path) -> None:
    missing_pythonpath_entry(copy)
    ((_, fix),) = run_doctor(copy).failures(".env PYTHONPATH")
    assert fix == "remove 'nowhere' from PYTHONPATH in .env (or create nowhere)"
