"""Make the kit yours: give the module, the distribution and the crates your project's name.

    python -m kit.rename NEW_NAME [--force] [--dry-run]     (make rename NAME=NEW_NAME)

Every file git tracks is rewritten where it names the current module, and every path: the
import name, the distribution and crate names (pyproject.toml, Cargo.toml, the fuzz crate,
both Cargo.lock), the stub's file name, the environment variables derived from the name,
the README, the VS Code task labels, the tests. Only the whole name is replaced, in each of
its spellings: ``name`` -> ``new_name``, ``NAME`` -> ``NEW_NAME``, ``Name`` -> ``NewName``
(the CapWords of a class or a title). Whole means delimited by anything but a letter or a
digit (``_`` too: ``NAME_SKIP_SOURCE_CHECK``, ``name_reference``) or by a change of case
(``NameError``); ``namesake`` is another word and stays.

Nothing is written unless the name passes every check (exit 2 otherwise, naming each
reason) and the working tree is clean (``--force`` to rename anyway), so ``git reset
--hard`` always undoes a rename that is not committed yet. Afterwards the build left in
``.venv`` under the old name is uninstalled; ``make dev`` then builds and regenerates the
stub under the new one.
"""

from __future__ import annotations

import argparse
import builtins
import functools
import json
import keyword
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from kit.project import Project

TOOL_TIMEOUT = 120.0  # seconds: git, or an interpreter listing what it can import
STUB_TIMEOUT = 1800.0  # the stub generator's first build of pyo3 on two busy cores
NAME_SYNTAX = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
# The crates `make fmt` formats besides the tool's, which never spells the module's name.
FORMATTED_CRATES = ("Cargo.toml", "fuzz/Cargo.toml")
SHOWN = 5  # places listed when a name is refused for appearing in the files already

# Rust's strict and reserved keywords: the crate's name is a path (`use name::...`) and the
# `#[pymodule] fn name`.
RUST_KEYWORDS = frozenset(
    word
    for line in (
        "as async await break const continue crate dyn else enum extern false fn for if impl in",
        "let loop match mod move mut pub ref return self static struct super trait true type",
        "unsafe use where while abstract become box do final gen macro override priv try typeof",
        "unsized virtual yield",
    )
    for word in line.split()
)
# Names cargo refuses or warns about for a package: the standard crates, its own output
# folders, and the device names Windows reserves.
CARGO_RESERVED = frozenset(
    (
        *("alloc", "core", "proc_macro", "std", "test"),
        *("build", "deps", "examples", "incremental"),
        *("con", "prn", "aux", "nul"),
        *(f"{device}{n}" for device in ("com", "lpt") for n in range(1, 10)),
    )
)

# Run by .venv's interpreter in isolated mode (no checkout on sys.path, no PYTHONPATH): where
# it imports a name from, and the distributions installed there.
VENV_PROBE = """
import importlib.metadata, importlib.util, json, re, sys
spec = importlib.util.find_spec(sys.argv[1])
origin = None if spec is None else spec.origin or list(spec.submodule_search_locations or [])
names = {d.metadata["Name"] for d in importlib.metadata.distributions()}
print(json.dumps({
    "origin": origin,
    "distributions": sorted(re.sub(r"[-_.]+", "_", n).lower() for n in names if n),
}))
"""


class Refused(Exception):
    """The rename cannot go ahead (each reason in ``problems``); nothing was changed."""

    def __init__(self, *problems: str) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


# --- the spellings of a name, and where they occur -------------------------------------------


