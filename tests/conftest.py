"""Shared pytest configuration: hypothesis profiles.

The profile comes from the ``HYPOTHESIS_PROFILE`` environment variable, ``ci`` by default:
bounded example counts, no example database and derandomized generation, so a fresh clone,
a warm checkout and CI all run exactly the same examples. ``thorough`` draws more examples
at random for a longer local search (``HYPOTHESIS_PROFILE=thorough make pytest``); a failure
it finds is printed with its reproduction blob.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# Big-integer examples take milliseconds and vary with machine load: no per-example deadline,
# and no health check failing a test because generating 10^5-bit operands is "slow".
_BASE = settings(
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("ci", _BASE, max_examples=100, derandomize=True)
settings.register_profile("thorough", _BASE, max_examples=2_000, derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
