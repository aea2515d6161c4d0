"""The sdist: what ``pip install`` builds from when no wheel fits. It must hold the stub (a
real file in ``stubs/``) and build a wheel that ships it, byte for byte, with ``py.typed``.

The wheel is built from the unpacked sdist by pip with the venv's maturin as the backend
(no build isolation: nothing from PyPI), in the "packaging" sandbox's target folder.
"""

from __future__ import annotations

import os
import tarfile
import zipfile
from pathlib import Path

from tests.support import sandbox
from tests.support.tools import (
    BUILD_TIMEOUT,
    MODULE,
    PROJECT,
    install_offline,
    make_bare_venv,
    run,
    site_packages,
    user_environment,
)

SANDBOX = "packaging"


def only(paths: list[Path]) -> Path:
    assert len(paths) == 1, paths
    return paths[0]


def test_sdist_builds_a_wheel_with_the_committed_stub(tmp_path: Path) -> None:
    sdist_dir = tmp_path / "sdist"
    run(
        [PROJECT.tool("maturin"), "sdist", "--out", sdist_dir],
        cwd=PROJECT.root,
        env=PROJECT.env(),
        timeout=BUILD_TIMEOUT,
        check=True,
    )
    sdist = only(sorted(sdist_dir.glob("*.tar.gz")))
    unpacked = tmp_path / "unpacked"
    with tarfile.open(sdist) as archive:
        members = {m.name.split("/", 1)[1]: m for m in archive.getmembers() if "/" in m.name}
        archive.extractall(unpacked, filter="data")
    stub = PROJECT.stub.relative_to(PROJECT.root).as_posix()
    assert members[stub].isfile()
    assert {"Cargo.toml", "Cargo.lock", "pyproject.toml", "build.rs", "src/lib.rs"} <= set(members)
    assert {"LICENSE-MIT", "LICENSE-APACHE"} <= set(members)
    (source,) = unpacked.iterdir()
    assert (source / stub).read_bytes() == PROJECT.stub.read_bytes()
    # The sdist stores every file with one fixed old date; cargo decides freshness by mtime,
    # so in the shared (warm) target folder it would reuse a binary built from other sources.
    # Dating the files now makes it recompile this crate (seconds; dependencies stay cached).
    for path in source.rglob("*"):
        os.utime(path)

    wheels = tmp_path / "wheels"
    with sandbox.lock(SANDBOX):
        run(
            [
                PROJECT.python,
                "-m",
                "pip",
                "wheel",
                "--no-build-isolation",
                "--no-deps",
                source,
                "--no-index",
                "--quiet",
                "--wheel-dir",
                wheels,
            ],
            cwd=tmp_path,
            env=PROJECT.env(CARGO_TARGET_DIR=str(sandbox.target_dir(SANDBOX))),
            timeout=BUILD_TIMEOUT,
            check=True,
        )
    built = only(sorted(wheels.glob("*.whl")))
    with zipfile.ZipFile(built) as archive:
        assert archive.read(f"{MODULE}/__init__.pyi") == PROJECT.stub.read_bytes()
        assert f"{MODULE}/py.typed" in archive.namelist()
        licences = {name.rsplit("/", 1)[1] for name in archive.namelist() if "/licenses/" in name}
        assert licences == {"LICENSE-MIT", "LICENSE-APACHE"}
    python = make_bare_venv(tmp_path / "venv")
    install_offline(python, built)
    proc = run(
        [python, "-c", f"import {MODULE} as m; print(m.gcd(4, 6), m.__file__)"],
        cwd=tmp_path,
        env=user_environment(),
        check=True,
    )
    result, location = proc.stdout.split()
    assert result == "2"
    assert location.startswith(str(site_packages(python)))
