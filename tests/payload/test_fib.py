"""ext.fib against the pure-Python reference: values, representation switches, errors."""

from __future__ import annotations

import pickle
import random
from typing import Any

import pytest

import reference
from tests.extension import ext
from tests.support.values import Index

# Where the implementation changes representation: u64 results end at fib(93), the u128
# table at fib(186); fast doubling takes over from there.
BOUNDARIES = [0, 1, 2, 92, 93, 94, 185, 186, 187, 188, 255, 256, 1000, 6000, 6001]


@pytest.mark.parametrize("n", range(400))
def test_matches_reference_for_small_n(n: int) -> None:
    assert ext.fib(n) == reference.fib(n)


@pytest.mark.parametrize("n", BOUNDARIES)
def test_matches_reference_around_boundaries(n: int) -> None:
    assert ext.fib(n) == reference.fib(n)


def test_beyond_128_bits_is_exact() -> None:
    f187 = ext.fib(187)
    assert f187.bit_length() > 128
    assert f187 == reference.fib(187)
    assert ext.fib(10_000) == reference.fib(10_000)


def test_random_n_match_fast_doubling_reference() -> None:
    rng = random.Random(20261125)
    for n in [rng.randrange(0, 200_000) for _ in range(40)]:
        assert ext.fib(n) == reference.fib_fast_doubling(n), n


def test_result_is_a_plain_int() -> None:
    assert type(ext.fib(10)) is int
    assert type(ext.fib(150)) is int
    assert type(ext.fib(500)) is int


def test_accepts_index_objects_and_bool() -> None:
    assert ext.fib(Index(20)) == 6765
    assert ext.fib(True) == 1


def test_negative_n_is_a_value_error() -> None:
    with pytest.raises(ValueError, match=r"fib\(\) argument 'n' must be >= 0"):
        ext.fib(-1)
    with pytest.raises(ValueError, match="must be >= 0"):
        ext.fib(-(2**100))


@pytest.mark.parametrize("n", [1_000_000_001, 2**63, 2**64, 10**30])
def test_too_large_n_is_refused_up_front(n: int) -> None:
    with pytest.raises(OverflowError, match=r"fib\(\) argument 'n' must be <= 1000000000") as error:
        ext.fib(n)
    assert type(error.value) is ext.FibOverflowError
    assert str(error.value) == (
        "fib() argument 'n' must be <= 1000000000: the result would be too large"
    )


def test_fib_overflow_error_is_a_public_overflow_error() -> None:
    error_class = ext.FibOverflowError
    assert error_class.__mro__[1:3] == (OverflowError, ArithmeticError)
    assert (error_class.__module__, error_class.__qualname__) == (ext.__name__, "FibOverflowError")
    assert (error_class.__doc__ or "").startswith("Raised when a Fibonacci index is above")
    # `except OverflowError` (and ArithmeticError) written before it existed still catches it.
    for catch in (OverflowError, ArithmeticError, error_class):
        with pytest.raises(catch):
            ext.fib(2**64)
    # Subclassable and raisable from Python, and it pickles by name like any public exception.
    subclass = type("Sub", (error_class,), {})
    with pytest.raises(error_class):
        raise subclass("from Python")
    restored = pickle.loads(pickle.dumps(error_class("message")))
    assert type(restored) is error_class
    assert restored.args == ("message",)


def test_wrong_argument_counts_are_refused_by_the_interpreter() -> None:
    untyped: Any = ext.fib  # wrong on purpose (the stub forbids these): called through Any
    with pytest.raises(TypeError, match=rf"^{ext.__name__}\.fib\(\) takes exactly one argument"):
        untyped()
    with pytest.raises(TypeError, match=rf"^{ext.__name__}\.fib\(\) takes exactly one argument"):
        untyped(1, 2)
    with pytest.raises(TypeError, match=rf"^{ext.__name__}\.fib\(\) takes no keyword arguments"):
        untyped(n=3)


@pytest.mark.parametrize("bad", [4.0, float("nan"), "4", b"4", None, 3 + 0j, [4]])
def test_non_integers_are_type_errors(bad: Any) -> None:
    with pytest.raises(TypeError, match=r"fib\(\) argument 'n': .* cannot be interpreted"):
        ext.fib(bad)
