"""A load step's figures: turn latencies inside the measured window, failures at any time (no Locust import here,
so tests and tools can use them without gevent patching their process)."""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

# Requests that are not chat turns keep these names, so the figures can leave them out of the turn timings.
SIGN_IN_NAMES = frozenset({"live_channel", "session_start"})


def percentile(ordered: list[float], share: float) -> float:
    """The nearest-rank percentile of sorted samples."""
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def latency_figures(samples_ms: list[float]) -> dict[str, float | int]:
    """How many samples and their p50, p95 and p99 in milliseconds."""
    ordered = sorted(samples_ms)
    if not ordered:
        return {"turns": 0}
    return {"turns": len(ordered), "p50_ms": round(percentile(ordered, 0.50), 1),
            "p95_ms": round(percentile(ordered, 0.95), 1), "p99_ms": round(percentile(ordered, 0.99), 1)}


@dataclass
class Recorder:
    """Every request Locust reports: turn timings inside the measured window, failures at any time."""

    window_start: float = math.inf
    window_end: float = math.inf
    turns: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    failure_examples: list[str] = field(default_factory=list)

    def record(self, name: str, response_time: float, exception: BaseException | None = None, **_: Any) -> None:
        """Locust's request event listener."""
        if exception is not None:
            self.failures[name] += 1
            if len(self.failure_examples) < 10:
                self.failure_examples.append(f"{name}: {exception}")
            return
        if name not in SIGN_IN_NAMES and self.window_start <= time.monotonic() <= self.window_end:
            self.turns[name].append(response_time)
