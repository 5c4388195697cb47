"""Process CPU of a piece of work, the benches' one measure of it."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_cpu_ms(work: Callable[[], object], repeats: int) -> float:
    """Median process CPU milliseconds of ``repeats`` calls of ``work`` (CPU, not wall time: the
    machine is shared, and another process's turn is not this work's cost)."""
    times = []
    for _ in range(repeats):
        started = time.process_time()
        work()
        times.append(time.process_time() - started)
    return statistics.median(times) * 1000
