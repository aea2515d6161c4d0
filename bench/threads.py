"""Threads: the extension releases the GIL for long computations.

Times fib(N) alone, then two Python threads each computing fib(N) at once, while a third
thread runs pure-Python code. With the GIL held, the pair would take twice the single time
and the third thread would stall; released, the pair takes about the single time on two
cores and the third thread keeps counting.

Usage: python bench/threads.py [--n 1000000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections.abc import Callable

import py_run_rs

import reference


def run_pair(n: int) -> float:
    """Wall time of two threads each computing fib(n)."""
    workers = [threading.Thread(target=py_run_rs.fib, args=(n,)) for _ in range(2)]
    start = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return time.perf_counter() - start


def count_while(stop: threading.Event, counts: list[int]) -> None:
    """Pure-Python busy loop: how far it gets shows whether it could take the GIL."""
    i = 0
    while not stop.is_set():
        i += 1
    counts.append(i)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    n = args.n

    if py_run_rs.fib(n) != reference.fib_fast_doubling(n):
        raise SystemExit(f"fib({n}) is wrong")
    single = min(_timed(lambda: py_run_rs.fib(n)) for _ in range(args.repeat))
    pair = min(run_pair(n) for _ in range(args.repeat))

    stop, counts = threading.Event(), list[int]()
    counter = threading.Thread(target=count_while, args=(stop, counts))
    counter.start()
    time.sleep(0.05)
    busy = run_pair(n)
    stop.set()
    counter.join()
    alone_stop, alone_counts = threading.Event(), list[int]()
    alone = threading.Thread(target=count_while, args=(alone_stop, alone_counts))
    alone.start()
    time.sleep(busy + 0.05)
    alone_stop.set()
    alone.join()

    print(f"fib({n}) with the GIL released, CPython {sys.version.split()[0]}")
    print(f"  one call:                    {single * 1e3:8.2f} ms")
    print(f"  two threads at once:         {pair * 1e3:8.2f} ms  ({pair / single:.2f}x one call)")
    share = counts[0] / max(alone_counts[0], 1)
    print(f"  a third, pure-Python thread: {share:.0%} of its progress when running alone")
    return 0


def _timed(func: Callable[[], object]) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


if __name__ == "__main__":
    sys.exit(main())
