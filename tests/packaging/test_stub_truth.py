"""The stub tells the truth about the compiled module, and stays true.

- mypy's stubtest compares the stub with the runtime module (names, parameter names and
  kinds, from the `__text_signature__` PyO3 emits): both the committed stub in `stubs/` (what
  the editor reads) and the installed `<module>/__init__.pyi` (what users of the wheel get).
- Stub truth beyond stubtest (pyrs's check, `tool/src/stubs/truth.py`, shipped inside the
  `pyrs` binary and run by `pyrs stubs --check`): names, class bases against the runtime MRO,
  enum behaviour, `__module__`, `@final`, iterators' `__next__` (never `T | None`),
  read-only properties and every signature's names, kinds and defaults. Each kind of lie is
  written into a copy of the stub here, and the check must report it.
- `pyright --verifytypes` scores the installed package's type completeness and documentation.
- The docstrings in the stub are the runtime's (both come from the comments in src/).
- Stub drift: `pyrs stubs --check` on a copy of the sources whose Rust was changed must fail
  with a diff that names the change, and pass on an unchanged copy.
"""

from __future__ import annotations

import ast
import importlib.util
import inspect
import re
import subprocess
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.extension import ext
from tests.support import sandbox
from tests.support.tools import (
    BUILD_TIMEOUT,
    MODULE,
    PROJECT,
    first_doc_line,
    path_first,
    pyright_json,
    run,
    site_packages,
    user_environment,
)
from tests.tool.tooling import PYRS, TRUTH_SCRIPT

ROOT = PROJECT.root
STUB = PROJECT.stub
VENV_PYTHON = PROJECT.python
ALLOWLIST = Path(__file__).with_name("stubtest_allowlist.txt")
# The start of the Rust constructor (`#[new]`) of a class whose `__new__` has a keyword-only
# parameter, as rustfmt lays it out: to its end, the method's first `}` at its indentation.
NEW_METHOD = re.compile(r"\n    #\[new\]\n")


def load_truth() -> Any:
    """truth.py as a module: its `check` and `decorators` (it is not a package of the kit)."""
    spec = importlib.util.spec_from_file_location("pyrs_stub_truth", TRUTH_SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


stubtruth = load_truth()


# -- stubtest --------------------------------------------------------------------------------


def stubtest(tmp_path: Path, stub_dir: Path | None) -> subprocess.CompletedProcess[str]:
    """stubtest on the module, reading the stub from `stub_dir` (MYPYPATH, searched before
    site-packages) or, when None, the installed package. Run in tmp_path: no cache in the repo."""
    env = user_environment()
    if stub_dir is not None:
        env["MYPYPATH"] = str(stub_dir)
    # The allowlist names the compiled submodule, `<module>.<module>`.
    allowlist = tmp_path / "allowlist.txt"
    allowlist.write_text(ALLOWLIST.read_text().replace("MODULE", MODULE))
    return run(
        [VENV_PYTHON, "-m", "mypy.stubtest", MODULE, "--allowlist", allowlist],
        cwd=tmp_path,
        env=env,
    )


@pytest.mark.parametrize("stub_dir", [STUB.parent, None], ids=["committed", "installed"])
def test_stubtest_passes(tmp_path: Path, stub_dir: Path | None) -> None:
    proc = stubtest(tmp_path, stub_dir)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("Success: no issues found"), proc.stdout


def test_stubtest_catches_a_missing_parameter(tmp_path: Path) -> None:
    """The check above can fail: the same run on a stub whose first function with a named
    parameter lost its last one does."""
    tree = ast.parse(STUB.read_text())
    function = next(
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and (node.args.args or node.args.posonlyargs)
    )
    lost = (function.args.args or function.args.posonlyargs).pop().arg
    doctored = tmp_path / "stubs"
    doctored.mkdir()
    (doctored / STUB.name).write_text(ast.unparse(tree))
    proc = stubtest(tmp_path, doctored)
    assert proc.returncode == 1, proc.stdout
    expected = f'{MODULE}.{function.name} is inconsistent, stub does not have parameter "{lost}"'
    assert expected in proc.stdout


def test_installed_stub_is_the_committed_stub() -> None:
    installed = site_packages(VENV_PYTHON) / MODULE / "__init__.pyi"
    assert installed.read_bytes() == STUB.read_bytes(), "stale build: run 'make build'"
    assert (installed.parent / "py.typed").exists()


# -- docstrings and completeness -------------------------------------------------------------


def test_stub_docstrings_are_the_runtime_docstrings() -> None:
    """Functions, classes, exceptions and properties: the stub's docstring is the runtime's
    `__doc__` (methods that fill a type slot, `__next__` and the like, carry CPython's own
    docstring at runtime, and `__new__`'s is the class's: not compared)."""
    tree = ast.parse(STUB.read_text())
    documented = [n for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)]
    assert sorted(n.name for n in documented) == sorted(ext.__all__)
    for node in documented:
        runtime = getattr(ext, node.name)
        assert ast.get_docstring(node) == inspect.cleandoc(runtime.__doc__ or ""), node.name
        assert len(first_doc_line(runtime.__doc__)) > 20, f"{node.name}: docstring too thin"
        if not isinstance(node, ast.ClassDef):
            continue
        for member in node.body:
            if isinstance(member, ast.FunctionDef) and "property" in stubtruth.decorators(member):
                descriptor = runtime.__dict__[member.name]
                assert ast.get_docstring(member) == descriptor.__doc__, member.name


