"""Thread safety: 8 threads calling fib, gcd, lcm and iterating Fibonacci at once, with operands
from one word to 10^4 bits (so some calls hold the GIL, others release it, and the longest fib
calls run on a worker thread of their own), all get the right answers; and threads sharing one
Fibonacci get each of its values exactly once."""

from __future__ import annotations

import math
import random
import sys
import threading
from collections.abc import Callable, Generator, Iterable
from contextlib import contextmanager

import reference
from tests.extension import ext

THREADS = 8
ROUNDS = 5  # each thread makes every call of the workload this many times, in its own order

# One call: (label, thunk, expected result).
Call = tuple[str, Callable[[], int], int]


def gcd_call(a: int, b: int) -> Call:
    return (
        f"gcd({a.bit_length()}-bit, {b.bit_length()}-bit)",
        lambda: ext.gcd(a, b),
        math.gcd(a, b),
    )


def lcm_call(*args: int) -> Call:
    bits = "-".join(str(a.bit_length()) for a in args)
    return (f"lcm({bits} bits)", lambda: ext.lcm(*args), math.lcm(*args))


def fibonacci_call(start: int, stop: int, step: int) -> Call:
    """Iterates a new Fibonacci; the result is a checksum of its values."""

    def checksum(values: Iterable[int]) -> int:
        return sum(value % 1_000_000_007 * (i + 1) for i, value in enumerate(values))

    expected = checksum(reference.fib_fast_doubling(n) for n in range(start, stop, step))
    return (
        f"Fibonacci({start}, {stop}, step={step})",
        lambda: checksum(ext.Fibonacci(start, stop, step=step)),
        expected,
    )


def fib_call(n: int) -> Call:
    return (f"fib({n})", lambda: ext.fib(n), reference.fib_fast_doubling(n))


def workload() -> list[Call]:
    """A fixed mix of sizes; expected values computed up front, by math.gcd and the reference."""
    rng = random.Random(20261125)

    def signed(x: int) -> int:
        return x if rng.random() < 0.5 else -x

    def common_pair(bits: int, common_bits: int) -> tuple[int, int]:
        common = rng.getrandbits(common_bits) | 1
        return signed(rng.getrandbits(bits) * common), signed(rng.getrandbits(bits) * common)

    calls: list[Call] = []
    calls += [gcd_call(signed(rng.getrandbits(62)), rng.getrandbits(62)) for _ in range(60)]
    calls += [gcd_call(*common_pair(100, 40)) for _ in range(40)]
    # More than 4096 bits: worked on with the GIL released.
    calls += [gcd_call(*common_pair(10_000, 2_000)) for _ in range(10)]
    calls += [gcd_call(rng.getrandbits(3_000), signed(rng.getrandbits(100))) for _ in range(10)]
    calls += [fib_call(rng.randrange(0, 187)) for _ in range(60)]
    calls += [fib_call(rng.randrange(187, 6_001)) for _ in range(30)]
    # From 6001 on, fib runs with the GIL released; from 300_000 on a worker thread.
    calls += [fib_call(rng.randrange(6_001, 200_001)) for _ in range(10)]
    calls += [fib_call(rng.randrange(300_000, 400_001)) for _ in range(2)]
    calls += [lcm_call(signed(rng.getrandbits(40)), rng.getrandbits(40)) for _ in range(30)]
    calls += [lcm_call(*common_pair(3_000, 500), rng.getrandbits(64)) for _ in range(5)]
    calls += [fibonacci_call(rng.randrange(0, 300), 400, rng.randrange(1, 9)) for _ in range(10)]
    # Past 6000: stepped with the GIL released; from 300_000, the first value on the worker.
    calls += [fibonacci_call(rng.randrange(6_000, 9_000), 10_000, 97) for _ in range(3)]
    calls.append(fibonacci_call(300_000, 300_003, 1))
    return calls


@contextmanager
def frequent_thread_switches() -> Generator[None, None, None]:
    """Make the interpreter hand the GIL around every few microseconds, not every 5 ms."""
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(old)


def run_threads(work: Callable[[int], None]) -> None:
    """``work(index)`` in THREADS threads started together, the GIL handed around every few
    microseconds; fails if a thread hangs or raises (whatever it raises, panics included)."""
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def thread(index: int) -> None:
        try:
            barrier.wait()
            work(index)
        except BaseException as error:  # reported below, whatever it is
            errors.append(error)

    threads = [threading.Thread(target=thread, args=(i,)) for i in range(THREADS)]
    with frequent_thread_switches():
        for started in threads:
            started.start()
        for started in threads:
            started.join(timeout=120)
    assert not any(started.is_alive() for started in threads), "a thread hung"
    assert not errors, errors


def test_eight_threads_get_correct_answers() -> None:
    calls = workload()
    wrong: list[str] = []
    done = [0] * THREADS

    def worker(index: int) -> None:
        order = [call for _ in range(ROUNDS) for call in calls]
        random.Random(index).shuffle(order)
        for label, thunk, expected in order:
            got = thunk()
            if got != expected:
                wrong.append(f"thread {index}: {label} gave a wrong result")
            done[index] += 1

    run_threads(worker)
    assert not wrong, wrong[:10]
    assert done == [ROUNDS * len(calls)] * THREADS


def test_threads_sharing_one_fibonacci_get_each_value_once() -> None:
    """Values past 6000 are computed with the GIL released while the iterator is borrowed: a
    concurrent next() raises RuntimeError (as a generator raises ValueError) without moving it.
    Every value still comes out exactly once, to one of the threads."""
    # Long steps (stepped with big constants, ~0.1 ms each without the GIL): room to collide.
    start, stop, step = 100_000, 250_000, 1_000
    shared = ext.Fibonacci(start, stop, step=step)
    got: list[list[int]] = [[] for _ in range(THREADS)]
    refused = [0] * THREADS

    def worker(index: int) -> None:
        while True:
            try:
                got[index].append(next(shared))
            except RuntimeError:
                refused[index] += 1
            except StopIteration:
                return

    run_threads(worker)
    expected = [reference.fib_fast_doubling(n) for n in range(start, stop, step)]
    assert sorted(value for values in got for value in values) == expected
    # Each thread saw its values in order.
    for values in got:
        assert values == sorted(values)
    print(f"{sum(refused)} concurrent next() calls refused with RuntimeError")
