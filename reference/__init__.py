"""Pure-Python twins of ``pyrs.fib`` and ``pyrs.gcd``: the baseline the benchmark compares
against and the oracle the tests compare with."""

from __future__ import annotations

from operator import index
from typing import SupportsIndex

__all__ = ["fib", "fib_fast_doubling", "gcd"]


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
    """Greatest common divisor by recursive Euclid; same results as math.gcd for two ints."""
    return _euclid(index(a), index(b))


def _euclid(a: int, b: int) -> int:
    if b == 0:
        return abs(a)
    return _euclid(b, a % b)
