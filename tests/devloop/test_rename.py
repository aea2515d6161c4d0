"""``make rename`` (``python -m kit.rename``): the whole-word respelling, in process; then, on
a throwaway copy of the checkout made a git repository, the refusals that change nothing, and
a rename to a name of another length after which the old name is nowhere in the tracked
files, the build under it is gone from the venv, and the copy's own editor, stub-truth,
typing and payload tests pass under the new name, with doctor all good.

The copy builds in the "rename" sandbox (``kit.sandbox``): a target folder kept warm between
runs, which the copy also sees as its ``target/`` (so the sandboxes of the copy's own tests
stay warm too), and a venv of its own, kept too. The copy lives at one fixed path, so that
PYO3_PYTHON, the copy's ``.venv/bin/python``, is spelled the same in every run: cargo then
rebuilds only the renamed crate, never pyo3 or dashu.
"""

from __future__ import annotations

import ast
import hashlib
import shutil
import subprocess
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from kit import rename, venv
from kit.project import Project
from kit.rename import Name
from tests.support import sandbox
from tests.support.tools import (
    BUILD_TIMEOUT,
    MODULE,
    PROJECT,
    TOOL_TIMEOUT,
    install_old_build,
    site_packages,
)
from tests.tool.tooling import PYRS

SANDBOX = "rename"
CHECKOUT = sandbox.target_dir(SANDBOX).parent / "checkout"
OLD = Name(MODULE)
GIT_USER = ("-c", "user.name=kit tests", "-c", "user.email=kit@tests.invalid")
# The copy's own suites that prove the renamed module works and is typed (-x: the first
# failure is enough to fail the rename), but for the scale tests (results in the millions,
# a million calls), slow in a debug build and about arithmetic and memory, which no name
# touches: the checkout's own run has them.
COPY_TESTS = ("tests/editor", "tests/packaging/test_stub_truth.py", "tests/payload")
NOT_IN_COPY = "not millions and not a_million_calls"


def tracked_text(root: Path) -> list[str]:
    """The text of every file git tracks under ``root`` (binary ones skipped)."""
    texts: list[str] = []
    for path in rename.listed(root, "--cached"):
        text = rename.read_text(root / path)
        if text is not None:
            texts.append(text)
    return texts


def new_name() -> str:
    """The name to rename to: of another length than the module's, spelled nowhere in the
    tracked files (the rename refuses a name the files already use, so this file spells it in
    pieces)."""
    texts = tracked_text(PROJECT.root)
    for suffix in ("", *map(str, range(2, 10))):
        candidate = Name("_".join(("tally", "ho")) + suffix)
        if (
            len(candidate.snake) != len(MODULE)
            and MODULE not in candidate.snake
            and not candidate.occurs_in(MODULE)
            and not any(candidate.occurs_in(text) for text in texts)
        ):
            return candidate.snake
    raise AssertionError("no free name to rename to")


NEW = Name(new_name())


# --- whole-word respelling, in process ------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (f"import {OLD.snake}", f"import {NEW.snake}"),
        (f"{OLD.snake}.{OLD.snake}", f"{NEW.snake}.{NEW.snake}"),
        (f"stubs/{OLD.snake}.pyi", f"stubs/{NEW.snake}.pyi"),
        (f"{OLD.upper}_SKIP_SOURCE_CHECK=1", f"{NEW.upper}_SKIP_SOURCE_CHECK=1"),
        (f"{OLD.snake}_reference.py", f"{NEW.snake}_reference.py"),
        (f'name = "{OLD.snake}-fuzz"', f'name = "{NEW.snake}-fuzz"'),
        (f"# {OLD.pascal}: a title", f"# {NEW.pascal}: a title"),
        (f"class {OLD.pascal}Error:", f"class {NEW.pascal}Error:"),
        (f"class My{OLD.pascal}:", f"class My{NEW.pascal}:"),
        (f"{OLD.upper}Error", f"{NEW.upper}Error"),
        (f"create_exception!({OLD.snake}, E)", f"create_exception!({NEW.snake}, E)"),
        (f'#[pyclass(module = "{OLD.snake}")]', f'#[pyclass(module = "{NEW.snake}")]'),
        # Not the whole name: other words that contain it.
        (f"{OLD.snake}thing {OLD.upper}THING x{OLD.snake} {OLD.snake}2", None),
    ],
)
def test_only_the_whole_name_is_respelled_in_its_case(before: str, after: str | None) -> None:
    renamed, count = OLD.replace(before, NEW)
    assert renamed == (before if after is None else after)
    assert (count > 0) == (after is not None)


def test_renaming_back_restores_every_file() -> None:
    for text in tracked_text(PROJECT.root):
        there, _ = OLD.replace(text, NEW)
        back, _ = NEW.replace(there, OLD)
        assert back == text


