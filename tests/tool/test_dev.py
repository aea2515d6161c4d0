"""``pyrs dev`` on the generators' layouts: the first build through ``maturin develop``, then a
body edit replaced in place and importable, a compile error replacing nothing, a metadata edit
sending the next build back through ``maturin develop``; the in-place install the same bytes
and RECORD that ``maturin develop`` leaves, and a running process keeping the extension it
loaded (the replacement is a rename, never a rewrite); in a cargo workspace,
an edit of the path-dependency crate or of the root manifest counting as a build input."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import subprocess
from pathlib import Path
from typing import cast

import pytest

from tests.tool.layouts import LAYOUTS, Layout
from tests.tool.tooling import PYRS, describe, environment, pyrs, run

EDITED = [
    layout
    for layout in LAYOUTS
    if layout.name in ("maturin-new", "maturin-new-mixed", "uv-init-lib")
]


def lib_rs(root: Path) -> Path:
    (found,) = [
        path
        for path in (root / "src" / "lib.rs", root / "rust" / "src" / "lib.rs")
        if path.exists()
    ]
    return found


def set_offset(root: Path, offset: int) -> None:
    """The user function's result, `count() + offset`: a body edit (its last line)."""
    source = lib_rs(root)
    text, edits = re.subn(
        r"(\n\s+\.count\(\))( \+ \d+)?\n", rf"\1 + {offset}\n", source.read_text(), count=1
    )
    assert edits == 1
    source.write_text(text)


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


def installed_extension(root: Path, python: Path) -> Path:
    """The extension file a new interpreter loads (in the source tree for a mixed layout's
    editable install, in site-packages for a pure one)."""
    module = json.loads(run([PYRS, "show"], cwd=root, check=True).stdout)["module"]
    code = f"import importlib; print(importlib.import_module({module!r}).__file__)"
    return Path(run([python, "-c", code], cwd=root, check=True).stdout.strip())


def record_line(extension: Path) -> str | None:
    """The extension's line in its dist-info RECORD (a pure layout's install has one)."""
    site = extension.parent.parent
    for record in site.glob("*.dist-info/RECORD"):
        relative = extension.relative_to(site).as_posix()
        for line in record.read_text().splitlines():
            if line.startswith(relative + ","):
                return line
    return None


def test_the_in_place_install_is_what_maturin_develop_leaves(
    project: tuple[Layout, Path], shared_venv: Path
) -> None:
    layout, root = project
    python = shared_venv / "bin" / "python"
    set_offset(root, 100)
    proc = pyrs("dev", cwd=root)
    assert "replaced in place" in proc.stdout, describe(["pyrs", "dev"], proc)
    extension = installed_extension(root, python)
    in_place = extension.read_bytes()
    record = record_line(extension)
    if layout.name == "maturin-new":  # site-packages: RECORD names the file's new hash
        digest = base64.urlsafe_b64encode(hashlib.sha256(in_place).digest()).rstrip(b"=")
        assert record == f"{record_line_path(extension)},sha256={digest.decode()},{len(in_place)}"
    proc = pyrs("dev", "--maturin", cwd=root)
    assert "installed by maturin develop" in proc.stdout, describe(["pyrs", "dev"], proc)
    assert installed_extension(root, python).read_bytes() == in_place
    assert record_line(installed_extension(root, python)) == record


def record_line_path(extension: Path) -> str:
    return extension.relative_to(extension.parent.parent).as_posix()


def test_a_running_process_keeps_its_extension(
    project: tuple[Layout, Path], shared_venv: Path
) -> None:
    layout, root = project
    python = shared_venv / "bin" / "python"
    before = count(root, python, layout.importer)
    code = (
        f"import sys\nfrom {layout.importer} import count_words\n"
        "print(count_words('A bb CCC', 2), flush=True)\nsys.stdin.readline()\n"
        "print(count_words('A bb CCC', 2), flush=True)\n"
    )
    running = subprocess.Popen(
        [python, "-c", code],
        cwd=root,
        env=environment(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert running.stdout is not None
    try:
        assert running.stdout.readline().strip() == before
        set_offset(root, 1000)
        proc = pyrs("dev", cwd=root)
        assert "replaced in place" in proc.stdout, describe(["pyrs", "dev"], proc)
        out, _ = running.communicate("\n", timeout=60)
    finally:
        if running.poll() is None:
            running.kill()
            running.communicate(timeout=60)
    assert out.strip() == before  # the code it loaded, still mapped
    assert count(root, python, layout.importer) == "1002"


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
