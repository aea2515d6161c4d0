"""Fixture projects for the ``pyrs`` command, made at test time by the real generators
(``maturin new``, ``maturin new --mixed``, ``uv init --build-backend maturin --lib``, at the
versions ``.venv`` pins) plus the shapes they do not make (the crate under ``rust/`` with
``manifest-path`` and a distribution named unlike its module). Each gets the same user
function, with a default, a keyword-only argument and a doc comment, so one usage file
types it in every layout.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.tool.tooling import DEV_VENV_BIN, run

USER_FUNCTION_DOC = "Counts the words of `text` at least `min_len` characters long."
USER_FUNCTION = f"""
    /// {USER_FUNCTION_DOC}
    #[pyfunction]
    #[pyo3(signature = (text, min_len = 1, *, upper_only = false))]
    fn count_words(text: &str, min_len: usize, upper_only: bool) -> usize {{
        text.split_whitespace()
            .filter(|word| word.chars().count() >= min_len)
            .filter(|word| !upper_only || word.chars().all(char::is_uppercase))
            .count()
    }}
"""
# What a person adds to a hand-written stub for the same function.
USER_FUNCTION_STUB = f'''
def count_words(text: str, min_len: int = 1, *, upper_only: bool = False) -> int:
    """{USER_FUNCTION_DOC}"""
'''
# Strict settings of each checker, and the search path the layout needs: what `pyrs adopt`
# is to write; until it exists the test writes them, as a user would. `{source}` is the
# folder holding the Python package or the stub: pyrefly takes `src/` for the import root
# when there is one (a Rust `src/` in the pure layout), and mypy and zuban do not follow the
# path `.pth` of a mixed layout's editable install.
CHECKER_TABLES = """
[tool.pyright]
typeCheckingMode = "strict"
venvPath = "."
venv = ".venv"

[tool.mypy]
strict = true
mypy_path = "{source}"

[tool.ty.rules]
all = "error"

[tool.pyrefly]
preset = "strict"
search-path = ["{source}"]
"""


@dataclass(frozen=True)
class Layout:
    """One kind of project: how to make it, and where its user function is imported from."""

    name: str
    make: Callable[[Path], Path]  # makes the project in a folder; its root
    importer: str  # the module users import the function from

    def create(self, parent: Path) -> Path:
        root = self.make(parent)
        subprocess.run(["git", "init", "-q"], cwd=root, check=True)
        return root


MIXED_INIT = '''"""The package: the native module's functions, re-exported."""

from .mixedfx import count_words, sum_as_string

