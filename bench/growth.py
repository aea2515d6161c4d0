"""Cost growth: exact fib(n) for n from 10 to 10^6 and gcd of 64- to 100,000-bit ints.

Implementations: the extension, the pure-Python references (loop and fast doubling), math.gcd, and
gmpy2 (GMP; timed including conversion of its result to a Python int). Every
implementation's answer is checked against the others before it is timed. Prints one table
per function with ratios, and writes a log-log chart (PNG) of time against n / bits.

Usage: python bench/growth.py [--chart bench/results/growth.png] [--quick]
"""

from __future__ import annotations

import argparse
import importlib
import math
import platform
import random
import sys
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import py_run_rs

import reference
from bench.timing import best_time, format_time

MODULE = py_run_rs.__name__

Fn1 = Callable[[int], int]
Fn2 = Callable[[int, int], int]


def load_gmpy2() -> Any | None:
    try:
        return importlib.import_module("gmpy2")  # benchmark-only peer, typed Any
    except ImportError:
        return None


def fib_implementations(gmpy2: Any | None) -> dict[str, tuple[Fn1, int]]:
    """name -> (function, largest n worth timing)."""
    impls: dict[str, tuple[Fn1, int]] = {
        MODULE: (py_run_rs.fib, 10**6),
        "Python fast doubling": (reference.fib_fast_doubling, 10**6),
        "Python loop": (reference.fib, 10**5),
    }
    if gmpy2 is not None:
        impls["gmpy2"] = (lambda n: int(gmpy2.fib(n)), 10**6)
    return impls


def gcd_implementations(gmpy2: Any | None) -> dict[str, Fn2]:
    impls: dict[str, Fn2] = {MODULE: py_run_rs.gcd, "math.gcd": math.gcd}
    if gmpy2 is not None:
        impls["gmpy2"] = lambda a, b: int(gmpy2.gcd(a, b))
    return impls


def gcd_operands(bits: int) -> tuple[int, int]:
    """Two ints of `bits` bits sharing a factor of about bits/4 bits, so the gcd is big."""
    rng = random.Random(bits)
    common = rng.getrandbits(max(bits // 4, 1)) | 1
    rest = bits - common.bit_length()
    a = (rng.getrandbits(rest) | 1 << (rest - 1)) * common
    b = -(rng.getrandbits(rest) | 1 << (rest - 1)) * common
    return a, b


def sweep_fib(ns: Sequence[int], impls: dict[str, tuple[Fn1, int]]) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in impls}
    for n in ns:
        want = reference.fib_fast_doubling(n)
        for name, (func, limit) in impls.items():
            if n > limit:
                times[name].append(math.nan)
                continue
            if func(n) != want:
                raise SystemExit(f"{name} fib({n}) is wrong")
            times[name].append(best_time(partial(func, n)))
    return times


def sweep_gcd(bit_sizes: Sequence[int], impls: dict[str, Fn2]) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in impls}
    for bits in bit_sizes:
        a, b = gcd_operands(bits)
        want = math.gcd(a, b)
        for name, func in impls.items():
            if func(a, b) != want:
                raise SystemExit(f"{name} gcd of {bits}-bit ints is wrong")
            times[name].append(best_time(partial(func, a, b)))
    return times


def print_table(
    title: str, column: str, sizes: Sequence[int], times: dict[str, list[float]]
) -> None:
    names = list(times)
    print(f"\n{title} (ratio = other's time / {MODULE}'s time; > 1 means {MODULE} is faster)")
    header = f"{column:>9} " + " ".join(f"{name:>22}" for name in names)
    print(header)
    for i, size in enumerate(sizes):
        cells: list[str] = []
        for name in names:
            t = times[name][i]
            if math.isnan(t):
                cells.append(f"{'-':>22}")
            elif name == MODULE:
                cells.append(f"{format_time(t):>22}")
            else:
                cells.append(f"{format_time(t)} ({t / times[MODULE][i]:5.2f}x)".rjust(22))
        print(f"{size:>9} " + " ".join(cells))


def write_chart(
    path: Path,
    fib_ns: Sequence[int],
    fib_times: dict[str, list[float]],
    gcd_bits: Sequence[int],
    gcd_times: dict[str, list[float]],
) -> None:
    # Benchmark-only dependency, loaded by name and typed Any: pyright gives the same verdict
    # whether or not it is installed.
    matplotlib: Any = importlib.import_module("matplotlib")
    matplotlib.use("Agg")
    plt: Any = importlib.import_module("matplotlib.pyplot")

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
    for axes, xs, times, xlabel, title in (
        (left, fib_ns, fib_times, "n", "exact fib(n), result as a Python int"),
        (right, gcd_bits, gcd_times, "bits per operand", "gcd(a, b)"),
    ):
        for name, ts in times.items():
            axes.plot(xs, ts, marker="o", label=name)
        axes.set_xscale("log")
        axes.set_yscale("log")
        axes.set_xlabel(xlabel)
        axes.set_ylabel("seconds per call")
        axes.set_title(title)
        axes.grid(True, which="both", alpha=0.3)
        axes.legend()
    machine = f"{platform.machine()}, CPython {platform.python_version()}, release build"
    fig.suptitle(f"{MODULE} cost growth ({machine})")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    print(f"\nchart written to {path}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--chart", type=Path, default=Path("bench/results/growth.png"))
    parser.add_argument("--quick", action="store_true", help="fewer sizes (a smoke run)")
    args = parser.parse_args(argv)

    gmpy2 = load_gmpy2()
    fib_ns = [10, 100, 1_000, 10_000, 100_000, 1_000_000]
    gcd_bits = [64, 1_000, 3_000, 10_000, 30_000, 100_000]
    if args.quick:
        fib_ns, gcd_bits = fib_ns[:4], gcd_bits[:3]
    fib_times = sweep_fib(fib_ns, fib_implementations(gmpy2))
    print_table("fib(n)", "n", fib_ns, fib_times)
    gcd_times = sweep_gcd(gcd_bits, gcd_implementations(gmpy2))
    print_table("gcd(a, b)", "bits", gcd_bits, gcd_times)
    try:
        write_chart(args.chart, fib_ns, fib_times, gcd_bits, gcd_times)
    except ImportError:
        print("\nmatplotlib is not installed: no chart (make bench installs it)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
