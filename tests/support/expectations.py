"""What each type checker reports for each kind of mistake, for the tests that check
deliberately wrong code (in the repo and downstream): a line marked ``# expect: <kind>``
must get exactly that kind's codes from each checker, and no other line any error."""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.checkers import Checker

# Each checker's codes for each kind of mistake marked in fixtures/wrong_calls.py.
CODES: dict[str, dict[str, tuple[str, ...]]] = {
    "argument-type": {
        "pyright": ("reportArgumentType",),
        "mypy": ("arg-type",),
        "ty": ("invalid-argument-type",),
        "pyrefly": ("bad-argument-type",),
    },
    "positional-as-keyword": {
        "pyright": ("reportCallIssue",),
        "mypy": ("call-arg",),
        "ty": ("positional-only-parameter-as-kwarg",),
        "pyrefly": ("unexpected-keyword",),
    },
    "assignment": {
        "pyright": ("reportAssignmentType",),
        "mypy": ("assignment",),
        "ty": ("invalid-assignment",),
        "pyrefly": ("bad-assignment",),
    },
    "too-many-positional": {
        "pyright": ("reportCallIssue",),
        "mypy": ("call-arg",),
        "ty": ("too-many-positional-arguments",),
        "pyrefly": ("bad-argument-count",),
    },
    # Assigning to a property that has no setter.
    "read-only": {
        "pyright": ("reportAttributeAccessIssue",),
        "mypy": ("misc",),
        "ty": ("invalid-assignment",),
        "pyrefly": ("read-only",),
    },
    "missing-attribute": {
        # strict pyright also calls the missing member's type unknown
        "pyright": ("reportAttributeAccessIssue", "reportUnknownMemberType"),
        "mypy": ("attr-defined",),
        "ty": ("missing-attribute",),
        "pyrefly": ("missing-attribute",),
    },
    # The two below are reported in strict mode only: they fail when a checker's strict
    # setting is removed. Where a checker has no such rule in its strict mode, no code.
    "strict-redundant-cast": {
        "pyright": ("reportUnnecessaryCast",),
        "mypy": ("redundant-cast",),
        "ty": ("redundant-cast",),  # a warning, made an error by `all = "error"`
        "pyrefly": (),  # a warning in its strict preset, below what the kit counts
    },
    "strict-untyped-def": {
        "pyright": ("reportMissingParameterType", "reportUnknownParameterType"),
        "mypy": ("no-untyped-def",),
        "ty": (),  # no rule for a missing annotation
        "pyrefly": ("implicit-any-parameter",),
    },
}
# basedpyright reports as pyright does, zuban (in its mypy mode) as mypy does.
FAMILY = {"basedpyright": "pyright", "zuban": "mypy"}


def expected_errors(path: Path, checker: Checker) -> set[tuple[int, str]]:
    """(line, code) for every ``# expect: <kind>`` line of ``path``, for ``checker``."""
    family = FAMILY.get(checker.name, checker.name)
    found: set[tuple[int, str]] = set()
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        match = re.search(r"# expect: ([\w-]+)$", line)
        if match:
            found.update((number, code) for code in CODES[match.group(1)][family])
    return found
