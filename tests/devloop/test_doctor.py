"""``python -m kit.doctor`` on throwaway copies of the checkout: all good as it is, and each way
of breaking the editor set-up is named with the command that fixes it.

Each copy (``kit.sandbox.copy_checkout``) links its ``.venv`` to the repo's, read-only: an
interpreter, pyright and the installed module. A breakage that must write into a venv gets
one of its own instead (``own_venv``), never the repo's. The stub check builds in the
"doctor" sandbox's target folder, which stays warm between runs. Precondition: the repo's
``.venv`` holds a build of the current sources (``make build``; ``make pytest`` builds first).

The doctor is given each copy through one fixed path, a link to it (``ALIAS``): the stub
check's PYO3_PYTHON is derived from that path, and cargo rebuilds pyo3 whenever the value of
PYO3_PYTHON changes, so a path per copy would cost a pyo3 build per test.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from kit import doctor
from kit.project import Project
from tests.support import checkers, sandbox, vscode
from tests.support.checkers import Checker
from tests.support.tools import install_old_build, user_environment

PROJECT = Project()
MODULE = PROJECT.module
SANDBOX = "doctor"
ALIAS = sandbox.target_dir(SANDBOX).parent / "checkout"
DOCTOR_TIMEOUT = 900.0  # seconds: the first stub check in a new target folder builds pyo3
QUICK_TIMEOUT = 120.0
OLD_NAME = f"old_{MODULE}"  # the module's name before a `make rename`
RESOLVES = {checker.name: f"{checker.name} resolves {MODULE}" for checker in checkers.CHECKERS}
CHECK_NAMES = (
    "interpreter",
    "VS Code interpreter",
    f"import {MODULE}",
    "stubs in sync",
    "settings vs [tool.pyright]",
    *RESOLVES.values(),
    ".env PYTHONPATH",
    "old builds",
)
SETTINGS = str(vscode.SETTINGS)
INTERPRETER = doctor.INTERPRETER_SETTING
# The project's interpreter as a VS Code setting, and paths as doctor prints them.
OUR_INTERPRETER = "${workspaceFolder}/" + PROJECT.python.relative_to(PROJECT.root).as_posix()
VENV = str(PROJECT.venv.relative_to(PROJECT.root))
PYTHON = str(PROJECT.python.relative_to(PROJECT.root))
STUB = str(PROJECT.stub.relative_to(PROJECT.root))


def relative(path: Path, root: Path) -> str:
    return str(path.relative_to(root))


@dataclass(frozen=True)
class Report:
    returncode: int
    stdout: str
    stderr: str

    def status(self) -> dict[str, str]:
        """Check name -> OK / FAIL / SKIP (FAIL wins when a check prints several lines)."""
        found: dict[str, str] = {}
        for line in self.stdout.splitlines():
            match = re.match(r"(OK|FAIL|SKIP) +([^:]+):", line)
            if match and found.get(match.group(2)) != "FAIL":
                found[match.group(2)] = match.group(1)
        return found

    def failures(self, check: str) -> list[tuple[str, str]]:
        """(message, fix) for each problem the named check printed."""
        found: list[tuple[str, str]] = []
        message: list[str] | None = None
        for line in self.stdout.splitlines():
            if line.startswith(f"FAIL  {check}: "):
                message = [line.removeprefix(f"FAIL  {check}: ")]
            elif message is not None and line.startswith("      fix: "):
                found.append(("\n".join(message), line.removeprefix("      fix: ")))
                message = None
            elif message is not None:
                message.append(line)
        return found


def run_doctor(copy: Project) -> Report:
    # What VS Code or a plain shell has: nothing that make or an activated venv exports.
    env = user_environment(CARGO_TARGET_DIR=str(sandbox.target_dir(SANDBOX)))
    proc = subprocess.run(
        [sys.executable, "-m", "kit.doctor", "--root", str(copy.root)],
        cwd=PROJECT.root,  # where `kit` imports from
        env=env,
        capture_output=True,
        text=True,
        timeout=DOCTOR_TIMEOUT,
        check=False,
    )
    return Report(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture(scope="module", autouse=True)
def repo_build_is_current() -> None:
    """Every check but the broken one must pass, so the repo's build must be current."""
    proc = subprocess.run(
        [PROJECT.python, "-W", "error::RuntimeWarning", "-c", f"import {MODULE}"],
        cwd=PROJECT.root,
        env={k: v for k, v in os.environ.items() if k != PROJECT.skip_variable},
        capture_output=True,
        text=True,
        timeout=QUICK_TIMEOUT,
        check=False,
    )
    if proc.returncode != 0:
        pytest.fail(
            f"the repo's {VENV} has no build of the current sources (run `make build`):\n"
            + proc.stderr[-2000:]
        )


