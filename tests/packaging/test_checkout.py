"""Any checkout ships the same stub: no symlink in the layout, and a clone made the way Git
for Windows makes one by default (``core.symlinks=false``, where a tracked link becomes a
text file holding its target) builds a wheel and an sdist whose stub is, byte for byte, the
one in ``stubs/``.
"""

from __future__ import annotations

import tarfile
import zipfile
from pathlib import Path

from tests.support import sandbox
from tests.support.tools import BUILD_TIMEOUT, MODULE, PROJECT, run

SANDBOX = "packaging"


def test_no_tracked_file_is_a_symlink() -> None:
    listed = run(["git", "ls-files", "--stage"], cwd=PROJECT.root, check=True).stdout
    links = [line.split("\t", 1)[1] for line in listed.splitlines() if line.startswith("120000")]
    assert links == []


def test_clone_without_symlinks_ships_the_stub_byte_for_byte(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    run(
        ["git", "-c", "core.symlinks=false", "clone", "--quiet", PROJECT.root, clone],
        cwd=tmp_path,
        check=True,
    )
    stub = clone / PROJECT.stub.relative_to(PROJECT.root)
    committed = run(
        ["git", "show", f"HEAD:{stub.relative_to(clone).as_posix()}"], cwd=clone, check=True
    ).stdout.encode()
    assert stub.read_bytes() == committed
    assert len(committed) > 200, "the stub is a real file, not a link's target path"

    out = tmp_path / "dist"
    maturin = PROJECT.tool("maturin")
    # Built with the debug profile: this is about what gets packaged, not about speed.
    with sandbox.lock(SANDBOX):
        env = PROJECT.env(CARGO_TARGET_DIR=str(sandbox.target_dir(SANDBOX)))
        for command in (["build", "--quiet", "--profile", "dev-ext"], ["sdist"]):
            command += ["--out", str(out)]
            run([maturin, *command], cwd=clone, env=env, timeout=BUILD_TIMEOUT, check=True)

    (wheel,) = out.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        assert archive.read(f"{MODULE}/__init__.pyi") == committed
        assert f"{MODULE}/py.typed" in archive.namelist()
    (sdist,) = out.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        (member,) = [m for m in archive.getmembers() if m.name.endswith(f"/{stub.name}")]
        assert member.isfile()
        extracted = archive.extractfile(member)
        assert extracted is not None
        assert extracted.read() == committed
