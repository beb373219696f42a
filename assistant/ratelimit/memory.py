"""Limits held in the gateway process: the embedded profile's store (one gateway, nothing shared)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from assistant.ratelimit.buckets import ALLOWED, BackOff, Decision, Rate, take

_FIRST_SWEEP_SIZE = 10_000


@dataclass
class _Bucket:
    tokens: float
    seen_at: float
    full_at: float


@dataclass
class _Failures:
    count: int
    blocked_until: float
    forget_at: float


class MemoryStore:
    """Token buckets and failure counts in dicts; each operation runs without awaiting, so it is atomic."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._failures: dict[str, _Failures] = {}
        self._sweep_at_size = _FIRST_SWEEP_SIZE

    async def take(self, key: str, rate: Rate, cost: float = 1.0) -> Decision:
        """Take from the key's bucket: allowed, or the seconds until it would be."""
        if rate.unlimited:
            return ALLOWED
        now = self._clock()
        self._sweep(now)
        bucket = self._buckets.get(key) or _Bucket(rate.burst, now, now)
        bucket.tokens, decision = take(bucket.tokens, now - bucket.seen_at, rate, cost)
        bucket.seen_at, bucket.full_at = now, now + (rate.burst - bucket.tokens) / rate.per_second
        self._buckets[key] = bucket
        return decision

    async def blocked_for(self, key: str) -> float:
        """Seconds the key must still wait after its failures (0 when it may try)."""
        failures = self._current_failures(key, self._clock())
        return max(0.0, failures.blocked_until - self._clock()) if failures else 0.0

    async def fail(self, key: str, policy: BackOff) -> float:
        """Count one more failure of the key; the seconds it must now wait."""
        now = self._clock()
        self._sweep(now)
        failures = self._current_failures(key, now) or _Failures(0, now, now)
        failures.count += 1
        wait = policy.wait_after(failures.count)
        failures.blocked_until = max(failures.blocked_until, now + wait)
        failures.forget_at = now + policy.remember_for(failures.count)
        self._failures[key] = failures
        return failures.blocked_until - now

    async def clear(self, key: str) -> None:
        """Forget the key's failures (a success)."""
        self._failures.pop(key, None)

    async def close(self) -> None:
        """Nothing to release."""

    def _current_failures(self, key: str, now: float) -> _Failures | None:
        failures = self._failures.get(key)
        if failures is not None and failures.forget_at <= now:
            del self._failures[key]
            return None
        return failures

    def _sweep(self, now: float) -> None:
        # A full bucket and forgotten failures say nothing, so dropping them bounds memory by the clients active
        # lately rather than every client ever seen; sweeping only when the dicts have doubled keeps it cheap.
        if len(self._buckets) + len(self._failures) < self._sweep_at_size:
            return
        self._buckets = {key: bucket for key, bucket in self._buckets.items() if bucket.full_at > now}
        self._failures = {key: failures for key, failures in self._failures.items() if failures.forget_at > now}
        self._sweep_at_size = max(_FIRST_SWEEP_SIZE, 2 * (len(self._buckets) + len(self._failures)))