def exported_symbols() -> set[str]:
    """What `--verifytypes` lists, from the stub: each name of `__all__`, and each method and
    property of each class."""
    found = {f"{MODULE}.{name}" for name in ext.__all__}
    for node in ast.parse(STUB.read_text()).body:
        if isinstance(node, ast.ClassDef):
            members = {m.name for m in node.body if isinstance(m, ast.FunctionDef)}
            found |= {f"{MODULE}.{node.name}.{member}" for member in members}
    return found


def test_verifytypes_reports_complete_and_documented(tmp_path: Path) -> None:
    report = pyright_json(
        ["--verifytypes", MODULE, "--ignoreexternal"], cwd=tmp_path, env=path_first(PROJECT.bin)
    )
    assert report["generalDiagnostics"] == []
    assert report["summary"]["errorCount"] == 0
    completeness = report["typeCompleteness"]
    # The installed package (py.typed), not the stub in stubPath.
    assert completeness["packageRootDirectory"] == str(site_packages(VENV_PYTHON) / MODULE)
    assert completeness["pyTypedPath"].endswith(f"{MODULE}/py.typed")
    assert completeness["completenessScore"] == 1.0
    assert completeness["exportedSymbolCounts"] == {
        "withKnownType": len(exported_symbols()),
        "withAmbiguousType": 0,
        "withUnknownType": 0,
    }
    assert completeness["missingFunctionDocStringCount"] == 0
    assert completeness["missingClassDocStringCount"] == 0
    assert completeness["missingDefaultParamCount"] == 0
    symbols = {s["name"]: s for s in completeness["symbols"]}
    assert set(symbols) == exported_symbols()
    for symbol in symbols.values():
        assert symbol["isExported"]
        assert symbol["isTypeKnown"]
        assert symbol["diagnostics"] == [], symbol


# -- stub truth beyond stubtest (pyrs: tool/src/stubs/truth.py) -----------------------------


def truth(stub: str | Path, runtime: types.ModuleType = ext) -> Any:
    """The check's report: `problems` (each with `kind`, `name`, `message`), `checked`,
    `unchecked`."""
    text = stub.read_text() if isinstance(stub, Path) else stub
    return stubtruth.check(text, runtime, MODULE)


def problems(report: Any) -> list[str]:
    return [str(p) for p in report.problems]


@pytest.mark.parametrize(
    "stub",
    [STUB, site_packages(VENV_PYTHON) / MODULE / "__init__.pyi"],
    ids=["committed", "installed"],
)
def test_stub_truth_holds(stub: Path) -> None:
    report = truth(stub)
    assert report.problems == [], "\n".join(problems(report))
    assert report.unchecked == []
    # Not vacuous: every class's bases and module, every iterator's elements and every
    # property were compared, and every function's signature.
    tree = ast.parse(stub.read_text())
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            assert any(line.startswith(f"{node.name}(") for line in report.checked), node.name
        if not isinstance(node, ast.ClassDef):
            continue
        assert any(line.startswith(f"{node.name}: bases") for line in report.checked)
        assert f"{node.name}.__module__ == {MODULE!r}" in report.checked
        for member in node.body:
            if not isinstance(member, ast.FunctionDef):
                continue
            if member.name == "__next__":
                assert any(line.startswith(f"{node.name}.__next__ -> ") for line in report.checked)
            if "property" in stubtruth.decorators(member):
                assert f"{node.name}.{member.name}: read-only" in report.checked


def truth_command(stub: Path, label: str) -> subprocess.CompletedProcess[str]:
    """The check as pyrs runs it: the script, with the project's interpreter."""
    return run([VENV_PYTHON, TRUTH_SCRIPT, "--stub", stub, MODULE, label], cwd=ROOT)


