"""ext.lcm against math.lcm and the pure-Python reference: 0, 1, 2, 3 and many arguments, every
size class and sign, results that outgrow 64 and 128 bits, the lcm laws, errors.

Switch points: while every argument is an exact int of up to 128 bits and the result fits 128
bits, lcm works on machine words; the first argument or result beyond hands the rest to big
integers (operands of more than 4096 bits with the GIL released)."""

from __future__ import annotations

import math
import random
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import reference
from tests.extension import ext
from tests.support.values import Index

SIZES = [0, 1, 2, 6, 2**31 - 1, 2**40 * 3, 2**63, 2**64 * 15, 2**127 - 1, 2**128 * 9, 3**200]
VARIED = [s * v for v in SIZES for s in (1, -1)]


def test_no_and_one_argument_like_math_lcm() -> None:
    assert ext.lcm() == math.lcm() == 1
    for x in VARIED:
        assert ext.lcm(x) == math.lcm(x) == abs(x), x


@pytest.mark.parametrize("a", VARIED)
def test_every_pair_and_triple_of_size_classes(a: int) -> None:
    for b in VARIED:
        assert ext.lcm(a, b) == math.lcm(a, b), (a, b)
        for c in (0, -6, 2**64 + 1, 3**100):
            assert ext.lcm(a, b, c) == math.lcm(a, b, c), (a, b, c)


@pytest.mark.parametrize("count", [2, 3, 5, 20])
def test_random_arguments_match_math_lcm_and_reference(count: int) -> None:
    rng = random.Random(count)
    for _ in range(300):
        args = [
            rng.getrandbits(rng.choice([4, 20, 63, 64, 65, 127, 128, 129, 300]))
            * rng.choice((1, -1))
            for _ in range(count)
        ]
        want = math.lcm(*args)
        assert ext.lcm(*args) == want, args
        assert reference.lcm(*args) == want, args


def test_results_outgrow_64_and_128_bits_exactly() -> None:
    # Coprime operands whose product crosses each word boundary.
    for a, b in [(2**32 + 15, 2**32 + 17), (2**64 - 59, 2**64 - 83), (2**127 - 1, 2**64 + 1)]:
        assert ext.lcm(a, b) == math.lcm(a, b) == a * b
    primes = [2**61 - 1, 2**31 - 1, 2**19 - 1, 2**17 - 1, 2**13 - 1, 2**7 - 1, 2**5 - 1]
    assert ext.lcm(*primes) == math.prod(primes)
    assert ext.lcm(*range(1, 200)) == math.lcm(*range(1, 200))


def test_zero_anywhere_gives_zero_and_later_arguments_are_still_checked() -> None:
    for position in range(4):
        args = [6, 2**200, -15, 2**64 + 1]
        args[position] = 0
        assert ext.lcm(*args) == 0
    bad: Any = 4.0  # wrong on purpose (the stubs forbid it)
    for settled in [(0,), (2**200, 0), (4, 0, 3)]:
        with pytest.raises(TypeError):
            math.lcm(*settled, bad)
        position = len(settled) + 1
        with pytest.raises(TypeError, match=rf"^lcm\(\) argument {position}: 'float'"):
            ext.lcm(*settled, bad)


@pytest.mark.parametrize("bits", [1_000, 5_000, 20_000])
def test_thousands_of_bits(bits: int) -> None:
    rng = random.Random(bits)
    common = rng.getrandbits(bits // 4) | 1
    a, b = rng.getrandbits(bits) * common, -rng.getrandbits(bits) * common
    assert ext.lcm(a, b) == math.lcm(a, b)
    assert ext.lcm(a, b, 6, -(2**100)) == math.lcm(a, b, 6, -(2**100))


def test_accepts_index_objects_and_bool_like_math_lcm() -> None:
    assert ext.lcm(Index(4), Index(-6)) == math.lcm(Index(4), Index(-6)) == 12
    assert ext.lcm(True, 4) == math.lcm(True, 4) == 4
    assert ext.lcm(False, 4) == math.lcm(False, 4) == 0
    assert type(ext.lcm(True)) is int


@pytest.mark.parametrize("bad", [4.0, "4", None, 3 + 0j, [4]])
def test_non_integers_are_type_errors_naming_the_position(bad: Any) -> None:
    with pytest.raises(TypeError, match=r"^lcm\(\) argument 1: "):
        ext.lcm(bad, 6)
    with pytest.raises(TypeError, match=r"^lcm\(\) argument 3: "):
        ext.lcm(6, 4, bad)


def test_keyword_arguments_are_refused_like_math_lcm() -> None:
    ours: Any = ext.lcm  # wrong on purpose (the stub forbids it): called through Any
    with pytest.raises(TypeError, match=rf"^{ext.__name__}\.lcm\(\) takes no keyword arguments$"):
        ours(a=4)


# -- laws, hypothesis-drawn ------------------------------------------------------------------

ints = st.one_of(
    st.integers(min_value=-(2**140), max_value=2**140),
    st.integers(min_value=0, max_value=300).map(lambda k: 2**k - 1),
    st.sampled_from([0, 1, -1, 2**64, 2**128, -(2**127)]),
)


@given(st.lists(ints, max_size=6))
@settings(max_examples=300)
@example([])
@example([0, 0])
@example([2**64 - 1, 2**64 + 1])
def test_matches_math_lcm(args: list[int]) -> None:
    result = ext.lcm(*args)
    assert type(result) is int
    assert result == math.lcm(*args)


@given(ints, ints)
@settings(max_examples=200)
def test_lcm_times_gcd_is_the_absolute_product(a: int, b: int) -> None:
    assert ext.lcm(a, b) * ext.gcd(a, b) == abs(a * b)


@given(ints, ints, ints)
@settings(max_examples=200)
def test_is_associative_and_symmetric(a: int, b: int, c: int) -> None:
    whole = ext.lcm(a, b, c)
    assert ext.lcm(ext.lcm(a, b), c) == whole
    assert ext.lcm(a, ext.lcm(b, c)) == whole
    assert ext.lcm(c, -b, a) == whole
