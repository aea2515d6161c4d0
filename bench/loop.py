"""Time the edit loop, ``pyrs dev``'s against compile-on-import (rustimport), in one run.

    python -m bench.loop [--repeat N] [--no-rustimport] [--no-as-shipped] [--maturin]
                                                                     (make loop-bench)

pyrs: on a throwaway copy of the checkout (``tests/support/sandbox.py``, the "devloop"
sandbox: its venv, its warm target folder), ``pyrs dev`` after a one-line change to a function
body and after adding a ``#[pyfunction]`` (a signature change), ``pyrs dev`` and ``pyrs dev
--release`` with nothing to do, a switch between the debug and the release build, and the
first ``pyrs dev`` of a fresh copy (every dependency already built). Each time, from the
edit: the new extension installed (pyrs's summary says when; a new ``python`` imports it from
then on), the stub regenerated, and a new ``python`` running the new code after pyrs returned.
``--maturin`` adds the loop as it was before (``cargo run --bin stub_gen`` then
``maturin develop --uv``) for the same body edit.

rustimport (``import rustimport.import_hook`` then ``import <module>``, which builds when the
sources changed), on THE SAME CRATE (a copy of the checkout with a ``.rustimport`` marker)
and on a one-file PyO3 module: the same edits, timed to the end of the importing ``python``.
It writes no stub. Its crate copies and cache live at fixed paths in the temporary folder
(rustimport keys its cache by the crate's path), so its dependencies stay built between runs
like the kit's: its "first import" is a fresh copy at that path, deps built. See
``RustImport`` for the build folder its crate rows set, and the one run timed without it.

Every number is the median of ``--repeat`` runs (seconds); each run is checked: the new code
imports with no stale-build warning (the kit), the extension changed (rustimport).
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tests.devloop import edits
from tests.support import sandbox
from tests.support.project import Project
from tests.tool.tooling import PYRS

SANDBOX = "devloop"
TIMEOUT = 1800.0  # seconds: a cold build of every dependency on two busy cores
GOAL_IMPORTABLE, GOAL_STUB = 1.2, 1.5  # seconds, warm body edit (issue 13)
ONE_FILE = "loop_onefile"
ONE_FILE_SOURCE = """\
// rustimport:pyo3

use pyo3::prelude::*;