def test_cargo_lock_keeps_cargos_order() -> None:
    lock = (
        'version = 4\n\n[[package]]\nname = "b"\nversion = "1.0.0"\ndependencies = [\n "c",\n'
        ' "a 2.0.0",\n]\n\n[[package]]\nname = "a"\nversion = "2.0.0"\n\n[[package]]\n'
        'name = "a"\nversion = "1.0.0"\n'
    )
    assert rename.sort_cargo_lock(lock) == (
        'version = 4\n\n[[package]]\nname = "a"\nversion = "2.0.0"\n\n[[package]]\n'
        'name = "a"\nversion = "1.0.0"\n\n[[package]]\nname = "b"\nversion = "1.0.0"\n'
        'dependencies = [\n "a 2.0.0",\n "c",\n]\n'
    )


# --- a rename of a copy of the checkout -----------------------------------------------------


def run(
    command: Sequence[str | Path], copy: Project, env: dict[str, str], timeout: float = TOOL_TIMEOUT
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command],
        cwd=copy.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def checked(proc: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert proc.returncode == 0, (
        f"{proc.args} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
    )
    return proc


def git(copy: Project, *args: str) -> str:
    proc = subprocess.run(
        ["git", *GIT_USER, *args],
        cwd=copy.root,
        capture_output=True,
        text=True,
        timeout=TOOL_TIMEOUT,
        check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr  # 1: git grep found nothing
    return proc.stdout


def snapshot(copy: Project) -> tuple[str, str]:
    """The state of the copy's files: git's view, and a digest of every file's bytes."""
    digest = hashlib.sha256()
    files = rename.listed(copy.root, "--cached") + rename.listed(
        copy.root, "--others", "--exclude-standard"
    )
    for path in sorted(files):
        digest.update(path.encode() + b"\0" + (copy.root / path).read_bytes())
    return git(copy, "status", "--porcelain"), digest.hexdigest()


@dataclass
class Refusal:
    name: str
    problems: tuple[str, ...]


@dataclass
class Renamed:
    """The copy, renamed from the module's name to NEW and built."""

    copy: Project
    env: dict[str, str]
    refusals: list[Refusal]
    refused_cli: subprocess.CompletedProcess[str]  # a bad name, from the command line
    refused_dirty: subprocess.CompletedProcess[str]  # a good name, with a file changed
    untouched: bool  # the refusals left every file as it was
    old_build: Path  # the old name's build that the rename had to uninstall
    output: subprocess.CompletedProcess[str]  # the rename's
    after_rename: str  # git status right after the rename


def bad_names() -> list[tuple[str, str]]:
    """(name, what the refusal says), for names the rename must refuse."""
    stub = ast.parse(PROJECT.stub.read_text())
    exported = next(n.name for n in stub.body if isinstance(n, ast.FunctionDef))
    return [
        ("1abc", "not a Python identifier"),
        ("class", "is a Python keyword"),
        ("json", "is a standard-library module"),
        ("numpy", "is already importable in .venv"),
        ("kit", "is a top-level folder or module of this checkout"),
        (NEW.snake.replace("_", "-"), f"use {NEW.snake}"),
        (NEW.pascal, "is not lowercase snake_case"),
        (MODULE, "already called"),
        (f"{MODULE}_ext", f"contains the current name {MODULE}"),
        (exported, "already appears as a word in the files"),
    ]


def fresh_copy() -> None:
    """The checkout's files at CHECKOUT, and nothing else but the copy's venv and the link to
    the sandbox's target folder, both kept from earlier runs.

    The venv is a folder in the copy, not a link to one: through a link, zuban's language
    server (0.10.2) does not see the venv's site-packages, and the copy's editor tests would
    fail for a reason that has nothing to do with the rename."""
    CHECKOUT.mkdir(parents=True, exist_ok=True)
    for entry in CHECKOUT.iterdir():
        if entry.name in (".venv", "target"):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    sandbox.copy_checkout(CHECKOUT)
    target = sandbox.target_dir(SANDBOX)
    target.mkdir(parents=True, exist_ok=True)
    if not (CHECKOUT / "target").is_symlink():
        (CHECKOUT / "target").symlink_to(target, target_is_directory=True)


@pytest.fixture(scope="module")
def renamed() -> Generator[Renamed]:
    with sandbox.lock(SANDBOX):
        fresh_copy()
        copy = Project(CHECKOUT)
        venv.ensure(copy.venv, [venv.DEV])
        uv: list[str | Path] = [PROJECT.tool("uv"), "pip", "uninstall", "--quiet", "--python"]
        uv.append(copy.venv)
        subprocess.run([*uv, MODULE, NEW.snake], check=True, timeout=TOOL_TIMEOUT)
        env = copy.env(CARGO_TARGET_DIR=str(sandbox.target_dir(SANDBOX)))
        env.pop(copy.skip_variable, None)
        git(copy, "init", "--quiet")
        # The link to the target folder: .gitignore's `/target/` matches a folder only.
        (copy.root / ".git" / "info" / "exclude").write_text("/target\n")
        git(copy, "add", "--all")
        git(copy, "commit", "--quiet", "--no-gpg-sign", "-m", "the kit")
        old_build = install_old_build(site_packages(copy.python), MODULE, copy.root)

        before = snapshot(copy)
        refusals: list[Refusal] = []
        for name, _ in bad_names():
            with pytest.raises(rename.Refused) as refused:
                rename.prepare(copy, name, force=False)
            refusals.append(Refusal(name, refused.value.problems))
        command: list[str | Path] = [copy.python, "-m", "kit.rename"]
        refused_cli = run([*command, "1abc"], copy, env)
        readme = copy.root / "README.md"
        readme.write_text(readme.read_text() + "\nan uncommitted line\n")
        refused_dirty = run([*command, NEW.snake], copy, env)
        git(copy, "checkout", "--", "README.md")
        untouched = snapshot(copy) == before

        output = checked(run([*command, NEW.snake], copy, env, BUILD_TIMEOUT))
        after_rename = git(copy, "status", "--porcelain")
        pyrs = [PYRS, "--python", copy.python]
        checked(run([*pyrs, "dev"], copy, env, BUILD_TIMEOUT))
        yield Renamed(
            Project(copy.root),
            env,
            refusals,
            refused_cli,
            refused_dirty,
            untouched,
            old_build,
            output,
            after_rename,
        )


def test_bad_names_are_refused_and_nothing_changes(renamed: Renamed) -> None:
    for (name, expected), refusal in zip(bad_names(), renamed.refusals, strict=True):
        assert refusal.name == name
        assert any(expected in problem for problem in refusal.problems), refusal
    cli = renamed.refused_cli
    assert cli.returncode == 2, cli
    assert "not a Python identifier" in cli.stderr
    assert cli.stderr.rstrip().endswith("Nothing was changed."), cli.stderr
    dirty = renamed.refused_dirty
    assert dirty.returncode == 2, dirty
    assert "uncommitted changes" in dirty.stderr
    assert "README.md" in dirty.stderr
    assert renamed.untouched


def test_the_old_name_is_nowhere_in_the_tracked_files(renamed: Renamed) -> None:
    copy = renamed.copy
    assert git(copy, "grep", "-n", "-i", MODULE) == ""
    assert "??" not in renamed.after_rename  # no file the rename made is left untracked
    names = git(copy, "ls-files").splitlines()
    assert [name for name in names if MODULE in name.lower()] == []
    assert copy.module == NEW.snake
    assert copy.stub.relative_to(copy.root).as_posix() in names
    assert f"R  stubs/{MODULE}.pyi -> stubs/{NEW.snake}.pyi" in renamed.after_rename


def test_the_build_and_lock_files_agree_with_the_rename(renamed: Renamed) -> None:
    """Building, regenerating the stub, and cargo re-sorting its locks change nothing more."""
    copy = renamed.copy
    assert git(copy, "status", "--porcelain") == renamed.after_rename
    for manifest in ("Cargo.toml", "fuzz/Cargo.toml"):
        command = ["cargo", "update", "--workspace", "--offline", "--manifest-path", manifest]
        checked(run(command, copy, renamed.env))
    assert git(copy, "status", "--porcelain") == renamed.after_rename


def test_the_old_build_was_uninstalled(renamed: Renamed) -> None:
    assert not renamed.old_build.exists()
    assert f"uninstalled {MODULE}" in renamed.output.stdout


def test_the_copys_own_tests_pass_under_the_new_name(renamed: Renamed) -> None:
    copy = renamed.copy
    command: list[str | Path] = [copy.python, "-m", "pytest", "-x", "-q", "-k", NOT_IN_COPY]
    command += COPY_TESTS
    proc = run(command, copy, renamed.env, BUILD_TIMEOUT)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]


def test_doctor_is_all_good(renamed: Renamed) -> None:
    copy = renamed.copy
    report = run([PYRS, "--python", copy.python, "doctor"], copy, renamed.env, BUILD_TIMEOUT)
    assert report.returncode == 0, report.stdout + report.stderr
    assert report.stdout.splitlines()[-1] == "pyrs doctor: all good"


def test_kit_code_never_spells_the_module_name() -> None:
    """The kit reads the name from pyproject.toml: a rename has nothing to change in it."""
    for path in sorted((PROJECT.root / "kit").glob("*.py")):
        assert MODULE not in path.read_text().lower(), path
