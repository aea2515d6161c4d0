"""``pyrs doctor`` on generated projects broken on purpose, one way at a time: it names
exactly that problem and its fix, exits 1, and is all good again once the project is put
back. Healthy projects are covered by test_layouts.py."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.tool.layouts import LAYOUTS, Layout
from tests.tool.tooling import describe, pyrs

BY_NAME = {layout.name: layout for layout in LAYOUTS}


@dataclass(frozen=True)
class Project:
    layout: Layout
    root: Path

    def doctor(self) -> subprocess.CompletedProcess[str]:
        return pyrs("doctor", cwd=self.root)

    def problems(self) -> list[str]:
        proc = self.doctor()
        assert proc.returncode == 1, describe(["pyrs", "doctor"], proc)
        return [line for line in proc.stdout.splitlines() if "problem:" in line]


def made(layout_name: str, parent: Path, venv: Path) -> Project:
    layout = BY_NAME[layout_name]
    root = layout.create(parent)
    (root / ".venv").symlink_to(venv)
    proc = pyrs("dev", cwd=root)
    assert proc.returncode == 0, describe(["pyrs", "dev"], proc)
    healthy = pyrs("doctor", cwd=root)
    assert healthy.returncode == 0, describe(["pyrs", "doctor"], healthy)
    return Project(layout, root)


@pytest.fixture(scope="module")
def mixed(
    tmp_path_factory: pytest.TempPathFactory, shared_venv: Path, pyrs_binary: Path
) -> Project:
    return made("maturin-new-mixed", tmp_path_factory.mktemp("doctor-mixed"), shared_venv)


@pytest.fixture(scope="module")
def hand(tmp_path_factory: pytest.TempPathFactory, shared_venv: Path, pyrs_binary: Path) -> Project:
    return made("uv-init-lib", tmp_path_factory.mktemp("doctor-hand"), shared_venv)


@pytest.fixture
def restored(mixed: Project, hand: Project) -> Generator[None]:
    """Every file of both projects as it was (tracked or not), and doctor clean after."""
    saved = {
        project.root: {p: p.read_bytes() for p in files(project.root)} for project in (mixed, hand)
    }
    yield
    for project in (mixed, hand):
        for path, data in saved[project.root].items():
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists() or path.read_bytes() != data:
                path.write_bytes(data)
        assert pyrs("dev", cwd=project.root).returncode == 0
        after = project.doctor()
        assert after.returncode == 0, describe(["pyrs", "doctor"], after)


def files(root: Path) -> list[Path]:
    skipped = (".venv", ".git", "target")
    return [
        p
        for p in root.rglob("*")
        if p.is_file()
        and not any(part in skipped for part in p.relative_to(root).parts)
        and p.suffix not in (".so", ".pyc")
    ]


def lib_rs(project: Project) -> Path:
    return project.root / "src" / "lib.rs"


def edit_lib(project: Project, old: str, new: str) -> None:
    source = lib_rs(project)
    text = source.read_text()
    assert old in text
    source.write_text(text.replace(old, new, 1))


def stub_of(project: Project) -> Path:
    return {
        "maturin-new-mixed": project.root / "python" / "mixedfx" / "mixedfx.pyi",
        "uv-init-lib": project.root / "src" / "uvfx" / "_core.pyi",
    }[project.layout.name]


def one(problems: list[str], pattern: str) -> str:
    """The problem line matching ``pattern`` (a regex), which must be there."""
    found = [line for line in problems if re.search(pattern, line)]
    assert found, "\n".join(problems)
    return found[0]


@pytest.mark.usefixtures("restored")
def test_stub_missing(mixed: Project, hand: Project) -> None:
    stub_of(mixed).unlink()
    line = one(mixed.problems(), r"^stub\s")
    assert "python/mixedfx/mixedfx.pyi is missing" in line, line
    assert line.endswith("fix: pyrs stubs"), line
    # A hand-written stub gone: nothing generates one, and doctor says how to get one.
    stub_of(hand).unlink()
    line = one(hand.problems(), r"^stub\s")
    assert "no stub for uvfx._core and nothing generates one" in line, line
    assert "experimental-inspect" in line, line


@pytest.mark.usefixtures("restored")
def test_stub_stale(mixed: Project) -> None:
    edit_lib(mixed, "/// Counts the words", "/// Counts all the words")
    line = one(mixed.problems(), r"^stub\s")
    assert "is older than src/lib.rs" in line, line
    assert line.endswith("fix: pyrs stubs"), line


@pytest.mark.usefixtures("restored")
def test_extension_stale(mixed: Project) -> None:
    edit_lib(mixed, ".count()\n", ".count() + 1\n")
    line = one(mixed.problems(), r"^build\s")
    assert re.search(r"mixedfx\.cpython-\S+\.so is older than src/lib\.rs", line), line
    assert line.endswith("fix: pyrs dev"), line


@pytest.mark.usefixtures("restored")
def test_py_typed_missing(mixed: Project) -> None:
    (mixed.root / "python" / "mixedfx" / "py.typed").unlink()
    line = one(mixed.problems(), r"^py\.typed\s")
    assert "python/mixedfx/py.typed is missing" in line, line
    assert line.endswith("fix: touch python/mixedfx/py.typed"), line


@pytest.mark.usefixtures("restored")
def test_a_checker_table_removed(hand: Project) -> None:
    pyproject = hand.root / "pyproject.toml"
    text = pyproject.read_text()
    start = text.index("[tool.pyrefly]")
    end = text.find("\n[", start + 1)
    pyproject.write_text(text[:start] + (text[end + 1 :] if end != -1 else ""))
    problems = hand.problems()
    line = one(problems, r"^config\s")
    assert "[tool.pyrefly]" in line, "\n".join(problems)
    assert all(
        not re.match(r"^checker (pyright|basedpyright|mypy|zuban|ty)\s", p) for p in problems
    )


def test_doctor_refuses_a_malformed_pyproject(tmp_path: Path) -> None:
    """One line naming the file and what is wrong, exit 2, nothing written."""
    root = tmp_path / "broken"
    root.mkdir()
    (root / "pyproject.toml").write_text("[project\nname = 'x'\n")
    before = sorted(p.name for p in root.iterdir())
    proc = pyrs("doctor", cwd=root)
    assert proc.returncode == 2, describe(["pyrs", "doctor"], proc)
    (line,) = proc.stderr.splitlines()
    assert line.startswith(f"pyrs: {root / 'pyproject.toml'}: is not valid TOML"), line
    assert "panicked" not in proc.stderr
    assert sorted(p.name for p in root.iterdir()) == before
    shutil.rmtree(root)


@pytest.fixture(scope="module")
def submodule(
    tmp_path_factory: pytest.TempPathFactory, shared_venv: Path, pyrs_binary: Path
) -> Project:
    return made("submodule-stub-package", tmp_path_factory.mktemp("doctor-sub"), shared_venv)


def test_submodule_stub_not_imported(submodule: Project) -> None:
    """The stub package's `__init__.pyi` without its `from . import text`: the checkers see
    no `subfx._core.text`, and doctor names the submodule and the line to add."""
    init = submodule.root / "python" / "subfx" / "_core" / "__init__.pyi"
    assert (init.parent / "text.pyi").is_file()
    good = init.read_text()
    lines = good.splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith("from . import text")]
    assert len(kept) == len(lines) - 1, good
    init.write_text("".join(kept))
    try:
        line = one(submodule.problems(), r"^package stubs\s")
        assert "does not import its submodule stub text" in line, line
        assert "subfx._core.text" in line, line
        assert line.endswith("fix: add `from . import text` to python/subfx/_core/__init__.pyi")
    finally:
        init.write_text(good)
    after = submodule.doctor()
    assert after.returncode == 0, describe(["pyrs", "doctor"], after)
