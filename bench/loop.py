"""Time the edit loop, the kit's against compile-on-import (rustimport), in one run.

    python -m bench.loop [--repeat N] [--no-rustimport] [--no-as-shipped] [--maturin]
                                                                     (make loop-bench)

The kit: on a throwaway copy of the checkout (``kit.sandbox``, the "devloop" sandbox: its
venv, its warm target folder), ``make dev`` after a one-line change to a function body and
after adding a ``#[pyfunction]`` (a signature change), ``make dev`` and ``make build`` with
nothing to do, a switch between the debug and the release build, and the first ``make dev``
of a fresh copy (every dependency already built). Each time, from the edit: the new
extension installed (``kit.dev`` reports when; a new ``python`` imports it from then on),
the stub regenerated, and a new ``python`` running the new code after ``make dev`` returned.
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
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kit import sandbox
from kit.dev import REPORT_VARIABLE
from kit.project import Project
from tests.devloop import edits

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


class Kit:
    """A copy of the checkout building with the kit's loop."""

    def __init__(self, work: Path, name: str) -> None:
        venv = sandbox.sandbox_venv(SANDBOX)
        self.copy = sandbox.copy_checkout(work / name, venv_dir=venv)
        self.env = sandbox.sandbox_env(self.copy, SANDBOX)
        self.env.pop(self.copy.skip_variable, None)
        self.report = work / f"{name}-report.jsonl"
        self.module = self.copy.module

    def make(self, target: str) -> dict[str, float]:
        """``make <target>`` in the copy; the events kit.dev reported (time.monotonic())."""
        self.report.unlink(missing_ok=True)
        env = {**self.env, REPORT_VARIABLE: str(self.report)}
        run(["make", "--no-print-directory", target], cwd=self.copy.root, env=env)
        events: dict[str, float] = json.loads(self.report.read_text())
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
        self, row: Row, edit: Callable[[], object], target: str = "dev", code: str = ""
    ) -> None:
        started = time.monotonic()
        edit()
        events = self.make(target)
        done = time.monotonic()
        self.check(code)
        row.runs.append(time.monotonic() - started)
        row.importable.append(events["importable"] - started)
        if "stub" in events:
            row.stub.append(events["stub"] - started)
        if "built" in events:
            row.step("cargo start", events["cargo"] - started)
            row.step("crate built", events["built"] - events["cargo"])
            row.step("installed", events["importable"] - events["built"])
        if "stub" in events and "linked" in events:
            row.step("stub_gen linked", events["linked"] - events["built"])
        row.step("make dev returns", done - started)


