"""Pure-Python twins of ``py_run_rs``'s functions and class: the baseline the benchmark compares
against and the oracle the tests compare with."""

from __future__ import annotations

from operator import index
from typing import SupportsIndex

from typing_extensions import Self, override

__all__ = ["FIB_MAX_N", "Fibonacci", "fib", "fib_fast_doubling", "gcd", "lcm"]

# The largest n py_run_rs.fib and py_run_rs.Fibonacci accept.
FIB_MAX_N = 1_000_000_000


def fib(n: SupportsIndex) -> int:
    """The n-th Fibonacci number by iteration (fib(0) == 0, fib(1) == 1): O(n) additions."""
    n = index(n)
    if n < 0:
        raise ValueError("fib() argument 'n' must be >= 0")
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


def fib_fast_doubling(n: SupportsIndex) -> int:
    """The n-th Fibonacci number by fast doubling: O(log n) big multiplications."""
    n = index(n)
    if n < 0:
        raise ValueError("fib() argument 'n' must be >= 0")
    a, b = 0, 1  # F(k), F(k+1) for k = the bits of n read so far
    for bit in bin(n)[2:]:
        a, b = a * (2 * b - a), a * a + b * b
        if bit == "1":
            a, b = b, a + b
    return a


def gcd(a: SupportsIndex, b: SupportsIndex) -> int:
    """Greatest common divisor of two integers by recursive Euclid; same results as math.gcd
    for two ints. (Two arguments: the benchmark's baseline, as the original write-up had it.)"""
    return _euclid(index(a), index(b))


def _euclid(a: int, b: int) -> int:
    if b == 0:
        return abs(a)
    return _euclid(b, a % b)


def lcm(*integers: SupportsIndex) -> int:
    """Least common multiple of the integers, as math.lcm: lcm() == 1, 0 if any is 0; every
    argument goes through operator.index, even once the result is 0."""
    result = 1
    for integer in integers:
        value = index(integer)
        if result != 0:
            result = 0 if value == 0 else abs(result // _euclid(result, value) * value)
    return result


def _fibonacci_argument(name: str, value: SupportsIndex, low: int, high: int, why: str) -> int:
    n = index(value)
    if n < low:
        raise ValueError(f"Fibonacci() argument '{name}' must be >= {low}")
    if n > high:
        raise OverflowError(f"Fibonacci() argument '{name}' must be <= {high}: {why}")
    return n


class Fibonacci:
    """Twin of ``py_run_rs.Fibonacci``: fib(n) for n in range(start, stop, step), with the same
    argument rules and messages (``OverflowError`` where py_run_rs raises its ``FibOverflowError``,
    a subclass), computed the simplest way: fast doubling for each value."""

    def __init__(
        self,
        start: SupportsIndex = 0,
        stop: SupportsIndex | None = None,
        *,
        step: SupportsIndex = 1,
    ) -> None:
        self._next = _fibonacci_argument(
            "start", start, 0, FIB_MAX_N, "fib(start) would be too large"
        )
        self._stop: int | None = None
        if stop is not None:
            self._stop = max(index(stop), 0)
            if self._stop > FIB_MAX_N + 1:
                raise OverflowError(
                    f"Fibonacci() argument 'stop' must be <= {FIB_MAX_N + 1}: "
                    f"fib(n) of any n above {FIB_MAX_N} would be too large"
                )
        self._step = _fibonacci_argument(
            "step", step, 1, FIB_MAX_N, "fib(start + step) would be too large"
        )

    @property
    def next_index(self) -> int:
        return self._next

    def __iter__(self) -> Self:
        return self

    def __next__(self) -> int:
        n = self._next
        if self._stop is not None and n >= self._stop:
            raise StopIteration
        if n > FIB_MAX_N:
            raise OverflowError(
                f"Fibonacci index {n} is above {FIB_MAX_N}: the value would be too large"
            )
        self._next = n + self._step
        return fib_fast_doubling(n)

    def __len__(self) -> int:
        if self._stop is None:
            raise TypeError("Fibonacci with stop=None has no len()")
        return len(range(self._next, max(self._stop, self._next), self._step))

    @override
    def __repr__(self) -> str:
        return f"Fibonacci(start={self._next}, stop={self._stop}, step={self._step})"