@pytest.fixture
def copy(tmp_path: Path) -> Iterator[Project]:
    """A copy of the checkout, as the doctor sees it: through ``ALIAS``."""
    with sandbox.lock(SANDBOX):  # one user of the alias and the target folder at a time
        real = sandbox.copy_checkout(tmp_path / MODULE, venv_dir=PROJECT.venv)
        ALIAS.parent.mkdir(parents=True, exist_ok=True)
        ALIAS.unlink(missing_ok=True)
        ALIAS.symlink_to(real.root, target_is_directory=True)
        try:
            yield Project(ALIAS)
        finally:
            ALIAS.unlink()


# --- breaking a copy -----------------------------------------------------------------------


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, f"expected one {old!r} in {path}"
    path.write_text(text.replace(old, new))


def set_setting(root: Path, key: str, value: str) -> None:
    """Set a string setting in the copy's settings.json, whether or not it is there yet."""
    path = root / vscode.SETTINGS
    text = path.read_text()
    pair = f"{json.dumps(key)}: {json.dumps(value)}"
    existing = re.compile(rf'{re.escape(json.dumps(key))}\s*:\s*"[^"]*"')
    if existing.search(text):
        text = existing.sub(lambda _: pair, text, count=1)
    else:
        text = text.replace("{", "{\n  " + pair + ",", 1)
    path.write_text(text)
    assert vscode.flat_settings(root)[key] == value


def remove_venv(root: Path) -> None:
    (root / ".venv").unlink()


def interpreter_elsewhere(root: Path) -> None:
    set_setting(root, INTERPRETER, "/usr/bin/python3")


def stub_path_in_settings(root: Path) -> None:
    """The classic mistake, written with the JSONC that must still parse: a trailing comma,
    comments, and ``//`` and ``/*`` inside strings."""
    path = root / vscode.SETTINGS
    text = path.read_text().rstrip()
    assert text.endswith("}")
    path.write_text(
        text[:-1].rstrip()
        + ',\n  /* type checking */ "python.analysis.stubPath": "stubs", // moved here\n'
        + '  "http.proxy": "http://example.invalid/*not-a-comment*/",\n}\n'
    )


def first_docstring_line(stub: Path) -> str:
    """The first docstring line of the stub's first function."""
    tree = ast.parse(stub.read_text())
    function = next(node for node in tree.body if isinstance(node, ast.FunctionDef))
    doc = ast.get_docstring(function)
    assert doc is not None, f"{function.name} has no docstring in {stub}"
    return doc.strip().splitlines()[0]


DOC_LINE = first_docstring_line(PROJECT.stub)


def first_public_function(stub: Path) -> ast.FunctionDef:
    tree = ast.parse(stub.read_text())
    functions = (node for node in tree.body if isinstance(node, ast.FunctionDef))
    return next(node for node in functions if not node.name.startswith("_"))


def type_names(function: ast.FunctionDef) -> list[str]:
    """The type each annotation of ``function`` names, unqualified (``typing.SupportsIndex``
    gives SupportsIndex): what a checker that reads the stub shows in its type."""
    arguments = function.args
    parameters = (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)
    annotations = [parameter.annotation for parameter in parameters] + [function.returns]
    return sorted({ast.unparse(a).rsplit(".", 1)[-1] for a in annotations if a is not None})


FUNCTION = first_public_function(PROJECT.stub).name
TYPE_NAMES = type_names(first_public_function(PROJECT.stub))


def docstring_edited(root: Path) -> None:
    # Wherever in src/ the line is written (a `///` comment, or a docstring macro shared by
    # the runtime and the stub).
    (path,) = [p for p in (root / "src").rglob("*.rs") if f"{DOC_LINE}\n" in p.read_text()]
    replace_once(path, f"{DOC_LINE}\n", f"{DOC_LINE} (edited)\n")