def test_stub_truth_runs_as_a_command() -> None:
    label = STUB.relative_to(ROOT).as_posix()
    proc = truth_command(STUB, label)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith(f"{label}: true (")
    assert proc.stdout.endswith(", 0 skipped)\n")


def stub_tree() -> ast.Module:
    return ast.parse(STUB.read_text())


def stub_class(tree: ast.Module, predicate: Callable[[ast.ClassDef], bool]) -> ast.ClassDef:
    """The first class of the stub that ``predicate`` accepts."""
    return next(n for n in tree.body if isinstance(n, ast.ClassDef) and predicate(n))


def methods(node: ast.ClassDef) -> dict[str, ast.FunctionDef]:
    return {n.name: n for n in node.body if isinstance(n, ast.FunctionDef)}


def is_iterator(node: ast.ClassDef) -> bool:
    return "__next__" in methods(node)


def is_exception(node: ast.ClassDef) -> bool:
    return any("Error" in ast.unparse(base) for base in node.bases)


def expr(text: str) -> ast.expr:
    return ast.parse(text, mode="eval").body


# Each lie: a function doctoring the stub's tree; it returns the name the check must blame.
def lie_enum_base(tree: ast.Module) -> str:
    """pyo3-stub-gen's lie for a simple #[pyclass] enum: `class X(enum.Enum)` with members."""
    tree.body.insert(0, ast.Import(names=[ast.alias("enum")]))
    node = stub_class(tree, is_iterator)
    node.bases = [expr("enum.Enum")]
    node.body.insert(0, ast.parse("FIRST = ...").body[0])
    return f"{node.name}.FIRST"


def lie_exception_base(tree: ast.Module) -> str:
    node = stub_class(tree, is_exception)
    node.bases = [expr("builtins.ValueError")]
    return node.name


def lie_optional_element(tree: ast.Module) -> str:
    """pyo3-stub-gen's lie for `__next__` returning `Option<T>`: `-> T | None`."""
    node = stub_class(tree, is_iterator)
    next_method = methods(node)["__next__"]
    next_method.returns = expr(f"{ast.unparse(next_method.returns or expr('int'))} | None")
    return f"{node.name}.__next__"


def lie_not_final(tree: ast.Module) -> str:
    node = stub_class(tree, is_iterator)
    node.decorator_list = []
    return node.name


def lie_setter_on_read_only(tree: ast.Module) -> str:
    node = stub_class(
        tree,
        lambda n: any(
            "property" in ast.unparse(d) for m in methods(n).values() for d in m.decorator_list
        ),
    )
    getter = next(m for m in methods(node).values() if m.decorator_list)
    setter = ast.parse(
        f"@{getter.name}.setter\ndef {getter.name}(self, value: int) -> None: ..."
    ).body[0]
    node.body.insert(node.body.index(getter) + 1, setter)
    return f"{node.name}.{getter.name}"


def lie_missing_class_attribute(tree: ast.Module) -> str:
    node = stub_class(tree, is_iterator)
    member = ast.parse(f"EMPTY: typing.ClassVar[{node.name}]").body[0]
    node.body.insert(0, member)
    return f"{node.name}.EMPTY"


def lie_extra_name(tree: ast.Module) -> str:
    tree.body.append(ast.parse("def not_there() -> int: ...").body[0])
    (exported,) = [n for n in tree.body if isinstance(n, ast.Assign)]
    assert isinstance(exported.value, ast.List)
    exported.value.elts.append(ast.Constant("not_there"))
    return "not_there"


def constructor(tree: ast.Module) -> ast.FunctionDef:
    return methods(stub_class(tree, lambda n: "__new__" in methods(n)))["__new__"]


def lie_renamed_keyword(tree: ast.Module) -> str:
    new = constructor(tree)
    new.args.kwonlyargs[0].arg += "_renamed"
    return "__new__"


def lie_changed_default(tree: ast.Module) -> str:
    new = constructor(tree)
    default = next(
        d for d in new.args.defaults if isinstance(d, ast.Constant) and type(d.value) is int
    )
    assert isinstance(default, ast.Constant)
    assert isinstance(default.value, int)
    default.value += 1
    return "__new__"


def lie_keyword_made_positional(tree: ast.Module) -> str:
    new = constructor(tree)
    new.args.args += new.args.kwonlyargs
    new.args.defaults += [d for d in new.args.kw_defaults if d is not None]
    new.args.kwonlyargs = []
    new.args.kw_defaults = []
    return "__new__"


