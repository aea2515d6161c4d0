"""Fixture projects for the tests of the ``pyrs`` command: one per layout, made once per
session and built once (``pyrs dev``), all sharing one bare venv and one cargo target."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import cast

import pytest

from tests.tool.layouts import LAYOUTS, Layout
from tests.tool.tooling import DEV_VENV_BIN, PYRS, REPO, SHARED, describe, pyrs, run


@pytest.fixture(scope="session")
def shared_venv() -> Path:
    """A venv as `uv venv` leaves it: pyrs installs what it needs into it."""
    venv = SHARED / "venv"
    if not (venv / "bin" / "python").exists():
        command = [DEV_VENV_BIN / "uv", "venv", "--quiet", "--python", DEV_VENV_BIN / "python"]
        run([*command, venv], cwd=REPO, check=True)
    return venv


@pytest.fixture(scope="session")
def pyrs_binary() -> Path:
    """The tool, as `make pyrs` builds it (`make pytest` does first)."""
    assert PYRS.is_file(), f"{PYRS} is not built: run `make pyrs`"
    return PYRS


@dataclass(frozen=True)
class Built:
    """A fixture project after its first `pyrs dev`."""

    layout: Layout
    root: Path
    venv: Path

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"


@pytest.fixture(scope="module", params=LAYOUTS, ids=[layout.name for layout in LAYOUTS])
def built(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    shared_venv: Path,
    pyrs_binary: Path,
) -> Built:
    layout = cast("Layout", request.param)
    root = layout.create(tmp_path_factory.mktemp(layout.name))
    (root / ".venv").symlink_to(shared_venv)
    proc = pyrs("dev", cwd=root)
    assert proc.returncode == 0, describe([pyrs_binary, "dev"], proc)
    return Built(layout, root, shared_venv)
