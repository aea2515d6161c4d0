"""The recipe (docs/adding-rust-code.md), literally: its Rust code blocks go into a throwaway
copy of the checkout as they are (``edits.add_recipe``), ``pyrs dev`` (``make dev``) runs
there, and then:

- the recipe's core passes its own ``cargo test``;
- the new exception, enum, iterator class and function import and behave, and the README's
  Python block prints what its comments say;
- the regenerated stub is true to the runtime: pyrs's truth check passes on the copy,
  the enum included, and fails on the stub ``#[gen_stub_pyclass_enum]`` would have written;
- pyright (strict) types every use from the regenerated stub (elements of the iterator as
  ``int``, the enum as what it is), and rejects the enum API that fails at runtime.

The copy is built by ``tests/devloop/copies.py``, in the "devloop" sandbox.
"""

from __future__ import annotations

import ast
import re
import subprocess
from collections.abc import Generator
from pathlib import Path

import pytest

from tests.devloop import edits
from tests.devloop.copies import BuiltCopy, built_copy
from tests.support.tools import BUILD_TIMEOUT, MODULE, PROJECT
from tests.tool.tooling import TRUTH_SCRIPT

RECIPE = PROJECT.root / "docs" / "adding-rust-code.md"
SECTION = edits.recipe_section(RECIPE)


@pytest.fixture(scope="module")
def recipe(tmp_path_factory: pytest.TempPathFactory) -> Generator[BuiltCopy]:
    """The copy after applying the recipe and running ``pyrs dev`` in it."""
    where = tmp_path_factory.mktemp("recipe") / "kit"
    with built_copy(where, lambda root: edits.add_recipe(root, RECIPE)) as (built, _):
        yield built


def test_the_readme_recipe_has_a_block_for_each_file() -> None:
    paths = [path for path, _ in edits.rust_blocks(SECTION)]
    assert paths == [
        "src/countdown.rs",
        "src/python/countdown.rs",
        "src/lib.rs",
        "src/python/mod.rs",
    ]
    # Each construct of the recipe's table is in its example.
    binding = dict(edits.rust_blocks(SECTION))["src/python/countdown.rs"]
    for construct in [
        "create_exception!",
        "crate::honest_enum!",
        "#[gen_stub_pyclass]",
        "fn __next__",
        "#[getter]",
        "#[gen_stub_pyfunction]",
        "stop=None, *, step=1",
        "override_type(",
        "override_return_type(",
    ]:
        assert construct in binding, construct


def test_the_recipe_core_passes_its_tests(recipe: BuiltCopy) -> None:
    proc = recipe.run("cargo", "test", "--quiet", "--lib", "countdown::", timeout=BUILD_TIMEOUT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.search(r"test result: ok\. [1-9]\d* passed", proc.stdout), proc.stdout


BEHAVIOUR = f"""
import pickle
import {MODULE} as m

assert list(m.Countdown(5, 2)) == [5, 4, 3]
assert list(m.Countdown(10, step=3)) == [10, 7, 4, 1]
countdown = m.Countdown(3)
assert iter(countdown) is countdown
assert countdown.parity is m.Parity.ODD
assert next(countdown) == 3 and countdown.parity is m.Parity.EVEN
assert list(countdown) == [2, 1] and countdown.parity is None
try:
    countdown.parity = m.Parity.ODD
except AttributeError:
    pass
else:
    raise AssertionError("parity is writable")
try:
    m.Countdown(3, step=0)
except m.CountdownError as error:
    assert isinstance(error, ValueError)
    assert str(error) == "Countdown() argument 'step' must be >= 1"
else:
    raise AssertionError("a step of 0 was accepted")
assert m.countdown_list(10, 4, step=3) == [10, 7]
assert m.countdown_list(3) == [3, 2, 1]
assert m.Parity.EVEN == 0 and int(m.Parity.ODD) == 1 and m.Parity.ODD != m.Parity.EVEN
assert {{m.Parity.EVEN: "even"}}[m.Parity.EVEN] == "even"
assert repr(m.Parity.EVEN) == "Parity.EVEN"
for name in ("Countdown", "Parity", "CountdownError"):
    assert getattr(m, name).__module__ == "{MODULE}", name
assert m.Parity.__mro__ == (m.Parity, object)
assert m.CountdownError.__doc__.startswith("Raised for a countdown")
print("ok")
"""


def test_the_recipe_imports_and_behaves(recipe: BuiltCopy) -> None:
    proc = recipe.python("-c", BEHAVIOUR)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "ok\n"


def test_the_readme_python_block_prints_what_it_says(recipe: BuiltCopy) -> None:
    (example,) = edits.code_blocks(SECTION, "python")
    proc = recipe.python("-c", example)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "5 Parity.ODD",
        "4 Parity.EVEN",
        "3 Parity.ODD",
        "[10, 7, 4, 1]",
        "Parity.ODD",
        "1",
    ]


def stub_classes(recipe: BuiltCopy) -> dict[str, ast.ClassDef]:
    tree = ast.parse(recipe.copy.stub.read_text())
    return {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}


def test_the_regenerated_stub_describes_the_recipe(recipe: BuiltCopy) -> None:
    stub = recipe.copy.stub.read_text()
    classes = stub_classes(recipe)
    assert [ast.unparse(base) for base in classes["CountdownError"].bases] == [
        "builtins.ValueError"
    ]
    parity = classes["Parity"]
    assert parity.bases == []  # not enum.Enum
    assert "class Parity:" in stub
    assert "    EVEN: typing.ClassVar[Parity]\n" in stub
    assert "    def __next__(self) -> int:\n" in stub
    assert (
        "def countdown_list(start: builtins.int, /, stop: typing.Optional[builtins.int] = None, "
        "*, step: builtins.int = 1) -> builtins.list[builtins.int]:"
    ) in stub
    for name in ("Countdown", "Parity", "CountdownError", "countdown_list"):
        assert f'"{name}",' in stub  # in __all__