def lie_positional_only_dropped(tree: ast.Module) -> str:
    """A function whose parameters are positional-only (`/`) stubbed as ordinary ones."""
    function = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.args.posonlyargs)
    function.args.args = function.args.posonlyargs + function.args.args
    function.args.posonlyargs = []
    return function.name


def lie_variadic_made_fixed(tree: ast.Module) -> str:
    """`gcd(*integers)` stubbed with the two parameters it had before."""
    function = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.args.vararg)
    vararg = function.args.vararg
    assert vararg is not None
    function.args.posonlyargs = [ast.arg("a", vararg.annotation), ast.arg("b", vararg.annotation)]
    function.args.vararg = None
    return function.name


LIES: dict[str, tuple[Callable[[ast.Module], str], str]] = {
    "enum-base": (lie_enum_base, "enum"),
    "enum-base-mro": (lie_enum_base, "bases"),
    "exception-base": (lie_exception_base, "bases"),
    "optional-element": (lie_optional_element, "iterator"),
    "not-final": (lie_not_final, "final"),
    "setter-on-read-only": (lie_setter_on_read_only, "property"),
    "missing-class-attribute": (lie_missing_class_attribute, "attribute"),
    "extra-name": (lie_extra_name, "names"),
    "renamed-keyword": (lie_renamed_keyword, "signature"),
    "changed-default": (lie_changed_default, "signature"),
    "keyword-made-positional": (lie_keyword_made_positional, "signature"),
    "positional-only-dropped": (lie_positional_only_dropped, "signature"),
    "variadic-made-fixed": (lie_variadic_made_fixed, "signature"),
}


@pytest.mark.parametrize(("lie", "kind"), LIES.values(), ids=list(LIES))
def test_stub_truth_reports_each_lie(
    tmp_path: Path, lie: Callable[[ast.Module], str], kind: str
) -> None:
    tree = stub_tree()
    blamed = lie(tree)
    doctored = tmp_path / STUB.name
    doctored.write_text(ast.unparse(tree))
    report = truth(doctored)
    found = [p for p in report.problems if p.kind == kind]
    assert found, f"no {kind!r} problem; found {problems(report)}"
    # The name blamed: the lie's, its class's (bases) or a method's (`Class.__new__`).
    assert any(
        p.name == blamed or blamed.startswith(f"{p.name}.") or p.name.endswith(f".{blamed}")
        for p in found
    ), found
    # The honest stub, through the same code: nothing of that kind.
    assert kind not in truth(STUB).kinds()


def test_stub_truth_reports_a_class_in_the_wrong_module() -> None:
    """A `#[pyclass]` without `module = ...` says `__module__ == "builtins"`; the stub cannot
    show it (it puts the class in the package either way): only the runtime can. Here a
    runtime whose exception is such a class."""
    node = stub_class(stub_tree(), is_exception)
    real = getattr(ext, node.name)
    runtime = types.ModuleType(MODULE)
    runtime.__dict__.update(vars(ext))
    runtime.__dict__[node.name] = type(
        node.name, real.__bases__, {"__module__": "builtins", "__doc__": real.__doc__}
    )
    report = truth(STUB, runtime)
    assert [(p.kind, p.name) for p in report.problems] == [("module", node.name)], problems(report)
    assert "'builtins'" in report.problems[0].message


def test_stub_truth_command_fails_on_a_lie(tmp_path: Path) -> None:
    tree = stub_tree()
    blamed = lie_optional_element(tree)
    doctored = tmp_path / STUB.name
    doctored.write_text(ast.unparse(tree))
    label = STUB.relative_to(ROOT).as_posix()
    proc = truth_command(doctored, label)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    # One line per problem, naming the stub file and the (module-relative) name.
    assert f"{label}: iterator: {MODULE}.{blamed}" not in proc.stdout
    assert f"{label}: iterator: {blamed}: stubbed -> int | None" in proc.stdout, proc.stdout
    assert f"{label}: 1 problem(s)" in proc.stdout


# -- stub drift ------------------------------------------------------------------------------


def new_method(source: str) -> tuple[int, int] | None:
    """Offsets of the Rust `#[new]` method (rustfmt style: from its attribute to the first
    `}` at the method's indentation), if `source` has one whose signature has a keyword-only
    parameter; None otherwise."""
    match = NEW_METHOD.search(source)
    if match is None:
        return None
    end = source.index("\n    }\n", match.start()) + 7
    if ", *, " not in source[match.start() : end]:
        return None
    return match.start(), end


def keyword_only_name(source: str, span: tuple[int, int]) -> str:
    signature = re.search(r"signature = \((.*)\)\)\]", source[span[0] : span[1]])
    assert signature is not None, "no #[pyo3(signature = (...))]"
    after_star = str(signature.group(1)).split(", *, ")[1]
    return str(re.split(r"[=,]", after_star)[0]).strip()


