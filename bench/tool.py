"""How fast the ``pyrs`` command is, on this repository and on generated projects.

    python -m bench.tool [--repeat N]

- ``pyrs --version``: the cost of starting the command (goal: at most 10 ms);
- ``pyrs dev`` after a one-line body edit, to importable and to done (stub current), on the
  demo and on projects made by ``maturin new --mixed`` and ``uv init --lib`` (goal: at most
  1 s on those, no slower than the old Python tooling's 0.69 s on the demo);
- ``pyrs doctor`` on the demo, with the checkers' answers cached (the usual case: nothing
  they read changed) and without (the cache removed before each run).

Medians of ``--repeat`` runs, seconds, measured in this one process; the machine is shared,
so compare within a run.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from tests.devloop import edits
from tests.tool.layouts import LAYOUTS
from tests.tool.tooling import PYRS, REPO, SHARED, environment

SUMMARY = re.compile(r"^pyrs dev: .* in (?P<importable>[\d.]+) s;")


def timed(command: Sequence[str | Path], cwd: Path) -> tuple[float, str]:
    started = time.perf_counter()
    proc = subprocess.run(
        [str(c) for c in command],
        cwd=cwd,
        env=environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"{command} failed:\n{proc.stdout}\n{proc.stderr}")
    return elapsed, proc.stdout


def median(samples: list[float]) -> str:
    return f"{statistics.median(samples):.3f}"


def body_edit(lib_rs: Path) -> Callable[[int], None]:
    """A one-line edit of the user function's body: a new constant each time."""
    original = lib_rs.read_text()

    def edit(run: int) -> None:
        lib_rs.write_text(original.replace(".count()\n", f".count() + {run}\n", 1))

    return edit


def dev_loop(root: Path, edit: Callable[[int], None], repeat: int) -> tuple[str, str]:
    importable: list[float] = []
    done: list[float] = []
    for run in range(1, repeat + 1):
        edit(run)
        elapsed, out = timed([PYRS, "dev"], root)
        found = next(m for m in map(SUMMARY.match, out.splitlines()) if m)
        importable.append(float(found["importable"]))
        done.append(elapsed)
    return median(importable), median(done)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.tool", description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    rows: list[tuple[str, str, str]] = []

    version = [timed([PYRS, "--version"], REPO)[0] for _ in range(3 * args.repeat)]
    true = [timed(["true"], REPO)[0] for _ in range(3 * args.repeat)]
    rows.append(("pyrs --version (a bare `true`: " + median(true) + ")", median(version), "-"))

    with tempfile.TemporaryDirectory(prefix="pyrs-bench-") as tmp:
        for name in ("maturin-new-mixed", "uv-init-lib"):
            layout = next(layout for layout in LAYOUTS if layout.name == name)
            parent = Path(tmp) / name
            parent.mkdir()
            root = layout.create(parent)
            (root / ".venv").symlink_to(SHARED / "venv")
            timed([PYRS, "dev"], root)  # the first build: maturin develop
            edit = body_edit(root / "src" / "lib.rs")
            rows.append((f"pyrs dev, body edit, {name}", *dev_loop(root, edit, args.repeat)))

    demo_lib = REPO / "src" / "gcd.rs"
    original = demo_lib.read_text()
    try:
        timed([PYRS, "dev"], REPO)
        demo = dev_loop(REPO, lambda _: edits.toggle_body_edit(REPO), args.repeat)
        rows.append(("pyrs dev, one-line body edit, the demo", *demo))
    finally:
        demo_lib.write_text(original)
        timed([PYRS, "dev"], REPO)

    cached = [timed([PYRS, "doctor"], REPO)[0] for _ in range(args.repeat)]
    cold = [timed([PYRS, "doctor", "--fresh"], REPO)[0] for _ in range(args.repeat)]
    rows.append(("pyrs doctor, the demo, checkers' answers cached", median(cached), "-"))
    rows.append(("pyrs doctor, the demo, every checker probed", median(cold), "-"))

    width = max(len(row[0]) for row in rows)
    print(f"median of {args.repeat} runs (--version: {3 * args.repeat}), seconds\n")
    print(f"| {'what':<{width}} | importable / time | done |")
    print(f"| {'-' * width} | ---: | ---: |")
    for what, first, second in rows:
        print(f"| {what:<{width}} | {first} | {second} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