def stub_deleted(root: Path) -> None:
    Project(root).stub.unlink()


def stubs_moved_away(root: Path) -> None:
    """``stubs/`` renamed to pyright's default stub folder, which no configuration names."""
    stubs = Project(root).stubs
    stubs.rename(stubs.with_name("typings"))


def missing_pythonpath_entry(root: Path) -> None:
    path = root / ".env"
    text = path.read_text()
    line = re.search(r"^PYTHONPATH=(.*)$", text, re.MULTILINE)
    assert line, f"no PYTHONPATH in {path}"
    entries = f"{line.group(1)}{os.pathsep}nowhere" if line.group(1) else "nowhere"
    path.write_text(text.replace(line.group(0), f"PYTHONPATH={entries}"))


# The executables of the repo's .venv that doctor runs: every checker, its language server, uv.
TOOLS = sorted(
    {c.executable for c in checkers.CHECKERS}
    | {c.server[0] for c in checkers.CHECKERS if c.server}
    | {"uv"}
)


def own_venv(root: Path, *, share_packages: bool, python_script: str | None = None) -> Path:
    """Replace the copy's ``.venv`` link by a venv of its own, which a breakage may write
    into: the repo's interpreter, type checkers and uv, but a site-packages of its own, where
    (``share_packages``) a .pth makes the repo's packages, the built module among them,
    importable and visible to pyright. ``python_script``: its python is that script. Its
    site-packages."""
    copy = Project(root)
    (repo_site,) = doctor.site_packages(PROJECT)
    copy.venv.unlink()
    site = copy.venv / repo_site.relative_to(PROJECT.venv)
    site.mkdir(parents=True)
    copy.bin.mkdir(parents=True, exist_ok=True)
    (copy.venv / "pyvenv.cfg").write_text((PROJECT.venv / "pyvenv.cfg").read_text())
    for tool in TOOLS:
        copy.tool(tool).symlink_to(PROJECT.tool(tool))
    if python_script is None:
        copy.python.symlink_to(PROJECT.python)
    else:
        copy.python.write_text(python_script)
        copy.python.chmod(0o755)
    if share_packages:
        (site / "repo-packages.pth").write_text(f"{repo_site}\n")
    return site


def stale_build(root: Path) -> None:
    """An interpreter whose import of the module prints the extension's stale-build warning.

    The real warning compares the sources with those of the folder the extension was built
    in, which for the repo's .venv is the repo, not this copy: tests/devloop/test_dev_loop.py
    checks the real thing on a copy that built its own extension. Here, doctor's reading of
    it."""
    warning = (
        f"<frozen importlib._bootstrap>:241: RuntimeWarning: {PROJECT.stale_mark}: the Rust "
        f"sources in {PROJECT.root} changed after this extension was built; rebuild with "
        "`make dev` there"
    )
    own_venv(
        root,
        share_packages=True,
        python_script=f"#!/bin/sh\nprintf '%s\\n' {shlex.quote(warning)} >&2\n"
        f'exec {shlex.quote(str(PROJECT.python))} "$@"\n',
    )


def not_built(root: Path) -> None:
    """A venv without the module (but with pyright, which reads the copy's config)."""
    own_venv(root, share_packages=False)


def leftovers_of_a_rename(root: Path) -> None:
    """After ``make rename``: the build under the old name still installed, and the
    ``*-tools.pth`` that the old kit wrote."""
    site = own_venv(root, share_packages=True)
    install_old_build(site, OLD_NAME, root)
    (site / f"{OLD_NAME}-tools.pth").write_text(f"{root / 'tools'}\n")


# --- the tests ------------------------------------------------------------------------------


def test_unbroken_copy_is_all_good(copy: Project) -> None:
    report = run_doctor(copy)
    assert report.returncode == 0, report
    assert report.stdout.splitlines()[-1] == f"{MODULE} doctor: all good"
    assert report.status() == dict.fromkeys(CHECK_NAMES, "OK"), report.stdout
    assert "built from the current sources" in report.stdout
    assert_typed_from_the_stub(report.stdout)


