"""Every conversion path at its exact size limits, for both signs.

The binding reads an int's 30-bit digits in place (the header in front of them differs
between CPython < 3.12 and 3.12+), takes ints of up to 128 bits without allocating, repacks
bigger ones into 64-bit words, and writes results back as a machine word (up to 64 bits), a
u128 (up to 128 bits) or from bytes beyond. So the limits are every multiple of 30 bits, 63,
64, 127, 128 and 129 bits, and their neighbours; each is checked on its own, by value.

``gcd(x, 0) == abs(x)`` (and ``lcm(x, 1) == abs(x)``) sends x through the reader and back
through the writer unchanged: a value read with a wrong sign, a lost top digit or a truncated
word shows up as a wrong number. fib's argument goes through the same reader: negative is a
ValueError at any size, above 10**9 (any int of 30 bits or more) an OverflowError.
"""

from __future__ import annotations

import math

import pytest

import reference
from tests.extension import ext

FIB_MAX_N = 1_000_000_000
BIT_LENGTHS = sorted(
    {*(30 * k + d for k in range(1, 11) for d in (-1, 0, 1)), 63, 64, 65, 127, 128, 129}
)


def around(bits: int) -> list[int]:
    """The magnitudes at a bit-length limit: 2**bits - 1 (all ones), 2**bits, 2**bits + 1,
    and 2**(bits - 1) (the smallest int of that length)."""
    return [2**bits - 1, 2**bits, 2**bits + 1, 2 ** (bits - 1)]


VALUES = sorted({sign * m for bits in BIT_LENGTHS for m in around(bits) for sign in (1, -1)})
# Partners sharing factors with some of VALUES, of every size class.
PARTNERS = [0, 1, -1, 3, 2**30 * 3, -(2**64) * 5, 2**128 - 1, 3**100, -(2**200) * 7]


@pytest.mark.parametrize("x", VALUES, ids=hex)
def test_value_round_trips(x: int) -> None:
    assert ext.gcd(x, 0) == abs(x)
    assert ext.gcd(0, x) == abs(x)
    assert ext.gcd(x, x) == abs(x)


@pytest.mark.parametrize("x", VALUES, ids=hex)
def test_gcd_matches_math_gcd(x: int) -> None:
    for y in PARTNERS:
        assert ext.gcd(x, y) == math.gcd(x, y), (x, y)
        assert ext.gcd(y, x) == math.gcd(x, y), (y, x)


@pytest.mark.parametrize("x", VALUES, ids=hex)
def test_lcm_round_trips_and_matches_math_lcm(x: int) -> None:
    # lcm(x, 1) == abs(x): through the reader and the writer, like gcd(x, 0); the one-argument
    # and varargs forms too.
    assert ext.lcm(x, 1) == ext.lcm(1, x) == ext.lcm(x) == ext.lcm(x, x) == abs(x)
    assert ext.gcd(x) == ext.gcd(0, 0, x) == abs(x)
    for y in PARTNERS:
        assert ext.lcm(x, y) == math.lcm(x, y), (x, y)
        assert ext.lcm(y, x, -1) == math.lcm(x, y), (y, x)


@pytest.mark.parametrize("x", VALUES, ids=hex)
def test_gcd_of_neighbours(x: int) -> None:
    # Consecutive ints are coprime, and x, x + 2 share only 2: both operands at the limit.
    assert ext.gcd(x, x + 1) == 1
    assert ext.gcd(x, x + 2) == math.gcd(x, 2)


class IntSubclass(int):
    pass


@pytest.mark.parametrize("x", VALUES, ids=hex)
def test_int_subclass_is_read_by_value(x: int) -> None:
    assert ext.gcd(IntSubclass(x), 0) == abs(x)


@pytest.mark.parametrize("n", [v for v in VALUES if v < 0], ids=hex)
def test_fib_of_a_negative_int_is_a_value_error(n: int) -> None:
    with pytest.raises(ValueError, match=r"^fib\(\) argument 'n' must be >= 0$"):
        ext.fib(n)


@pytest.mark.parametrize("n", [v for v in VALUES if v > FIB_MAX_N], ids=hex)
def test_fib_above_the_limit_is_an_overflow_error(n: int) -> None:
    with pytest.raises(OverflowError, match=r"must be <= 1000000000"):
        ext.fib(n)


@pytest.mark.parametrize("n", [FIB_MAX_N + 1, FIB_MAX_N + 2, 2**30 - 1, 2**30])
def test_fib_just_above_the_limit_is_an_overflow_error(n: int) -> None:
    with pytest.raises(OverflowError, match=r"must be <= 1000000000"):
        ext.fib(n)


@pytest.mark.parametrize("bits", range(1, 21))
def test_fib_at_small_bit_lengths(bits: int) -> None:
    for n in (2 ** (bits - 1), 2**bits - 1):
        assert ext.fib(n) == reference.fib_fast_doubling(n), n
