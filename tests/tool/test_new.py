"""``pyrs new``: a project in either layout passes its own ``pyrs test`` and ``pyrs doctor``
as made, committed, with nothing of the tool copied in; a function the user then adds
reaches the stub with its doc comment; a bad name is refused with every reason and nothing
written; a 40-character name fits every line limit.

Each project builds against the shared venv (``--python``, then a ``.venv`` link, as the
other fixture projects do) so pyo3 is built once; names are unique per run, since a name
already importable in the venv is refused, and are uninstalled afterwards.
"""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import pytest

from tests.tool.tooling import DEV_VENV_BIN, PYRS, describe, pyrs, run

LAYOUTS = ["mixed", "pure"]
USER_DOC = "Shouts `text`, `times` times over."
USER_FUNCTION = f"""    /// {USER_DOC}
    #[pyfunction]
    #[pyo3(signature = (text, times = 1))]
    fn shout(text: &str, times: usize) -> String {{
        text.to_uppercase().repeat(times)
    }}

"""


@dataclass(frozen=True)
class New:
    name: str
    layout: str
    root: Path

    @property
    def stub(self) -> Path:
        if self.layout == "mixed":
            return self.root / "python" / self.name / "_native.pyi"
        return self.root / f"{self.name}.pyi"


def unique_name(prefix: str, length: int | None = None) -> str:
    """A name no earlier run installed (a name importable already is refused)."""
    suffix = uuid.uuid4().hex[:8]
    if length is None:
        return f"{prefix}_{suffix}"
    head = (prefix + "_pad" * length)[: length - len(suffix) - 1].rstrip("_")
    return head.ljust(length - len(suffix) - 1, "x") + "_" + suffix


def new(parent: Path, name: str, layout: str, venv: Path) -> New:
    command = [PYRS, "--python", venv / "bin" / "python", "new", name, "--layout", layout]
    proc = run(command, cwd=parent)
    assert proc.returncode == 0, describe(command, proc)
    root = parent / name
    (root / ".venv").symlink_to(venv)
    return New(name, layout, root)


def uninstall(venv: Path, name: str) -> None:
    run(
        [DEV_VENV_BIN / "uv", "pip", "uninstall", "--python", venv / "bin" / "python", name],
        cwd=venv,
    )


@pytest.fixture(scope="module", params=LAYOUTS)
def made(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    shared_venv: Path,
    pyrs_binary: Path,
) -> Generator[New]:
    layout = cast("str", request.param)
    name = unique_name(f"new_{layout}")
    project = new(tmp_path_factory.mktemp(f"new-{layout}"), name, layout, shared_venv)
    yield project
    uninstall(shared_venv, name)


def git(root: Path, *args: str) -> str:
    return run(["git", *args], cwd=root, check=True).stdout


def test_made_whole_and_committed(made: New) -> None:
    files = set(git(made.root, "ls-files").split())
    expected = {
        "pyproject.toml",
        "Cargo.toml",
        "Cargo.lock",
        "src/lib.rs",
        f"tests/test_{made.name}.py",
        "README.md",
        "LICENSE-MIT",
        "LICENSE-APACHE",
        ".gitignore",
        ".github/workflows/ci.yml",
        ".env",
        ".vscode/settings.json",
        ".vscode/tasks.json",
        ".vscode/extensions.json",
        made.stub.relative_to(made.root).as_posix(),
    }
    if made.layout == "mixed":
        expected |= {f"python/{made.name}/__init__.py", f"python/{made.name}/py.typed"}
    assert files == expected
    assert len(git(made.root, "log", "--oneline").splitlines()) == 1
    # The build's products and the venv link are ignored: the tree is clean.
    assert git(made.root, "status", "--porcelain") == ""
    assert '"""' in made.stub.read_text()  # docstrings from the `///` comments