def assert_typed_from_the_stub(stdout: str) -> None:
    """Each checker's line names the stub in stubs/ and a type with the stub's types in it."""
    assert TYPE_NAMES, f"{FUNCTION} has no annotation in {STUB}"
    for check in RESOLVES.values():
        prefix = f"OK    {check}: {STUB}, reveal_type({MODULE}.{FUNCTION}): "
        (line,) = [line for line in stdout.splitlines() if line.startswith(f"OK    {check}: ")]
        assert line.startswith(prefix), line
        revealed = line.removeprefix(prefix)
        for name in TYPE_NAMES:
            assert re.search(rf"\b{re.escape(name)}\b", revealed), (name, line)
        assert not re.search(r"\b(Any|Unknown)\b", revealed), line


@dataclass(frozen=True)
class Expected:
    """A problem doctor must print: its check, a piece of its message, its exact fix."""

    check: str
    message: str
    fix: str


@dataclass(frozen=True)
class Breakage:
    name: str
    breaks: Callable[[Path], None]
    expected: tuple[Expected, ...]  # checks not named must be OK, or SKIP if in `skipped`
    skipped: tuple[str, ...] = ()


def assert_named(report: Report, breakage: Breakage) -> None:
    assert report.returncode == 1, report
    problems = sum(len(report.failures(check)) for check in CHECK_NAMES)
    assert problems == len(breakage.expected), report.stdout
    assert report.stdout.splitlines()[-1] == f"{MODULE} doctor: {problems} problem(s)"
    status = report.status()
    failing = {expected.check for expected in breakage.expected}
    for check in CHECK_NAMES:
        wanted = "FAIL" if check in failing else "SKIP" if check in breakage.skipped else "OK"
        assert status.get(check) == wanted, (check, report.stdout)
    for check in failing:
        printed = report.failures(check)
        expected = [(e.message, e.fix) for e in breakage.expected if e.check == check]
        assert len(printed) == len(expected), report.stdout
        for (message, fix), (printed_message, printed_fix) in zip(expected, printed, strict=True):
            assert message in printed_message, report.stdout
            assert printed_fix == fix, report.stdout


BREAKAGES = (
    Breakage(
        "no .venv",
        remove_venv,
        (Expected("interpreter", f"{PYTHON} does not exist", "make venv"),),
        skipped=(f"import {MODULE}", "stubs in sync", "old builds", *RESOLVES.values()),
    ),
    Breakage(
        "VS Code points at another interpreter",
        interpreter_elsewhere,
        (
            Expected(
                "VS Code interpreter",
                f"{INTERPRETER} is '/usr/bin/python3'",
                f'delete "{INTERPRETER}" from {SETTINGS}, or set it to "{OUR_INTERPRETER}" '
                "(then 'Python: Select Interpreter' if VS Code remembers another)",
            ),
        ),
    ),
    Breakage(
        "python.analysis.stubPath in settings.json",
        stub_path_in_settings,
        (
            Expected(
                "settings vs [tool.pyright]",
                f'"python.analysis.stubPath" in {SETTINGS} is ignored',
                f'delete "python.analysis.stubPath" from {SETTINGS} and set stubPath in '
                "[tool.pyright] in pyproject.toml instead",
            ),
        ),
    ),
    Breakage(
        "Rust docstring edited, stub not regenerated",
        docstring_edited,
        (
            Expected(
                "stubs in sync", f"-    {DOC_LINE}\n        +    {DOC_LINE} (edited)", "make stubs"
            ),
        ),
    ),
    Breakage(
        "stub deleted",
        stub_deleted,
        (
            Expected("stubs in sync", f"{STUB} is missing", "make stubs"),
            *(
                Expected(check, f"not {STUB}, which is missing", "make stubs")
                for check in RESOLVES.values()
            ),
        ),
    ),
    Breakage(
        "stubs/ moved away",
        stubs_moved_away,
        (
            Expected("stubs in sync", f"{STUB} is missing", "make stubs"),
            *(
                Expected(check, f"not {STUB}, which is missing", "make stubs")
                for check in RESOLVES.values()
            ),
        ),
    ),
    Breakage(
        "missing PYTHONPATH entry in .env",
        missing_pythonpath_entry,
        (
            Expected(
                ".env PYTHONPATH",
                "'nowhere' (in .env PYTHONPATH) does not exist",
                "remove 'nowhere' from PYTHONPATH in .env (or create nowhere)",
            ),
        ),
    ),
    Breakage(
        "stale build",
        stale_build,
        (Expected(f"import {MODULE}", f"{PROJECT.stale_mark}: the Rust sources in", "make dev"),),
    ),
    Breakage(
        "not built",
        not_built,
        (
            Expected(
                f"import {MODULE}",
                f"{MODULE} is not installed in {VENV}",
                "make dev   (or make demo for the release build and the benchmark)",
            ),
            # The checkers that warn when a stub has no module beside it (the editor shows it).
            *(
                Expected(RESOLVES[name], "compiled module is not installed", "make dev")
                for name in ("pyright", "basedpyright")
            ),
        ),
    ),
)


