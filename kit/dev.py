"""Build the extension into ``.venv`` and regenerate the stub: the edit loop.

python -m kit.dev              debug build + stub (make dev, VS Code's build task)
python -m kit.dev --release    release build, stub left as it is (make build)
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Sequence

from kit import stubs
from kit.project import Project

BUILD_TIMEOUT = 1800.0  # seconds: a cold build of pyo3 and dashu on two busy cores
# The debug profile of the extension (Cargo.toml): its own target subfolder, so maturin's
# build and `cargo test` do not rebuild each other's pyo3.
DEV_PROFILE = "dev-ext"


def develop(project: Project, *, release: bool) -> None:
    """``maturin develop`` into .venv."""
    profile = ["--release"] if release else ["--profile", DEV_PROFILE]
    subprocess.run(
        [project.tool("maturin"), "develop", "--uv", "--quiet", *profile],
        cwd=project.root,
        env=project.env(),
        check=True,
        timeout=BUILD_TIMEOUT,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kit.dev", description=__doc__)
    parser.add_argument("--release", action="store_true", help="optimised build, no stubs")
    args = parser.parse_args(argv)
    project = Project()
    if not args.release:
        stubs.generate(project)
    develop(project, release=args.release)
    return 0


if __name__ == "__main__":
    sys.exit(main())
