"""The arithmetic of limits: token buckets for rates, and the back-off and lockout after repeated failures.

Both backends (memory.py, redis_store.py) apply exactly these rules; the Redis one mirrors them in Lua.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Rate:
    """A token bucket: `burst` tokens at most, refilled at `per_second`; each request takes one."""

    burst: float
    per_second: float

    @classmethod
    def per_minute(cls, count: float, burst: float) -> Rate:
        """`count` requests a minute on average, `burst` of them at once."""
        return cls(burst=burst, per_second=count / 60.0)

    @property
    def unlimited(self) -> bool:
        """A rate of zero switches the limit off (a setting of 0)."""
        return self.per_second <= 0 or self.burst <= 0


@dataclass(frozen=True)
class Decision:
    """Whether a request may go ahead and, if not, how many seconds until it may."""

    allowed: bool
    retry_after: float = 0.0

    @property
    def retry_after_seconds(self) -> int:
        """Retry-After as HTTP sends it (see whole_seconds)."""
        return whole_seconds(self.retry_after)


def whole_seconds(seconds: float) -> int:
    """A wait as HTTP's Retry-After sends it: whole seconds, rounded up (never early), at least 1."""
    return max(1, math.ceil(seconds - 1e-6))


ALLOWED = Decision(True)


def refill(tokens: float, elapsed: float, rate: Rate) -> float:
    """The tokens in a bucket `elapsed` seconds after it held `tokens`."""
    return min(rate.burst, tokens + max(0.0, elapsed) * rate.per_second)


def take(tokens: float, elapsed: float, rate: Rate, cost: float = 1.0) -> tuple[float, Decision]:
    """Take `cost` tokens from a bucket last seen `elapsed` seconds ago: the tokens left and the decision."""
    available = refill(tokens, elapsed, rate)
    if available >= cost:
        return available - cost, ALLOWED
    return available, Decision(False, (cost - available) / rate.per_second)


@dataclass(frozen=True)
class BackOff:
    """After `free_failures` failures each further one makes the key wait twice as long as the last (from
    `base_seconds`, at most `max_seconds`); `lockout_failures` failures lock it for `lockout_seconds`.
    Failures are forgotten `forget_seconds` after the last one (or when the lockout ends, if later)."""

    free_failures: int
    base_seconds: float
    max_seconds: float
    lockout_failures: int
    lockout_seconds: float
    forget_seconds: float

    def wait_after(self, failures: int) -> float:
        """Seconds the key must wait after its `failures`-th failure in a row."""
        if failures >= self.lockout_failures:
            return self.lockout_seconds
        if failures <= self.free_failures or self.base_seconds <= 0:
            return 0.0
        return min(self.max_seconds, self.base_seconds * 2.0 ** (failures - self.free_failures - 1))

    def remember_for(self, failures: int) -> float:
        """How long a key's failure count is kept after its `failures`-th failure."""
        return max(self.forget_seconds, self.wait_after(failures))
