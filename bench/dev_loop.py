"""Time the edit loop: change Rust, until Python can import it and the editor's stub follows.

Usage: ``python bench/dev_loop.py [--cold] [--repeat N] [--no-rustimport]`` (``make loop-bench``).

Works on a temporary copy of the repo (``tools/dev_loop_env.py``), never the working tree,
with a dedicated venv (``target/dev-loop-venv``) and target folder (``target/dev-loop``, or
an emptied ``target/dev-loop-cold`` with ``--cold``). Measures, in seconds:

- the first ``make dev`` in a fresh copy (pyo3 and the other dependencies already built,
  unless ``--cold``);
- a one-line change to a function body (results unchanged), then ``make dev``;
- a new ``#[pyfunction]`` (signature change), then ``make dev``;
- the body edit again with ``maturin develop --uv`` (uv installs the wheel instead of pip);

each split into "edit -> stub regenerated" (``make dev`` regenerates the stub first) and
"edit -> importable" (the whole ``make dev``), plus what each step costs. Each build is then
checked: it imports with no stale-build warning and the stub names the new function. For
comparison, rustimport compiles a one-file PyO3 module on import: first import in an empty
cache, then the import after a one-line edit, in the same run on the same machine.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

try:
    import dev_loop_env
except ModuleNotFoundError:  # tools/ is not on the path (no .pth in this venv)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
    import dev_loop_env

from dev_loop_env import DevTimes

GOAL_SECONDS = 10.0
RUSTIMPORT_MODULE = "pyrs_rustimport_gcd"
RUSTIMPORT_SOURCE = """\
// rustimport:pyo3

use pyo3::prelude::*;

/// gcd of two machine words (the same binary gcd as pyrs' core).
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


@dataclass(frozen=True)
class Row:
    what: str
    stubs: float | None  # edit -> stub regenerated
    importable: float  # edit -> the new code imports
    steps: str  # where the time went


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def installed_extension(copy: Path, env: dict[str, str]) -> Path:
    proc = dev_loop_env.python_in(copy, env, "import pyrs.pyrs as m; print(m.__file__)")
    if proc.returncode != 0:
        raise RuntimeError(f"pyrs does not import:\n{proc.stderr}")
    return Path(proc.stdout.strip())


def check_current(copy: Path, env: dict[str, str], expect_function: str | None = None) -> None:
    """The build imports with no stale-build warning (an error here) and works; the new
    function, if any, is callable and in the regenerated stub."""
    code = "import pyrs; assert pyrs.gcd(12, 18) == 6"
    if expect_function:
        code += f"; assert pyrs.{expect_function}(4, 6) == 12"
    proc = dev_loop_env.python_in(copy, env, code, "error::RuntimeWarning")
    if proc.returncode != 0:
        raise RuntimeError(f"the new build is not what is imported:\n{proc.stderr}")
    if expect_function and f"def {expect_function}(" not in (copy / "stubs/pyrs.pyi").read_text():
        raise RuntimeError(f"stubs/pyrs.pyi has no {expect_function}")


def steps(times: DevTimes) -> str:
    compile_part = ""
    if times.develop_compile is not None:
        rest = times.develop - times.develop_compile
        compile_part = f" (cargo {times.develop_compile:.1f} + wheel/install {rest:.1f})"
    return (
        f"stub_gen build {times.stub_build:.1f} + run {times.stub_run:.1f}, "
        f"maturin develop {times.develop:.1f}{compile_part}"
    )


def row(what: str, times: DevTimes) -> Row:
    return Row(what, times.stubs_ready, times.total, steps(times))


def measure_pyrs(copy: Path, env: dict[str, str], repeat: int, cold: bool, uv: bool) -> list[Row]:
    rows: list[Row] = []
    first = dev_loop_env.run_dev(copy, env)
    check_current(copy, env)
    label = "cold: empty target folder" if cold else "first build of a fresh copy (deps built)"
    rows.append(row(f"pyrs, pip install, {label}", first))
    body: list[DevTimes] = []
    for _ in range(repeat):
        before = sha256(installed_extension(copy, env))
        dev_loop_env.toggle_body_edit(copy)
        times = dev_loop_env.run_dev(copy, env)
        check_current(copy, env)
        if sha256(installed_extension(copy, env)) == before:
            raise RuntimeError("the body edit did not change the installed extension")
        body.append(times)
    for index, times in enumerate(body):
        rows.append(row(f"pyrs, pip install, body edit #{index + 1} (warm)", times))
    if len(body) > 1:
        rows.append(
            Row(
                "pyrs, pip install, body edit, median",
                statistics.median(t.stubs_ready for t in body),
                statistics.median(t.total for t in body),
                "",
            )
        )
    if uv:
        dev_loop_env.toggle_body_edit(copy)
        times = dev_loop_env.run_dev(copy, env, develop_options=["--uv"])
        check_current(copy, env)
        rows.append(row("pyrs make dev (uv install), body edit (warm)", times))
    dev_loop_env.add_function(copy, "lcm")
    times = dev_loop_env.run_dev(copy, env)
    check_current(copy, env, "lcm")
    rows.append(row("pyrs, pip install, new #[pyfunction] (warm)", times))
    return rows