/// gcd of two machine words (the binary gcd of the kit's core).
#[pyfunction]
fn gcd(a: u64, b: u64) -> u64 {
    if a == 0 || b == 0 {
        return a | b;
    }
    let shift = (a | b).trailing_zeros();
    let mut u = a >> a.trailing_zeros();
    let mut v = b >> b.trailing_zeros();
    while u != v {
        let diff = u.abs_diff(v);
        u = u.min(v);
        v = diff >> diff.trailing_zeros();
    }
    u << shift
}
"""


@dataclass
class Row:
    """One scenario: a sample per repetition of each measure (seconds from the edit)."""

    what: str
    importable: list[float] = field(default_factory=list[float])
    stub: list[float] = field(default_factory=list[float])
    runs: list[float] = field(default_factory=list[float])  # a new python ran the new code
    steps: dict[str, list[float]] = field(default_factory=dict[str, list[float]])

    def step(self, name: str, seconds: float) -> None:
        self.steps.setdefault(name, []).append(seconds)


def median(samples: list[float]) -> str:
    return f"{statistics.median(samples):.2f}" if samples else "-"


def run(
    command: Sequence[str | Path], *, cwd: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{command} failed in {cwd}:\n{proc.stdout}\n{proc.stderr}")
    return proc


# pyrs dev's summary: when the extension was importable, and when the run was done (seconds
# from the start of pyrs; "all done" is printed only when it differs).
SUMMARY = re.compile(
    r"^pyrs dev: .* in (?P<importable>[\d.]+) s;.*?(all done in (?P<done>[\d.]+) s)?\)?$"
)


class Kit:
    """A copy of the checkout building with ``pyrs dev`` (the tool this repository ships)."""

    def __init__(self, work: Path, name: str) -> None:
        venv = sandbox.sandbox_venv(SANDBOX)
        self.copy = sandbox.copy_checkout(work / name, venv_dir=venv)
        self.env = sandbox.sandbox_env(self.copy, SANDBOX)
        self.env.pop(self.copy.skip_variable, None)
        self.module = self.copy.module

    def make(self, target: str) -> dict[str, float]:
        """``pyrs dev`` (target "dev") or ``pyrs dev --release`` ("build") in the copy; when
        the extension was importable and when pyrs was done (time.monotonic())."""
        release = ["--release"] if target == "build" else []
        command: list[str | Path] = [PYRS, "--python", self.env["PYO3_PYTHON"], "dev", *release]
        started = time.monotonic()
        proc = run(command, cwd=self.copy.root, env=self.env)
        returned = time.monotonic()
        line = next(line for line in proc.stdout.splitlines() if SUMMARY.match(line))
        found = SUMMARY.match(line)
        assert found is not None
        importable = started + float(found["importable"])
        done = started + float(found["done"]) if found["done"] else importable
        events = {"importable": importable, "returned": returned}
        if target == "dev":
            events["stub"] = done
        return events

    def check(self, code: str = "") -> None:
        """A new python imports the build with no stale-build warning (an error here)."""
        python = self.env["PYO3_PYTHON"]
        run(
            [python, "-W", "error::RuntimeWarning", "-c", f"import {self.module} as m\n{code}"],
            cwd=self.copy.root,
            env=self.env,
        )

    def timed(
        self,
        row: Row,
        edit: Callable[[], object] | None,
        target: str = "dev",
        code: str = "",
    ) -> None:
        """Time ``edit`` (None: nothing changed) then ``pyrs dev``, then check."""
        started = time.monotonic()
        if edit is not None:
            edit()
        events = self.make(target)
        self.check(code)
        row.runs.append(time.monotonic() - started)
        row.importable.append(events["importable"] - started)
        if "stub" in events:
            row.stub.append(events["stub"] - started)
        row.step("pyrs dev returns", events["returned"] - started)


def old_make_dev(kit: Kit, repeat: int) -> Row:
    """The loop before the fast path: stub_gen then maturin develop --uv, in sequence."""
    row = Row("before: stub_gen + maturin develop --uv, body edit")
    root, env = kit.copy.root, kit.env
    maturin = str(Project(root, venv_dir=Path(env["VIRTUAL_ENV"])).tool("maturin"))
    for _ in range(repeat):
        started = time.monotonic()
        edits.toggle_body_edit(root)
        run(["cargo", "run", "--quiet", "--bin", "stub_gen"], cwd=root, env=env)
        row.stub.append(time.monotonic() - started)
        run([maturin, "develop", "--uv", "--quiet", "--profile", "dev-ext"], cwd=root, env=env)
        row.importable.append(time.monotonic() - started)
        kit.check()
        row.runs.append(time.monotonic() - started)
    return row


class RustImport:
    """Compile-on-import with rustimport, from the project's .venv (requirements/bench.txt).

    On a crate folder, rustimport 1.7.1 copies the crate into its cache and then deletes
    every file there that the copy did not write, cargo's build folder included: each
    rebuild starts from nothing (pyo3, dashu, ...). Its crate rows therefore set
    CARGO_TARGET_DIR, a persistent build folder of their own (the way a user would work
    around it); one body edit is also timed as shipped."""

    def __init__(self, home: Path, *, as_shipped: bool) -> None:
        project = Project()
        self.as_shipped_too = as_shipped
        self.python = str(project.python)
        self.env = project.env(RUSTIMPORT_CACHE_DIR=str(home / "cache"))
        self.env.pop("CARGO_TARGET_DIR", None)  # rustimport builds in its cache, as shipped
        self.crate_env = {**self.env, "CARGO_TARGET_DIR": str(home / "crate-target")}
        self.home = home
        self.module = project.module

    def import_time(self, folder: Path, module: str, env: dict[str, str], check: str = "") -> float:
        code = f"import rustimport.import_hook\nimport {module} as m\n{check}"
        started = time.monotonic()
        run([self.python, "-c", code], cwd=folder, env=env)
        return time.monotonic() - started

    def built(self, folder: Path, module: str) -> bytes:
        (extension,) = folder.glob(f"{module}.*.so")
        return extension.read_bytes()

    def timed(
        self,
        row: Row,
        folder: Path,
        module: str,
        edit: Callable[[], object],
        *,
        env: dict[str, str],
        fresh: bool = False,
        check: str = "",
    ) -> None:
        """Time ``edit`` then the import; unless the edit made a ``fresh`` copy (the same
        sources, maybe the same bytes), check that the extension changed."""
        before = b"" if fresh else self.built(folder, module)
        started = time.monotonic()
        edit()
        seconds = self.import_time(folder, module, env, check)
        elapsed = time.monotonic() - started
        if not fresh and self.built(folder, module) == before:
            raise RuntimeError(f"rustimport did not rebuild {module} after the edit")
        row.importable.append(seconds)
        row.runs.append(elapsed)

    @property
    def crate_folder(self) -> Path:
        return self.home / "crate"

    @property
    def crate(self) -> Path:
        return self.crate_folder / self.module

    @property
    def one_file(self) -> Path:
        return self.home / "onefile" / f"{ONE_FILE}.rs"

    def fresh_copy(self) -> None:
        """The kit's own crate, as a crate folder rustimport imports (a `.rustimport`
        marker), at the same path as before."""
        shutil.rmtree(self.crate_folder, ignore_errors=True)
        sandbox.copy_checkout(self.crate)
        (self.crate / ".rustimport").write_text("")

    def set_up(self) -> None:
        """Both modules in place and built once (dependencies included, when not yet)."""
        self.fresh_copy()
        self.import_time(self.crate_folder, self.module, self.crate_env)
        self.one_file.parent.mkdir(parents=True, exist_ok=True)
        self.one_file.write_text(ONE_FILE_SOURCE)
        self.import_time(self.one_file.parent, ONE_FILE, self.env)

    def first(self, row: Row) -> None:
        self.timed(
            row, self.crate_folder, self.module, self.fresh_copy, env=self.crate_env, fresh=True
        )

    def body_edit(self, row: Row, *, as_shipped: bool = False) -> None:
        """A body edit in the crate; ``as_shipped``: without CARGO_TARGET_DIR, in rustimport's
        own build folder."""
        crate = self.crate
        self.timed(
            row,
            self.crate_folder,
            self.module,
            lambda: edits.toggle_body_edit(crate),
            env=self.env if as_shipped else self.crate_env,
        )

    def nothing_changed(self, row: Row) -> None:
        seconds = self.import_time(self.crate_folder, self.module, self.crate_env)
        row.importable.append(seconds)
        row.runs.append(seconds)

    def new_function(self, row: Row, name: str) -> None:
        crate = self.crate
        self.timed(
            row,
            self.crate_folder,
            self.module,
            functools.partial(edits.add_function, crate, name),
            env=self.crate_env,
            check=f"assert m.{name}(4, 6) == 2",
        )

    def one_file_body_edit(self, row: Row) -> None:
        source = self.one_file
        self.timed(
            row, source.parent, ONE_FILE, lambda: edits.toggle_body_edit_in(source), env=self.env
        )


def measure(work: Path, repeat: int, rustimport: RustImport | None, old_loop: bool) -> list[Row]:
    """Every scenario, the kit's run and rustimport's alternating within each round, so that
    both see the same load on a shared machine."""
    kit_first = Row("pyrs: first pyrs dev of a fresh copy (deps built; maturin develop)")
    kit_body = Row("pyrs dev, body edit")
    kit_noop = Row("pyrs dev, nothing changed")
    kit_new = Row("pyrs dev, new #[pyfunction] (signature change)")
    to_release = Row("pyrs dev --release after pyrs dev (release already built)")
    to_debug = Row("pyrs dev after pyrs dev --release (debug already built)")
    release_noop = Row("pyrs dev --release, nothing changed")
    ri_first = Row("rustimport, same crate: first import of a fresh copy (deps built)")
    ri_body = Row("rustimport, same crate: import after a body edit")
    ri_noop = Row("rustimport, same crate: import, nothing changed")
    ri_new = Row("rustimport, same crate: import after a new #[pyfunction]")
    ri_shipped = Row("rustimport as shipped (build folder emptied), body edit, 1 run")
    ri_one = Row("rustimport, one-file module: import after a body edit")
    if rustimport is not None:
        rustimport.set_up()
    kits: list[Kit] = []
    for index in range(repeat):
        kits.append(Kit(work, f"kit{index}"))
        kits[-1].timed(kit_first, lambda: None)  # a new checkout
        if rustimport is not None:
            rustimport.first(ri_first)
    kit = kits[-1]  # the venv holds its install: the others would go through maturin again
    for _ in range(repeat):
        kit.timed(kit_body, lambda: edits.toggle_body_edit(kit.copy.root))
        if rustimport is not None:
            rustimport.body_edit(ri_body)
            rustimport.one_file_body_edit(ri_one)
    for _ in range(repeat):
        kit.timed(kit_noop, None)
        if rustimport is not None:
            rustimport.nothing_changed(ri_noop)
    for index in range(repeat):
        name = f"loop_added_{index}"
        code = f"assert m.{name}(4, 6) == 2"
        kit.timed(kit_new, functools.partial(edits.add_function, kit.copy.root, name), code=code)
        if f"def {name}(" not in kit.copy.stub.read_text():
            raise RuntimeError(f"the stub has no {name}")
        if rustimport is not None:
            rustimport.new_function(ri_new, name)
    kit.make("build")  # the release build of these sources
    kit.make("dev")
    for _ in range(repeat):
        kit.timed(to_release, None, target="build")
        kit.timed(to_debug, None)
    kit.make("build")
    for _ in range(repeat):
        kit.timed(release_noop, None, target="build")
    rows = [kit_first, kit_body, kit_noop, kit_new, to_release, to_debug, release_noop]
    if old_loop:
        rows.append(old_make_dev(kits[0], repeat))  # last: maturin by hand voids the receipt
    if rustimport is not None:
        rows += [ri_first, ri_body, ri_noop, ri_new, ri_one]
        if rustimport.as_shipped_too:
            rustimport.body_edit(ri_shipped, as_shipped=True)
            rows.append(ri_shipped)
    return rows


def print_table(rows: list[Row]) -> None:
    width = max(len(row.what) for row in rows)
    print(
        f"\n| {'scenario':<{width}} | edit -> importable | edit -> stub | edit -> new code runs |"
    )
    print(f"| {'-' * width} | ---: | ---: | ---: |")
    for row in rows:
        stub = median(row.stub) if row.stub else ("never" if "rustimport" in row.what else "-")
        print(f"| {row.what:<{width}} | {median(row.importable)} | {stub} | {median(row.runs)} |")
    print("\nwhere the kit's time goes (medians, s):")
    for row in rows:
        if row.steps:
            parts = ", ".join(f"{name} {median(v)}" for name, v in row.steps.items())
            print(f"  {row.what}: {parts}")


def verdict(rows: list[Row]) -> None:
    by_name = {row.what: row for row in rows}
    body = by_name["pyrs dev, body edit"]
    importable = statistics.median(body.importable)
    stub = statistics.median(body.stub) if body.stub else float("nan")
    print(
        f"\ngoal, warm body edit: importable <= {GOAL_IMPORTABLE} s: {importable:.2f} s "
        f"({'met' if importable <= GOAL_IMPORTABLE else 'NOT met'}); stub <= {GOAL_STUB} s: "
        f"{stub:.2f} s ({'met' if stub <= GOAL_STUB else 'NOT met'})"
    )
    other = by_name.get("rustimport, same crate: import after a body edit")
    if other is not None and other.runs:
        theirs = statistics.median(other.runs)
        for what, ours in (
            ("importable", importable),
            ("stub regenerated too", stub),
            ("make dev returned, a new python ran the new code", statistics.median(body.runs)),
        ):
            word = "not slower" if ours <= theirs else "SLOWER"
            print(
                f"same crate, body edit: kit {what} {ours:.2f} s, rustimport {theirs:.2f} s: {word}"
            )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.loop", description=__doc__)
    parser.add_argument("--repeat", type=int, default=5, help="runs per scenario (default 5)")
    parser.add_argument("--no-rustimport", action="store_true", help="the kit's loop only")
    parser.add_argument("--maturin", action="store_true", help="add the loop before (slow)")
    parser.add_argument(
        "--no-as-shipped", action="store_true", help="skip rustimport's full rebuild (~1 min)"
    )
    args = parser.parse_args(argv)
    project = Project()
    cargo = run(["cargo", "--version"], cwd=project.root, env=project.env()).stdout.strip()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{cargo}; {os.cpu_count()} cores; load average {load:.1f} at the start", flush=True)
    rustimport: RustImport | None = None
    if not args.no_rustimport:
        # Outside the checkout: rustimport takes the nearest folder above a crate that holds
        # a Cargo.toml for its workspace, and would copy the whole checkout, target included.
        key = hashlib.sha256(str(project.root).encode()).hexdigest()[:10]
        home = Path(tempfile.gettempdir()) / f"kit-loop-rustimport-{key}"
        rustimport = RustImport(home, as_shipped=not args.no_as_shipped)
    with sandbox.lock(SANDBOX), tempfile.TemporaryDirectory(prefix="kit-loop-") as tmp:
        rows = measure(Path(tmp), args.repeat, rustimport, args.maturin)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average {load:.1f} at the end; median of {args.repeat} runs, seconds")
    print_table(rows)
    verdict(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
