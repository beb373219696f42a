"""Both limit stores keep the same rules: the memory store (embedded) and the Redis store (production, shared)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from assistant.ratelimit.buckets import BackOff, Rate
from assistant.ratelimit.memory import MemoryStore
from assistant.ratelimit.redis_store import RedisStore
from assistant.ratelimit.store import LimitStore, LimitsUnavailable, make_store
from assistant.settings import Settings
from tests.databases import REDIS_URL

RATE = Rate.per_minute(60, burst=3)
POLICY = BackOff(free_failures=1, base_seconds=30, max_seconds=60, lockout_failures=3, lockout_seconds=900,
                 forget_seconds=600)


@pytest.fixture(params=["memory", "redis"])
async def store(request, redis_prefix: str) -> AsyncIterator[LimitStore]:
    """Each test runs against both stores (Redis under this test's own key prefix)."""
    made = MemoryStore() if request.param == "memory" else RedisStore.from_url(REDIS_URL, redis_prefix)
    yield made
    await made.close()


async def test_a_key_gets_its_burst_then_is_refused_with_the_wait_for_one_token(store: LimitStore) -> None:
    decisions = [await store.take("customer:1", RATE) for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert 0.9 < decisions[-1].retry_after <= 1.0


async def test_keys_have_buckets_of_their_own(store: LimitStore) -> None:
    for _ in range(3):
        await store.take("customer:1", RATE)
    assert (await store.take("customer:1", RATE)).allowed is False
    assert (await store.take("customer:2", RATE)).allowed is True


async def test_a_refused_key_is_let_through_again_once_a_token_refills(store: LimitStore) -> None:
    fast = Rate(burst=1, per_second=20)  # a token every 50 ms
    await store.take("k", fast)
    refused = await store.take("k", fast)
    await asyncio.sleep(refused.retry_after + 0.02)
    assert (refused.allowed, (await store.take("k", fast)).allowed) == (False, True)


async def test_a_failure_within_the_free_ones_makes_no_wait(store: LimitStore) -> None:
    assert (await store.fail("account", POLICY), await store.blocked_for("account")) == (0, 0)


async def test_a_failure_past_the_free_ones_makes_the_key_wait(store: LimitStore) -> None:
    await store.fail("account", POLICY)
    waited = await store.fail("account", POLICY)
    assert waited == pytest.approx(30, abs=0.01)
    assert await store.blocked_for("account") == pytest.approx(30, abs=0.1)


async def test_the_lockout_failure_locks_the_key_for_the_lockout(store: LimitStore) -> None:
    for _ in range(3):
        waited = await store.fail("account", POLICY)
    assert waited == pytest.approx(900, abs=0.01)
    assert await store.blocked_for("other-account") == 0


async def test_clearing_a_key_forgets_its_failures(store: LimitStore) -> None:
    for _ in range(3):
        await store.fail("account", POLICY)
    await store.clear("account")
    assert (await store.blocked_for("account"), await store.fail("account", POLICY)) == (0, 0)


async def test_a_key_that_fails_quietly_is_forgotten_after_the_forget_time() -> None:
    now = [0.0]
    store = MemoryStore(clock=lambda: now[0])
    await store.fail("account", POLICY)
    now[0] = 601.0
    assert await store.fail("account", POLICY) == 0  # counted as the first failure again, which is free


async def test_two_stores_on_one_redis_share_the_counts(redis_prefix: str) -> None:
    first, second = RedisStore.from_url(REDIS_URL, redis_prefix), RedisStore.from_url(REDIS_URL, redis_prefix)
    try:
        taken = [await store.take("customer:1", RATE) for store in (first, second, first, second)]
    finally:
        await first.close()
        await second.close()
    assert [d.allowed for d in taken] == [True, True, True, False]


async def test_an_unreachable_redis_is_reported_rather_than_letting_requests_through(redis_prefix: str) -> None:
    store = RedisStore.from_url("redis://127.0.0.1:9/0", redis_prefix)
    try:
        with pytest.raises(LimitsUnavailable):
            await store.take("customer:1", RATE)
    finally:
        await store.close()


def test_the_production_profile_refuses_to_start_without_redis_and_names_the_setting() -> None:
    with pytest.raises(RuntimeError, match="REDIS_URL"):
        make_store(Settings(profile="production", redis_url=""))


def test_the_embedded_profile_keeps_limits_in_memory_unless_a_redis_is_given() -> None:
    assert isinstance(make_store(Settings(profile="embedded", redis_url="")), MemoryStore)
    assert isinstance(make_store(Settings(profile="embedded", redis_url=REDIS_URL)), RedisStore)
