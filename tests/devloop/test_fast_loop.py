"""The fast path of ``python -m kit.dev`` (``make dev``, ``make build``, ``make watch``) on a
throwaway copy of the checkout: the extension replaced in place must leave exactly what
``maturin develop`` installs, and nothing breaks it: a build error, two saves in quick
succession, a Python process still running the old extension, switching between the debug
and the release build, a change to the metadata.

One copy serves the whole module (each build costs seconds); every test puts its sources
back and leaves a current debug build installed. It builds in the "devloop" sandbox
(``kit.sandbox``), like test_dev_loop.py.
"""

from __future__ import annotations

import csv
import hashlib
import io
import signal
import subprocess
import time
from collections.abc import Callable, Generator
from pathlib import Path

import pytest

from kit import install, sandbox
from kit.dev import DEV_PROFILE, RELEASE_PROFILE
from kit.project import Project
from tests.devloop import edits
from tests.support.tools import BUILD_TIMEOUT, MODULE, TOOL_TIMEOUT

SANDBOX = "devloop"
# Installed files whose bytes differ between two `maturin develop` runs of the same sources:
# uv's cache stamp and the SBOM (a timestamp and a random serial number), and RECORD, which
# lists them; the extension is compared through what it does.
VARYING = ("RECORD", "uv_cache.json", ".cyclonedx.json")
BROKEN = "\npub fn kit_broken_build() -> u64 { 1 + }\n"  # rustc: "expected expression"
BROKEN_MESSAGE = "error: expected expression"
WAIT = 600.0  # seconds: the longest a build may take here, on a busy machine


