"""``pyrs watch`` on a generated project, with real builds: one at start, one per burst of
saves to a Rust source, none for other files, still watching after a failed build, and
Ctrl-C stopping it cleanly. A build that fails fails the test at once (no time-out waited)."""

from __future__ import annotations

import re
import signal
import subprocess
import threading
import time
from collections.abc import Generator
from pathlib import Path

import pytest

from tests.tool.layouts import LAYOUTS
from tests.tool.tooling import PYRS, environment

LAYOUT = next(layout for layout in LAYOUTS if layout.name == "uv-init-lib")
WAIT = 120.0  # seconds: a build after a save, on a busy machine (warm)
QUIET = 2.0  # seconds: long enough for an unwanted build to have started
# The summary line of a build that installed something: `pyrs dev: MODULE (PROFILE) ...`.
BUILT = re.compile(r"^pyrs dev: \S+ \([\w-]+\) ")


class Watcher:
    """`pyrs watch` in the background, its output collected line by line."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            [str(PYRS), "watch"],
            cwd=root,
            env=environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.reader = threading.Thread(target=self.read, daemon=True)
        self.reader.start()

    def read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def close(self) -> None:
        """Waits for the watcher to end (killed when still running) and closes its pipe."""
        try:
            self.proc.wait(timeout=WAIT)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(timeout=WAIT)
            self.reader.join(timeout=WAIT)
            if self.proc.stdout is not None:
                self.proc.stdout.close()

    def builds(self) -> list[str]:
        return [line for line in self.lines if BUILT.match(line)]

    def failures(self) -> int:
        return sum(line.startswith("pyrs watch: the build failed") for line in self.lines)

    def wait_for_builds(self, count: int, failures: int = 0) -> None:
        """Until ``count`` builds succeeded; a failure beyond the ``failures`` expected fails
        at once, with the watcher's output."""
        deadline = time.monotonic() + WAIT
        while len(self.builds()) < count:
            assert self.failures() <= failures, "\n".join(self.lines)
            assert self.proc.poll() is None, "\n".join(self.lines)
            assert time.monotonic() < deadline, "\n".join(self.lines)
            time.sleep(0.05)

    def wait_for_failure(self) -> None:
        deadline = time.monotonic() + WAIT
        while self.failures() == 0:
            assert time.monotonic() < deadline, "\n".join(self.lines)
            time.sleep(0.05)

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)
        self.close()
        assert self.proc.returncode == 0, "\n".join(self.lines)
        assert self.lines[-1] == "pyrs watch: stopped", "\n".join(self.lines)


@pytest.fixture
def watcher(tmp_path: Path, shared_venv: Path, pyrs_binary: Path) -> Generator[Watcher]:
    root = LAYOUT.create(tmp_path)
    (root / ".venv").symlink_to(shared_venv)
    started = Watcher(root)
    try:
        started.wait_for_builds(1)
        time.sleep(0.5)  # watching once the first build is done
        yield started
    finally:
        if started.proc.poll() is None:
            started.proc.kill()
        started.close()


def test_one_build_per_burst_none_for_other_files_and_ctrl_c_stops(watcher: Watcher) -> None:
    lib = watcher.root / "src" / "lib.rs"
    (watcher.root / "README.md").write_text("not a build input\n")
    (watcher.root / "src" / "uvfx" / "helpers.py").write_text("X = 1\n")
    time.sleep(QUIET)
    assert len(watcher.builds()) == 1, "\n".join(watcher.lines)
    text = lib.read_text()
    lib.write_text(text + "\n// one\n")
    lib.write_text(text + "\n// one\n// two\n")
    watcher.wait_for_builds(2)
    time.sleep(QUIET)
    assert len(watcher.builds()) == 2, "\n".join(watcher.lines)
    watcher.stop()


def test_a_failed_build_keeps_it_watching(watcher: Watcher) -> None:
    lib = watcher.root / "src" / "lib.rs"
    good = lib.read_text()
    lib.write_text(good.replace("fn count_words", "fn count_words(", 1))
    watcher.wait_for_failure()
    lib.write_text(good + "\n// fixed\n")
    watcher.wait_for_builds(2, failures=1)
    watcher.stop()