def rename_keyword_parameter(root: Path) -> None:
    """The first keyword-only parameter of the `#[new]` constructor -> `<name>_renamed`: in
    `signature = (...)`, as the parameter, and in every use."""
    (path,) = [p for p in (root / "src").rglob("*.rs") if new_method(p.read_text())]
    source = path.read_text()
    span = new_method(source)
    assert span is not None
    name = keyword_only_name(source, span)
    start, end = span
    renamed = re.sub(rf"(?<![\w\"']){name}(?![\w\"'])", f"{name}_renamed", source[start:end])
    path.write_text(source[:start] + renamed + source[end:])


def edit_gcd_docstring(root: Path) -> None:
    """Change the first line of gcd's docstring (the line the runtime's __doc__ starts with),
    wherever in src/ it is written."""
    (path,) = [p for p in (root / "src").rglob("*.rs") if GCD_DOC in p.read_text()]
    source = path.read_text()
    assert source.count(GCD_DOC) == 1
    path.write_text(source.replace(GCD_DOC, GCD_DOC.replace("greatest", "largest")))


# The expected diffs come from the committed stub and the runtime docstring, so they follow
# the sources.
NEW_DEF = next(
    line for line in STUB.read_text().splitlines() if line.startswith("    def __new__(")
)
KEYWORD = NEW_DEF.split(", *, ")[1].split(":")[0]
GCD_DOC = first_doc_line(ext.gcd.__doc__)


def pyrs_stubs_check(copy_root: Path) -> subprocess.CompletedProcess[str]:
    """`pyrs stubs --check` on a copy of the checkout, with the project's interpreter."""
    assert PYRS.is_file(), f"{PYRS} is not built: run `make pyrs`"
    with sandbox.lock("drift"):
        return run(
            [PYRS, "--project", copy_root, "--python", VENV_PYTHON, "stubs", "--check"],
            cwd=copy_root,
            env=user_environment(
                # Warm after the first run; kept apart from target/debug so it never
                # invalidates the developer's own builds.
                CARGO_TARGET_DIR=str(sandbox.target_dir("drift")),
                CARGO_NET_OFFLINE="true",
            ),
            timeout=BUILD_TIMEOUT,
        )


def test_check_stubs_passes_on_an_unchanged_copy(tmp_path: Path) -> None:
    copy = sandbox.copy_checkout(tmp_path / "copy")
    stub = copy.root / STUB.relative_to(ROOT)
    before = (stub.read_bytes(), stub.stat().st_mtime_ns)
    proc = pyrs_stubs_check(copy.root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    relative = STUB.relative_to(ROOT).as_posix()
    assert f"{relative} matches the Rust source" in proc.stdout
    # The truth check ran on it too (one line per file, naming it).
    assert f"{relative}: true (" in proc.stdout, proc.stdout
    # The generator writes into the tree (its folder is compiled in); pyrs put it back.
    assert (stub.read_bytes(), stub.stat().st_mtime_ns) == before


@pytest.mark.parametrize(
    ("change", "removed", "added"),
    [
        (
            rename_keyword_parameter,
            f"-{NEW_DEF}",
            "+" + NEW_DEF.replace(f"*, {KEYWORD}:", f"*, {KEYWORD}_renamed:"),
        ),
        (edit_gcd_docstring, f"-    {GCD_DOC}", "+    " + GCD_DOC.replace("greatest", "largest")),
    ],
    ids=["parameter-renamed", "docstring-edited"],
)
def test_check_stubs_reports_drift_with_a_diff(
    tmp_path: Path, change: Callable[[Path], None], removed: str, added: str
) -> None:
    committed = STUB.read_bytes()
    copy = sandbox.copy_checkout(tmp_path / "copy")
    change(copy.root)
    copy_stub = copy.root / STUB.relative_to(ROOT)
    proc = pyrs_stubs_check(copy.root)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    diff_lines = proc.stdout.splitlines()
    relative = STUB.relative_to(ROOT).as_posix()
    assert diff_lines[:2] == [
        f"--- a/{relative} (committed)",
        f"+++ b/{relative} (from the Rust source)",
    ], proc.stdout + proc.stderr
    changed = [
        line for line in diff_lines[2:] if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert changed == [removed, added], proc.stdout
    assert f"{relative} is stale: run `pyrs stubs`" in proc.stderr
    # The working tree was not written: neither the checkout's nor the copy's.
    assert STUB.read_bytes() == committed
    assert copy_stub.read_bytes() == committed
