"""Typed usage of the module, checked by every type checker in strict mode (`make typecheck`)
and executed by tests/editor/test_typing.py. A `.so` without a stub gives no import error,
only `Unknown` types: the assert_type lines fail unless the stub in stubs/ is really used."""

from __future__ import annotations

import pyrs
from typing_extensions import assert_type


class Seven:
    def __index__(self) -> int:
        return 7


def main() -> None:
    assert_type(pyrs.gcd(4, 6), int)
    assert_type(pyrs.fib(10), int)
    assert_type(pyrs.fib(Seven()), int)
    assert_type(pyrs.gcd(True, Seven()), int)
    total: int = pyrs.fib(200) + pyrs.gcd(-4, 6)
    assert total == pyrs.fib(200) + 2


if __name__ == "__main__":
    main()
