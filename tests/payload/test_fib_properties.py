"""ext.fib over its whole domain: the iterative reference for n up to several thousand, and
Fibonacci identities that check huge n cheaply, around every point where the implementation
switches representation.

Switch points: results fit a u64 up to n = 93 and the u128 table up to n = 186 (fast doubling
on big integers beyond); the binding releases the GIL from n = 6001 and computes on a worker
thread (interruptible by Ctrl-C) from n = 300_000.
"""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import reference
from tests.extension import ext

LAST_U64 = 93  # fib(93) < 2^64 <= fib(94)
LAST_U128 = 186  # fib(186) < 2^128 <= fib(187)
LAST_WITH_GIL = 6_000  # fib(n) runs with the GIL released for n > 6000
LAST_ON_CALLER = 299_999  # and on a worker thread from 300_000 on
SWITCHES = [LAST_U64, LAST_U128, LAST_WITH_GIL, LAST_ON_CALLER]
# Every n within 3 of a switch, and of the powers of two past the table (fast doubling walks
# n's bits, so 2^k and 2^k - 1 are its extreme paths).
NEAR_SWITCHES = sorted(
    {n + d for n in [*SWITCHES, *(2**k for k in range(8, 14))] for d in range(-3, 4)}
)
# Where the iterative reference is quick (it is O(n^2) in bit operations).
ITERATIVE_LIMIT = 10_000


@cache
def fib(n: int) -> int:
    """ext.fib, memoized: the identity tests below ask for the same huge n more than once."""
    return ext.fib(n)


def test_switch_points_are_where_the_docstring_says() -> None:
    assert reference.fib(LAST_U64) < 2**64 <= reference.fib(LAST_U64 + 1)
    assert reference.fib(LAST_U128) < 2**128 <= reference.fib(LAST_U128 + 1)


@pytest.mark.parametrize("n", NEAR_SWITCHES)
def test_matches_reference_near_switches(n: int) -> None:
    if n <= ITERATIVE_LIMIT:
        assert ext.fib(n) == reference.fib(n)
    else:
        assert ext.fib(n) == reference.fib_fast_doubling(n)


@given(st.integers(min_value=0, max_value=8_000))
@example(LAST_U64 + 1)
@example(LAST_U128 + 1)
@example(LAST_WITH_GIL + 1)
def test_matches_reference(n: int) -> None:
    result = ext.fib(n)
    assert type(result) is int
    assert result == reference.fib(n)


def check_doubling(k: int) -> None:
    """F(2k) = F(k) (2 F(k+1) - F(k)) and F(2k+1) = F(k)^2 + F(k+1)^2."""
    a, b = fib(k), fib(k + 1)
    assert fib(2 * k) == a * (2 * b - a), f"F(2k), k = {k}"
    assert fib(2 * k + 1) == a * a + b * b, f"F(2k+1), k = {k}"


def check_cassini(n: int) -> None:
    """F(n-1) F(n+1) - F(n)^2 = (-1)^n, for n >= 1."""
    assert fib(n - 1) * fib(n + 1) - fib(n) ** 2 == (-1) ** n, f"Cassini, n = {n}"


def check_addition(m: int, n: int) -> None:
    """F(m+n) = F(m) F(n+1) + F(m-1) F(n), for m >= 1."""
    assert fib(m + n) == fib(m) * fib(n + 1) + fib(m - 1) * fib(n), f"F(m+n), m={m}, n={n}"


# k such that 2k or 2k+1 lands on a switch, on both sides.
@pytest.mark.parametrize("k", sorted({s // 2 + d for s in SWITCHES for d in (-1, 0, 1)}))
def test_doubling_across_switches(k: int) -> None:
    check_doubling(k)


@pytest.mark.parametrize("n", [n for n in NEAR_SWITCHES if n >= 1])
def test_cassini_across_switches(n: int) -> None:
    check_cassini(n)


@pytest.mark.parametrize("total", SWITCHES)
def test_addition_across_switches(total: int) -> None:
    # Both halves below the switch, their sum on it and past it.
    for m in (1, 2, total // 2, total - 1):
        check_addition(m, total - m)
        check_addition(m, total + 1 - m)


@given(st.integers(min_value=1, max_value=200_000), st.integers(min_value=0, max_value=200_000))
@settings(max_examples=40)
def test_identities_up_to_200_000(m: int, n: int) -> None:
    check_doubling(n)
    check_cassini(m)
    check_addition(m, n)


# Huge n, checked exactly: 2^20 (fast doubling walks only zero bits after the first), an
# all-ones n (only one bits), an even and an odd n in the millions. About half a second each.
@pytest.mark.parametrize("k", [2**20, 2**21 - 1, 1_000_000, 1_500_001])
def test_doubling_in_the_millions(k: int) -> None:
    check_doubling(k)
    fib.cache_clear()


@pytest.mark.parametrize("n", [2**21, 3_000_001])
def test_cassini_in_the_millions(n: int) -> None:
    check_cassini(n)
    fib.cache_clear()


def test_addition_in_the_millions() -> None:
    check_addition(1_234_567, 1_765_433)  # m + n = 3_000_000
    check_addition(2**20, 2**20 + 1)
    fib.cache_clear()
