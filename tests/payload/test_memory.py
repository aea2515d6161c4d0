"""No leak: 10^6 calls of each function leave the peak RSS of a fresh process where warm-up
left it. The argument mix covers every conversion path: small ints, 200-bit and negative
ints, a big operand with a small one, operands past 4096 bits (GIL released), and fib results
that fit a u64, fit a u128, are big, and are computed with the GIL released."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

CALLS = 1_000_000
MAX_GROWTH_KIB = 2 * 1024
# Leaking one result per fib(300) call (1 call in 8) grows the peak RSS by ~8 MiB, one
# operand per GIL-released gcd (1 in 128) by ~4 MiB, a small object per call by 30+ MiB.

CHILD = """
import json, random, resource, sys
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
# Index i % 1024 picks the arguments: mostly small, 3 in 8 big, 1 in 128 (gcd) and 1 in 64
# (fib) on the GIL-released path.
gcd_args = [(12345678 + i, -87654321) for i in range(1024)]
fib_args = [i % 90 for i in range(1024)]
for i in range(0, 1024, 8):
    gcd_args[i] = (big_a, big_b)                      # both big: BigInt in and out
    gcd_args[i + 1] = (big_a, -(2**64 + 7))           # big with a u128
    gcd_args[i + 2] = (-(2**127), 2**100)             # u128 result above 64 bits
    fib_args[i] = 300                                 # big result
    fib_args[i + 1] = 150                             # u128 result
for i in range(3, 1024, 64):
    fib_args[i] = 7_000                               # GIL released
for i in range(3, 1024, 128):
    gcd_args[i] = (huge_a, huge_b)                    # GIL released

def run(calls):
    gcd, fib = ext.gcd, ext.fib
    for i in range(calls):
        a, b = gcd_args[i & 1023]
        gcd(a, b)
        fib(fib_args[i & 1023])

run(int(sys.argv[1]) // 10)  # warm-up: allocator pools, caches
before = peak_rss_kib()
run(int(sys.argv[1]))
after = peak_rss_kib()
print(json.dumps({"before_kib": before, "after_kib": after}))
"""


def peak_rss_growth(child: str = CHILD, calls: int = CALLS) -> tuple[int, int]:
    """(peak RSS after warm-up, after `calls` more calls of each function), in KiB."""
    proc = subprocess.run(
        [sys.executable, "-c", child, str(calls)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    return int(report["before_kib"]), int(report["after_kib"])


@pytest.mark.skipif(sys.platform == "win32", reason="peak RSS is read from /proc or getrusage")
def test_a_million_calls_of_each_function_do_not_grow_peak_rss() -> None:
    before, after = peak_rss_growth()
    growth = after - before
    print(f"peak RSS {before} KiB after warm-up, {after} KiB after {CALLS} calls: +{growth} KiB")
    assert growth < MAX_GROWTH_KIB, f"peak RSS grew by {growth} KiB over {CALLS} calls"