@pytest.mark.parametrize("breakage", BREAKAGES, ids=[b.name for b in BREAKAGES])
def test_doctor_names_the_problem_and_its_fix(copy: Project, breakage: Breakage) -> None:
    breakage.breaks(copy.root)
    assert_named(run_doctor(copy), breakage)


def test_leftovers_of_a_rename_are_named_and_the_fixes_remove_them(copy: Project) -> None:
    leftovers_of_a_rename(copy.root)
    site = doctor.site_packages(copy)[0]
    pth = site / f"{OLD_NAME}-tools.pth"
    uv = relative(PROJECT.tool("uv"), PROJECT.root)
    breakage = Breakage(
        "leftovers of a rename",
        leftovers_of_a_rename,
        (
            Expected(
                "old builds",
                f"{OLD_NAME} 0.1.0, built from this checkout under an old name",
                f"{uv} pip uninstall --python {VENV} {OLD_NAME}",
            ),
            Expected(
                "old builds",
                f"{relative(pth, copy.root)} (left by the old kit) adds",
                f"rm {relative(pth, copy.root)}",
            ),
        ),
    )
    report = run_doctor(copy)
    assert_named(report, breakage)
    for _, fix in report.failures("old builds"):
        subprocess.run(
            shlex.split(fix), cwd=copy.root, check=True, capture_output=True, timeout=QUICK_TIMEOUT
        )
    assert sorted(p.name for p in site.iterdir()) == ["repo-packages.pth"]


# --- single checks, in process -------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "ok"),
    [
        (None, doctor.PICKS_VENV),
        ('{"python.envFile": "${workspaceFolder}/.env"}', doctor.PICKS_VENV),
        (f'{{"{INTERPRETER}": "{OUR_INTERPRETER}"}}', f"points VS Code at {PYTHON}"),
        (f'{{"{INTERPRETER}": "{OUR_INTERPRETER}3"}}', f"points VS Code at {PYTHON}"),
        (f'{{"python": {{"defaultInterpreterPath": "{PYTHON}",}}}}', "points VS Code at"),
    ],
    ids=["no settings file", "unset", "ours", "ours as python3", "relative, nested"],
)
def test_vs_code_interpreter_unset_or_ours_is_ok(
    tmp_path: Path, settings: str | None, ok: str
) -> None:
    if settings is not None:
        (tmp_path / vscode.SETTINGS).parent.mkdir()
        (tmp_path / vscode.SETTINGS).write_text(settings)
    result = doctor.check_editor_interpreter(Project(tmp_path))
    assert result.problems == (), result.lines()
    assert ok in result.ok


def test_old_builds_are_only_other_names_built_here(tmp_path: Path) -> None:
    """Builds from elsewhere, from an index, and the current one are not leftovers; one
    under another name from the checkout or its wheel folder is, and so is a *-tools.pth
    whose (relative) line points into the checkout."""
    root = tmp_path / "kit"
    root.mkdir()
    (root / "pyproject.toml").write_text(f'[project]\nname = "{MODULE}"\n')
    project = Project(root)
    site = project.venv / "lib" / "python3.99" / "site-packages"
    site.mkdir(parents=True)
    install_old_build(site, MODULE, root)
    install_old_build(site, "elsewhere", tmp_path / "other")
    (site / "from_an_index-1.0.dist-info").mkdir()
    install_old_build(site, OLD_NAME, root)
    install_old_build(site, f"older_{MODULE}", root / "target" / "wheels" / "x.whl")
    (site / "elsewhere-tools.pth").write_text(f"{tmp_path / 'other'}\n")
    (site / f"{OLD_NAME}-tools.pth").write_text("import os\n../../../../tools\n")
    result = doctor.check_old_builds(project)
    fixes = [problem.fix for problem in result.problems]
    uv = relative(project.tool("uv"), root)
    assert fixes == [
        f"{uv} pip uninstall --python {VENV} {OLD_NAME}",
        f"{uv} pip uninstall --python {VENV} older_{MODULE}",
        f"rm {relative(site / f'{OLD_NAME}-tools.pth', root)}",
    ], result.lines()
    assert f"importable as {OLD_NAME}" in result.problems[0].message


