"""ext.gcd over its whole domain: equal to math.gcd and obeying the gcd laws for ints of every
sign and size, from 0 and +-1 through the word boundaries to 10^5 bits.

Switch points: both operands below 2^64 use u64 words, below 2^128 u128 words, big integers
beyond (a big and a small operand take one big remainder, then words), and operands of more
than 4096 bits are worked on with the GIL released. The binding reads CPython's 30-bit
digits: ints of up to 5 digits (150 bits) in place if they fit 128 bits, bigger ones repacked
into 64-bit words, so multiples of 30 and 64 bits are boundaries too.
"""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.extension import ext

# 2^k for these k, plus or minus a little, straddles every switch point.
EDGE_EXPONENTS = [
    *(0, 1, 2, 29, 30, 31, 32, 60, 62, 63, 64, 65, 90, 120),
    *(126, 127, 128, 129, 150, 151, 192, 4095, 4096, 4097),
]
HUGE_BITS = 10**5


def signed(magnitudes: st.SearchStrategy[int]) -> st.SearchStrategy[int]:
    return st.tuples(magnitudes, st.booleans()).map(lambda m: -m[0] if m[1] else m[0])


def _bits_from_seed(bits: int, seed: int) -> int:
    return random.Random(seed).getrandbits(bits)


def random_bits(max_bits: int) -> st.SearchStrategy[int]:
    """Up to max_bits random bits, from a drawn length and seed: hypothesis's own integers()
    would need as many bytes of entropy as the value has, too many at 10^5 bits."""
    return st.builds(
        _bits_from_seed,
        st.integers(min_value=0, max_value=max_bits),
        st.integers(min_value=0, max_value=2**32 - 1),
    )


def _near_power_of_two(k: int, d: int) -> int:
    return max((1 << k) + d, 0)


near_edges = st.builds(
    _near_power_of_two,
    st.sampled_from(EDGE_EXPONENTS),
    st.integers(min_value=-3, max_value=3),
)
powers_of_two = st.integers(min_value=0, max_value=300).map(lambda k: 2**k)
# Mostly below 300 bits, where the representation switches are: each draw is cheap.
ints = signed(
    st.one_of(
        st.sampled_from([0, 1]),
        near_edges,
        powers_of_two,
        st.integers(min_value=0, max_value=2**140),
        random_bits(300),
        random_bits(5_000),
    )
)
# Up to 10^5 bits: a few milliseconds per gcd.
huge = signed(
    st.one_of(
        random_bits(HUGE_BITS),
        st.integers(min_value=0, max_value=HUGE_BITS).map(lambda k: 2**k),
        st.integers(min_value=-3, max_value=3).map(lambda d: 2**HUGE_BITS + d),
    )
)


@given(ints, ints)
@settings(max_examples=300)
@example(0, 0)
@example(-1, 1)
@example(-(2**63), 2**64)
@example(2**128 - 1, -(2**64 - 1))
@example(2**4096, 2**4095 - 1)
def test_matches_math_gcd(a: int, b: int) -> None:
    result = ext.gcd(a, b)
    assert type(result) is int
    assert result == math.gcd(a, b)


@given(huge, st.one_of(huge, ints), random_bits(2_000))
@settings(max_examples=25)
def test_matches_math_gcd_up_to_10_5_bits(a: int, b: int, common: int) -> None:
    assert ext.gcd(a, b) == math.gcd(a, b)
    # Random operands are nearly coprime: a shared factor makes the result non-trivial.
    assert ext.gcd(a * common, b * common) == math.gcd(a * common, b * common)


@pytest.mark.parametrize("seed", range(3))
def test_matches_math_gcd_on_random_10_5_bit_operands(seed: int) -> None:
    rng = random.Random(seed)
    common = rng.getrandbits(30_000) | 1
    a = rng.getrandbits(HUGE_BITS - 30_000) * common
    b = -rng.getrandbits(HUGE_BITS - 30_000) * common
    assert a.bit_length() > HUGE_BITS - 100
    assert ext.gcd(a, b) == math.gcd(a, b)
    assert ext.gcd(a, b >> 50_000) == math.gcd(a, b >> 50_000)  # 10^5 bits with 5 * 10^4
    assert ext.gcd(a, 2**64 + 13) == math.gcd(a, 2**64 + 13)  # big with small


# Every pair of values within 2 of 2^63, 2^64, 2^127, 2^128, 2^4096, of either sign.
BOUNDARY_VALUES = [0, 1, -1] + [
    s * (2**k + d) for k in (63, 64, 127, 128, 4095, 4096) for d in range(-2, 3) for s in (1, -1)
]


@pytest.mark.parametrize("a", BOUNDARY_VALUES)
def test_matches_math_gcd_on_every_boundary_pair(a: int) -> None:
    for b in BOUNDARY_VALUES:
        assert ext.gcd(a, b) == math.gcd(a, b), (a, b)


@pytest.mark.parametrize("sign", [1, -1])
def test_round_trips_every_bit_length(sign: int) -> None:
    """gcd(x, 0) == abs(x) hands x back through both conversions (Python int to Rust and
    back): every length from 0 to 1000 bits, so every alignment of 30-bit digits in words."""
    rng = random.Random(sign)
    for bits in range(1001):
        top = 1 << bits
        for x in (top - 1, top, top + 1, top | rng.getrandbits(bits)):
            assert ext.gcd(sign * x, 0) == x, (sign, bits)
            assert ext.gcd(0, sign * x) == x, (sign, bits)
            assert ext.gcd(sign * x, sign * x) == x, (sign, bits)


@given(ints, ints)
@settings(max_examples=200)
def test_is_the_greatest_common_divisor(a: int, b: int) -> None:
    g = ext.gcd(a, b)
    assert g >= 0
    assert (g == 0) == (a == 0 and b == 0)
    if g:
        assert a % g == 0
        assert b % g == 0
        # Greatest: what is left of a and b after dividing by g has no common factor.
        assert ext.gcd(a // g, b // g) == 1


@given(ints, ints)
def test_is_symmetric_and_ignores_signs(a: int, b: int) -> None:
    g = ext.gcd(a, b)
    assert ext.gcd(b, a) == g
    assert ext.gcd(-a, b) == g
    assert ext.gcd(a, -b) == g
    assert ext.gcd(-a, -b) == g


@given(st.one_of(ints, huge))
@settings(max_examples=50)
def test_gcd_with_zero_is_abs(a: int) -> None:
    assert ext.gcd(a, 0) == abs(a)
    assert ext.gcd(0, a) == abs(a)


@given(ints, ints, st.one_of(ints, random_bits(2_000)))
@settings(max_examples=200)
def test_scales_with_a_common_factor(a: int, b: int, k: int) -> None:
    assert ext.gcd(k * a, k * b) == abs(k) * ext.gcd(a, b)


@given(st.lists(st.one_of(ints, huge), max_size=6))
@settings(max_examples=150)
@example([])
@example([0, 0, 0])
@example([2**64, -(2**64), 2**200])
def test_any_number_of_arguments_matches_math_gcd(args: list[int]) -> None:
    result = ext.gcd(*args)
    assert type(result) is int
    assert result == math.gcd(*args)
    # gcd(a, b, c) == gcd(gcd(a, b), c): folding gives the same.
    folded = 0
    for arg in args:
        folded = ext.gcd(folded, arg)
    assert folded == result
