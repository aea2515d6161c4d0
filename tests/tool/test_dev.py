"""``pyrs dev`` on the generators' mixed layouts: the first build through ``maturin develop``,
then a body edit replaced in place and importable, a compile error replacing nothing, and a
metadata edit sending the next build back through ``maturin develop``; in a cargo workspace,
an edit of the path-dependency crate or of the root manifest counting as a build input."""

from __future__ import annotations

import re
from pathlib import Path
from typing import cast

import pytest

from tests.tool.layouts import LAYOUTS, Layout
from tests.tool.tooling import describe, pyrs, run

EDITED = [layout for layout in LAYOUTS if layout.name in ("maturin-new-mixed", "uv-init-lib")]


def lib_rs(root: Path) -> Path:
    (found,) = [
        path
        for path in (root / "src" / "lib.rs", root / "rust" / "src" / "lib.rs")
        if path.exists()
    ]
    return found


def count(root: Path, python: Path, importer: str) -> str:
    code = f"from {importer} import count_words; print(count_words('A bb CCC', 2))"
    return run([python, "-c", code], cwd=root, check=True).stdout.strip()


@pytest.fixture(scope="module", params=EDITED, ids=[layout.name for layout in EDITED])
def project(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    shared_venv: Path,
    pyrs_binary: Path,
) -> tuple[Layout, Path]:
    layout = cast("Layout", request.param)
    root = layout.create(tmp_path_factory.mktemp(f"dev-{layout.name}"))
    (root / ".venv").symlink_to(shared_venv)
    first = pyrs("dev", cwd=root)
    assert first.returncode == 0, describe([pyrs_binary, "dev"], first)
    assert "installed by maturin develop" in first.stdout
    return layout, root


def test_body_edit_is_replaced_in_place(project: tuple[Layout, Path], shared_venv: Path) -> None:
    layout, root = project
    python = shared_venv / "bin" / "python"
    assert count(root, python, layout.importer) == "2"
    source = lib_rs(root)
    source.write_text(source.read_text().replace(".count()\n", ".count() + 40\n", 1))
    proc = pyrs("dev", cwd=root)
    assert proc.returncode == 0, describe(["pyrs", "dev"], proc)
    assert "replaced in place" in proc.stdout, proc.stdout
    assert count(root, python, layout.importer) == "42"


def test_compile_error_replaces_nothing(project: tuple[Layout, Path], shared_venv: Path) -> None:
    layout, root = project
    python = shared_venv / "bin" / "python"
    before = count(root, python, layout.importer)
    source = lib_rs(root)
    good = source.read_text()
    source.write_text(good.replace("fn count_words", "fn count_words_broken(", 1))
    try:
        proc = pyrs("dev", cwd=root)
        assert proc.returncode == 1, describe(["pyrs", "dev"], proc)
        assert "nothing was replaced" in proc.stderr, proc.stderr
        assert proc.stderr.count("error") >= 1
        assert count(root, python, layout.importer) == before
    finally:
        source.write_text(good)
    assert pyrs("dev", cwd=root).returncode == 0


def test_metadata_edit_goes_through_maturin(project: tuple[Layout, Path]) -> None:
    _, root = project
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n# a comment, and the metadata changed\n")
    proc = pyrs("dev", cwd=root)
    assert proc.returncode == 0, describe(["pyrs", "dev"], proc)
    assert "installed by maturin develop" in proc.stdout, proc.stdout
    again = pyrs("dev", cwd=root)
    assert "already current" in again.stdout, again.stdout


@pytest.fixture(scope="module")
def workspace(
    tmp_path_factory: pytest.TempPathFactory, shared_venv: Path, pyrs_binary: Path
) -> tuple[Layout, Path]:
    (layout,) = [layout for layout in LAYOUTS if layout.name == "workspace-member"]
    root = layout.create(tmp_path_factory.mktemp("dev-workspace"))
    (root / ".venv").symlink_to(shared_venv)
    first = pyrs("dev", cwd=root)
    assert first.returncode == 0, describe([pyrs_binary, "dev"], first)
    return layout, root


def test_path_dependency_edit_is_a_build_input(
    workspace: tuple[Layout, Path], shared_venv: Path
) -> None:
    """An edit in the plain-Rust workspace member the extension depends on by path: doctor
    sees the build stale, and `pyrs dev` rebuilds with it."""
    layout, root = workspace
    python = shared_venv / "bin" / "python"
    assert count(root, python, layout.importer) == "2"
    core = root / "crates" / "wsfx-core" / "src" / "lib.rs"
    core.write_text(core.read_text().replace(">= min_len", ">= min_len + 1", 1))
    doctor = pyrs("doctor", cwd=root)
    assert doctor.returncode == 1, describe(["pyrs", "doctor"], doctor)
    stale = [line for line in doctor.stdout.splitlines() if line.startswith("build")]
    assert stale, doctor.stdout
    assert "is older than crates/wsfx-core/src/lib.rs" in stale[0], stale[0]
    proc = pyrs("dev", cwd=root)
    assert proc.returncode == 0, describe(["pyrs", "dev"], proc)
    assert "already current" not in proc.stdout, proc.stdout
    assert count(root, python, layout.importer) == "1"
    again = pyrs("dev", cwd=root)
    assert "already current" in again.stdout, again.stdout
    healthy = pyrs("doctor", cwd=root)
    assert healthy.returncode == 0, describe(["pyrs", "doctor"], healthy)


def test_workspace_manifest_edit_goes_through_maturin(workspace: tuple[Layout, Path]) -> None:
    """The workspace's root `Cargo.toml` is an input of the build and of the installed
    metadata: the extension's crate inherits its version from there."""
    _, root = workspace
    manifest = root / "Cargo.toml"
    manifest.write_text(manifest.read_text().replace('version = "0.1.0"', 'version = "0.2.0"'))
    doctor = pyrs("doctor", cwd=root)
    assert doctor.returncode == 1, describe(["pyrs", "doctor"], doctor)
    # The newest input is named: `Cargo.toml`, or the `Cargo.lock` cargo rewrote for it.
    assert re.search(r"^build .* is older than Cargo\.(toml|lock)", doctor.stdout, re.M), (
        doctor.stdout
    )
    proc = pyrs("dev", cwd=root)
    assert proc.returncode == 0, describe(["pyrs", "dev"], proc)
    assert "installed by maturin develop" in proc.stdout, proc.stdout
    python = root / ".venv" / "bin" / "python"
    code = "import importlib.metadata as m; print(m.version('wsfx'))"
    assert run([python, "-c", code], cwd=root, check=True).stdout.strip() == "0.2.0"
    again = pyrs("dev", cwd=root)
    assert "already current" in again.stdout, again.stdout
    healthy = pyrs("doctor", cwd=root)
    assert healthy.returncode == 0, describe(["pyrs", "doctor"], healthy)