def kit_rows(work: Path, repeat: int, old_loop: bool) -> list[Row]:
    rows: list[Row] = []
    first = Row("kit: first make dev of a fresh copy (deps built; maturin develop)")
    kits: list[Kit] = []
    for index in range(repeat):
        kits.append(Kit(work, f"kit{index}"))
        kits[-1].timed(first, lambda: None)
    rows.append(first)
    kit = kits[-1]  # the venv holds its install: the others would go through maturin again
    body = Row("kit: make dev, body edit")
    for _ in range(repeat):
        kit.timed(body, lambda: edits.toggle_body_edit(kit.copy.root))
    rows.append(body)
    noop = Row("kit: make dev, nothing changed")
    for _ in range(repeat):
        kit.timed(noop, lambda: None)
    rows.append(noop)
    signature = Row("kit: make dev, new #[pyfunction] (signature change)")
    for index in range(repeat):
        name = f"loop_added_{index}"
        kit.timed(
            signature,
            lambda name=name: edits.add_function(kit.copy.root, name),
            code=f"assert m.{name}(4, 6) == 2",
        )
        if f"def {name}(" not in kit.copy.stub.read_text():
            raise RuntimeError(f"the stub has no {name}")
    rows.append(signature)
    kit.make("build")  # the release build of these sources
    kit.make("dev")
    switch = Row("kit: make build after make dev (release already built)")
    back = Row("kit: make dev after make build (debug already built)")
    for _ in range(repeat):
        kit.timed(switch, lambda: None, target="build")
        kit.timed(back, lambda: None)
    rows += [switch, back]
    release_noop = Row("kit: make build, nothing changed")
    kit.make("build")
    for _ in range(repeat):
        kit.timed(release_noop, lambda: None, target="build")
    rows.append(release_noop)
    if old_loop:
        rows.append(old_make_dev(kit, repeat))
    return rows


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

    def __init__(self, home: Path) -> None:
        project = Project()
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

    def crate_rows(self, repeat: int, as_shipped: bool) -> list[Row]:
        """The kit's own crate, imported as a crate folder (a `.rustimport` marker)."""
        folder = self.home / "crate"
        crate = folder / self.module
        env = self.crate_env

        def fresh_copy() -> None:
            shutil.rmtree(folder, ignore_errors=True)
            sandbox.copy_checkout(crate)
            (crate / ".rustimport").write_text("")

        fresh_copy()
        self.import_time(folder, self.module, env)  # builds the dependencies once, if needed
        first = Row("rustimport, same crate: first import of a fresh copy (deps built)")
        for _ in range(repeat):
            self.timed(first, folder, self.module, fresh_copy, env=env, fresh=True)
        body = Row("rustimport, same crate: import after a body edit")
        for _ in range(repeat):
            self.timed(body, folder, self.module, lambda: edits.toggle_body_edit(crate), env=env)
        noop = Row("rustimport, same crate: import, nothing changed")
        for _ in range(repeat):
            seconds = self.import_time(folder, self.module, env)
            noop.importable.append(seconds)
            noop.runs.append(seconds)
        signature = Row("rustimport, same crate: import after a new #[pyfunction]")
        for index in range(repeat):
            name = f"loop_added_{index}"
            self.timed(
                signature,
                folder,
                self.module,
                lambda name=name: edits.add_function(crate, name),
                env=env,
                check=f"assert m.{name}(4, 6) == 2",
            )
        rows = [first, body, noop, signature]
        if as_shipped:
            shipped = Row("rustimport as shipped (build folder emptied), body edit, 1 run")
            self.timed(
                shipped, folder, self.module, lambda: edits.toggle_body_edit(crate), env=self.env
            )
            rows.append(shipped)
        return rows

    def one_file_rows(self, repeat: int) -> list[Row]:
        folder = self.home / "onefile"
        folder.mkdir(parents=True, exist_ok=True)
        source = folder / f"{ONE_FILE}.rs"
        source.write_text(ONE_FILE_SOURCE)
        self.import_time(folder, ONE_FILE, self.env)  # its template's pyo3, built once
        body = Row("rustimport, one-file module: import after a body edit")

        def toggle() -> None:
            text = source.read_text()
            old, new = edits.BODY_EDIT
            source.write_text(text.replace(old, new) if old in text else text.replace(new, old))

        for _ in range(repeat):
            self.timed(body, folder, ONE_FILE, toggle, env=self.env)
        return [body]


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
    body = by_name["kit: make dev, body edit"]
    importable, stub = statistics.median(body.importable), statistics.median(body.stub)
    print(
        f"\ngoal, warm body edit: importable <= {GOAL_IMPORTABLE} s: {importable:.2f} s "
        f"({'met' if importable <= GOAL_IMPORTABLE else 'NOT met'}); stub <= {GOAL_STUB} s: "
        f"{stub:.2f} s ({'met' if stub <= GOAL_STUB else 'NOT met'})"
    )
    other = by_name.get("rustimport, same crate: import after a body edit")
    if other is not None:
        theirs = statistics.median(other.runs)
        ours = statistics.median(body.runs)
        word = "not slower" if ours <= theirs else "SLOWER"
        print(
            f"edit -> new code runs, same crate: kit {ours:.2f} s (stub included) vs rustimport "
            f"{theirs:.2f} s (no stub): the kit is {word}"
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
    rows: list[Row] = []
    with sandbox.lock(SANDBOX), tempfile.TemporaryDirectory(prefix="kit-loop-") as tmp:
        rows += kit_rows(Path(tmp), args.repeat, args.maturin)
    if not args.no_rustimport:
        # Outside the checkout: rustimport takes the nearest folder above a crate that holds
        # a Cargo.toml for its workspace, and would copy the whole checkout, target included.
        key = hashlib.sha256(str(project.root).encode()).hexdigest()[:10]
        rustimport = RustImport(Path(tempfile.gettempdir()) / f"kit-loop-rustimport-{key}")
        rows += rustimport.crate_rows(args.repeat, as_shipped=not args.no_as_shipped)
        rows += rustimport.one_file_rows(args.repeat)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average {load:.1f} at the end; median of {args.repeat} runs, seconds")
    print_table(rows)
    verdict(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