# --- each type checker's resolution, in process ---------------------------------------------
#
# The breakages of one checker's configuration need no other check: they run the six
# resolution checks only, side by side, on a copy that links the repo's .venv (no build).

STUBS = PROJECT.stubs.relative_to(PROJECT.root).as_posix()


@pytest.fixture
def checkout(tmp_path: Path) -> Project:
    return sandbox.copy_checkout(tmp_path / MODULE, venv_dir=PROJECT.venv)


def resolutions(project: Project) -> dict[str, doctor.Result]:
    """Checker name -> what its resolution check found."""

    def check(checker: Checker) -> doctor.Result:
        return doctor.check_resolution(project, checker)

    with ThreadPoolExecutor(len(checkers.CHECKERS)) as pool:
        results = list(pool.map(check, checkers.CHECKERS))
    return {c.name: result for c, result in zip(checkers.CHECKERS, results, strict=True)}


def remove_setting(root: Path, key: str) -> None:
    """Delete the line that sets ``key`` from the copy's pyproject.toml (the only one)."""
    path = root / "pyproject.toml"
    line = re.compile(rf"^{re.escape(key)} *=.*\n", re.MULTILINE)
    text, count = line.subn("", path.read_text())
    assert count == 1, f"expected one {key} = ... line in {path}"
    path.write_text(text)


@dataclass(frozen=True)
class Setting:
    key: str  # the line that sets it is removed from pyproject.toml
    failing: tuple[str, ...]  # the checkers that then no longer resolve the module to the stub
    fix: str


SETTINGS_FOR_STUBS = (
    Setting(
        "stubPath",
        ("pyright", "basedpyright"),
        f'set stubPath = "{STUBS}" in [tool.pyright] in pyproject.toml',
    ),
    Setting(
        "mypy_path", ("mypy", "zuban"), f'add "{STUBS}" to [tool.mypy] mypy_path in pyproject.toml'
    ),
    Setting(
        "extra-paths",
        ("ty",),
        f'add "{STUBS}" to [tool.ty.environment] extra-paths in pyproject.toml',
    ),
    Setting(
        "search-path",
        ("pyrefly",),
        f'add "{STUBS}" to [tool.pyrefly] search-path in pyproject.toml',
    ),
)


@pytest.mark.parametrize("setting", SETTINGS_FOR_STUBS, ids=[s.key for s in SETTINGS_FOR_STUBS])
def test_a_checker_whose_config_loses_stubs_is_named_with_the_key_to_restore(
    checkout: Project, setting: Setting
) -> None:
    remove_setting(checkout.root, setting.key)
    found = resolutions(Project(checkout.root))
    for name, result in found.items():
        if name not in setting.failing:
            assert result.lines()[0].startswith(f"OK    {RESOLVES[name]}: {STUB}, "), result.lines()
            continue
        (problem,) = result.problems
        assert f", not {STUB}: " in problem.message, result.lines()
        assert f"{setting.key} in " in problem.message, result.lines()
        assert f'does not include "{STUBS}"' in problem.message, result.lines()
        assert problem.fix == setting.fix, result.lines()


def test_a_stub_without_types_is_named_for_every_checker(checkout: Project) -> None:
    """The stub is found, but its first public function lost its annotations: every checker
    types it Any or Unknown, which is no type from the stub."""
    tree = ast.parse(checkout.stub.read_text())
    (node,) = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == FUNCTION]
    arguments = node.args
    for parameter in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs):
        parameter.annotation = None
    node.returns = None
    checkout.stub.write_text(ast.unparse(tree) + "\n")
    for result in resolutions(Project(checkout.root)).values():
        (problem,) = result.problems
        assert problem.message.startswith(f"{STUB}, but {MODULE}.{FUNCTION} is "), result.lines()
        assert re.search(r"\b(Any|Unknown)\b", problem.message), result.lines()
        assert problem.fix == "make stubs", result.lines()
