"""Stub-drift check: regenerate the stub into a temporary folder and diff it with the
committed ``stubs/pyrs.pyi``. Exits 1 with a unified diff when they differ.

Usage: python tools/check_stubs.py [PROJECT_ROOT]   (default: this checkout)
Runs ``cargo run --bin stub_gen -- TMPDIR`` in PROJECT_ROOT, so the stub is regenerated
from the Rust source there; the working tree is never written.
"""

from __future__ import annotations

import difflib
import subprocess
import sys
import tempfile
from pathlib import Path

STUB = Path("stubs") / "pyrs.pyi"


def stub_diff(root: Path) -> str:
    """The unified diff from the committed stub to the regenerated one ('' when equal)."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["cargo", "run", "--quiet", "--bin", "stub_gen", "--", tmp],
            cwd=root,
            check=True,
            timeout=900,  # a cold debug build of pyo3 takes minutes on two cores
        )
        fresh = (Path(tmp) / STUB.name).read_text().splitlines(keepends=True)
    committed = (root / STUB).read_text().splitlines(keepends=True)
    return "".join(
        difflib.unified_diff(committed, fresh, f"{STUB} (committed)", f"{STUB} (from src/)")
    )


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent
    diff = stub_diff(root)
    if diff:
        sys.stdout.write(diff)
        print(f"\n{STUB} is stale: run 'make stubs' and commit it", file=sys.stderr)
        return 1
    print(f"{STUB} matches the Rust source")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
