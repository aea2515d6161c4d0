"""The edit loop end to end, on a throwaway copy of the repo: add a Rust function the way the
README says, run ``make dev`` (step by step, ``tools/dev_loop_env.py``), and the function is
importable, callable and typed by pyright from the regenerated stub; edit without rebuilding
and ``import pyrs`` warns that the build is stale (and ``pyrs_doctor`` says so); the watcher
rebuilds when, and only when, a watched file changes.

The copy builds into ``target/dev-loop`` with the dedicated venv ``target/dev-loop-venv`` (so
the repo's ``.venv`` is never touched, and only the ``pyrs`` crate is recompiled).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

try:
    import dev_loop_env
except ModuleNotFoundError:  # tools/ is not on the path (no .pth in this venv)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
    import dev_loop_env

REPO = Path(__file__).resolve().parent.parent
NEW = "lcm"
NEW_SIGNATURE = f'Type of "pyrs.{NEW}" is "(a: int, b: int) -> int"'


class Loop:
    """The copy after adding ``lcm`` and running ``make dev`` in it."""

    def __init__(self, copy: Path, env: dict[str, str], doc: str) -> None:
        self.copy, self.env, self.doc = copy, env, doc

    def python(self, code: str, *warning_options: str) -> subprocess.CompletedProcess[str]:
        return dev_loop_env.python_in(self.copy, self.env, code, *warning_options)

    def pyright(self, source: str) -> list[dict[str, Any]]:
        probe = self.copy / "loop_probe.py"
        probe.write_text(source)
        proc = subprocess.run(
            [str(dev_loop_env.LOOP_VENV / "bin" / "pyright"), "--outputjson", str(probe)],
            cwd=self.copy,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        report = json.loads(proc.stdout)
        assert report["summary"]["filesAnalyzed"] == 1, report
        diagnostics: list[dict[str, Any]] = report["generalDiagnostics"]
        return diagnostics


@pytest.fixture(scope="module")
def loop(tmp_path_factory: pytest.TempPathFactory) -> Generator[Loop]:
    with dev_loop_env.dev_loop_lock():
        dev_loop_env.ensure_venv()
        copy = dev_loop_env.copy_repo(tmp_path_factory.mktemp("loop") / "pyrs")
        env = dev_loop_env.dev_env(copy)
        env.pop("PYRS_SKIP_SOURCE_CHECK", None)
        doc = dev_loop_env.add_function(copy, NEW)
        dev_loop_env.run_dev(copy, env)
        yield Loop(copy, env, doc)


def test_new_function_is_importable_and_callable(loop: Loop) -> None:
    proc = loop.python(
        f"import pyrs; print(pyrs.{NEW}(4, 6), pyrs.{NEW}(0, 5), pyrs.gcd(12, 18)); "
        f"print(pyrs.{NEW}.__doc__)",
        "error::RuntimeWarning",  # a stale-build warning would fail the import
    )
    assert proc.returncode == 0, proc.stderr
    first, doc = proc.stdout.split("\n", 1)
    assert first == "12 0 6"
    assert loop.doc in doc


def test_new_function_is_in_the_regenerated_stub(loop: Loop) -> None:
    stub = (loop.copy / "stubs" / "pyrs.pyi").read_text()
    assert f"def {NEW}(a: builtins.int, b: builtins.int) -> builtins.int:" in stub
    assert loop.doc in stub
    assert f'"{NEW}",' in stub  # in __all__


def test_pyright_types_the_new_function_from_the_stub(loop: Loop) -> None:
    diagnostics = loop.pyright(
        "from typing import assert_type\n\n"
        "import pyrs\n\n"
        f"reveal_type(pyrs.{NEW})\n"
        f"assert_type(pyrs.{NEW}(4, 6), int)\n"
    )
    assert [d["message"] for d in diagnostics] == [NEW_SIGNATURE], diagnostics


def test_pyright_rejects_a_wrong_call_of_the_new_function(loop: Loop) -> None:
    """The control for the test above: the same probe machinery does report errors."""
    diagnostics = loop.pyright(f'import pyrs\n\npyrs.{NEW}("4", 6)\n')
    assert [d.get("rule") for d in diagnostics] == ["reportArgumentType"], diagnostics


def test_editing_without_rebuilding_warns_at_import(loop: Loop) -> None:
    dev_loop_env.toggle_body_edit(loop.copy)
    try:
        proc = loop.python("import pyrs", "always::RuntimeWarning")
        assert proc.returncode == 0, proc.stderr
        assert proc.stderr.count("RuntimeWarning: pyrs: stale build") == 1, proc.stderr
        assert str(loop.copy) in proc.stderr
        assert "make dev" in proc.stderr
        doctor = subprocess.run(
            [sys.executable, "-m", "pyrs_doctor", "--root", str(loop.copy)],
            cwd=loop.copy,
            env={**loop.env, "PYTHONPATH": str(REPO / "tools")},
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert doctor.returncode == 1, doctor.stdout + doctor.stderr
        assert "FAIL  import pyrs: pyrs: stale build" in doctor.stdout, doctor.stdout
        assert "      fix: make dev\n" in doctor.stdout
        silenced = subprocess.run(
            [loop.env["PYO3_PYTHON"], "-W", "error::RuntimeWarning", "-c", "import pyrs"],
            cwd=loop.copy,
            env={**loop.env, "PYRS_SKIP_SOURCE_CHECK": "1"},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert silenced.returncode == 0, silenced.stderr
    finally:
        dev_loop_env.toggle_body_edit(loop.copy)
    # The sources are back to what was built: no warning.
    proc = loop.python("import pyrs", "error::RuntimeWarning")
    assert proc.returncode == 0, proc.stderr


# --- tools/watch.py, with a stand-in for `make dev` -------------------------------------

WATCH = (sys.executable, str(REPO / "tools" / "watch.py"))
COUNTER = (
    "import pathlib; p = pathlib.Path('builds.txt'); "
    "p.write_text(str(int(p.read_text()) + 1) if p.exists() else '1')"
)


def watch_once(root: Path, command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*WATCH, "--root", str(root), "--once", "--command", command],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def builds(root: Path) -> int:
    path = root / "builds.txt"
    return int(path.read_text()) if path.exists() else 0


def touch_later(path: Path) -> None:
    """Rewrite ``path`` with one more line, with an mtime certainly newer than before."""
    before = path.stat().st_mtime_ns
    path.write_text(path.read_text() + "\n")
    os.utime(path, ns=(before + 10**9, before + 10**9))


@pytest.fixture
def plain_copy(tmp_path: Path) -> Path:
    return dev_loop_env.copy_repo(tmp_path / "pyrs", venv=None)


def test_watch_once_rebuilds_only_when_a_watched_file_changed(plain_copy: Path) -> None:
    command = f"{sys.executable} -c {json.dumps(COUNTER)}"
    first = watch_once(plain_copy, command)
    assert first.returncode == 0, first.stderr
    assert builds(plain_copy) == 1
    assert "added: src/gcd.rs" in first.stdout
    assert "watch: done in" in first.stdout

    again = watch_once(plain_copy, command)
    assert (again.returncode, again.stdout) == (0, "watch: up to date\n")
    assert builds(plain_copy) == 1

    touch_later(plain_copy / "README.md")  # not watched
    assert watch_once(plain_copy, command).stdout == "watch: up to date\n"

    touch_later(plain_copy / "src" / "gcd.rs")
    edited = watch_once(plain_copy, command)
    assert "modified: src/gcd.rs" in edited.stdout
    assert builds(plain_copy) == 2

    (plain_copy / "src" / "extra.rs").write_text("// new\n")
    assert "added: src/extra.rs" in watch_once(plain_copy, command).stdout
    assert builds(plain_copy) == 3


def test_watch_once_retries_after_a_failed_build(plain_copy: Path) -> None:
    failing = watch_once(plain_copy, f"{sys.executable} -c 'raise SystemExit(3)'")
    assert failing.returncode == 1
    assert "watch: FAILED (exit 3)" in failing.stdout
    command = f"{sys.executable} -c {json.dumps(COUNTER)}"
    assert watch_once(plain_copy, command).returncode == 0
    assert builds(plain_copy) == 1


def test_watch_loop_rebuilds_on_save_and_stops_on_ctrl_c(plain_copy: Path) -> None:
    command = f"{sys.executable} -c {json.dumps(COUNTER)}"
    assert watch_once(plain_copy, command).returncode == 0  # up to date before watching
    proc = subprocess.Popen(
        [*WATCH, "--root", str(plain_copy), "--command", command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(1.5)
        assert builds(plain_copy) == 1  # nothing changed: no build at start
        touch_later(plain_copy / "Cargo.toml")
        deadline = time.monotonic() + 20
        while builds(plain_copy) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert builds(plain_copy) == 2
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate(timeout=20)
    assert proc.returncode == 0, stderr
    assert "modified: Cargo.toml" in stdout
    assert stdout.rstrip().endswith("watch: stopped")
    assert "Traceback" not in stderr
    assert builds(plain_copy) == 2
