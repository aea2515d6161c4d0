"""The stub tells the truth about the compiled module, and stays true.

- mypy's stubtest compares the stub with the runtime module (names, parameter names and
  kinds, from the `__text_signature__` PyO3 emits): both the committed stub in `stubs/` (what
  the editor reads) and the installed `<module>/__init__.pyi` (what users of the wheel get).
- `pyright --verifytypes` scores the installed package's type completeness and documentation.
- The docstrings in the stub are the runtime's (both come from the `///` comments in src/).
- Stub drift: `python -m kit.stubs --check` on a copy of the sources whose Rust was changed
  must fail
  with a diff that names the change.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from kit import sandbox
from tests.extension import ext
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

ROOT = PROJECT.root
STUB = PROJECT.stub
VENV_PYTHON = PROJECT.python
ALLOWLIST = Path(__file__).with_name("stubtest_allowlist.txt")
# The start of the Rust function exported as `gcd`.
GCD_EXPORT = re.compile(
    r'#\[pyfunction\((?:[^()]|\([^()]*\))*\bname = "gcd"|#\[pyfunction\]\s*fn gcd\('
)


def stub_functions() -> dict[str, ast.FunctionDef]:
    tree = ast.parse(STUB.read_text())
    return {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}


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
    assert f'{MODULE}.gcd is inconsistent, stub does not have parameter "b"' in proc.stdout


def test_installed_stub_is_the_committed_stub() -> None:
    installed = site_packages(VENV_PYTHON) / MODULE / "__init__.pyi"
    assert installed.read_bytes() == STUB.read_bytes(), "stale build: run 'make build'"
    assert (installed.parent / "py.typed").exists()


# -- docstrings and completeness -------------------------------------------------------------


def test_stub_docstrings_are_the_runtime_docstrings() -> None:
    functions = stub_functions()
    assert sorted(functions) == sorted(ext.__all__)
    for name, node in functions.items():
        runtime = getattr(ext, name).__doc__
        assert ast.get_docstring(node) == runtime, name
        assert len(first_doc_line(runtime)) > 20, f"{name}: docstring too thin"


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
        "withKnownType": len(ext.__all__),
        "withAmbiguousType": 0,
        "withUnknownType": 0,
    }
    assert completeness["missingFunctionDocStringCount"] == 0
    assert completeness["missingClassDocStringCount"] == 0
    assert completeness["missingDefaultParamCount"] == 0
    symbols = {s["name"]: s for s in completeness["symbols"]}
    assert sorted(symbols) == sorted(f"{MODULE}.{name}" for name in ext.__all__)
    for symbol in symbols.values():
        assert symbol["isExported"]
        assert symbol["isTypeKnown"]
        assert symbol["diagnostics"] == [], symbol


# -- stub drift ------------------------------------------------------------------------------


def gcd_function(source: str) -> tuple[int, int] | None:
    """Offsets of the Rust function exported as `gcd`, from its `#[pyfunction(...)]` (which
    may name the parameters in `signature = (...)`) to its end (rustfmt style: the first `}`
    alone on a line); None if `source` does not define it."""
    match = GCD_EXPORT.search(source)
    if match is None:
        return None
    return match.start(), source.index("\n}\n", match.start()) + 2


def rename_gcd_parameter(root: Path) -> None:
    """`a` -> `x` in the Rust function behind `gcd`: the parameter, its mention in
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
GCD_DOC = first_doc_line(ext.gcd.__doc__)


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
    copy = sandbox.copy_checkout(tmp_path / "copy")
    change(copy.root)
    with sandbox.lock("drift"):
        proc = run(
            [
                *(sys.executable, "-m", "kit.stubs", "--check"),
                *("--root", copy.root, "--venv", PROJECT.venv),
            ],
            cwd=ROOT,
            env=user_environment(
                # Warm after the first run; kept apart from target/debug so it never
                # invalidates the developer's own builds.
                CARGO_TARGET_DIR=str(sandbox.target_dir("drift")),
                CARGO_NET_OFFLINE="true",
            ),
            timeout=BUILD_TIMEOUT,
        )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    diff_lines = proc.stdout.splitlines()
    relative = STUB.relative_to(ROOT).as_posix()
    assert diff_lines[:2] == [
        f"--- {relative} (committed)",
        f"+++ {relative} (from src/)",
    ], proc.stdout + proc.stderr
    changed = [
        line for line in diff_lines[2:] if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert changed == [removed, added], proc.stdout
    assert "is stale: run 'make stubs'" in proc.stderr
    # The working tree was not written.
    assert STUB.read_bytes() == committed
