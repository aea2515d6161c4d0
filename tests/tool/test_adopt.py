"""``pyrs adopt`` on projects as the generators make them: afterwards ``pyrs dev``,
``pyrs doctor`` and ``pyrs stubs --check`` are clean and the six checkers type the user's
function from the project's own configuration; the user's comments survive; a second run
changes nothing; a dirty tree is refused untouched; ``--dry-run`` writes nothing;
``--check`` tells a missing configuration from a current one; a malformed
``pyproject.toml`` is one line naming it."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import pytest

from tests.tool.layouts import RAW_LAYOUTS, USER_FUNCTION_DOC, Layout, commit_all
from tests.tool.test_workflows import assert_valid
from tests.tool.tooling import DEV_VENV_BIN, describe, pyrs, run
from tests.tool.usage import CHECKERS, assert_typed_by

PYPROJECT_COMMENT = "# the user's own note on the project table\n"
CARGO_COMMENT = "# the user's own note on the dependencies\n"


def make_raw(layout: Layout, parent: Path, venv: Path) -> Path:
    """The generator's project with the user's function and comments, committed."""
    root = layout.create(parent)
    pyproject = root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace("[project]\n", "[project]\n" + PYPROJECT_COMMENT, 1)
    )
    cargo = root / "Cargo.toml"
    cargo.write_text(
        cargo.read_text().replace("[dependencies]\n", "[dependencies]\n" + CARGO_COMMENT, 1)
    )
    (root / ".venv").symlink_to(venv)
    # cargo writes Cargo.lock on its first read of the crate: committed like a user would.
    proc = pyrs("show", cwd=root)
    assert proc.returncode == 0, describe(["pyrs", "show"], proc)
    (root / ".git" / "info" / "exclude").write_text(".venv\n")
    commit_all(root, "as generated")
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the project but git's and the venv link's."""
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and not {".git", ".venv", "target"} & set(path.relative_to(root).parts)
    }


@dataclass(frozen=True)
class Adopted:
    """A generator's project after `pyrs adopt`, and what `--check` said before it."""

    layout: Layout
    root: Path
    venv: Path
    check_before: subprocess.CompletedProcess[str]
    adopt: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module", params=RAW_LAYOUTS, ids=[layout.name for layout in RAW_LAYOUTS])
def adopted(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    shared_venv: Path,
    pyrs_binary: Path,
) -> Adopted:
    layout = cast("Layout", request.param)
    root = make_raw(layout, tmp_path_factory.mktemp(f"adopt-{layout.name}"), shared_venv)
    check_before = pyrs("adopt", "--check", cwd=root)
    proc = pyrs("adopt", cwd=root)
    assert proc.returncode == 0, describe([pyrs_binary, "adopt"], proc)
    return Adopted(layout, root, shared_venv, check_before, proc)


def test_check_before_and_after(adopted: Adopted) -> None:
    assert adopted.check_before.returncode == 1, adopted.check_before.stdout
    assert "run `pyrs adopt`" in adopted.check_before.stdout
    after = pyrs("adopt", "--check", cwd=adopted.root)
    assert after.returncode == 0, describe(["pyrs", "adopt", "--check"], after)


def test_says_the_route_and_each_file(adopted: Adopted) -> None:
    out = adopted.adopt.stdout
    assert "stub route: PyO3 introspection" in out
    assert "declarative" in out
    assert "changed pyproject.toml" in out
    assert "changed Cargo.toml" in out
    if adopted.layout.name == "uv-init-lib":
        # uv pins pyo3 0.28: introspection writes no docstrings before 0.29; its one-line
        # stub says nothing the generated one does not, so it is replaced.
        assert "0.29" in out
        assert "replaced src/uvfx/_core.pyi" in out


def test_the_stub_check_workflow_is_valid_and_clean(adopted: Adopted) -> None:
    """Where the project has GitHub workflows (maturin's), adopt adds its stub check: valid
    against GitHub's schema, no zizmor finding (maturin's own CI.yml has many: not ours)."""
    added = adopted.root / ".github" / "workflows" / "pyrs-stubs.yml"
    if adopted.layout.name == "uv-init-lib":
        assert not added.exists()  # uv writes no workflow: none is added
        return
    assert_valid([added])