class Copy:
    """The copy of the checkout and the environment it builds in."""

    def __init__(self, project: Project, env: dict[str, str]) -> None:
        self.project, self.env = project, env
        self.root = project.root
        self.python = env["PYO3_PYTHON"]
        self.site = Path(self.run_python("import sysconfig; print(sysconfig.get_path('platlib'))"))
        self.target = Path(env["CARGO_TARGET_DIR"])
        # RECORD lines that do not verify even right after `maturin develop --uv` (uv
        # rewrites direct_url.json after hashing it); set by the fixture.
        self.unverified: set[str] = set()

    def dev(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """``python -m kit.dev`` in the copy; its output on stdout, stderr included."""
        proc = subprocess.run(
            [self.python, "-m", "kit.dev", *args],
            cwd=self.root,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=BUILD_TIMEOUT,
            check=False,
        )
        print(proc.stdout)
        if check:
            assert proc.returncode == 0, proc.stdout
        return proc

    def run_python(self, code: str, *options: str) -> str:
        """Run ``code`` in a new interpreter of the venv; its stdout (it must succeed)."""
        proc = subprocess.run(
            [self.python, *options, "-c", code],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=TOOL_TIMEOUT,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        return proc.stdout.strip()

    def import_is_current(self) -> None:
        """A new interpreter imports the module with no stale-build warning (an error here):
        the installed extension was built from the copy's current sources."""
        self.run_python(f"import {MODULE}", "-W", "error::RuntimeWarning")

    def installed(self) -> dict[str, bytes]:
        """Every installed file of the project (package folder and dist-info), by its path
        relative to site-packages, as RECORD names them."""
        files: dict[str, bytes] = {}
        for top in [self.site / MODULE, *self.site.glob(f"{MODULE}-*.dist-info")]:
            for path in sorted(top.rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    files[path.relative_to(self.site).as_posix()] = path.read_bytes()
        return files

    def assert_record_verifies(self) -> None:
        """Every RECORD line matches its file (those that never do excepted)."""
        verdict = record_check(self.installed())
        assert [path for path, ok in verdict.items() if not ok] == sorted(self.unverified)

    def extension(self) -> Path:
        (found,) = (self.site / MODULE).glob(f"{MODULE}.*.so")
        return found

    def artifact(self, profile: str) -> Path:
        """The cdylib cargo built for ``profile``."""
        return self.target / profile / "deps" / f"lib{MODULE}.so"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def record_check(files: dict[str, bytes]) -> dict[str, bool]:
    """Each hashed RECORD line, and whether the installed file matches its hash and size."""
    (record,) = (path for path in files if path.endswith(".dist-info/RECORD"))
    verdict: dict[str, bool] = {}
    for row in csv.reader(io.StringIO(files[record].decode())):
        if len(row) == 3 and row[1]:
            data = files.get(row[0])
            digest = install.record_hash(hashlib.sha256(data).digest()) if data is not None else ""
            verdict[row[0]] = data is not None and (digest, str(len(data))) == (row[1], row[2])
    return verdict


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Generator[Copy]:
    with sandbox.lock(SANDBOX):
        venv = sandbox.sandbox_venv(SANDBOX)
        project = sandbox.copy_checkout(tmp_path_factory.mktemp("fast") / "kit", venv_dir=venv)
        env = sandbox.sandbox_env(project, SANDBOX)
        env.pop(project.skip_variable, None)
        built = Copy(project, env)
        first = built.dev()
        assert "installed by maturin develop" in first.stdout  # a new checkout in this venv
        built.unverified = {path for path, ok in record_check(built.installed()).items() if not ok}
        assert len(built.unverified) <= 1  # direct_url.json, at most
        yield built


def test_in_place_install_is_what_maturin_develop_installs(copy: Copy) -> None:
    edits.toggle_body_edit(copy.root)
    try:
        fast = copy.dev()
        assert "replaced in place" in fast.stdout
        copy.import_is_current()
        in_place = copy.installed()
        copy.dev("--maturin")
        copy.import_is_current()
        by_maturin = copy.installed()
    finally:
        edits.toggle_body_edit(copy.root)
    assert sorted(in_place) == sorted(by_maturin)
    for path in in_place:
        if not path.endswith(VARYING) and not path.endswith(".so"):
            assert in_place[path] == by_maturin[path], path
    stub = copy.project.stub.read_bytes()
    assert in_place[f"{MODULE}/__init__.pyi"] == by_maturin[f"{MODULE}/__init__.pyi"] == stub
    fast_record, maturin_record = record_check(in_place), record_check(by_maturin)
    assert sorted(fast_record) == sorted(maturin_record)
    extension = copy.extension().relative_to(copy.site).as_posix()
    assert fast_record[extension]
    assert fast_record[f"{MODULE}/__init__.pyi"]
    # uv leaves direct_url.json unlike its RECORD line; whatever verifies after maturin
    # develop verifies after the in-place install too.
    assert all(fast_record[path] for path, ok in maturin_record.items() if ok), fast_record
    copy.dev()  # back to the current sources, through the fast path again
    copy.import_is_current()


def test_debug_and_release_builds_switch_both_ways(copy: Copy) -> None:
    timings: list[str] = []

    def build(*args: str) -> str:
        started = time.monotonic()
        out = copy.dev(*args).stdout
        timings.append(f"{' '.join(args) or 'dev'}: {time.monotonic() - started:.2f} s")
        return out

    for _ in range(2):
        assert "replaced in place" in build("--release")
        assert sha256(copy.extension()) == sha256(copy.artifact(RELEASE_PROFILE))
        copy.import_is_current()
        assert "already current" in build("--release")
        assert "replaced in place" in build()
        assert sha256(copy.extension()) == sha256(copy.artifact(DEV_PROFILE))
        copy.import_is_current()
        assert "already current" in build()
    copy.assert_record_verifies()
    print("\n".join(timings))


def test_a_metadata_change_goes_through_maturin_develop(copy: Copy) -> None:
    readme = copy.root / "README.md"
    original = readme.read_text()
    readme.write_text(original + "\nA line only this test writes.\n")
    try:
        out = copy.dev().stdout
        assert "maturin develop: the metadata inputs" in out
        (metadata,) = (v for k, v in copy.installed().items() if k.endswith("/METADATA"))
        assert b"A line only this test writes." in metadata
        assert "maturin develop" not in copy.dev().stdout  # in place again from here on
    finally:
        readme.write_text(original)
    copy.dev()
    copy.import_is_current()


def test_a_running_process_keeps_the_extension_it_loaded(copy: Copy) -> None:
    """The old process keeps calling into the old file (unlinked, still mapped); a new one
    imports the new extension, with the new function typed in the installed stub."""
    edits.add_function(copy.root, "fast_first")
    added = copy.dev().stdout
    assert "replaced in place" in added
    assert "rewritten" in added
    script = (
        f"import sys, {MODULE} as m\n"
        f"extension = sys.modules['{MODULE}.{MODULE}'].__file__\n"
        "for line in sys.stdin:\n"
        "    maps = open('/proc/self/maps').read().splitlines()\n"
        "    unlinked = any(extension in row and row.endswith('(deleted)') for row in maps)\n"
        "    print(m.fast_first(4, 10), hasattr(m, 'fast_second'), unlinked, flush=True)\n"
    )
    old = subprocess.Popen(
        [copy.python, "-c", script],
        cwd=copy.root,
        env=copy.env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert old.stdin is not None
    assert old.stdout is not None
    try:
        old.stdin.write("\n")
        old.stdin.flush()
        assert old.stdout.readline().split() == ["6", "False", "False"]
        edits.add_function(copy.root, "fast_second")
        assert "replaced in place" in copy.dev().stdout
        old.stdin.write("\n")
        old.stdin.flush()
        # Still the old code, from the old file, which the install unlinked.
        assert old.stdout.readline().split() == ["6", "False", "True"]
    finally:
        old.communicate(timeout=TOOL_TIMEOUT)
    assert old.returncode == 0
    copy.import_is_current()
    assert copy.run_python(f"import {MODULE} as m; print(m.fast_second(1, 8))") == "7"
    stub = copy.project.stub.read_text()
    assert "def fast_second(a: builtins.int, b: builtins.int) -> builtins.int:" in stub
    assert (copy.site / MODULE / "__init__.pyi").read_text() == stub
    copy.assert_record_verifies()


def test_a_build_error_leaves_the_installed_extension(copy: Copy) -> None:
    lib = copy.root / "src" / "lib.rs"
    original = lib.read_text()
    before = copy.installed()
    lib.write_text(original + BROKEN)
    try:
        failed = copy.dev(check=False)
        assert failed.returncode != 0
        assert failed.stdout.count(BROKEN_MESSAGE) == 1, failed.stdout  # shown once
        assert "nothing was installed" in failed.stdout
        assert copy.installed() == before
        # The old build still imports and works (and warns that the sources moved on).
        warned = subprocess.run(
            [copy.python, "-c", f"import {MODULE} as m; print(m.fast_first(2, 5))"],
            cwd=copy.root,
            env=copy.env,
            capture_output=True,
            text=True,
            timeout=TOOL_TIMEOUT,
            check=False,
        )
        assert warned.stdout.strip() == "3", warned.stderr
        assert copy.project.stale_mark in warned.stderr
    finally:
        lib.write_text(original)
    copy.dev()
    copy.import_is_current()


class Watcher:
    """``python -m kit.watch`` on the copy, with the real build; its output in a file."""

    def __init__(self, copy: Copy, log: Path) -> None:
        self.log = log
        self.handle = log.open("w")
        self.proc = subprocess.Popen(
            [copy.python, "-m", "kit.watch", "--root", str(copy.root)],
            cwd=copy.root,
            env=copy.env,
            stdout=self.handle,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.wait_for(lambda out: out.count("watch: done in") == 1)  # the build at start
        time.sleep(0.5)  # watching from here on

    def output(self) -> str:
        return self.log.read_text()

    def wait_for(self, condition: Callable[[str], bool]) -> None:
        deadline = time.monotonic() + WAIT
        while not condition(self.output()):
            assert self.proc.poll() is None, self.output()
            assert time.monotonic() < deadline, self.output()
            time.sleep(0.05)

    def stop(self) -> str:
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=TOOL_TIMEOUT)
        self.handle.close()
        out = self.output()
        assert self.proc.returncode == 0, out
        assert out.rstrip().endswith("watch: stopped"), out
        return out


def test_the_watcher_shows_a_build_error_once_and_keeps_watching(
    copy: Copy, tmp_path: Path
) -> None:
    lib = copy.root / "src" / "lib.rs"
    original = lib.read_text()
    watcher = Watcher(copy, tmp_path / "watch.log")
    try:
        lib.write_text(original + BROKEN)
        watcher.wait_for(lambda out: "watch: FAILED" in out)
        lib.write_text(original)
        watcher.wait_for(lambda out: out.count("watch: done in") == 2)
        copy.import_is_current()
    finally:
        if lib.read_text() != original:
            lib.write_text(original)
        out = watcher.stop()
    assert out.count(BROKEN_MESSAGE) == 1, out
    assert out.count("watch: running") == 3, out  # start, broken, fixed
    assert "maturin develop" not in out  # every build in place


def test_two_quick_saves_make_one_build_of_the_latest_sources(copy: Copy, tmp_path: Path) -> None:
    lib = copy.root / "src" / "lib.rs"
    original = lib.read_text()
    watcher = Watcher(copy, tmp_path / "watch.log")
    try:
        edits.toggle_body_edit(copy.root)
        lib.write_text(original + "// a second save, right after the first\n")
        watcher.wait_for(lambda out: out.count("watch: done in") == 2)
        time.sleep(1.5)  # long enough for an unwanted second build to have started
        copy.import_is_current()  # built from both saves: no stale-build warning
        out = watcher.stop()
    finally:
        if watcher.proc.poll() is None:
            watcher.stop()
        edits.toggle_body_edit(copy.root)
        lib.write_text(original)
    assert out.count("watch: running") == 2, out  # the build at start and one for both saves
    assert "maturin develop" not in out
    assert "maturin develop" not in copy.dev().stdout
    copy.import_is_current()
