"""The generated stub: write it, or check that the committed one is what the Rust generates.

    python -m kit.stubs            regenerate stubs/<module>.pyi (make stubs)
    python -m kit.stubs --check    fail with a unified diff if it is stale (make stubs-check)

Both run ``cargo run --bin stub_gen`` (pyo3-stub-gen, ``src/bin/stub_gen.rs``); the check
writes into a temporary folder, so the working tree is never touched.
"""

from __future__ import annotations

import argparse
import difflib
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from kit.project import Project

BUILD_TIMEOUT = 900.0  # seconds: a cold debug build of pyo3 takes minutes on two cores


def generate(project: Project, out_dir: Path | None = None) -> Path:
    """Run stub_gen, writing into ``out_dir`` (default: ``stubs/``); the stub written."""
    command = ["cargo", "run", "--quiet", "--bin", "stub_gen"]
    if out_dir is not None:
        command += ["--", str(out_dir)]
    subprocess.run(command, cwd=project.root, env=project.env(), check=True, timeout=BUILD_TIMEOUT)
    return (out_dir or project.stubs) / project.stub.name


def diff(project: Project) -> str:
    """The unified diff from the committed stub to the regenerated one ('' when equal)."""
    relative = project.stub.relative_to(project.root).as_posix()
    with tempfile.TemporaryDirectory() as tmp:
        fresh = generate(project, Path(tmp)).read_text().splitlines(keepends=True)
    committed = project.stub.read_text().splitlines(keepends=True)
    return "".join(
        difflib.unified_diff(committed, fresh, f"{relative} (committed)", f"{relative} (from src/)")
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kit.stubs", description=__doc__)
    parser.add_argument("--check", action="store_true", help="diff instead of writing")
    parser.add_argument("--root", type=Path, help="another checkout of the kit")
    parser.add_argument("--venv", type=Path, help="build with this venv (default: .venv)")
    args = parser.parse_args(argv)
    root = args.root.resolve() if args.root else Project().root
    project = Project(root, venv_dir=args.venv.absolute() if args.venv else None)
    relative = project.stub.relative_to(project.root).as_posix()
    if not args.check:
        generate(project)
        print(f"wrote {relative}")
        return 0
    found = diff(project)
    if found:
        sys.stdout.write(found)
        print(f"\n{relative} is stale: run 'make stubs' and commit it", file=sys.stderr)
        return 1
    print(f"{relative} matches the Rust source")
    return 0


if __name__ == "__main__":
    sys.exit(main())
