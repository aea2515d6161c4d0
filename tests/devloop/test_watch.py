"""``python -m kit.watch`` (``make watch``), with a stand-in for the build that counts its
runs: a build at start, one per burst of saves to a Rust source, none for other files, the
watcher still watching after a failed build, and Ctrl-C stopping it cleanly."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Generator
from pathlib import Path

import pytest

from kit import sandbox
from tests.support.tools import PROJECT

# Counts its runs in builds.txt; fails (exit 3) on the runs listed in fail.txt.
BUILD = (
    "import pathlib, sys; p = pathlib.Path('builds.txt'); "
    "n = int(p.read_text()) + 1 if p.exists() else 1; p.write_text(str(n)); "
    "f = pathlib.Path('fail.txt'); "
    "sys.exit(3 if f.exists() and str(n) in f.read_text().split() else 0)"
)
WAIT = 20.0  # seconds: the longest a build may take to start after a save, on a busy machine
QUIET = 1.5  # seconds: long enough for an unwanted build to have started


def builds(root: Path) -> int:
    path = root / "builds.txt"
    return int(path.read_text()) if path.exists() else 0


def wait_for(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.fixture
def watcher(tmp_path: Path) -> Generator[tuple[Path, subprocess.Popen[str]]]:
    copy = sandbox.copy_checkout(tmp_path / "kit").root
    command = f"{sys.executable} -c {json.dumps(BUILD)}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "kit.watch", "--root", str(copy), "--command", command],
        cwd=PROJECT.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(lambda: builds(copy) == 1)  # the build at start
        time.sleep(0.3)  # the watcher is watching once the first build is done
        yield copy, proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate(timeout=WAIT)


def stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=WAIT)
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert stdout.rstrip().endswith("watch: stopped")
    return stdout


def test_one_build_per_burst_of_saves_none_for_other_files(
    watcher: tuple[Path, subprocess.Popen[str]],
) -> None:
    copy, proc = watcher
    (copy / "README.md").write_text("not a source\n")
    (copy / "stubs" / "extra.pyi").write_text("# the build's own output\n")
    time.sleep(QUIET)
    assert builds(copy) == 1

    source = copy / "src" / "gcd.rs"
    for _ in range(3):  # a burst: one build
        source.write_text(source.read_text() + "\n")
    wait_for(lambda: builds(copy) == 2)
    time.sleep(QUIET)
    assert builds(copy) == 2

    (copy / "src" / "extra.rs").write_text("// new\n")
    wait_for(lambda: builds(copy) == 3)
    time.sleep(QUIET)
    stdout = stop(proc)
    assert "watch: changed src/gcd.rs" in stdout
    assert "watch: changed src/extra.rs" in stdout


def test_keeps_watching_after_a_failed_build(
    watcher: tuple[Path, subprocess.Popen[str]],
) -> None:
    copy, proc = watcher
    (copy / "fail.txt").write_text("2")
    (copy / "Cargo.toml").write_text((copy / "Cargo.toml").read_text() + "\n")
    wait_for(lambda: builds(copy) == 2)
    time.sleep(QUIET)
    assert builds(copy) == 2  # no retry loop: the next save builds again
    (copy / "Cargo.toml").write_text((copy / "Cargo.toml").read_text() + "\n")
    wait_for(lambda: builds(copy) == 3)
    time.sleep(QUIET)  # the build has counted itself; let the watcher report it
    stdout = stop(proc)
    assert "watch: FAILED (exit 3); waiting for the next save" in stdout
    assert stdout.count("watch: done in") == 2  # the build at start and the last one
