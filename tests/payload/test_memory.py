"""No leak: 10^6 calls of each function leave the peak RSS of a fresh process where warm-up
left it. The argument mix covers every conversion path: small ints, 200-bit and negative
ints, a big operand with a small one, operands past 4096 bits (GIL released), and fib results
that fit a u64, fit a u128, are big, and are computed with the GIL released.

fib, gcd and lcm are called the way CPython calls its own builtins (METH_FASTCALL, METH_O),
outside pyo3's call machinery: a `Py<T>` or `PyErr` dropped there would wait in pyo3's
deferred-decref pool until the next call of a pyo3-made function, so their phase calls nothing
else, error paths included (a refused argument builds, raises and drops an exception). The
class, whose methods are pyo3's, has a phase of its own."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import weakref
from collections.abc import Callable
from typing import Any

import pytest

from tests.extension import ext

CALLS = 1_000_000
MAX_GROWTH_KIB = 2 * 1024
# Leaking one result per fib(300) call (1 call in 8) grows the peak RSS by ~8 MiB, one
# operand per GIL-released gcd (1 in 128) by ~4 MiB, a small object per call by 30+ MiB.

CHILD = """
import json, random, resource, sys
from itertools import islice
from tests.extension import ext

def peak_rss_kib():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # bytes on macOS, KiB elsewhere

rng = random.Random(6)
big_a = rng.getrandbits(200) * 3
big_b = -rng.getrandbits(190) * 3
huge_a = rng.getrandbits(4_200) * 7
huge_b = rng.getrandbits(3_900) * 7
# Index i % 1024 picks the arguments: mostly small, 3 in 8 big, 1 in 128 (gcd, lcm) and 1 in
# 64 (fib) on the GIL-released path, 1 in 64 refused (the error path).
gcd_args = [(12345678 + i, -87654321) for i in range(1024)]
lcm_args = [(1234 + i, -4321, 6) for i in range(1024)]
fib_args = [i % 90 for i in range(1024)]
for i in range(0, 1024, 8):
    gcd_args[i] = (big_a, big_b)                      # both big: BigInt in and out
    gcd_args[i + 1] = (big_a, -(2**64 + 7))           # big with a u128
    gcd_args[i + 2] = (-(2**127), 2**100)             # u128 result above 64 bits
    lcm_args[i] = (big_a, big_b)                      # big result
    lcm_args[i + 1] = (2**100 + 1, 2**90 - 3)         # small operands, result above 128 bits
    lcm_args[i + 2] = ()                              # no argument
    gcd_args[i + 4] = (7,)                            # one argument
    fib_args[i] = 300                                 # big result
    fib_args[i + 1] = 150                             # u128 result
for i in range(3, 1024, 64):
    fib_args[i] = 7_000                               # GIL released
for i in range(3, 1024, 128):
    gcd_args[i] = (huge_a, huge_b)                    # GIL released
    lcm_args[i] = (huge_a, 3, huge_b)                 # GIL released
for i in range(5, 1024, 64):
    gcd_args[i] = (6, 4.0)                            # TypeError, with a __cause__
    lcm_args[i] = (big_a, "4")                        # TypeError, on the big-integer path
    fib_args[i] = -1                                  # ValueError
for i in range(6, 1024, 64):
    fib_args[i] = 2**64                               # FibOverflowError

def run_functions(calls):
    gcd, lcm, fib = ext.gcd, ext.lcm, ext.fib
    for i in range(calls):
        k = i & 1023
        try:
            gcd(*gcd_args[k])
        except TypeError:
            pass
        try:
            lcm(*lcm_args[k])
        except TypeError:
            pass
        try:
            fib(fib_args[k])
        except (ValueError, OverflowError):
            pass

def run_class(calls):
    # Each round: a new iterator, its len, repr and next_index, and values from the table,
    # stepped past it, and a refused start.
    for i in range(calls // 8):
        k = i & 1023
        fibs = ext.Fibonacci(k % 200, 400, step=1 + k % 7)
        len(fibs), repr(fibs), fibs.next_index
        for _ in islice(fibs, 6):
            pass
        try:
            ext.Fibonacci(-k - 1)
        except ValueError:
            pass

run = run_functions if sys.argv[2] == "functions" else run_class
run(int(sys.argv[1]) // 10)  # warm-up: allocator pools, caches
before = peak_rss_kib()
run(int(sys.argv[1]))
after = peak_rss_kib()
print(json.dumps({"before_kib": before, "after_kib": after}))
"""


def peak_rss_growth(phase: str, child: str = CHILD, calls: int = CALLS) -> tuple[int, int]:
    """(peak RSS after warm-up, after `calls` more calls of each function of `phase`), in
    KiB."""
    proc = subprocess.run(
        [sys.executable, "-c", child, str(calls), phase],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    return int(report["before_kib"]), int(report["after_kib"])


@pytest.mark.skipif(sys.platform == "win32", reason="peak RSS is read from /proc or getrusage")
@pytest.mark.parametrize("phase", ["functions", "class"])
def test_a_million_calls_of_each_function_do_not_grow_peak_rss(phase: str) -> None:
    before, after = peak_rss_growth(phase)
    growth = after - before
    print(f"peak RSS {before} KiB after warm-up, {after} KiB after {CALLS} calls: +{growth} KiB")
    assert growth < MAX_GROWTH_KIB, f"peak RSS grew by {growth} KiB over {CALLS} calls"


class Sentinel:
    """An object kept alive only by the frame of an ``__index__`` that raised."""


class IndexRaisesTypeError:
    """``__index__`` raising a plain TypeError, with a local that its traceback keeps alive."""

    def __init__(self, alive: list[weakref.ref[Sentinel]]) -> None:
        self.alive = alive

    def __index__(self) -> int:
        sentinel = Sentinel()
        self.alive.append(weakref.ref(sentinel))
        raise TypeError("from __index__")


# Each function, given the object whose __index__ raises (typed Any: wrong on purpose).
FAILING_CALLS: dict[str, Callable[[Any], int]] = {
    "gcd": lambda x: ext.gcd(6, x),
    "gcd-big": lambda x: ext.gcd(2**200, 6, x),
    "lcm": lambda x: ext.lcm(x),
    "fib": lambda x: ext.fib(x),
}


@pytest.mark.parametrize("call", FAILING_CALLS.values(), ids=list(FAILING_CALLS))
def test_an_error_of_a_fast_function_keeps_nothing_alive(call: Callable[[Any], int]) -> None:
    """The error path drops exception state (the extension wraps the TypeError to name the
    argument). Dropped outside pyo3's accounting, a reference would wait in pyo3's
    deferred-decref pool, keeping the failed ``__index__``'s traceback, frame and locals
    alive until some pyo3-made function runs: nothing here calls one."""
    alive: list[weakref.ref[Sentinel]] = []
    for _ in range(50):
        with pytest.raises(TypeError) as error:
            call(IndexRaisesTypeError(alive))
        assert type(error.value.__cause__) is TypeError
        del error
    gc.collect()
    assert len(alive) == 50
    assert [ref for ref in alive if ref() is not None] == []
