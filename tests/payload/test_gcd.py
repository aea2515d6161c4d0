"""ext.gcd against math.gcd and the pure-Python reference: signs, zeros, sizes, errors, and any
number of arguments (``gcd(*integers)``, as math.gcd since Python 3.9)."""

from __future__ import annotations

import math
import random
from typing import Any

import pytest

import reference
from tests.extension import ext
from tests.support.values import Index

EDGES = [
    0,
    1,
    2,
    3,
    6,
    123_456_789,
    987_654_321,
    2**31 - 1,
    2**32,
    2**63 - 1,
    2**63,
    2**64 - 1,
    2**64,
    2**64 + 1,
    2**127,
    2**128 - 1,
    2**128,
    2**128 + 1,
    3**200,
    2**1000 * 3**5,
]
SIGNED_EDGES = [s * v for v in EDGES for s in (1, -1)]


@pytest.mark.parametrize("a", SIGNED_EDGES)
def test_matches_math_gcd_on_edges(a: int) -> None:
    for b in SIGNED_EDGES:
        assert ext.gcd(a, b) == math.gcd(a, b), (a, b)


def test_zeros() -> None:
    assert ext.gcd(0, 0) == 0
    assert ext.gcd(0, 5) == 5
    assert ext.gcd(5, 0) == 5
    assert ext.gcd(0, -5) == 5
    assert ext.gcd(-(2**300), 0) == 2**300


def test_random_pairs_match_math_gcd_and_reference() -> None:
    rng = random.Random(20261125)
    for _ in range(2000):
        bits_a, bits_b = rng.choice([8, 63, 64, 65, 127, 128, 129, 500]), rng.randrange(1, 300)
        common = rng.getrandbits(rng.randrange(1, 100)) or 1
        a = rng.getrandbits(bits_a) * common * rng.choice((1, -1))
        b = rng.getrandbits(bits_b) * common * rng.choice((1, -1))
        want = math.gcd(a, b)
        assert ext.gcd(a, b) == want, (a, b)
        assert reference.gcd(a, b) == want, (a, b)


@pytest.mark.parametrize("bits", [1_000, 4_000, 20_000])
def test_thousands_of_bits(bits: int) -> None:
    rng = random.Random(bits)
    common = rng.getrandbits(bits // 4) | 1
    a = rng.getrandbits(bits) * common
    b = -rng.getrandbits(bits) * common
    assert ext.gcd(a, b) == math.gcd(a, b)


def test_result_is_a_plain_int() -> None:
    assert type(ext.gcd(4, 6)) is int
    assert type(ext.gcd(2**200, 2**190)) is int
    assert type(ext.gcd(True, False)) is int


def test_accepts_index_objects_and_bool_like_math_gcd() -> None:
    assert ext.gcd(Index(12), Index(-18)) == math.gcd(Index(12), Index(-18)) == 6
    assert ext.gcd(True, 4) == math.gcd(True, 4) == 1
    assert ext.gcd(False, 4) == math.gcd(False, 4) == 4


@pytest.mark.parametrize("bad", [4.0, float("inf"), "4", b"4", None, 3 + 0j, [4]])
def test_non_integers_are_type_errors_like_math_gcd(bad: Any) -> None:
    with pytest.raises(TypeError):
        math.gcd(bad, 6)
    with pytest.raises(TypeError, match=r"gcd\(\) argument 1: .* cannot be interpreted"):
        ext.gcd(bad, 6)
    with pytest.raises(TypeError, match=r"gcd\(\) argument 2: .* cannot be interpreted"):
        ext.gcd(6, bad)


# -- any number of arguments -----------------------------------------------------------------

# One value of each size class (0, one digit, a u64, a u128, a big int), each sign, and a few
# sharing factors, so that results are rarely 1.
SIZES = [0, 1, 6, 2**40 * 3, 2**64 * 15, 2**127 - 1, 2**128 * 9, 3**200, 2**1000 * 45]
VARIED = [s * v for v in SIZES for s in (1, -1)]


def test_no_and_one_argument_like_math_gcd() -> None:
    assert ext.gcd() == math.gcd() == 0
    for x in VARIED:
        assert ext.gcd(x) == math.gcd(x) == abs(x), x
        assert type(ext.gcd(x)) is int


@pytest.mark.parametrize("count", [3, 4, 7, 50])
def test_many_arguments_match_math_gcd(count: int) -> None:
    rng = random.Random(count)
    for _ in range(400):
        common = rng.choice([1, 2, 6, 2**70 + 1, 3**90])
        args = [rng.choice(VARIED) * common for _ in range(count)]
        assert ext.gcd(*args) == math.gcd(*args), args


@pytest.mark.parametrize("a", VARIED)
def test_every_triple_of_size_classes_matches_math_gcd(a: int) -> None:
    for b in VARIED:
        for c in (0, -6, 2**64 * 5, 3**200):
            assert ext.gcd(a, b, c) == math.gcd(a, b, c), (a, b, c)
            assert ext.gcd(c, a, b) == math.gcd(c, a, b), (c, a, b)


def test_once_the_result_is_one_later_arguments_are_still_checked() -> None:
    assert ext.gcd(3, 5, 2**200) == 1
    bad: Any = 4.0  # wrong on purpose (the stubs forbid it)
    for settled in [(3, 5), (2**200 + 1, 2**200), (1,)]:
        with pytest.raises(TypeError):
            math.gcd(*settled, bad)
        position = len(settled) + 1
        with pytest.raises(TypeError, match=rf"^gcd\(\) argument {position}: 'float'"):
            ext.gcd(*settled, bad)


def test_big_arguments_anywhere_in_the_list() -> None:
    """The first argument that is not a small exact int hands the rest to the general path,
    from any position: the results must not depend on where that happens."""
    big = 2**300 * 3 * 5 * 7
    for position in range(5):
        args = [2**10 * 105] * 5
        args[position] = big
        assert ext.gcd(*args) == math.gcd(*args) == 2**10 * 105, position


def test_keyword_arguments_are_refused_like_math_gcd() -> None:
    # Wrong on purpose (the stubs forbid it): called through Any.
    ours: Any = ext.gcd
    theirs: Any = math.gcd
    with pytest.raises(TypeError, match=rf"^{ext.__name__}\.gcd\(\) takes no keyword arguments$"):
        ours(a=4)
    with pytest.raises(TypeError, match=r"^math\.gcd\(\) takes no keyword arguments$"):
        theirs(a=4)
