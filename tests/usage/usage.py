"""Typed usage of the module, checked by every type checker in strict mode (`make typecheck`)
and executed by tests/editor/test_typing.py. A `.so` without a stub gives no import error,
only `Unknown` types: the assert_type lines fail unless the stub in stubs/ is really used."""

from __future__ import annotations

import py_run_rs
from typing_extensions import assert_type


class Seven:
    def __index__(self) -> int:
        return 7


def main() -> None:
    assert_type(py_run_rs.gcd(4, 6), int)
    assert_type(py_run_rs.fib(10), int)
    assert_type(py_run_rs.fib(Seven()), int)
    assert_type(py_run_rs.gcd(True, Seven()), int)
    total: int = py_run_rs.fib(200) + py_run_rs.gcd(-4, 6)
    assert total == py_run_rs.fib(200) + 2
    # Any number of arguments, like math.gcd and math.lcm.
    assert_type(py_run_rs.gcd(), int)
    assert_type(py_run_rs.gcd(12, 18, Seven()), int)
    assert_type(py_run_rs.lcm(4, 6), int)
    assert py_run_rs.lcm(4, 6, 10) == 60
    # The iterator: its elements are ints (not `int | None`), its property is read-only.
    for value in py_run_rs.Fibonacci(0, 10):
        assert_type(value, int)
    fibs = py_run_rs.Fibonacci(3, 10, step=2)
    assert_type(fibs, py_run_rs.Fibonacci)
    assert_type(iter(fibs), py_run_rs.Fibonacci)
    assert_type(next(fibs), int)
    assert_type(fibs.next_index, int)
    assert_type(len(fibs), int)
    assert fibs.next_index == 5
    # The exception is an OverflowError.
    try:
        py_run_rs.fib(10**10)
    except py_run_rs.FibOverflowError as error:
        assert_type(error, py_run_rs.FibOverflowError)
        too_large: OverflowError = error
        assert "must be <=" in str(too_large)


if __name__ == "__main__":
    main()
