"""Lint, or format, everything: both Rust crates and all the Python.

    python -m kit.lint          check: rustfmt, clippy -D warnings, ruff check, ruff format
    python -m kit.lint --fix    format and fix what the tools can (make fmt)

One list of what is checked serves both, so ``make fmt`` formats everything ``make lint``
checks. Every command runs even when an earlier one fails; the exit code says whether all
passed, and the failures are listed at the end.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Sequence

from kit.project import Project

# The crate and the fuzz crate (its own workspace: it builds the core without pyo3).
MANIFESTS = ("Cargo.toml", "fuzz/Cargo.toml")


def commands(fix: bool) -> list[list[str]]:
    found: list[list[str]] = []
    for manifest in MANIFESTS:
        where = ["--manifest-path", manifest]
        found.append(["cargo", "fmt", *where, "--all", *([] if fix else ["--check"])])
        if not fix:
            clippy = ["cargo", "clippy", "--quiet", *where, "--all-targets"]
            found.append([*clippy, "--", "-D", "warnings"])
    if fix:
        found += [["ruff", "check", "--fix", "."], ["ruff", "format", "."]]
    else:
        found += [["ruff", "check", "."], ["ruff", "format", "--check", "."]]
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kit.lint", description=__doc__)
    parser.add_argument("--fix", action="store_true", help="format and fix instead of checking")
    args = parser.parse_args(argv)
    project = Project()
    failed: list[str] = []
    for command in commands(args.fix):
        print("$", " ".join(command), flush=True)
        proc = subprocess.run(command, cwd=project.root, env=project.env(), check=False)
        if proc.returncode != 0:
            failed.append(" ".join(command))
    for failure in failed:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
