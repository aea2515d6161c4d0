"""The stub tells the truth about the compiled module, and stays true.

- mypy's stubtest compares the stub with the runtime module (names, parameter names and
  kinds, from the `__text_signature__` PyO3 emits): both the committed `stubs/pyrs.pyi` (what
  the editor reads) and the installed `pyrs/__init__.pyi` (what users of the wheel get).
- `pyright --verifytypes` scores the installed package's type completeness and documentation.
- The docstrings in the stub are the runtime's (both come from the `///` comments in src/).
- Stub drift: `tools/check_stubs.py` on a copy of the sources whose Rust was changed must fail
  with a diff that names the change.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from editor_support import (
    BUILD_TIMEOUT,
    ROOT,
    STUB,
    VENV_BIN,
    VENV_PYTHON,
    first_doc_line,
    path_first,
    pyright_json,
    run,
    server_environment,
    site_packages,
)

import pyrs

ALLOWLIST = ROOT / "tests" / "stubtest_allowlist.txt"
DRIFT_TARGET_DIR = ROOT / "target" / "drift-check"
# The start of the Rust function exported as `pyrs.gcd`.
GCD_EXPORT = re.compile(
    r'#\[pyfunction\((?:[^()]|\([^()]*\))*\bname = "gcd"|#\[pyfunction\]\s*fn gcd\('
)


def stub_functions() -> dict[str, ast.FunctionDef]:
    tree = ast.parse(STUB.read_text())
    return {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}


# -- stubtest --------------------------------------------------------------------------------


def stubtest(tmp_path: Path, stub_dir: Path | None) -> subprocess.CompletedProcess[str]:
    """stubtest on pyrs, reading the stub from `stub_dir` (MYPYPATH, searched before
    site-packages) or, when None, the installed package. Run in tmp_path: no cache in the repo."""
    env = server_environment()
    if stub_dir is not None:
        env["MYPYPATH"] = str(stub_dir)
    return run(
        [VENV_PYTHON, "-m", "mypy.stubtest", "pyrs", "--allowlist", ALLOWLIST],
        cwd=tmp_path,
        env=env,
    )


@pytest.mark.parametrize("stub_dir", [STUB.parent, None], ids=["committed", "installed"])
def test_stubtest_passes(tmp_path: Path, stub_dir: Path | None) -> None:
    proc = stubtest(tmp_path, stub_dir)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("Success: no issues found"), proc.stdout


def test_stubtest_catches_a_missing_parameter(tmp_path: Path) -> None:
    """The check above can fail: the same run on a stub whose gcd lost its last parameter
    does. (Not a renamed one: the parameters are positional-only, so their names are not part
    of the interface, and stubtest rightly ignores them.)"""
    tree = ast.parse(STUB.read_text())
    (gcd,) = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "gcd"]
    (gcd.args.args or gcd.args.posonlyargs).pop()
    doctored = tmp_path / "stubs"
    doctored.mkdir()
    (doctored / STUB.name).write_text(ast.unparse(tree))
    proc = stubtest(tmp_path, doctored)
    assert proc.returncode == 1, proc.stdout
    assert 'pyrs.gcd is inconsistent, stub does not have parameter "b"' in proc.stdout


def test_installed_stub_is_the_committed_stub() -> None:
    installed = site_packages(VENV_PYTHON) / "pyrs" / "__init__.pyi"
    assert installed.read_bytes() == STUB.read_bytes(), "stale build: run 'make build'"
    assert (installed.parent / "py.typed").exists()


# -- docstrings and completeness -------------------------------------------------------------


def test_stub_docstrings_are_the_runtime_docstrings() -> None:
    functions = stub_functions()
    assert sorted(functions) == sorted(pyrs.__all__) == ["fib", "gcd"]
    for name, node in functions.items():
        runtime = getattr(pyrs, name).__doc__
        assert ast.get_docstring(node) == runtime, name
        assert len(first_doc_line(runtime)) > 20, f"{name}: docstring too thin"


def test_verifytypes_reports_complete_and_documented(tmp_path: Path) -> None:
    report = pyright_json(
        ["--verifytypes", "pyrs", "--ignoreexternal"], cwd=tmp_path, env=path_first(VENV_BIN)
    )
    assert report["generalDiagnostics"] == []
    assert report["summary"]["errorCount"] == 0
    completeness = report["typeCompleteness"]
    # The installed package (py.typed), not the stub in stubPath.
    assert completeness["packageRootDirectory"] == str(site_packages(VENV_PYTHON) / "pyrs")
    assert completeness["pyTypedPath"].endswith("pyrs/py.typed")
    assert completeness["completenessScore"] == 1.0
    assert completeness["exportedSymbolCounts"] == {
        "withKnownType": 2,
        "withAmbiguousType": 0,
        "withUnknownType": 0,
    }
    assert completeness["missingFunctionDocStringCount"] == 0
    assert completeness["missingClassDocStringCount"] == 0
    assert completeness["missingDefaultParamCount"] == 0
    symbols = {s["name"]: s for s in completeness["symbols"]}
    assert sorted(symbols) == ["pyrs.fib", "pyrs.gcd"]
    for symbol in symbols.values():
        assert symbol["isExported"]
        assert symbol["isTypeKnown"]
        assert symbol["diagnostics"] == [], symbol


# -- stub drift ------------------------------------------------------------------------------


def copy_sources(dest: Path) -> None:
    """The working tree as a fresh clone would have it (tracked and untracked files, minus
    what .gitignore excludes: target/, .venv/, ...). Symlinks (pyrs.pyi) stay symlinks. Files
    are dated now (not copied with their dates): cargo judges freshness by mtime, and the
    shared target folder must never take the copy for what it built last time."""
    listed = run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
    ).stdout
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if not (source.exists() or source.is_symlink()):
            continue  # deleted in the working tree
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, dest / name, follow_symlinks=False)
    for required in ("Cargo.toml", "Cargo.lock", "src", "stubs/pyrs.pyi", "pyproject.toml"):
        assert (dest / required).exists(), required
    assert (dest / "pyrs.pyi").is_symlink()
    assert (dest / "tools" / "check_stubs.py").exists()


def gcd_function(source: str) -> tuple[int, int] | None:
    """Offsets of the Rust function exported as `gcd`, from its `#[pyfunction(...)]` (which
    may name the parameters in `signature = (...)`) to its end (rustfmt style: the first `}`
    alone on a line); None if `source` does not define it."""
    match = GCD_EXPORT.search(source)
    if match is None:
        return None
    return match.start(), source.index("\n}\n", match.start()) + 2


def rename_gcd_parameter(root: Path) -> None:
    """`a` -> `x` in the Rust function behind `pyrs.gcd`: the parameter, its mention in
    `signature = (...)` if any, and every use."""
    (path,) = [p for p in (root / "src").rglob("*.rs") if gcd_function(p.read_text())]
    source = path.read_text()
    span = gcd_function(source)
    assert span is not None
    start, end = span
    body = source[start:end]
    assert re.search(r"\ba: &Bound<", body), "gcd's first parameter is no longer `a`"
    renamed = re.sub(r"(?<![\w\"'])a(?![\w\"'])", "x", body)
    path.write_text(source[:start] + renamed + source[end:])


def edit_gcd_docstring(root: Path) -> None:
    """Change the first `///` line of gcd's docstring (the line the runtime's __doc__ starts
    with)."""
    line = f"/// {GCD_DOC}\n"
    (path,) = [p for p in (root / "src").rglob("*.rs") if line in p.read_text()]
    source = path.read_text()
    assert source.count(line) == 1
    path.write_text(source.replace(line, line.replace("greatest", "largest")))


# The expected diffs come from the committed stub and the runtime docstring, so they follow
# the sources (e.g. gcd's parameters turning positional-only).
GCD_DEF = next(line for line in STUB.read_text().splitlines() if line.startswith("def gcd("))
GCD_DOC = first_doc_line(pyrs.gcd.__doc__)


@pytest.mark.parametrize(
    ("change", "removed", "added"),
    [
        (rename_gcd_parameter, f"-{GCD_DEF}", "+" + GCD_DEF.replace("(a:", "(x:")),
        (edit_gcd_docstring, f"-    {GCD_DOC}", "+    " + GCD_DOC.replace("greatest", "largest")),
    ],
    ids=["parameter-renamed", "docstring-edited"],
)
def test_check_stubs_reports_drift_with_a_diff(
    tmp_path: Path, change: Callable[[Path], None], removed: str, added: str
) -> None:
    committed = STUB.read_bytes()
    copy = tmp_path / "pyrs"
    copy_sources(copy)
    change(copy)
    proc = run(
        [VENV_PYTHON, ROOT / "tools" / "check_stubs.py", copy],
        cwd=tmp_path,
        env=server_environment(
            PYO3_PYTHON=str(VENV_PYTHON),
            # Warm after the first run; kept apart from target/debug so it never invalidates
            # the developer's own builds.
            CARGO_TARGET_DIR=str(DRIFT_TARGET_DIR),
            CARGO_NET_OFFLINE="true",
        ),
        timeout=BUILD_TIMEOUT,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    diff_lines = proc.stdout.splitlines()
    assert diff_lines[:2] == [
        "--- stubs/pyrs.pyi (committed)",
        "+++ stubs/pyrs.pyi (from src/)",
    ], proc.stdout + proc.stderr
    changed = [
        line for line in diff_lines[2:] if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert changed == [removed, added], proc.stdout
    assert "is stale: run 'make stubs'" in proc.stderr
    # The working tree was not written.
    assert STUB.read_bytes() == committed
