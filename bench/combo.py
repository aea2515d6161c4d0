"""The combo workload: pure-Python reference vs the extension (and gmpy2 when installed).

One round = fib(111), gcd(that, 123456789), fib(123), gcd(that, 987654321): four calls from
Python. Every implementation's answers are checked before it is timed; all are timed in this
one process, interleaved, so the ratios hold on a noisy machine even when absolute times drift.

Usage: python -m bench.combo [--rounds N] [--repeat K] [--json]
(``--json``: the best time per round of each implementation, in seconds, for bench.versions.)
"""

from __future__ import annotations

import argparse
import importlib
import json
import operator
import platform
import sys
import timeit
from collections.abc import Callable
from typing import Any, NamedTuple

import py_run_rs

import reference

FIB_A, GCD_A, FIB_B, GCD_B = 111, 123_456_789, 123, 987_654_321
MODULE = py_run_rs.__name__


class Implementation(NamedTuple):
    name: str
    fib: Callable[[int], int]
    gcd: Callable[[int, int], int]


def implementations() -> list[Implementation]:
    found = [
        Implementation("pure Python", reference.fib, reference.gcd),
        Implementation(MODULE, py_run_rs.fib, py_run_rs.gcd),
    ]
    try:
        # Benchmark-only peer (requirements-bench.txt), typed Any: loaded by name so pyright
        # gives the same verdict whether or not it is installed.
        gmpy2: Any = importlib.import_module("gmpy2")
    except ImportError:
        return found

    # gmpy2 returns mpz: as is (its fastest), and converted to int, as a caller needing
    # Python ints would use it.
    found.append(Implementation("gmpy2 (mpz)", gmpy2.fib, gmpy2.gcd))

    def gmpy2_fib(n: int) -> int:
        return int(gmpy2.fib(n))

    def gmpy2_gcd(a: int, b: int) -> int:
        return int(gmpy2.gcd(a, b))

    found.append(Implementation("gmpy2 + int()", gmpy2_fib, gmpy2_gcd))
    return found


# Not an implementation: four calls of trivial C builtins with the same arguments, the floor
# for any round of four calls from Python. Timed like the others, never checked.
FLOOR = Implementation("floor: 4 builtins", abs, operator.is_)


def one_round(impl: Implementation) -> Callable[[], tuple[int, int]]:
    fib, gcd = impl.fib, impl.gcd

    def run() -> tuple[int, int]:
        a = fib(FIB_A)
        g1 = gcd(a, GCD_A)
        x = fib(FIB_B)
        g2 = gcd(x, GCD_B)
        return g1, g2

    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=20_000, help="rounds per timing sample")
    parser.add_argument("--repeat", type=int, default=7, help="timing samples per implementation")
    parser.add_argument("--json", action="store_true", help="machine-readable best times")
    args = parser.parse_args(argv)

    impls = implementations()
    expected = one_round(impls[0])()
    for impl in impls:
        got = one_round(impl)()
        if got != expected:
            print(f"{impl.name} gives {got}, expected {expected}", file=sys.stderr)
            return 1

    timed = [*impls, FLOOR]
    best = {impl.name: float("inf") for impl in timed}
    for _ in range(args.repeat):  # interleave the implementations: drift hits all alike
        for impl in timed:
            t = timeit.timeit(one_round(impl), number=args.rounds) / args.rounds
            best[impl.name] = min(best[impl.name], t)

    if args.json:
        keys = {"pure Python": "python", MODULE: "module", "gmpy2 (mpz)": "gmpy2"}
        keys[FLOOR.name] = "floor"
        print(json.dumps({keys[name]: t for name, t in best.items() if name in keys}))
        return 0
    base = best[impls[0].name]
    print(
        f"combo workload, {platform.python_implementation()} {platform.python_version()}, ", end=""
    )
    print(f"best of {args.repeat} x {args.rounds} rounds (answers checked: {expected})")
    print(f"{'implementation':<17} {'per round':>12} {'speedup':>9}")
    for impl in timed:
        t = best[impl.name]
        print(f"{impl.name:<17} {t * 1e9:>9.0f} ns {base / t:>8.1f}x")
    module_time = best[MODULE]
    for peer in ("gmpy2 (mpz)", FLOOR.name):
        if peer in best:
            print(f"{MODULE} / {peer}: {module_time / best[peer]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
