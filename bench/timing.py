"""Timing shared by the benchmarks: the best of several samples, each at least 0.2 s long
(timeit's autorange). Only ratios measured in one process count on a shared, noisy machine."""

from __future__ import annotations

import timeit
from collections.abc import Callable
from typing import Any


def best_time(func: Callable[[], Any], repeat: int = 5) -> float:
    """Best time of one call of `func`, in seconds."""
    timer = timeit.Timer(func)
    number, _ = timer.autorange()
    return min(timer.repeat(repeat=repeat, number=number)) / number


def format_time(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:7.2f} {unit}"
    return f"{seconds / 1e-9:7.0f} ns"
