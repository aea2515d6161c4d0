"""Downstream users get the types: the release wheel ships the stub (byte for byte the one in
``stubs/``) and ``py.typed``, and a consumer project in a fresh virtual environment outside
the repository runs, and type-checks under every checker with only the interpreter setting
each one needs (the README's "Using the wheel downstream" table): the results are ``int``,
a wrong call is an error.

Run by the version matrix (``pyrs test --matrix``) in each CPython's venv: the wheel is the
one the matrix built for that interpreter (``tests.support.wheels``; run elsewhere, one is
built for the running interpreter), and the consumer's venv is made with that interpreter.
The venv is outside the consumer's folder (``../envs/consumer``, as poetry, pipenv or
virtualenvwrapper keep theirs), so that no checker can find it by itself: each must be told
(inside it, pyrefly finds a ``venv`` or ``.venv`` folder, and zuban any venv, by themselves;
the README lists who finds what). The checkers run from a venv of their own, without the
module (as a user's are: pipx, uv tool, a tools venv): run from ``.venv``, which has the
module, they would find it untold.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from tests.support import wheels
from tests.support.checkers import CHECKERS, Checker
from tests.support.expectations import expected_errors
from tests.support.project import venv_python
from tests.support.tools import (
    MODULE,
    PROJECT,
    checkers_venv,
    install_offline,
    make_bare_venv,
    path_first,
    pyright_json,
    run,
    site_packages,
    user_environment,
)

CONSUMER = f'''\
"""A downstream user's script: {MODULE} comes from the installed wheel, nothing else."""

from typing_extensions import assert_type, reveal_type

import {MODULE}


def main() -> None:
    reveal_type({MODULE}.gcd(4, 6))
    assert_type({MODULE}.fib(10), int)
    total: int = {MODULE}.fib(10) + {MODULE}.gcd(12, 18)
    print(f"total={{total}}")


main()
'''
REVEAL_LINE = 9  # 1-based line of the reveal_type call above
WRONG = f"""\
import {MODULE}

{MODULE}.gcd("4", 6)  # expect: argument-type
{MODULE}.fib(n=3)  # expect: positional-as-keyword
"""
# What a downstream project writes so that each checker uses its venv: the documented minimum
# (nothing else is needed; strictness is the consumer's own choice, strict here). Each
# interpreter line is needed: tests/downstream shows each checker failing without its own.
CONSUMER_CONFIG = """\
[tool.pyright]
venvPath = "../envs"
venv = "consumer"
typeCheckingMode = "strict"

[tool.mypy]
python_executable = "../envs/consumer/bin/python"
strict = true

[tool.ty.environment]
python = "../envs/consumer"

[tool.pyrefly]
python-interpreter-path = "../envs/consumer/bin/python"
"""

checkers = pytest.mark.parametrize("checker", CHECKERS, ids=[c.name for c in CHECKERS])


@pytest.fixture(scope="module")
def wheel() -> Path:
    return wheels.under_test()


@pytest.fixture(scope="module")
def consumer(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Path:
    """A downstream project: consumer.py, wrong.py, pyproject.toml; its venv in
    ``../envs/consumer``."""
    project = tmp_path_factory.mktemp("downstream") / "consumer"
    project.mkdir()
    assert not project.resolve().is_relative_to(PROJECT.root)
    consumer_venv(project).parent.mkdir()
    python = make_bare_venv(consumer_venv(project))
    # The wheel, and typing_extensions for assert_type/reveal_type on Python 3.10 (both from
    # uv's cache: the test tools' install put typing_extensions there).
    install_offline(python, wheel, "typing_extensions")
    (project / "consumer.py").write_text(CONSUMER)
    (project / "wrong.py").write_text(WRONG)
    (project / "pyproject.toml").write_text(CONSUMER_CONFIG)
    return project


@pytest.fixture(scope="module")
def checker_tools(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin folder of a venv holding the checkers alone."""
    return checkers_venv(tmp_path_factory.mktemp("tools") / "venv")


def consumer_venv(project: Path) -> Path:
    return project.parent / "envs" / "consumer"


def consumer_environment() -> dict[str, str]:
    """A user's shell: no venv activated, and no kit tool on PATH but the checker itself."""
    path = [p for p in user_environment()["PATH"].split(":") if p != str(PROJECT.bin)]
    return user_environment(PATH=":".join(path))


def test_wheel_ships_the_committed_stub_and_py_typed(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        assert f"{MODULE}/py.typed" in names, names
        assert f"{MODULE}/__init__.py" in names, names
        assert archive.read(f"{MODULE}/__init__.pyi") == PROJECT.stub.read_bytes()
        extensions = [n for n in names if n.startswith(f"{MODULE}/{MODULE}.")]
        assert len(extensions) == 1, names
        licences = {name.rsplit("/", 1)[1] for name in names if ".dist-info/licenses/" in name}
        assert licences == {"LICENSE-MIT", "LICENSE-APACHE"}, names


def test_consumer_runs(consumer: Path) -> None:
    proc = run([venv_python(consumer_venv(consumer)), "consumer.py"], cwd=consumer, check=True)
    assert proc.stdout == f"total={55 + 6}\n"
    assert "Runtime type is 'int'" in proc.stderr


@checkers
def test_consumer_is_typed_from_the_wheel(
    consumer: Path, checker_tools: Path, checker: Checker
) -> None:
    report = checker.run(
        ["consumer.py"], cwd=consumer, env=consumer_environment(), tools=checker_tools
    )
    assert report.problems == [], report.output
    (revealed,) = [d for d in report.diagnostics if d.severity == "info"]
    assert revealed.line == REVEAL_LINE
    assert re.search(r"\b(builtins\.)?int\b", revealed.message), revealed
    assert not re.search(r"Any|Unknown", revealed.message), revealed


@checkers
def test_wrong_call_downstream_is_an_error(
    consumer: Path, checker_tools: Path, checker: Checker
) -> None:
    report = checker.run(
        ["wrong.py"], cwd=consumer, env=consumer_environment(), tools=checker_tools
    )
    found = {(d.line, d.code) for d in report.problems}
    assert found == expected_errors(consumer / "wrong.py", checker), report.output


def test_verifytypes_in_the_consumer_venv(consumer: Path) -> None:
    """pyright resolves the module to the wheel installed in the consumer's venv, complete."""
    venv = consumer_venv(consumer)
    report = pyright_json(
        ["--verifytypes", MODULE, "--ignoreexternal"], cwd=consumer, env=path_first(venv / "bin")
    )
    completeness = report["typeCompleteness"]
    assert completeness["packageRootDirectory"] == str(site_packages(venv_python(venv)) / MODULE)
    assert completeness["completenessScore"] == 1.0
    assert report["generalDiagnostics"] == []
