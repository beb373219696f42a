"""What a limit store does, whichever backend holds the counts; and choosing the backend from the settings."""

from __future__ import annotations

from typing import Protocol

from assistant.ratelimit.buckets import BackOff, Decision, Rate
from assistant.settings import Settings


class LimitsUnavailable(Exception):
    """The shared store of limits cannot be reached: refuse rather than let requests through unlimited."""


class LimitStore(Protocol):
    """Token buckets and failure counts by key (keys name the client: a customer, an IP, an email hash)."""

    async def take(self, key: str, rate: Rate, cost: float = 1.0) -> Decision:
        """Take from the key's bucket: allowed, or the seconds until it would be."""

    async def blocked_for(self, key: str) -> float:
        """Seconds the key must still wait after its failures (0 when it may try)."""

    async def fail(self, key: str, policy: BackOff) -> float:
        """Count one more failure of the key; the seconds it must now wait."""

    async def clear(self, key: str) -> None:
        """Forget the key's failures (a success)."""

    async def close(self) -> None:
        """Release connections."""


def missing_store(settings: Settings) -> str | None:
    """Why these settings give the gateway no fitting store of limits (production without REDIS_URL), or None."""
    if settings.production and not settings.redis_url:
        # Each gateway counting alone would multiply a guesser's tries by the number of gateways.
        return ("REDIS_URL is not set: in production the gateways share their rate limits and sign-in lockouts "
                "through Redis (e.g. redis://127.0.0.1:6379/2)")
    return None


def make_store(settings: Settings) -> LimitStore:
    """Redis when REDIS_URL is set (required in production, so gateways share limits), else memory."""
    from assistant.ratelimit.memory import MemoryStore  # the backends implement this module's protocol
    from assistant.ratelimit.redis_store import RedisStore

    if problem := missing_store(settings):
        raise RuntimeError(problem)
    if settings.redis_url:
        return RedisStore.from_url(settings.redis_url, settings.limits.key_prefix)
    return MemoryStore()
