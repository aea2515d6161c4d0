"""Every argument of every function and of the class, given each kind of bad (or merely
unusual) input, gets exactly what the standard library does for the analogous call, with the
argument named.

The oracle is computed in the test itself: ``math.gcd`` / ``math.lcm`` for ``ext.gcd`` /
``ext.lcm`` with the input at each position (first, second, third after the result is already
settled, and after a big argument has moved the work off the machine-word path); for
``ext.fib(x)``, ``operator.index(x)`` (what an int-taking builtin does with the object)
followed by fib's documented range: ValueError below 0, OverflowError above 1_000_000_000, and
the pure-Python reference in between; for each argument of ``ext.Fibonacci``, the pure-Python
twin ``reference.Fibonacci``. An accepted input must give the oracle's value, as a plain int; a
refused one the oracle's exception class exactly (``ext.FibOverflowError``, a subclass, where
the oracle raises OverflowError; never a ``pyo3_runtime.PanicException``, which derives from
BaseException), with a message that names the function and argument, or, when the object's own
``__index__`` raised, that very exception.
"""

from __future__ import annotations

import math
import operator
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from itertools import islice
from typing import Any

import numpy as np
import pytest
from typing_extensions import override

import reference
from tests.extension import ext
from tests.support.values import Index

FIB_MAX_N = 1_000_000_000


class IndexRaises:
    """An object whose ``__index__`` raises the given exception (the same instance each time)."""

    def __init__(self, error: BaseException) -> None:
        self.error = error

    def __index__(self) -> int:
        raise self.error

    @override
    def __repr__(self) -> str:
        return f"IndexRaises({self.error!r})"


class IntSubclass(int):
    """An int subclass whose Python-level methods all lie: math.gcd and operator.index read its
    int value directly, and so must the extension (whatever path its conversion takes)."""

    @override
    def __index__(self) -> int:
        raise AssertionError("int subclasses are not converted through __index__")

    @override
    def __abs__(self) -> int:
        raise AssertionError("__abs__ of an int subclass was called")

    @override
    def __lt__(self, other: object) -> bool:
        raise AssertionError("__lt__ of an int subclass was called")

    @override
    def bit_length(self) -> int:
        raise AssertionError("bit_length of an int subclass was called")

    @override
    def to_bytes(self, *args: object, **kwargs: object) -> bytes:
        raise AssertionError("to_bytes of an int subclass was called")


class CustomError(Exception):
    pass


class CustomTypeError(TypeError):
    pass


class CustomBaseException(BaseException):
    pass


# (id, factory): each case builds a fresh object, so exceptions and objects are not shared
# between the the extension call and the oracle call unless a case means them to be.
CASES: list[tuple[str, Callable[[], object]]] = [
    # floats, even integral ones, are refused like math.gcd refuses them
    ("float-integral", lambda: 4.0),
    ("float-negative", lambda: -4.0),
    ("float-zero", lambda: 0.0),
    ("float-fraction", lambda: 4.5),
    ("float-nan", lambda: float("nan")),
    ("float-inf", lambda: float("inf")),
    ("float-minus-inf", lambda: float("-inf")),
    ("str", lambda: "4"),
    ("str-empty", lambda: ""),
    ("bytes", lambda: b"4"),
    ("bytearray", lambda: bytearray(b"4")),
    ("none", lambda: None),
    ("decimal", lambda: Decimal(4)),
    ("decimal-nan", lambda: Decimal("nan")),
    ("fraction-integral", lambda: Fraction(4)),
    ("fraction", lambda: Fraction(1, 2)),
    ("complex", lambda: complex(4, 0)),
    ("list", lambda: [4]),
    ("object", lambda: object()),
    ("np-float64", lambda: np.float64(4.0)),
    ("np-bool", lambda: np.bool_(True)),  # numpy's bool has no __index__: refused by math.gcd
    # accepted: bool, numpy integer scalars, int subclasses, anything with __index__
    ("bool-true", lambda: True),
    ("bool-false", lambda: False),
    ("np-int64", lambda: np.int64(12)),
    ("np-int64-negative", lambda: np.int64(-12)),
    ("np-int64-min", lambda: np.int64(-(2**63))),
    ("np-uint64-2^63", lambda: np.uint64(2**63)),
    ("np-uint64-max", lambda: np.uint64(2**64 - 1)),
    ("np-int8-negative", lambda: np.int8(-6)),
    ("np-uint8", lambda: np.uint8(200)),
    ("int-subclass", lambda: IntSubclass(12)),
    ("int-subclass-negative", lambda: IntSubclass(-12)),
    ("int-subclass-huge", lambda: IntSubclass(2**200 * 3)),
    ("int-subclass-huge-negative", lambda: IntSubclass(-(2**200) * 3)),
    ("index-small", lambda: Index(20)),
    ("index-zero", lambda: Index(0)),
    ("index-negative", lambda: Index(-18)),
    ("index-2^64", lambda: Index(2**64)),
    ("index-huge-negative", lambda: Index(-(2**300))),
    # __index__ returning a non-int: TypeError
    ("index-returns-str", lambda: Index("4")),
    ("index-returns-float", lambda: Index(4.0)),
    ("index-returns-none", lambda: Index(None)),
    # __index__ raising: that exception propagates
    ("index-raises-zerodivision", lambda: IndexRaises(ZeroDivisionError("from __index__"))),
    ("index-raises-valueerror", lambda: IndexRaises(ValueError("from __index__"))),
    ("index-raises-overflowerror", lambda: IndexRaises(OverflowError("from __index__"))),
    ("index-raises-custom", lambda: IndexRaises(CustomError("from __index__"))),
    ("index-raises-typeerror", lambda: IndexRaises(TypeError("from __index__"))),
    ("index-raises-base-exception", lambda: IndexRaises(CustomBaseException("from __index__"))),
    # plain ints at the edges of fib's domain (all fine for gcd)
    ("int-minus-1", lambda: -1),
    ("int-minus-2^63", lambda: -(2**63)),
    ("int-minus-2^64", lambda: -(2**64)),
    ("int-fib-max-plus-1", lambda: FIB_MAX_N + 1),
    ("int-2^63-1", lambda: 2**63 - 1),
    ("int-2^63", lambda: 2**63),
    ("int-2^64", lambda: 2**64),
    ("int-10^100", lambda: 10**100),
]
CASE_IDS = [case_id for case_id, _ in CASES]