def test_own_checks_pass(made: New) -> None:
    proc = pyrs("test", cwd=made.root)
    assert proc.returncode == 0, describe(["pyrs", "test"], proc)
    assert "5 passed, 0 failed" in proc.stdout
    doctor = pyrs("doctor", cwd=made.root)
    assert doctor.returncode == 0, describe(["pyrs", "doctor"], doctor)
    assert "all good" in doctor.stdout
    assert_formatted(made.root)


def assert_formatted(root: Path) -> None:
    """ruff (its defaults) and rustfmt find nothing to change."""
    for command in (
        [DEV_VENV_BIN / "ruff", "check", "--no-cache", "."],
        [DEV_VENV_BIN / "ruff", "format", "--check", "--no-cache", "."],
        ["cargo", "fmt", "--check"],
    ):
        proc = run(command, cwd=root)
        assert proc.returncode == 0, describe(command, proc)


def test_added_function_reaches_the_stub(made: New) -> None:
    lib_rs = made.root / "src" / "lib.rs"
    text = lib_rs.read_text()
    first = text.index("    /// Counts the words")
    lib_rs.write_text(text[:first] + USER_FUNCTION + text[first:])
    proc = pyrs("dev", cwd=made.root)
    assert proc.returncode == 0, describe(["pyrs", "dev"], proc)
    stub = made.stub.read_text()
    assert "def shout(text: str, times: SupportsIndex = 1) -> str:" in stub, stub
    assert USER_DOC in stub
    python = made.root / ".venv" / "bin" / "python"
    module = f"{made.name}._native" if made.layout == "mixed" else made.name
    shouted = run([python, "-c", f"import {module} as m; print(m.shout('hi', 2))"], cwd=made.root)
    assert shouted.stdout.strip() == "HIHI", describe(["python"], shouted)


def refused(parent: Path, name: str) -> str:
    before = sorted(p.name for p in parent.iterdir())
    # The dev venv's interpreter answers the stdlib and importable questions (it has pytest).
    proc = pyrs("--python", DEV_VENV_BIN / "python", "new", name, cwd=parent)
    assert proc.returncode == 2, describe(["pyrs", "new", name], proc)
    assert sorted(p.name for p in parent.iterdir()) == before, "something was written"
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    return proc.stderr


def test_bad_names_are_refused_with_every_reason(tmp_path: Path, pyrs_binary: Path) -> None:
    reasons = refused(tmp_path, "async")
    assert "Python keyword" in reasons
    assert "Rust keyword" in reasons
    reasons = refused(tmp_path, "Word-Count")
    assert "snake case" in reasons
    assert "standard library" in refused(tmp_path, "json")
    assert "cargo reserves" in refused(tmp_path, "core")
    reasons = refused(tmp_path, "pytest")
    assert "depends on a package of that name" in reasons
    assert "importable already" in reasons
    # The folder: taken unless empty.
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine\n")
    assert "not an empty folder" in refused(tmp_path, "taken")
    assert (tmp_path / "taken" / "notes.txt").read_text() == "mine\n"


def test_a_forty_character_name_fits(tmp_path: Path, shared_venv: Path, pyrs_binary: Path) -> None:
    name = unique_name("a_rather_long_project_name", 40)
    assert len(name) == 40, name
    project = new(tmp_path, name, "mixed", shared_venv)
    try:
        proc = pyrs("test", cwd=project.root)
        assert proc.returncode == 0, describe(["pyrs", "test"], proc)
        assert_formatted(project.root)
        for path in [*project.root.rglob("*.py"), *project.root.rglob("*.rs")]:
            if ".venv" in path.parts or "target" in path.parts:
                continue
            limit = 88 if path.suffix == ".py" else 100
            long = [line for line in path.read_text().splitlines() if len(line) > limit]
            assert not long, f"{path}: {long}"
    finally:
        uninstall(shared_venv, name)


def test_help_names_the_layouts() -> None:
    proc = subprocess.run([PYRS, "new", "--help"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0
    assert "mixed" in proc.stdout
    assert "pure" in proc.stdout