def test_uv_still_locks_the_project(adopted: Adopted) -> None:
    """Nothing adopt writes is unresolvable: the project still locks (no pin of a name that
    is another project's on PyPI)."""
    command = [DEV_VENV_BIN / "uv", "lock", "--dry-run"]
    proc = run(command, cwd=adopted.root)
    assert proc.returncode == 0, describe(command, proc)


def test_user_comments_survive(adopted: Adopted) -> None:
    assert PYPROJECT_COMMENT in (adopted.root / "pyproject.toml").read_text()
    cargo = (adopted.root / "Cargo.toml").read_text()
    assert CARGO_COMMENT in cargo
    assert "experimental-inspect" in cargo


def test_dev_doctor_and_stub_check_are_clean(adopted: Adopted) -> None:
    for args in (["dev"], ["doctor"], ["stubs", "--check"]):
        proc = pyrs(*args, cwd=adopted.root)
        assert proc.returncode == 0, describe(["pyrs", *args], proc)
    stub = next(p for p in snapshot(adopted.root) if p.endswith(".pyi"))
    if adopted.layout.name != "uv-init-lib":
        assert USER_FUNCTION_DOC in (adopted.root / stub).read_text()


@pytest.mark.parametrize("checker", sorted(CHECKERS))
def test_checkers_type_the_user_function(adopted: Adopted, checker: str) -> None:
    assert_typed_by(checker, adopted.root, adopted.venv, adopted.layout.importer)


def test_a_second_adopt_changes_nothing(adopted: Adopted) -> None:
    before = snapshot(adopted.root)
    proc = pyrs("adopt", cwd=adopted.root)
    assert proc.returncode == 0, describe(["pyrs", "adopt"], proc)
    assert "up to date" in proc.stdout
    assert snapshot(adopted.root) == before


@pytest.mark.parametrize("layout", RAW_LAYOUTS, ids=[layout.name for layout in RAW_LAYOUTS])
def test_a_dirty_tree_is_refused_untouched(
    layout: Layout, tmp_path: Path, shared_venv: Path
) -> None:
    root = make_raw(layout, tmp_path, shared_venv)
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "# not committed yet\n")
    before = snapshot(root)
    proc = pyrs("adopt", cwd=root)
    assert proc.returncode == 2, describe(["pyrs", "adopt"], proc)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "pyproject.toml" in lines[0], proc.stderr
    assert snapshot(root) == before


@pytest.mark.parametrize("layout", RAW_LAYOUTS, ids=[layout.name for layout in RAW_LAYOUTS])
def test_dry_run_writes_nothing(layout: Layout, tmp_path: Path, shared_venv: Path) -> None:
    root = make_raw(layout, tmp_path, shared_venv)
    before = snapshot(root)
    proc = pyrs("adopt", "--dry-run", cwd=root)
    assert proc.returncode == 0, describe(["pyrs", "adopt", "--dry-run"], proc)
    assert "+++ b/pyproject.toml" in proc.stdout
    assert "+[tool.pyright]" in proc.stdout
    assert snapshot(root) == before


@pytest.mark.parametrize("command", [["adopt"], ["dev"], ["doctor"]])
def test_a_malformed_pyproject_is_one_line(
    command: list[str], tmp_path: Path, shared_venv: Path
) -> None:
    root = make_raw(RAW_LAYOUTS[0], tmp_path, shared_venv)
    pyproject = root / "pyproject.toml"
    broken = pyproject.read_text().replace("[project]", "[project", 1)
    pyproject.write_text(broken)
    proc = pyrs(*command, cwd=root)
    assert proc.returncode == 2, describe(["pyrs", *command], proc)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "pyproject.toml" in lines[0], proc.stderr
    assert pyproject.read_text() == broken
