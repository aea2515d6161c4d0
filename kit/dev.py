"""Build the extension into ``.venv`` and regenerate the stub: the edit loop, in about a second.

    python -m kit.dev              debug build + stub (make dev, make watch, VS Code's build task)
    python -m kit.dev --release    release build, stub left as it is (make build)
    python -m kit.dev --maturin    either one through `maturin develop` (wheel + install)

One cargo invocation, built the way maturin builds the extension (its profile, its
environment: PYO3_BUILD_EXTENSION_MODULE, PYO3_ENVIRONMENT_SIGNATURE, PYTHON_SYS_EXECUTABLE),
compiles the crate once and links both the extension and, in the debug build, the stub
generator (``src/bin/stub_gen.rs``, linked against libpython itself since the extension build
does not link it). The moment cargo reports the extension, it replaces the installed one in
place (``kit.install``: atomic, RECORD updated): a new ``python`` imports the new code while
the stub generator is still linking. The stub is written to ``stubs/`` only when its bytes
change, then copied over the installed ``<module>/__init__.pyi``; the generator is not even
built when nothing it reads changed since it last ran (``stub_inputs``). With nothing to do
(the installed build is the current one, of the profile asked for) a run takes a few tenths
of a second: cargo's own check.

The first build of a checkout into a venv, and any build after the metadata changed
(pyproject.toml, Cargo.toml, Cargo.lock, the README, ...) or after another installer touched
the install, goes through ``maturin develop --uv`` instead, as does every build on macOS and
Windows. A failed build changes nothing that is installed. ``KIT_DEV_REPORT=<file>`` appends
when each step finished, for ``bench.loop``.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

from kit import install, venv
from kit.project import Project

BUILD_TIMEOUT = 1800.0  # seconds: a cold build of pyo3 and dashu on two busy cores
# The debug profile of the extension (Cargo.toml): its own target subfolder, so maturin's
# build and `cargo test` do not rebuild each other's pyo3.
DEV_PROFILE = "dev-ext"
RELEASE_PROFILE = "release"
STUB_GEN = "stub_gen"
STUB_STATES = Path("kit-dev", "stubs")  # in the cargo target folder: see StubStates
# Names a file to append, as one JSON line, when each step finished (time.monotonic(),
# comparable across processes): how bench.loop times `make dev` from the edit.
REPORT_VARIABLE = "KIT_DEV_REPORT"


def build_project() -> Project:
    """This checkout, with its venv under the name the caller activated it by: a test's copy
    links ``.venv`` to a shared sandbox venv, and pyo3 must see the same interpreter path
    from every copy (its build script reruns, and pyo3 rebuilds, when the path changes)."""
    project = Project()
    named = os.environ.get("VIRTUAL_ENV", "")
    if named and Path(named) != project.venv and Path(named).resolve() == project.venv.resolve():
        return Project(project.root, venv_dir=Path(named))
    return project


def target_dir(project: Project) -> Path:
    return project.root / os.environ.get("CARGO_TARGET_DIR", project.target)


def stub_inputs(project: Project) -> str:
    """A digest of everything the stub generator reads or is built from: the crate's
    manifests, build script and every file under src/ (the generator itself included), and
    pyproject.toml (the module's name). The same digest means the same stub."""
    root = project.root
    files = [root / name for name in ("Cargo.toml", "Cargo.lock", "build.rs", "pyproject.toml")]
    files += sorted(path for path in (root / "src").rglob("*") if path.is_file())
    digest = hashlib.sha256()
    for path in files:
        if path.exists():
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


class StubStates:
    """The stubs generated before, by what they were generated from: a file per digest of
    the inputs (``stub_inputs``) holding the digest of the stub it gave, in the target
    folder. The same inputs give the same stub, in whichever copy of the checkout."""

    KEEP = 64  # files kept: the newest ones

    def __init__(self, project: Project) -> None:
        self.project = project
        self.folder = target_dir(project) / STUB_STATES

    def path(self, inputs: str) -> Path:
        return self.folder / f"{inputs[:32]}.json"

    def current(self, inputs: str) -> bool:
        """Whether stubs/ holds the stub that ``inputs`` generate."""
        try:
            recorded = cast("dict[str, str]", json.loads(self.path(inputs).read_text()))
            stub = self.project.stub.read_bytes()
        except (OSError, ValueError):
            return False
        return recorded.get("inputs") == inputs and recorded.get("stub") == sha256(stub)

    def save(self, inputs: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        data = {"inputs": inputs, "stub": sha256(self.project.stub.read_bytes())}
        self.path(inputs).write_text(json.dumps(data) + "\n")
        with contextlib.suppress(OSError):  # another checkout sharing the folder may prune
            known = sorted(self.folder.glob("*.json"), key=lambda path: path.stat().st_mtime_ns)
            for old in known[: -self.KEEP]:
                old.unlink(missing_ok=True)

    def output_folder(self) -> Path:
        """An empty folder for the generator to write into (one per checkout)."""
        key = sha256(str(self.project.root).encode())[:16]
        folder = self.folder.parent / f"out-{key}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        return folder


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Report:
    """When each step finished (``time.monotonic()``, comparable across processes), for the
    summary line and ``bench.loop``."""

    started: float
    events: dict[str, float] = field(default_factory=dict[str, float])

    def mark(self, event: str) -> None:
        self.events[event] = time.monotonic()

    def since(self, event: str) -> str:
        return f"{self.events[event] - self.started:.2f} s"


def cargo_env(project: Project, python: install.Interpreter) -> dict[str, str]:
    """The environment maturin gives cargo for the extension (maturin 1.16, pyo3 bindings)."""
    return project.env(
        PYO3_BUILD_EXTENSION_MODULE="1",
        PYO3_ENVIRONMENT_SIGNATURE=python.environment_signature,
        PYTHON_SYS_EXECUTABLE=python.executable,
    )


def cargo_command(
    project: Project, profile: str, python: install.Interpreter, *, stub_gen: bool
) -> list[str]:
    """The cargo invocation of one build.

    Release: maturin's own (``cargo rustc --lib --crate-type cdylib``), so the two share
    every compiled unit. Debug: the crate's declared crate types (cdylib and rlib, from one
    compilation) and, for the stub, the generator linked against the rlib; the generator
    needs libpython (pyo3-stub-gen formats default values with Python) and the extension
    build does not link it, so the generator's own link line names it."""
    manifest = str(project.root / "Cargo.toml")
    common = ["--quiet", "--profile", profile, "--message-format", "json-render-diagnostics"]
    common += ["--manifest-path", manifest]
    if profile == RELEASE_PROFILE:
        return ["cargo", "rustc", *common, "--lib", "--crate-type", "cdylib"]
    if not stub_gen:
        return ["cargo", "build", *common, "--lib"]
    link = [
        *("-C", "strip=debuginfo", "-C", "debuginfo=0"),  # a faster link; symbols stay
        *("-L", f"native={python.libdir}"),
        *("-l", f"dylib=python{python.ldversion}"),
        *("-C", f"link-arg=-Wl,-rpath,{python.libdir}"),
    ]
    return ["cargo", "rustc", *common, "--bin", STUB_GEN, "--", *link]


def messages(stream: IO[str]) -> Iterator[dict[str, Any]]:
    for line in stream:
        if line.startswith("{"):
            yield cast("dict[str, Any]", json.loads(line))


def is_extension(message: dict[str, Any], project: Project) -> bool:
    target = cast("dict[str, Any]", message.get("target", {}))
    kinds = cast("list[str]", target.get("kind", []))
    manifest = Path(str(message.get("manifest_path")))
    return bool(
        message.get("reason") == "compiler-artifact"
        and "cdylib" in kinds
        and manifest == project.root / "Cargo.toml"
    )


def develop(project: Project, *, release: bool) -> None:
    """``maturin develop`` into the venv."""
    profile = ["--release"] if release else ["--profile", DEV_PROFILE]
    subprocess.run(
        [project.tool("maturin"), "develop", "--uv", "--quiet", *profile],
        cwd=project.root,
        env=project.env(),
        check=True,
        timeout=BUILD_TIMEOUT,
    )


class Build:
    """One ``python -m kit.dev`` run. cargo starts first; what is installed is looked at
    while it runs (the receipt, the metadata), before it reports the extension."""

    def __init__(self, project: Project, *, release: bool, via_maturin: bool) -> None:
        self.project = project
        self.release = release
        self.via_maturin = via_maturin
        self.profile = RELEASE_PROFILE if release else DEV_PROFILE
        self.report = Report(time.monotonic())
        self.python = install.interpreter(project)
        self.inputs = "" if release else stub_inputs(project)
        self.stub_states = StubStates(project)
        self.stub_needed = not release and not self.stub_states.current(self.inputs)
        self.why_maturin: str | None = install.unsupported_platform(self.python)
        self.metadata = ""
        self.install: install.Install | None = None
        self.decided = threading.Event()  # why_maturin and install are set
        self.replaced = False
        self.stub_written: bool | None = None
        self.stubs_replaced: list[str] = []
        self.generator: Path | None = None
        self.failure: BaseException | None = None

    def look_at_install(self) -> None:
        """Whether the venv holds an install to update in place, or maturin must."""
        self.why_maturin = install.unsupported(self.project, self.python)
        if self.why_maturin is None:
            self.metadata = install.metadata_fingerprint(self.project, self.python)
            self.install, why = install.load(self.project, self.python, self.metadata)
            self.why_maturin = why or None
        if self.via_maturin:
            self.install, self.why_maturin = None, "asked for (--maturin)"
        self.decided.set()

    # -- the stub --------------------------------------------------------------------------

    def take_stub(self, folder: Path) -> None:
        """Move the generated stub into stubs/ if its bytes changed (stubs/ is a rerun
        trigger of build.rs: rewriting it unchanged would recompile the crate next time)."""
        fresh = (folder / self.project.stub.name).read_bytes()
        stub = self.project.stub
        self.stub_written = not stub.exists() or stub.read_bytes() != fresh
        if self.stub_written:
            install.write_atomically(stub, fresh, 0o644)
        self.stub_states.save(self.inputs)
        self.report.mark("stub")

    def run_stub_gen(self, binary: Path) -> int:
        folder = self.stub_states.output_folder()
        code = subprocess.run(
            [str(binary), str(folder)],
            cwd=self.project.root,
            env=self.project.env(CARGO_MANIFEST_DIR=str(self.project.root)),
            timeout=BUILD_TIMEOUT,
            check=False,
        ).returncode
        if code == 0:
            self.take_stub(folder)
        return code

    def separate_stub_gen(self) -> tuple[subprocess.Popen[bytes], Path]:
        """``cargo run --bin stub_gen`` in the dev profile, as ``make stubs`` does: beside
        the extension build where libpython is static (no .so to link the generator with
        from that build), before maturin where the in-place install does not apply."""
        folder = self.stub_states.output_folder()
        command = ["cargo", "run", "--quiet", "--bin", STUB_GEN, "--", str(folder)]
        proc = subprocess.Popen(command, cwd=self.project.root, env=self.project.env())
        return proc, folder

    # -- the extension ---------------------------------------------------------------------

    def start_cargo(self) -> subprocess.Popen[str]:
        shared_stub = self.stub_needed and self.python.shared_libpython
        command = cargo_command(self.project, self.profile, self.python, stub_gen=shared_stub)
        proc = subprocess.Popen(
            command,
            cwd=self.project.root,
            env=cargo_env(self.project, self.python),
            stdout=subprocess.PIPE,
            text=True,
        )
        self.report.mark("cargo")
        return proc

    def follow(self, stream: IO[str]) -> None:
        """Read cargo's messages (a thread of its own, so cargo never waits on the pipe);
        put the extension in place the moment cargo reports it."""
        try:
            for message in messages(stream):
                target = cast("dict[str, Any]", message.get("target", {}))
                if is_extension(message, self.project):
                    names = [Path(name) for name in message.get("filenames", [])]
                    artifact = next(p for p in names if p.suffix in (".so", ".dylib", ".dll"))
                    self.report.mark("built")
                    self.decided.wait()
                    if self.install is not None:
                        self.put_extension(artifact)
                elif message.get("reason") == "compiler-artifact" and (
                    target.get("name") == STUB_GEN
                ):
                    self.generator = Path(str(message["executable"]))
        except BaseException as error:  # reported by the main thread
            self.failure = error
            for _ in stream:  # let cargo finish writing
                pass

    def put_extension(self, artifact: Path) -> None:
        assert self.install is not None
        if not self.install.is_current(self.profile, artifact):
            self.install.replace_extension(self.profile, artifact)
            self.replaced = True
        self.report.mark("importable")
        self.install.hash_replaced()  # for RECORD, while cargo links the stub generator

    # -- the whole run ---------------------------------------------------------------------

    def run(self) -> int:
        if self.why_maturin is not None:
            return self.run_as_before()
        if not install.plausible(self.project, self.python):
            # Most likely no install to update in place (a new checkout, another venv): look
            # first, and let maturin alone build when there is no stub to generate.
            venv.ensure(self.project.venv, [venv.DEV], project=self.project)
            self.look_at_install()
            if self.unsupported_after_all():
                return self.run_as_before()
            if self.install is None and not self.stub_needed:
                return self.finish(0, 0)
        separate: tuple[subprocess.Popen[bytes], Path] | None = None
        if self.stub_needed and not self.python.shared_libpython:
            separate = self.separate_stub_gen()
        proc = self.start_cargo()
        assert proc.stdout is not None
        reader = threading.Thread(target=self.follow, args=(proc.stdout,), daemon=True)
        reader.start()
        try:
            if not self.decided.is_set():  # in place, most likely: decided while cargo runs
                venv.ensure(self.project.venv, [venv.DEV], project=self.project)
                self.look_at_install()
        finally:
            self.decided.set()
        code = proc.wait(timeout=BUILD_TIMEOUT)
        reader.join()
        self.report.mark("linked")
        if self.failure is not None:
            raise self.failure
        if code == 0 and "built" not in self.report.events:
            raise RuntimeError(f"cargo reported no cdylib of {self.project.root / 'Cargo.toml'}")
        if self.install is None and self.unsupported_after_all():
            return self.run_as_before()
        stub_code = 0
        if separate is not None:
            stub_code = separate[0].wait(timeout=BUILD_TIMEOUT)
            if stub_code == 0:
                self.take_stub(separate[1])
        elif code == 0 and self.generator is not None:
            stub_code = self.run_stub_gen(self.generator)
        if self.install is not None:
            self.stubs_replaced = self.install.replace_stubs()
            self.install.commit()
        return self.finish(code, stub_code)

    def finish(self, code: int, stub_code: int) -> int:
        """Report a failure, or install with maturin if not in place; the exit code."""
        if code != 0:
            state = "the extension was replaced" if self.replaced else "nothing was installed"
            print(f"kit.dev: the build failed; {state}", file=sys.stderr)
            return code
        if stub_code != 0:
            print(f"kit.dev: {STUB_GEN} failed; {self.project.stub.name} was not regenerated")
            return stub_code
        if self.install is None:
            print(f"kit.dev: maturin develop: {self.why_maturin}", flush=True)
            develop(self.project, release=self.release)
            if not self.unsupported_after_all():
                install.adopt(self.project, self.python, self.metadata, self.profile)
            self.report.mark("importable")
        self.report.mark("done")
        print(self.summary(), flush=True)
        return 0

    def unsupported_after_all(self) -> bool:
        return install.unsupported(self.project, self.python) is not None

    def run_as_before(self) -> int:
        """Where the in-place install does not apply: the stub (``cargo run``), then
        ``maturin develop``."""
        venv.ensure(self.project.venv, [venv.DEV], project=self.project)  # `make venv`
        if self.stub_needed:
            proc, folder = self.separate_stub_gen()
            code = proc.wait(timeout=BUILD_TIMEOUT)
            if code != 0:
                return code
            self.take_stub(folder)
        print(f"kit.dev: maturin develop: {self.why_maturin}", flush=True)
        develop(self.project, release=self.release)
        self.report.mark("importable")
        self.report.mark("done")
        print(self.summary(), flush=True)
        return 0

    def summary(self) -> str:
        report = self.report
        if self.install is None:
            how = "installed by maturin develop"
        else:
            how = "replaced in place" if self.replaced else "already current"
        line = f"kit.dev: {self.project.module} ({self.profile}) {how} at {report.since('done')}"
        if "stub" in report.events:
            written = "rewritten" if self.stub_written is True else "unchanged"
            line += f"; {self.project.stub.name} {written}"
        if self.stubs_replaced:
            line += ", installed stub updated"
        return line


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kit.dev", description=__doc__)
    parser.add_argument("--release", action="store_true", help="optimised build, no stubs")
    parser.add_argument("--maturin", action="store_true", help="install with maturin develop")
    args = parser.parse_args(argv)
    project = build_project()
    with install.locked(project) if sys.platform.startswith("linux") else contextlib.nullcontext():
        build = Build(project, release=args.release, via_maturin=args.maturin)
        code = build.run()
    report = os.environ.get(REPORT_VARIABLE, "")
    if report:
        with Path(report).open("a") as handle:
            handle.write(json.dumps({"code": code, **build.report.events}) + "\n")
    return code


if __name__ == "__main__":
    sys.exit(main())