def fib_oracle(x: Any) -> int:
    """What ext.fib(x) must do: operator.index's conversion, then fib's documented range."""
    n = operator.index(x)
    if n < 0:
        raise ValueError("fib() argument 'n' must be >= 0")
    if n > FIB_MAX_N:
        raise OverflowError(f"fib() argument 'n' must be <= {FIB_MAX_N}")
    return reference.fib(n)


@dataclass(frozen=True)
class Argument:
    """One argument of one function of the extension, and the standard-library call it must
    behave like."""

    name: str  # e.g. "gcd() argument 2"
    call: Callable[[Any], object]
    oracle: Callable[[Any], object]


BIG = 2**300 * 6
ARGUMENTS = {
    "gcd-1": Argument("gcd() argument 1", lambda x: ext.gcd(x), lambda x: math.gcd(x)),
    "gcd-2": Argument("gcd() argument 2", lambda x: ext.gcd(6, x), lambda x: math.gcd(6, x)),
    # After 3 and 5 the result is 1: the argument is only checked.
    "gcd-3": Argument("gcd() argument 3", lambda x: ext.gcd(3, 5, x), lambda x: math.gcd(3, 5, x)),
    # After a big argument: the general path, not the machine-word one.
    "gcd-3-big": Argument(
        "gcd() argument 3", lambda x: ext.gcd(BIG, 6, x), lambda x: math.gcd(BIG, 6, x)
    ),
    "lcm-1": Argument("lcm() argument 1", lambda x: ext.lcm(x, 6), lambda x: math.lcm(x, 6)),
    "lcm-2": Argument("lcm() argument 2", lambda x: ext.lcm(6, x), lambda x: math.lcm(6, x)),
    # After a 0 the result is 0: the argument is only checked.
    "lcm-3": Argument("lcm() argument 3", lambda x: ext.lcm(4, 0, x), lambda x: math.lcm(4, 0, x)),
    "lcm-3-big": Argument(
        "lcm() argument 3", lambda x: ext.lcm(BIG, 6, x), lambda x: math.lcm(BIG, 6, x)
    ),
    "fib-n": Argument("fib() argument 'n'", lambda x: ext.fib(x), fib_oracle),
    # The class's arguments, each through what it decides: the first value, the values (up to
    # 1000 of them: stop=None is allowed), the length.
    "Fibonacci-start": Argument(
        "Fibonacci() argument 'start'",
        lambda x: next(ext.Fibonacci(x)),
        lambda x: next(reference.Fibonacci(x)),
    ),
    "Fibonacci-stop": Argument(
        "Fibonacci() argument 'stop'",
        lambda x: sum(islice(ext.Fibonacci(3, x), 1000)),
        lambda x: sum(islice(reference.Fibonacci(3, x), 1000)),
    ),
    "Fibonacci-step": Argument(
        "Fibonacci() argument 'step'",
        lambda x: len(ext.Fibonacci(0, 1000, step=x)),
        lambda x: len(reference.Fibonacci(0, 1000, step=x)),
    ),
}
ARGUMENT_IDS = list(ARGUMENTS)


def same_class(got: BaseException, expected: BaseException) -> bool:
    """The oracle's class exactly; where its range check raises OverflowError, the extension's
    own subclass (``FibOverflowError``) exactly."""
    if type(expected) is OverflowError:
        return type(got) is ext.FibOverflowError
    return type(got) is type(expected)


