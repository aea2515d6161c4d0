"""ext.Fibonacci against the pure-Python twin (reference.Fibonacci) and ext.fib: values, len,
repr, next_index, exhaustion, reiteration, argument rules, and the paths its values take
(table, stepped from the previous pair, recomputed by doubling, GIL released)."""

from __future__ import annotations

import inspect
import itertools
import operator
import pickle
from typing import Any

import pytest

import reference
from tests.extension import ext
from tests.support.values import Index

FIB_MAX_N = reference.FIB_MAX_N

# (start, stop, step): around the table's end (186), short and long steps, empty ranges.
RANGES = [
    (0, 10, 1),
    (3, 10, 2),
    (0, 0, 1),
    (5, 3, 1),
    (5, -3, 2),
    (0, 400, 1),
    (180, 200, 1),
    (185, 190, 3),
    (100, 1_000, 185),
    (100, 2_000, 186),
    (100, 2_000, 187),
    (20_000, 21_000, 50),  # past 6000: values computed with the GIL released
    (40_000, 60_001, 1_000),  # a long step, stepped with big constants (32 * 1000 <= 40_000)
    (1_000, 40_000, 9_000),  # too long to step: recomputed by doubling
]
RANGE_IDS = [f"{a}-{b}-{c}" for a, b, c in RANGES]


@pytest.mark.parametrize(("start", "stop", "step"), RANGES, ids=RANGE_IDS)
def test_values_len_and_repr_match_the_reference(start: int, stop: int, step: int) -> None:
    ours, twin = ext.Fibonacci(start, stop, step=step), reference.Fibonacci(start, stop, step=step)
    assert len(ours) == len(twin) == len(range(start, stop, step))
    assert repr(ours) == repr(twin)
    values = list(ours)
    assert values == list(twin)
    assert values == [reference.fib_fast_doubling(n) for n in range(start, stop, step)]
    assert all(type(value) is int for value in values)
    assert len(ours) == 0
    assert repr(ours) == repr(twin)
    assert ours.next_index == twin.next_index


def test_a_step_at_a_time() -> None:
    fibs = ext.Fibonacci(3, 10, step=2)
    assert repr(fibs) == "Fibonacci(start=3, stop=10, step=2)"
    seen: list[int] = []
    for expected_index, expected_len in [(3, 4), (5, 3), (7, 2), (9, 1)]:
        assert fibs.next_index == expected_index
        assert len(fibs) == expected_len
        seen.append(next(fibs))
    assert seen == [2, 5, 13, 34]
    assert (fibs.next_index, len(fibs)) == (11, 0)
    assert repr(fibs) == "Fibonacci(start=11, stop=10, step=2)"


def test_exhausted_stays_exhausted_and_iterating_again_yields_nothing() -> None:
    fibs = ext.Fibonacci(0, 5)
    assert iter(fibs) is fibs
    assert list(fibs) == [0, 1, 1, 2, 3]
    for _ in range(3):
        with pytest.raises(StopIteration):
            next(fibs)
    assert list(fibs) == []
    assert fibs.next_index == 5
    # A new one starts over.
    assert list(ext.Fibonacci(0, 5)) == [0, 1, 1, 2, 3]


def test_unbounded_goes_on_and_has_no_len() -> None:
    fibs = ext.Fibonacci()
    assert repr(fibs) == "Fibonacci(start=0, stop=None, step=1)"
    assert list(itertools.islice(fibs, 300)) == [reference.fib(n) for n in range(300)]
    assert fibs.next_index == 300
    with pytest.raises(TypeError, match=r"^Fibonacci with stop=None has no len\(\)$"):
        len(fibs)
    # list() and friends ask for a length hint, and must not be put off by that TypeError.
    assert operator.length_hint(ext.Fibonacci(), 7) == 7
    assert operator.length_hint(ext.Fibonacci(0, 5), 7) == 5
    assert list(itertools.islice(ext.Fibonacci(7), 3)) == [13, 21, 34]


def test_unbounded_raises_fib_overflow_error_past_the_last_index() -> None:
    fibs = ext.Fibonacci(5, step=FIB_MAX_N)
    assert next(fibs) == 5
    assert fibs.next_index == FIB_MAX_N + 5
    for _ in range(2):  # and again: the iteration stays where it is
        with pytest.raises(ext.FibOverflowError) as error:
            next(fibs)
        assert str(error.value) == (
            f"Fibonacci index {FIB_MAX_N + 5} is above {FIB_MAX_N}: the value would be too large"
        )
        assert isinstance(error.value, OverflowError)
    assert fibs.next_index == FIB_MAX_N + 5