@dataclass(frozen=True)
class Name:
    """A module name (snake_case) and the spellings it takes in code and prose."""

    snake: str

    @property
    def upper(self) -> str:
        return self.snake.upper()

    @property
    def pascal(self) -> str:
        return "".join(word[:1].upper() + word[1:] for word in self.snake.split("_"))

    @property
    def camel(self) -> str:
        return self.pascal[:1].lower() + self.pascal[1:]

    @functools.cached_property
    def pattern(self) -> re.Pattern[str]:
        # The snake spelling in any case (name, NAME, Name); CapWords and camelCase exactly,
        # when they differ from it (new_name: NewName, newName).
        forms = [f"(?i:{re.escape(self.snake)})"]
        if "_" in self.snake:
            forms += [re.escape(self.pascal), re.escape(self.camel)]
        return re.compile("|".join(forms))

    def find(self, text: str) -> Iterator[re.Match[str]]:
        """The occurrences of the whole name in ``text``, in order."""
        pos = 0
        while (match := self.pattern.search(text, pos)) is not None:
            if whole(text, match.start(), match.end()):
                yield match
                pos = match.end()
            else:
                pos = match.start() + 1

    def occurs_in(self, text: str) -> bool:
        return next(self.find(text), None) is not None

    def respell(self, found: str, new: Name, *, hump_after: bool) -> str:
        """``new`` spelled as ``found`` spells this name."""
        if found == self.snake:
            # nameError: the first word of a camelCase identifier.
            return new.camel if hump_after and "_" not in self.snake else new.snake
        if found == self.upper:
            return new.upper
        if found == self.pascal:
            return new.pascal
        if found == self.camel:
            return new.camel
        if found == self.snake.capitalize():
            return new.snake.capitalize()
        return new.snake  # an odd mix of cases: the module's own spelling

    def replace(self, text: str, new: Name) -> tuple[str, int]:
        """``text`` with every whole occurrence respelled as ``new``; how many there were."""
        parts: list[str] = []
        pos = count = 0
        for match in self.find(text):
            hump = text[match.end() : match.end() + 1].isupper()
            parts += [text[pos : match.start()], self.respell(match.group(), new, hump_after=hump)]
            pos = match.end()
            count += 1
        parts.append(text[pos:])
        return "".join(parts), count