__all__ = ["count_words", "sum_as_string"]
'''
MIXED_TEST = """import mixedfx


def test_sum_as_string() -> None:
    assert mixedfx.sum_as_string(1, 1) == "2"


def test_count_words() -> None:
    assert mixedfx.count_words("A bb CCC", 2) == 2
"""


def add_user_function(lib_rs: Path) -> None:
    """The user's function, first in the generated declarative ``#[pymodule] mod`` (after its
    `use`, so the template's own function keeps its doc comment)."""
    text = lib_rs.read_text()
    inner_use = "    use pyo3::prelude::*;\n"
    after = text.index(inner_use) + len(inner_use)
    lib_rs.write_text(text[:after] + USER_FUNCTION + text[after:])


def enable_introspection(cargo_toml: Path) -> None:
    """pyo3's ``experimental-inspect``: the stub from PyO3 itself (declarative modules)."""
    text = cargo_toml.read_text()
    text, count = re.subn(
        r'^pyo3 = "([^"]+)"$',
        r'pyo3 = { version = "\1", features = ["experimental-inspect"] }',
        text,
        flags=re.MULTILINE,
    )
    assert count == 1, text
    cargo_toml.write_text(text)


def append_tables(pyproject: Path, source: str) -> None:
    pyproject.write_text(pyproject.read_text() + CHECKER_TABLES.format(source=source))


def require_python_310(pyproject: Path) -> None:
    """The generators' `>=3.8`, raised: ty checks at the lowest version allowed, where
    `typing.assert_type` does not exist yet."""
    text = pyproject.read_text()
    pyproject.write_text(text.replace('requires-python = ">=3.8"', 'requires-python = ">=3.10"'))


def maturin_new(parent: Path, name: str, *extra: str) -> Path:
    run([DEV_VENV_BIN / "maturin", "new", "-b", "pyo3", *extra, name], cwd=parent, check=True)
    return parent / name


def make_maturin_pure(parent: Path) -> Path:
    root = maturin_new(parent, "purefx")
    add_user_function(root / "src" / "lib.rs")
    enable_introspection(root / "Cargo.toml")
    require_python_310(root / "pyproject.toml")
    append_tables(root / "pyproject.toml", ".")
    return root


def make_maturin_mixed(parent: Path) -> Path:
    root = maturin_new(parent, "mixedfx", "--mixed")
    add_user_function(root / "src" / "lib.rs")
    enable_introspection(root / "Cargo.toml")
    require_python_310(root / "pyproject.toml")
    append_tables(root / "pyproject.toml", "python")
    # The template's Python, typed: its `__init__.py` reads a name the star import does not
    # bind, and its test has no annotations (both fail every strict checker).
    package = root / "python" / "mixedfx"
    (package / "__init__.py").write_text(MIXED_INIT)
    (root / "python" / "tests" / "test_all.py").write_text(MIXED_TEST)
    (root / "python" / "mixedfx" / "py.typed").write_text("")
    return root


def make_uv_lib(parent: Path) -> Path:
    run(
        [
            DEV_VENV_BIN / "uv",
            "init",
            "--build-backend",
            "maturin",
            "--lib",
            "--no-workspace",
            "--vcs",
            "none",
            "uvfx",
        ],
        cwd=parent,
        check=True,
    )
    root = parent / "uvfx"
    add_user_function(root / "src" / "lib.rs")
    stub = root / "src" / "uvfx" / "_core.pyi"
    # The stub as a careful person writes it: every name the runtime module has, `__all__`
    # too (stubtest asks for it: pyo3's module sets it).
    all_names = '__all__ = ["count_words", "hello_from_bin"]\n\n'
    stub.write_text(all_names + stub.read_text() + USER_FUNCTION_STUB)
    append_tables(root / "pyproject.toml", "src")
    return root


def make_rust_folder(parent: Path) -> Path:
    """The crate under ``rust/`` (``manifest-path``), distribution ``acme-tools``, module
    ``acme``: the shapes of jiter and rpds-py, which no generator makes."""
    made = maturin_new(parent, "acme")
    root = parent / "acme-tools"
    made.rename(root)
    (root / "rust").mkdir()
    for part in ("Cargo.toml", "src"):
        shutil.move(root / part, root / "rust" / part)
    add_user_function(root / "rust" / "src" / "lib.rs")
    enable_introspection(root / "rust" / "Cargo.toml")
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text().replace('name = "acme"', 'name = "acme-tools"', 1)
    pyproject.write_text(text + '\n[tool.maturin]\nmanifest-path = "rust/Cargo.toml"\n')
    require_python_310(pyproject)
    append_tables(pyproject, ".")
    return root


WORKSPACE_ROOT = """[workspace]
members = ["crates/wsfx-python", "crates/wsfx-core"]
resolver = "2"

[workspace.package]
version = "0.1.0"
"""
WORKSPACE_CORE_MANIFEST = """[package]
name = "wsfx-core"
version = "0.1.0"
edition = "2024"

[dependencies]
"""
# The plain-Rust crate the extension is built from: a change here is a build input.
WORKSPACE_CORE_LIB = """/// Whether `word` has at least `min_len` characters.
pub fn long_enough(word: &str, min_len: usize) -> bool {
    word.chars().count() >= min_len
}
"""


def make_workspace_member(parent: Path) -> Path:
    """A cargo workspace, the extension one member (``crates/wsfx-python``) built from a
    plain-Rust member by path (``crates/wsfx-core``), ``pyproject.toml`` at the root with
    ``manifest-path``: the shape of jiter, which no generator makes."""
    root = maturin_new(parent, "wsfx")
    python_crate = root / "crates" / "wsfx-python"
    python_crate.mkdir(parents=True)
    for part in ("Cargo.toml", "src"):
        shutil.move(root / part, python_crate / part)
    manifest = python_crate / "Cargo.toml"
    # The version inherited from the workspace, as jiter's is.
    text = manifest.read_text().replace(
        'name = "wsfx"\nversion = "0.1.0"', 'name = "wsfx-python"\nversion.workspace = true'
    )
    assert "version.workspace" in text, text
    manifest.write_text(text + 'wsfx-core = { path = "../wsfx-core" }\n')
    enable_introspection(manifest)
    lib = python_crate / "src" / "lib.rs"
    add_user_function(lib)
    own_filter = ".filter(|word| word.chars().count() >= min_len)"
    text = lib.read_text()
    assert own_filter in text
    core_filter = ".filter(|word| wsfx_core::long_enough(word, min_len))"
    lib.write_text(text.replace(own_filter, core_filter))
    core = root / "crates" / "wsfx-core"
    (core / "src").mkdir(parents=True)
    (core / "Cargo.toml").write_text(WORKSPACE_CORE_MANIFEST)
    (core / "src" / "lib.rs").write_text(WORKSPACE_CORE_LIB)
    (root / "Cargo.toml").write_text(WORKSPACE_ROOT)
    pyproject = root / "pyproject.toml"
    maturin_table = '\n[tool.maturin]\nmanifest-path = "crates/wsfx-python/Cargo.toml"\n'
    pyproject.write_text(pyproject.read_text() + maturin_table)
    require_python_310(pyproject)
    append_tables(pyproject, ".")
    return root


# The native module `subfx._core` with a submodule `text` holding the user function. PyO3
# adds a declarative submodule as an attribute only: `import subfx._core.text` needs it in
# `sys.modules`, which the package's `__init__.py` does. (Done in a `#[pymodule_init]`
# instead, introspection cannot see what it adds and gives `text.pyi` a `__getattr__`,
# which strict pyright rejects as an incomplete stub.)
SUBMODULE_LIB = """use pyo3::prelude::*;

/// The native part of subfx.
#[pymodule]
mod _core {
    use pyo3::prelude::*;

    /// Formats the sum of two numbers as string.
    #[pyfunction]
    fn sum_as_string(a: usize, b: usize) -> PyResult<String> {
        Ok((a + b).to_string())
    }

    /// Text utilities.
    #[pymodule]
    mod text {
        use pyo3::prelude::*;

        #[pyfunction]
        fn placeholder() {}
    }
}
"""
SUBMODULE_INIT = '''"""The package: the native module and its submodule, re-exported."""

