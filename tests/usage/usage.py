"""Typed usage of pyrs, checked by pyright in strict mode (`make pyright`) and executed by
tests/test_typing.py. A `.so` without a stub gives no import error, only `Unknown` types:
the assert_type lines fail under pyright unless the stub in stubs/ is really used."""

from __future__ import annotations

from typing import assert_type

import pyrs


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
