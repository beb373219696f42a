"""Limits shared by every gateway through Redis: each operation is one Lua script, so it is atomic across them.

The scripts read Redis's own clock (TIME), so gateways whose clocks differ still agree on when a bucket refills
or a lockout ends. They apply the rules of buckets.py; tests run both stores through the same cases.
"""

from __future__ import annotations

from typing import Any

from redis import asyncio as aioredis
from redis.exceptions import RedisError

from assistant.ratelimit.buckets import ALLOWED, BackOff, Decision, Rate
from assistant.ratelimit.store import LimitsUnavailable

# Token bucket. KEYS[1] the bucket; ARGV burst, tokens per second, cost. Returns {allowed, retry_after}.
_TAKE = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local burst, rate, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local allowed, retry_after = 0, (cost - tokens) / rate
if tokens >= cost then
  tokens, allowed, retry_after = tokens - cost, 1, 0
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate * 1000) + 1000)
return {allowed, tostring(retry_after)}
"""

# One more failure. KEYS[1] the failure record; ARGV free failures, base, max, lockout failures, lockout seconds,
# forget seconds (BackOff). Returns the seconds the key must now wait.
_FAIL = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local free, base, most = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local lockout_failures, lockout, forget = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
local wait = 0
if failures >= lockout_failures then
  wait = lockout
elseif failures > free and base > 0 then
  wait = math.min(most, base * 2 ^ (failures - free - 1))
end
local blocked_until = math.max(tonumber(redis.call('HGET', KEYS[1], 'until')) or 0, now + wait)
redis.call('HSET', KEYS[1], 'until', tostring(blocked_until))
redis.call('PEXPIRE', KEYS[1], math.ceil(math.max(forget, wait) * 1000))
return tostring(blocked_until - now)
"""

# Seconds a failure record still blocks. KEYS[1] the record.
_BLOCKED_FOR = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local blocked_until = tonumber(redis.call('HGET', KEYS[1], 'until')) or 0
return tostring(math.max(0, blocked_until - now))
"""


class RedisStore:
    """Token buckets and failure counts in Redis hashes under one key prefix, expiring when they say nothing."""

    def __init__(self, client: aioredis.Redis, prefix: str) -> None:
        self._client = client
        self._prefix = prefix
        self._take = client.register_script(_TAKE)
        self._fail = client.register_script(_FAIL)
        self._blocked_for = client.register_script(_BLOCKED_FOR)

    @classmethod
    def from_url(cls, url: str, prefix: str) -> RedisStore:
        """A store on the Redis at `url` (e.g. redis://127.0.0.1:6379/2)."""
        # Short timeouts: a sign-in or a message waits on this, and a stalled Redis must become a quick 503.
        return cls(aioredis.Redis.from_url(url, socket_timeout=2.0, socket_connect_timeout=2.0), prefix)

    def _key(self, kind: str, key: str) -> str:
        return f"{self._prefix}:{kind}:{key}"

    async def take(self, key: str, rate: Rate, cost: float = 1.0) -> Decision:
        """Take from the key's bucket: allowed, or the seconds until it would be."""
        if rate.unlimited:
            return ALLOWED
        allowed, retry_after = await self._run(self._take, self._key("bucket", key),
                                               rate.burst, rate.per_second, cost)
        return ALLOWED if int(allowed) == 1 else Decision(False, float(retry_after))

    async def blocked_for(self, key: str) -> float:
        """Seconds the key must still wait after its failures (0 when it may try)."""
        return float(await self._run(self._blocked_for, self._key("failures", key)))

    async def fail(self, key: str, policy: BackOff) -> float:
        """Count one more failure of the key; the seconds it must now wait."""
        return float(await self._run(self._fail, self._key("failures", key), policy.free_failures,
                                     policy.base_seconds, policy.max_seconds, policy.lockout_failures,
                                     policy.lockout_seconds, policy.forget_seconds))

    async def clear(self, key: str) -> None:
        """Forget the key's failures (a success)."""
        try:
            await self._client.delete(self._key("failures", key))
        except RedisError as exc:
            raise LimitsUnavailable(str(exc)) from exc

    async def close(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()

    async def _run(self, script: Any, key: str, *args: float) -> Any:
        try:
            return await script(keys=[key], args=list(args))
        except RedisError as exc:
            raise LimitsUnavailable(f"the rate-limit store is unavailable: {exc.__class__.__name__}") from exc