import sys

from ._core import sum_as_string, text

sys.modules[f"{__name__}._core.text"] = text

__all__ = ["sum_as_string", "text"]
'''
SUBMODULE_TEST = """from subfx import sum_as_string
from subfx._core.text import count_words


def test_sum_as_string() -> None:
    assert sum_as_string(1, 1) == "2"


def test_count_words() -> None:
    assert count_words("A bb CCC", 2) == 2
"""


def make_submodule_package(parent: Path) -> Path:
    """A mixed layout whose native module ``subfx._core`` has a submodule ``text``: its stub
    is a stub package, ``_core/__init__.pyi`` importing ``_core/text.pyi``."""
    root = maturin_new(parent, "subfx", "--mixed")
    manifest = root / "Cargo.toml"
    text = manifest.read_text()
    manifest.write_text(text.replace('name = "subfx"\ncrate-type', 'name = "_core"\ncrate-type'))
    enable_introspection(manifest)
    lib = root / "src" / "lib.rs"
    user_function = textwrap.indent(textwrap.dedent(USER_FUNCTION).strip("\n"), " " * 8)
    lib.write_text(
        SUBMODULE_LIB.replace("        #[pyfunction]\n        fn placeholder() {}", user_function)
    )
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text()
    module_name = '[tool.maturin]\nmodule-name = "subfx._core"\n'
    pyproject.write_text(text.replace("[tool.maturin]\n", module_name, 1))
    require_python_310(pyproject)
    append_tables(pyproject, "python")
    package = root / "python" / "subfx"
    (package / "__init__.py").write_text(SUBMODULE_INIT)
    (package / "py.typed").write_text("")
    (root / "python" / "tests" / "test_all.py").write_text(SUBMODULE_TEST)
    return root


LAYOUTS = [
    Layout("maturin-new", make_maturin_pure, "purefx"),
    Layout("maturin-new-mixed", make_maturin_mixed, "mixedfx"),
    Layout("uv-init-lib", make_uv_lib, "uvfx._core"),
    Layout("rust-folder", make_rust_folder, "acme"),
    Layout("workspace-member", make_workspace_member, "wsfx"),
    Layout("submodule-stub-package", make_submodule_package, "subfx._core.text"),
]


# Projects as the generators leave them (plus the user's function, a commit and the
# `Cargo.lock` cargo writes on first read): no checker tables, no `py.typed` added, no
# stub edits. What `pyrs adopt` starts from.
def commit_all(root: Path, message: str) -> None:
    git = ["git", "-c", "user.name=pyrs tests", "-c", "user.email=tests@pyrs.invalid"]
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-q", "-m", message], cwd=root, check=True)


def make_raw_maturin_pure(parent: Path) -> Path:
    root = maturin_new(parent, "purefx")
    add_user_function(root / "src" / "lib.rs")
    return root


def make_raw_maturin_mixed(parent: Path) -> Path:
    root = maturin_new(parent, "mixedfx", "--mixed")
    add_user_function(root / "src" / "lib.rs")
    return root


def make_raw_uv_lib(parent: Path) -> Path:
    command: list[str | Path] = [DEV_VENV_BIN / "uv", "init", "--build-backend", "maturin", "--lib"]
    run([*command, "--no-workspace", "--vcs", "none", "uvfx"], cwd=parent, check=True)
    root = parent / "uvfx"
    add_user_function(root / "src" / "lib.rs")
    return root


RAW_LAYOUTS = [
    Layout("maturin-new", make_raw_maturin_pure, "purefx"),
    Layout("maturin-new-mixed", make_raw_maturin_mixed, "mixedfx"),
    Layout("uv-init-lib", make_raw_uv_lib, "uvfx._core"),
]