def truth(recipe: BuiltCopy, stub: Path) -> subprocess.CompletedProcess[str]:
    """pyrs's stub truth check (the script its binary ships), verbose, on ``stub``."""
    return recipe.python(str(TRUTH_SCRIPT), "--verbose", "--stub", str(stub), MODULE, "stub")


def test_stub_truth_holds_on_the_recipe(recipe: BuiltCopy) -> None:
    proc = truth(recipe, recipe.copy.stub)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "stub: skipped:" not in proc.stdout, proc.stdout
    for compared in [
        "Parity: bases (object) in MRO (Parity, object)",
        "Parity.EVEN: typing.ClassVar[Parity]",
        "Parity: final=True",
        "Countdown.__next__ -> int",
        "Countdown.parity: read-only",
        f"CountdownError.__module__ == {MODULE!r}",
        "countdown_list(start, /, stop=None, *, step=1): signature",
    ]:
        assert f"stub: ok: {compared}\n" in proc.stdout, proc.stdout


def test_stub_truth_fails_on_the_enum_stub_pyo3_stub_gen_writes(recipe: BuiltCopy) -> None:
    """What `#[gen_stub_pyclass_enum]` writes for the same enum: `class Parity(enum.Enum)` with
    `EVEN = ...` members (the pyo3 lab's output, in that tool's layout)."""
    tree = ast.parse(recipe.copy.stub.read_text())
    tree.body.insert(0, ast.parse("import enum").body[0])
    parity = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Parity")
    parity.bases = [ast.parse("enum.Enum", mode="eval").body]
    parity.body = [
        ast.parse(f"{node.target.id} = ...").body[0]
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
        else node
        for node in parity.body
        if not (
            isinstance(node, ast.FunctionDef) and node.name in ("__eq__", "__hash__", "__int__")
        )
    ]
    doctored = recipe.copy.root / "enum_stub.pyi"
    doctored.write_text(ast.unparse(tree))
    proc = truth(recipe, doctored)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert (
        "stub: bases: Parity: stubbed as class Parity(enum.Enum); runtime MRO (Parity, object)"
        in proc.stdout
    )
    assert (
        "stub: enum: Parity.EVEN: stubbed as an enum.Enum member, but Parity['EVEN'] raises"
        in proc.stdout
    )


def test_pyright_types_the_recipe(recipe: BuiltCopy) -> None:
    diagnostics = recipe.pyright(
        "from typing_extensions import assert_type\n\n"
        f"import {MODULE}\n\n"
        f"for n in {MODULE}.Countdown(5, 2):\n"
        "    assert_type(n, int)\n"
        f"countdown = {MODULE}.Countdown(3, step=1)\n"
        f"assert_type(iter(countdown), {MODULE}.Countdown)\n"
        f"assert_type(countdown.parity, {MODULE}.Parity | None)\n"
        f"assert_type({MODULE}.Parity.EVEN, {MODULE}.Parity)\n"
        f"assert_type(int({MODULE}.Parity.ODD), int)\n"
        f"assert_type({MODULE}.Parity.EVEN == 0, bool)\n"
        f"assert_type({MODULE}.countdown_list(10, step=3), list[int])\n"
        f"assert_type({MODULE}.countdown_list(10, None), list[int])\n"
        "try:\n"
        f"    {MODULE}.Countdown(3, step=0)\n"
        f"except {MODULE}.CountdownError as error:\n"
        f"    assert_type(error, {MODULE}.CountdownError)\n"
        "    bad_value: ValueError = error\n"
    )
    assert diagnostics == [], diagnostics


def test_pyright_rejects_what_fails_at_runtime(recipe: BuiltCopy) -> None:
    """The control for the test above, and the enum caveat: with the honest stub, the
    enum.Enum API that a pyo3 enum lacks is an error in the editor, as at runtime."""
    # (code, the error it raises, pyright's rules on its line: strict also calls the missing
    # attribute's type unknown)
    wrong = [
        (
            f"{MODULE}.Parity.EVEN.name",
            "AttributeError",
            {"reportAttributeAccessIssue", "reportUnknownMemberType"},
        ),
        (f"list({MODULE}.Parity)", "TypeError", {"reportArgumentType"}),
        (f"{MODULE}.Countdown(3, 2, 1)", "TypeError", {"reportCallIssue"}),
        (f"{MODULE}.Countdown(3).parity = None", "AttributeError", {"reportAttributeAccessIssue"}),
    ]
    source = f"import {MODULE}\n\n" + "".join(f"{code}\n" for code, _, _ in wrong)
    diagnostics = recipe.pyright(source)
    found: dict[int, set[str]] = {}
    for diagnostic in diagnostics:
        found.setdefault(diagnostic["range"]["start"]["line"], set()).add(
            diagnostic.get("rule", "")
        )
    assert found == {2 + i: rules for i, (_, _, rules) in enumerate(wrong)}, diagnostics
    for code, error, _ in wrong:
        statement = code if "=" in code else f"_ = {code}"
        proc = recipe.python("-c", f"import {MODULE}\n{statement}")
        assert proc.returncode == 1
        assert f"{error}:" in proc.stderr, (code, proc.stderr)