def outcome(call: Callable[[Any], object], x: object) -> object | BaseException:
    """The call's result, or the exception it raised (any BaseException, panics included)."""
    try:
        return call(x)
    except BaseException as error:  # the test inspects every kind, panics included
        return error


def assert_not_a_panic(error: BaseException) -> None:
    kind = type(error)
    assert kind.__name__ != "PanicException", f"Rust panic escaped: {error!r}"
    assert kind.__module__ != "pyo3_runtime", f"pyo3 runtime error escaped: {error!r}"


@pytest.mark.parametrize("arg", ARGUMENTS.values(), ids=ARGUMENT_IDS)
@pytest.mark.parametrize(("case_id", "make"), CASES, ids=CASE_IDS)
def test_same_outcome_as_the_standard_library(
    arg: Argument, case_id: str, make: Callable[[], object]
) -> None:
    expected = outcome(arg.oracle, make())
    got = outcome(arg.call, make())

    if not isinstance(expected, BaseException):
        assert not isinstance(got, BaseException), f"{case_id}: raised {got!r}"
        assert type(got) is int
        assert got == expected
        return

    assert isinstance(got, BaseException), f"{case_id}: returned {got!r}, expected {expected!r}"
    assert_not_a_panic(got)
    from_index = isinstance(make(), IndexRaises)
    if from_index:
        assert type(got) is type(expected), f"{case_id}: raised {got!r}, expected {expected!r}"
    else:
        assert same_class(got, expected), f"{case_id}: raised {got!r}, expected {expected!r}"
    if from_index:
        # The object's own exception: the stdlib raises it unchanged; the extension may only wrap a
        # TypeError to name the argument, keeping the original as its __cause__.
        if not isinstance(expected, TypeError):
            assert str(got) == str(expected)
            assert got.__cause__ is None
        else:
            assert str(got) == f"{arg.name}: {expected}"
            assert type(got.__cause__) is type(expected)
            assert str(got.__cause__) == str(expected)
    elif isinstance(expected, TypeError):
        # Same explanation as the stdlib's, prefixed with the function and argument.
        assert str(got) == f"{arg.name}: {expected}"
    elif isinstance(expected, Warning):
        # A warning from __index__ (numpy < 2.3's bool warns it will be refused), raised as
        # an error under pytest's filter: the same warning comes through unchanged.
        assert str(got) == str(expected)
    else:
        assert str(got).startswith(f"{arg.name} must be "), str(got)


@pytest.mark.parametrize("arg", ARGUMENTS.values(), ids=ARGUMENT_IDS)
@pytest.mark.parametrize(
    "kind",
    [ZeroDivisionError, ValueError, OverflowError, CustomError, KeyboardInterrupt, SystemExit],
)
def test_exception_from_index_propagates_as_is(arg: Argument, kind: type[BaseException]) -> None:
    """The very exception object __index__ raised reaches the caller, as with math.gcd."""
    error = kind("from __index__")
    with pytest.raises(kind) as expected:
        arg.oracle(IndexRaises(error))
    assert expected.value is error
    with pytest.raises(kind) as got:
        arg.call(IndexRaises(error))
    assert got.value is error


@pytest.mark.parametrize("arg", ARGUMENTS.values(), ids=ARGUMENT_IDS)
def test_type_error_subclass_from_index_keeps_its_class(arg: Argument) -> None:
    with pytest.raises(CustomTypeError):
        arg.oracle(IndexRaises(CustomTypeError("from __index__")))
    with pytest.raises(CustomTypeError):
        arg.call(IndexRaises(CustomTypeError("from __index__")))


@pytest.mark.parametrize("arg", ARGUMENTS.values(), ids=ARGUMENT_IDS)
def test_index_returning_an_int_subclass_warns_like_the_stdlib(arg: Argument) -> None:
    """__index__ returning a bool is deprecated: the same DeprecationWarning, then the value
    (the project turns warnings into errors; this test asks for them as warnings)."""
    with warnings.catch_warnings():
        warnings.simplefilter("always", DeprecationWarning)
        with pytest.warns(DeprecationWarning, match="__index__ returned non-int"):
            expected = arg.oracle(Index(True))
        with pytest.warns(DeprecationWarning, match="__index__ returned non-int"):
            got = arg.call(Index(True))
    assert type(got) is int
    assert got == expected


@pytest.mark.parametrize("arg", ARGUMENTS.values(), ids=ARGUMENT_IDS)
def test_index_returning_an_int_subclass_is_an_error_under_error_filter(arg: Argument) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        expected = outcome(arg.oracle, Index(True))
        got = outcome(arg.call, Index(True))
    assert type(expected) is DeprecationWarning
    assert type(got) is DeprecationWarning