def test_the_last_index_bounds() -> None:
    assert len(ext.Fibonacci(0, FIB_MAX_N + 1)) == FIB_MAX_N + 1
    assert len(ext.Fibonacci(FIB_MAX_N, FIB_MAX_N + 1)) == 1
    assert len(ext.Fibonacci(0, FIB_MAX_N + 1, step=FIB_MAX_N)) == 2


def test_next_index_is_read_only() -> None:
    fibs = ext.Fibonacci()
    untyped: Any = fibs  # wrong on purpose (the stub's property has no setter)
    with pytest.raises(AttributeError):
        untyped.next_index = 3
    assert fibs.next_index == 0


def test_class_is_final_and_public() -> None:
    assert ext.Fibonacci.__module__ == ext.__name__
    assert ext.Fibonacci.__qualname__ == "Fibonacci"
    final: Any = ext.Fibonacci  # subclassing it is wrong on purpose (the stub says final)
    with pytest.raises(TypeError):
        type("Sub", (final,), {})
    assert str(inspect.signature(ext.Fibonacci)) == "(start=0, stop=None, *, step=1)"
    assert (ext.Fibonacci.__doc__ or "").startswith("Iterator over fib(n)")


def test_cannot_be_pickled_or_copied_silently() -> None:
    """An iterator over Rust state: pickling is refused rather than done wrong."""
    with pytest.raises(TypeError):
        pickle.dumps(ext.Fibonacci(3, 10))


def test_accepts_index_objects_and_bool() -> None:
    assert list(ext.Fibonacci(Index(5), Index(8))) == [5, 8, 13]
    assert list(ext.Fibonacci(True, 4, step=True)) == [1, 1, 2]
    assert list(itertools.islice(ext.Fibonacci(0, None, step=Index(3)), 3)) == [0, 2, 8]


def test_keywords_and_the_keyword_only_step() -> None:
    assert list(ext.Fibonacci(start=3, stop=10, step=2)) == [2, 5, 13, 34]
    assert list(ext.Fibonacci(stop=4)) == [0, 1, 1, 2]
    untyped: Any = ext.Fibonacci  # wrong on purpose: step is keyword-only
    with pytest.raises(TypeError, match="positional"):
        untyped(0, 10, 2)
    with pytest.raises(TypeError, match="unexpected keyword"):
        untyped(begin=3)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"start": -1}, ValueError, "Fibonacci() argument 'start' must be >= 0"),
        ({"start": -(2**100)}, ValueError, "Fibonacci() argument 'start' must be >= 0"),
        ({"step": 0}, ValueError, "Fibonacci() argument 'step' must be >= 1"),
        ({"step": -1}, ValueError, "Fibonacci() argument 'step' must be >= 1"),
        (
            {"start": FIB_MAX_N + 1},
            ext.FibOverflowError,
            "Fibonacci() argument 'start' must be <= 1000000000: fib(start) would be too large",
        ),
        (
            {"start": 2**64},
            ext.FibOverflowError,
            "Fibonacci() argument 'start' must be <= 1000000000: fib(start) would be too large",
        ),
        (
            {"stop": FIB_MAX_N + 2},
            ext.FibOverflowError,
            "Fibonacci() argument 'stop' must be <= 1000000001: "
            "fib(n) of any n above 1000000000 would be too large",
        ),
        (
            {"step": 10**30},
            ext.FibOverflowError,
            "Fibonacci() argument 'step' must be <= 1000000000: "
            "fib(start + step) would be too large",
        ),
        (
            {"start": 1.5},
            TypeError,
            "Fibonacci() argument 'start': 'float' object cannot be interpreted as an integer",
        ),
        (
            {"stop": "9"},
            TypeError,
            "Fibonacci() argument 'stop': 'str' object cannot be interpreted as an integer",
        ),
        (
            {"step": 2.0},
            TypeError,
            "Fibonacci() argument 'step': 'float' object cannot be interpreted as an integer",
        ),
    ],
)
def test_bad_arguments_like_the_reference(
    kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as ours:
        ext.Fibonacci(**kwargs)
    assert type(ours.value) is error
    assert str(ours.value) == message
    twin_error = OverflowError if error is ext.FibOverflowError else error
    with pytest.raises(twin_error) as twin:
        reference.Fibonacci(**kwargs)
    if error is TypeError:
        # The twin raises operator.index's own message; ours names the argument before it.
        assert message.endswith(f": {twin.value}")
    else:
        # The twin raises OverflowError where ours raises its subclass.
        assert type(twin.value) is twin_error
        assert str(twin.value) == message


def test_a_stop_at_or_before_start_is_empty_like_range() -> None:
    for stop in (5, 4, 0, -1, -(2**100)):
        fibs = ext.Fibonacci(5, stop)
        assert len(fibs) == 0
        assert list(fibs) == []