def rustimport_import(folder: Path, env: dict[str, str]) -> float:
    """Seconds for a fresh interpreter to import (building if needed) and call the module."""
    code = f"import rustimport.import_hook, {RUSTIMPORT_MODULE} as m; assert m.gcd(12, 18) == 6"
    started = time.perf_counter()
    dev_loop_env.run(
        [env["PYO3_PYTHON"], "-c", code],
        cwd=folder,
        env=env,
        timeout=dev_loop_env.BUILD_TIMEOUT,
    )
    return time.perf_counter() - started


def measure_rustimport(work: Path, env: dict[str, str]) -> list[Row]:
    folder = work / "rustimport"
    folder.mkdir()
    source = folder / f"{RUSTIMPORT_MODULE}.rs"
    source.write_text(RUSTIMPORT_SOURCE)
    ri_env = dict(env)
    ri_env.pop("CARGO_TARGET_DIR", None)  # its own build folder, as a user would have
    ri_env["RUSTIMPORT_CACHE_DIR"] = str(work / "rustimport-cache")  # empty: a first import
    cold = rustimport_import(folder, ri_env)
    unchanged = rustimport_import(folder, ri_env)
    built = next(folder.glob(f"{RUSTIMPORT_MODULE}*.so"))
    before = sha256(built)
    dev_loop_env.replace_once(source, "        return a | b;\n", "        return a ^ b;\n")
    warm = rustimport_import(folder, ri_env)
    if sha256(next(folder.glob(f"{RUSTIMPORT_MODULE}*.so"))) == before:
        raise RuntimeError("rustimport did not rebuild after the edit")
    return [
        Row("rustimport, first import (empty cache, builds pyo3)", None, cold, ""),
        Row("rustimport, import with nothing changed", None, unchanged, "checksum only"),
        Row("rustimport, import after a body edit (warm)", None, warm, ""),
    ]


def print_table(rows: list[Row]) -> None:
    def cell(value: float | None) -> str:
        return "-" if value is None else f"{value:.1f}"

    width = max(len(r.what) for r in rows)
    print(f"{'scenario':<{width}}  edit->stub  edit->import  where the time goes")
    print(f"{'-' * width}  ----------  ------------  ------------------")
    for r in rows:
        print(f"{r.what:<{width}}  {cell(r.stubs):>10}  {cell(r.importable):>12}  {r.steps}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dev_loop.py", description=__doc__)
    parser.add_argument("--cold", action="store_true", help="start from an empty target folder")
    parser.add_argument("--repeat", type=int, default=3, help="body edits to time (default 3)")
    parser.add_argument("--no-rustimport", action="store_true", help="skip the comparison")
    parser.add_argument("--no-uv", action="store_true", help="skip the maturin --uv variant")
    args = parser.parse_args(argv)
    target = dev_loop_env.LOOP_TARGET
    if args.cold:
        target = dev_loop_env.REPO / "target" / "dev-loop-cold"
        shutil.rmtree(target, ignore_errors=True)
    cold = not (target / "dev-ext").exists()  # the first run ever is cold too
    extra = [] if args.no_rustimport else [dev_loop_env.RUSTIMPORT]
    extra += [] if args.no_uv else [dev_loop_env.UV]
    with dev_loop_env.dev_loop_lock(), tempfile.TemporaryDirectory(prefix="pyrs-loop-") as tmp:
        work = Path(tmp)
        dev_loop_env.ensure_venv(extra=extra)
        copy = dev_loop_env.copy_repo(work / "pyrs")
        env = dev_loop_env.dev_env(copy, target=target)
        cargo = subprocess.run(
            ["cargo", "--version"], capture_output=True, text=True, timeout=60, check=True
        )
        print(f"dev loop on {copy} ({cargo.stdout.strip()}), target {target}", flush=True)
        rows = measure_pyrs(copy, env, args.repeat, cold, not args.no_uv)
        if not args.no_rustimport:
            rows += measure_rustimport(work, env)
    if args.cold:
        shutil.rmtree(target, ignore_errors=True)  # a debug build of every dependency
    print_table(rows)
    warm = [r.importable for r in rows if "body edit #" in r.what]
    rust_warm = [r.importable for r in rows if r.what.startswith("rustimport, import after")]
    verdict = max(warm) < GOAL_SECONDS
    print(
        f"\ngoal: warm one-line change importable in < {GOAL_SECONDS:.0f} s: "
        f"{'met' if verdict else 'NOT met'} (worst {max(warm):.1f} s)"
    )
    if rust_warm:
        print(
            f"rustimport after the same kind of edit: {rust_warm[0]:.1f} s "
            f"({'pyrs is not slower' if max(warm) <= rust_warm[0] else 'pyrs is slower'})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