def whole(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is a whole word: the characters either side are not letters
    or digits (``_`` delimits), or the case changes there (``MyName``, ``NameError``,
    ``HTTPName``, ``NAMEError``)."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    first, last = text[start], text[end - 1]
    second = text[start + 1] if start + 1 < end else ""
    beyond = text[end + 1] if end + 1 < len(text) else ""
    left = (
        not before.isalnum()
        or (before.islower() and first.isupper())
        or (before.isupper() and first.isupper() and second.islower())
    )
    right = (
        not after.isalnum()
        or (last.islower() and after.isupper())
        or (last.isupper() and after.isupper() and beyond.islower())
    )
    return left and right


def lines_naming(name: Name, text: str) -> list[int]:
    """The line numbers (from 1) of ``text`` where ``name`` occurs."""
    return [number for number, line in enumerate(text.splitlines(), 1) if name.occurs_in(line)]


# --- the files ---------------------------------------------------------------------------------


def git(root: Path, *args: str) -> str:
    proc = subprocess.run(
        ["git", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=TOOL_TIMEOUT,
        check=False,
    )
    if proc.returncode != 0:
        message = proc.stderr.strip()
        hint = (
            ": the rename needs a git checkout, to be reviewed and undone"
            if "not a git" in message
            else ""
        )
        raise Refused(f"`git {' '.join(args)}` failed in {root}: {message}{hint}")
    return proc.stdout


def listed(root: Path, *options: str) -> list[str]:
    names = git(root, "ls-files", "-z", *options).split("\0")
    return sorted({name for name in names if name and (root / name).is_file()})


def read_text(path: Path) -> str | None:
    """The file's text (UTF-8, line endings as they are), None for a binary file."""
    data = path.read_bytes()
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


@dataclass
class Change:
    """One file of the checkout, as the rename leaves it."""

    path: str  # relative, with "/"
    new_path: str
    text: str | None  # the new contents; None when they stay as they are
    tracked: bool
    lines: int = 0  # lines that named the old name


@dataclass
class Plan:
    old: Name
    new: Name
    changes: list[Change] = field(default_factory=list[Change])
    already: list[str] = field(default_factory=list[str])  # "path:line" naming the new name
    binary: list[str] = field(default_factory=list[str])  # binary files naming the old one
    untouched: list[str] = field(default_factory=list[str])  # "path:line", inside longer words

    @property
    def files(self) -> int:
        return sum(1 for change in self.changes if change.text is not None)

    @property
    def lines(self) -> int:
        return sum(change.lines for change in self.changes)

    @property
    def moves(self) -> list[Change]:
        return [change for change in self.changes if change.new_path != change.path]

    def leftovers(self) -> str:
        """What the rename leaves naming the old name, one line each ('' when nothing)."""
        old = self.old.snake
        lines = [
            f"  left as is: {path} (binary) names {old}: regenerate it" for path in self.binary
        ]
        lines += [
            f"  left as is: {place} has {old} inside a longer word" for place in self.untouched
        ]
        return "".join(f"{line}\n" for line in lines)


def plan(root: Path, old: Name, new: Name) -> Plan:
    """Every change the rename makes, computed without writing anything."""
    result = Plan(old, new)
    tracked = set(listed(root, "--cached"))
    untracked = set(listed(root, "--others", "--exclude-standard"))
    for path in sorted(tracked | untracked):
        file = root / path
        new_path, _ = old.replace(path, new)
        if file.is_symlink():
            continue
        text = read_text(file)
        if text is None:
            if old.snake.lower().encode() in file.read_bytes().lower():
                result.binary.append(path)
            result.changes.append(Change(path, new_path, None, path in tracked))
            continue
        result.already += [f"{path}:{line}" for line in lines_naming(new, text)]
        renamed, count = old.replace(text, new)
        if count and Path(path).name == "Cargo.lock":
            renamed = sort_cargo_lock(renamed)
        lines = len(lines_naming(old, text))
        change = Change(path, new_path, renamed if count else None, path in tracked, lines)
        result.changes.append(change)
        lowered = old.snake.lower()
        result.untouched += [
            f"{new_path}:{number}"
            for number, line in enumerate(renamed.splitlines(), 1)
            if lowered in line.lower()
        ]
    result.changes = [c for c in result.changes if c.text is not None or c.new_path != c.path]
    return result


def sort_cargo_lock(text: str) -> str:
    """A Cargo.lock in cargo's own order (packages, and each one's dependencies, by name): a
    build keeps a lock file that differs from it in order only, but the next ``cargo update``
    would sort it, in a diff that has nothing to do with the update."""
    blocks = text.rstrip("\n").split("\n\n")
    slots = [index for index, block in enumerate(blocks) if block.startswith("[[package]]\n")]
    packages = sorted((sort_dependencies(blocks[index]) for index in slots), key=package_name)
    for index, block in zip(slots, packages, strict=True):
        blocks[index] = block
    return "\n\n".join(blocks) + "\n"


def package_name(block: str) -> str:
    match = re.search(r'^name = "([^"]*)"$', block, re.MULTILINE)
    return str(match.group(1)) if match else ""


def dependency_name(entry: str) -> str:
    """``"name"``, ``"name version"``, ``"name version (source)"``: the name."""
    return entry.strip().strip('",').split(" ")[0]


def sort_dependencies(block: str) -> str:
    def sort_list(match: re.Match[str]) -> str:
        entries = sorted(str(match.group(2)).split("\n"), key=dependency_name)
        return str(match.group(1)) + "\n".join(entries) + str(match.group(3))

    return re.sub(r"(^dependencies = \[\n)(.*?)(\n\])", sort_list, block, flags=re.M | re.S)


def apply(root: Path, plan: Plan) -> None:
    """Write the new contents, then move the files whose path names the old name (``git mv``
    for tracked ones, so ``git status`` shows the renames)."""
    for change in plan.changes:
        if change.text is not None:
            (root / change.path).write_bytes(change.text.encode("utf-8"))
    for change in plan.moves:
        (root / change.new_path).parent.mkdir(parents=True, exist_ok=True)
        if change.tracked:
            git(root, "mv", "--", change.path, change.new_path)
        else:
            os.replace(root / change.path, root / change.new_path)
        folder = (root / change.path).parent
        while folder != root and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent


# --- the checks --------------------------------------------------------------------------------


def name_problems(project: Project, new: str) -> list[str]:
    """Why ``new`` cannot be the module's name (none: it can)."""
    old = project.module
    if "-" in new and NAME_SYNTAX.fullmatch(new.replace("-", "_")):
        suggestion = new.replace("-", "_")
        return [f"{new!r} is not a Python import name ('-' is not allowed): use {suggestion}"]
    if not new.isidentifier():
        return [f"{new!r} is not a Python identifier (letters, digits and _, not first a digit)"]
    if not NAME_SYNTAX.fullmatch(new):
        lower = re.sub(r"_+", "_", new.lower()).strip("_")
        hint = f": try {lower}" if NAME_SYNTAX.fullmatch(lower) else ""
        return [
            f"{new!r} is not lowercase snake_case (a letter, then lowercase letters, digits and "
            f"single underscores between words), as PEP 8 wants a module and Rust a crate{hint}"
        ]
    if new == old:
        return [f"the module is already called {new}"]
    problems: list[str] = []
    if old.lower() in new:
        problems.append(
            f"{new} contains the current name {old}: the old name could not be told apart "
            "from the new one (a search for it would find every place the new one is written)"
        )
    if keyword.iskeyword(new) or keyword.issoftkeyword(new):
        problems.append(f"{new} is a Python keyword")
    if new in RUST_KEYWORDS:
        problems.append(f"{new} is a Rust keyword: the crate could not be named after it")
    if new in CARGO_RESERVED:
        problems.append(f"{new} is a name cargo reserves (cargo refuses or warns on a crate {new})")
    if new in sys.stdlib_module_names:
        problems.append(f"{new} is a standard-library module: `import {new}` would be ambiguous")
    if new in dir(builtins):
        problems.append(f"{new} is a built-in: `import {new}` would shadow it")
    local = [p.name for p in sorted(project.root.iterdir()) if not p.name.startswith(".")]
    if new in {Path(name).stem if name.endswith(".py") else name for name in local}:
        problems.append(
            f"{new} is a top-level folder or module of this checkout: `import {new}` from the "
            "checkout (tests, python -m) would find that instead"
        )
    for lock in listed(project.root, "--cached"):
        if Path(lock).name != "Cargo.lock":
            continue
        text = (project.root / lock).read_text(encoding="utf-8")
        if new in {name.replace("-", "_") for name in re.findall(r'^name = "(.*)"$', text, re.M)}:
            problems.append(f"{new} is already a crate the project builds with ({lock})")
            break
    problems += venv_problems(project, new)
    return problems


def venv_problems(project: Project, new: str) -> list[str]:
    """Clashes with what ``.venv`` can import or has installed (nothing to check without it)."""
    if not project.python.exists():
        return []
    proc = subprocess.run(
        [project.python, "-I", "-c", VENV_PROBE, new],
        cwd=project.root,
        capture_output=True,
        text=True,
        timeout=TOOL_TIMEOUT,
        check=False,
    )
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
        return [f"cannot ask {project.python} what it imports ({tail}): run make venv"]
    found = cast("dict[str, Any]", json.loads(proc.stdout))
    problems: list[str] = []
    if found["origin"] is not None:
        origin = found["origin"] if isinstance(found["origin"], str) else "a namespace package"
        if Path(origin).is_relative_to(project.root):
            origin = Path(origin).relative_to(project.root).as_posix()
        problems.append(
            f"{new} is already importable in {project.venv.name} (from {origin}): the two "
            "would clash"
        )
    elif new in found["distributions"]:
        problems.append(
            f"a distribution named {new} is installed in {project.venv.name}: building yours "
            "would replace it"
        )
    return problems


def dirty(root: Path) -> list[str]:
    """Uncommitted changes under ``root``, as ``git status --short`` lists them."""
    return git(root, "status", "--porcelain", "--untracked-files=normal", "--", ".").splitlines()


def problems_with(project: Project, plan: Plan, *, force: bool) -> list[str]:
    """Why the planned rename cannot go ahead (none: it can)."""
    problems: list[str] = []
    if plan.already:
        shown = ", ".join(plan.already[:SHOWN])
        more = f" and {len(plan.already) - SHOWN} more" if len(plan.already) > SHOWN else ""
        problems.append(
            f"{plan.new.snake} already appears as a word in the files ({shown}{more}): after the "
            "rename those places could not be told apart from the module's name"
        )
    moved = {change.path for change in plan.moves}
    for change in plan.moves:
        if (project.root / change.new_path).exists() and change.new_path not in moved:
            problems.append(f"{change.path} would be moved onto {change.new_path}, which exists")
    if not force:
        changes = dirty(project.root)
        if changes:
            listed_changes = "".join(f"\n      {line}" for line in changes[:SHOWN])
            problems.append(
                "the working tree has uncommitted changes (commit or stash them, so that "
                f"`git reset --hard` can undo the rename; or --force):{listed_changes}"
            )
    return problems


def prepare(project: Project, new: str, *, force: bool) -> Plan:
    """The rename of the module to ``new``, planned and checked; raises Refused if it cannot
    go ahead."""
    problems = name_problems(project, new)
    if problems:
        raise Refused(*problems)
    planned = plan(project.root, Name(project.module), Name(new))
    problems = problems_with(project, planned, force=force)
    if problems:
        raise Refused(*problems)
    return planned


# --- after the rename ------------------------------------------------------------------------


def uninstall(project: Project, distribution: str) -> str:
    """Remove the build of ``distribution`` from the project's venv; what happened."""
    uv = project.tool("uv")
    if not uv.exists():
        return f"no {uv} (no .venv yet): no old build to remove"
    venv = project.venv
    if venv.is_relative_to(project.root):
        venv = venv.relative_to(project.root)  # as the user would type it: .venv
    proc = subprocess.run(
        [uv, "pip", "uninstall", "--python", venv, distribution],
        cwd=project.root,
        capture_output=True,
        text=True,
        timeout=TOOL_TIMEOUT,
        check=False,
    )
    output = (proc.stdout + proc.stderr).strip()
    if proc.returncode != 0:
        raise RuntimeError(f"uv pip uninstall {distribution} failed: {output}")
    if "not installed" in output or "Skipping" in output:
        return f"no build of {distribution} in {venv}"
    return f"uninstalled {distribution} (the build under the old name) from {venv}"


def reformat(project: Project) -> str:
    """What ``make fmt`` formats: a name of another length moves code past the line limit,
    which rustfmt and ruff put right (and ``make lint`` would otherwise fail)."""
    if not project.python.exists():
        raise RuntimeError(f"no {project.python}: run make venv, then make fmt")
    commands = [
        *(["cargo", "fmt", "--all", "--manifest-path", m] for m in FORMATTED_CRATES),
        [str(project.python), "-m", "ruff", "check", "--fix", "--quiet", "."],
        [str(project.python), "-m", "ruff", "format", "--quiet", "."],
    ]
    for command in commands:
        proc = subprocess.run(
            command,
            cwd=project.root,
            capture_output=True,
            text=True,
            timeout=TOOL_TIMEOUT,
            check=False,
        )
        if proc.returncode != 0:
            raise RuntimeError(
                "make fmt did not end clean: fix by hand what it lists (a comment or a string "
                f"the new name made too long?), make lint checks it:\n{proc.stdout}{proc.stderr}"
            )
    return "reformatted (make fmt): rustfmt and ruff, for the name's new length"


def next_steps(old: str, new: str) -> str:
    return f"""
Next:
  git status && git diff        review the rename (not committed: `git reset --hard` undoes it)
  make dev                      build {new} into .venv and regenerate stubs/{new}.pyi
  make doctor                   expect "pyrs doctor: all good"
  make test                     everything CI checks, under the new name
  git add -A && git commit -m "Rename {old} to {new}"
In VS Code: run "Developer: Reload Window" so Pylance forgets {old}; the tasks are now
"{new}: ...". Renaming the checkout's folder too? Then recreate .venv, whose scripts hold
absolute paths: rm -rf .venv target && make venv && make dev.
Then make it yours: the description in pyproject.toml and Cargo.toml, the README, the
payload (src/, reference/, tests/payload/, bench/) - see "Make it yours" in the README.
"""


# --- the command -----------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kit.rename", description=(__doc__ or "").splitlines()[0]
    )
    parser.add_argument(
        "name", metavar="NEW_NAME", help="the new import name (lowercase snake_case)"
    )
    parser.add_argument("--force", action="store_true", help="rename despite uncommitted changes")
    parser.add_argument(
        "--dry-run", action="store_true", help="say what would change, change nothing"
    )
    parser.add_argument("--root", type=Path, help="another checkout of the kit (default: this)")
    args = parser.parse_args(argv)
    project = Project(args.root.absolute()) if args.root else Project()
    old, new = project.module, str(args.name)
    distribution = str(project.pyproject["project"]["name"])
    try:
        planned = prepare(project, new, force=args.force)
    except Refused as refused:
        print(f"kit.rename: cannot rename {old} to {new!r}:", file=sys.stderr)
        for problem in refused.problems:
            print(f"  - {problem}", file=sys.stderr)
        print("Nothing was changed.", file=sys.stderr)
        return 2
    moves = ", ".join(f"{c.path} -> {c.new_path}" for c in planned.moves)
    summary = f"{planned.files} files ({planned.lines} lines)" + (
        f"; moved {moves}" if moves else ""
    )
    if args.dry_run:
        print(f"would rename {old} to {new}: {summary}")
        for change in planned.changes:
            print(f"  {change.path}: {change.lines} lines")
        print(planned.leftovers(), end="")
        return 0
    try:
        apply(project.root, planned)
    except (OSError, Refused) as error:
        print(
            f"kit.rename: stopped half-way ({error}); undo with `git reset --hard`", file=sys.stderr
        )
        return 1
    print(f"renamed {old} to {new}: {summary}")
    print(planned.leftovers(), end="")
    renamed = Project(project.root, venv_dir=project.venv_dir)
    failed = False
    steps: tuple[Callable[[], str], ...] = (
        lambda: uninstall(renamed, distribution),
        lambda: reformat(renamed),
    )
    for step in steps:
        try:
            print(step(), flush=True)
        except (OSError, RuntimeError, subprocess.SubprocessError) as error:
            print(f"kit.rename: {error}", file=sys.stderr)
            failed = True
    print(next_steps(old, new))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
