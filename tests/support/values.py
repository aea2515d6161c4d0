"""Argument objects shared by the payload tests."""

from __future__ import annotations

from typing import Any

from typing_extensions import override


class Index:
    """An object that is not an int but has ``__index__``, returning whatever it was given
    (an int, or for the bad-input cases anything at all)."""

    def __init__(self, value: object) -> None:
        self.value = value

    def __index__(self) -> Any:
        return self.value

    @override
    def __repr__(self) -> str:
        return f"Index({self.value!r})"
