"""Latency figures for the benchmarks: the median and 95th percentile of repeated calls."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def time_calls(call: Callable[[int], object], rounds: int) -> dict[str, float]:
    """Call `call(i)` for i in range(rounds) and report p50 and p95 in milliseconds."""
    samples = []
    for i in range(rounds):
        started = time.perf_counter()
        call(i)
        samples.append((time.perf_counter() - started) * 1000)
    return summarise(samples)


def summarise(samples_ms: list[float]) -> dict[str, float]:
    """p50 and p95 of latencies already measured, in milliseconds, and how many there were."""
    ordered = sorted(samples_ms)
    return {"p50_ms": round(statistics.median(ordered), 2), "p95_ms": round(ordered[max(int(len(ordered) * 0.95) - 1, 0)], 2),
            "runs": len(ordered)}
