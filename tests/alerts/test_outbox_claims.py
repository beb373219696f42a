"""Outbox claims on both stores: concurrent workers never hold one message at once, and a dead worker's claims
are taken over once their lease runs out."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from datetime import timedelta

import aiohttp
from sqlalchemy.engine import Engine

from assistant.alerts.outbox import DeliveryPolicy, OutboxDelivery
from assistant.alerts.outbox_claims import begin_attempt, claim_due
from assistant.db import utcnow
from tests.alerts.outbox_fixtures import PushService, messages, queue_alerts

LEASE = timedelta(seconds=30)


def test_workers_claiming_at_the_same_time_get_disjoint_batches_that_cover_the_outbox(engine: Engine):
    queue_alerts(engine, 60)
    start = threading.Barrier(4)
    claimed: dict[str, list[int]] = {}
    sizes: list[int] = []

    def worker(name: str) -> None:
        start.wait()
        mine = claimed.setdefault(name, [])
        while batch := claim_due(engine, name, utcnow(), LEASE, 3):
            sizes.append(len(batch))
            mine.extend(message.id for message in batch)

    threads = [threading.Thread(target=worker, args=(f"worker-{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    counts = Counter(message_id for ids in claimed.values() for message_id in ids)
    assert sorted(counts) == [message.id for message in messages(engine)]
    assert set(counts.values()) == {1}
    assert max(sizes) <= 3
    assert {message.claimed_by for message in messages(engine)} <= set(claimed)


def test_a_claimed_message_is_not_claimed_again_until_its_lease_runs_out(engine: Engine):
    [message] = queue_alerts(engine, 1)
    now = utcnow()
    assert [m.id for m in claim_due(engine, "dead-worker", now, LEASE, 10)] == [message.id]
    assert claim_due(engine, "other", now + LEASE - timedelta(seconds=1), LEASE, 10) == []
    [taken] = claim_due(engine, "other", now + LEASE + timedelta(seconds=1), LEASE, 10)
    assert taken.claimed_by == "other"


def test_a_worker_whose_message_was_taken_over_does_not_send_it(engine: Engine):
    [message] = queue_alerts(engine, 1)
    now = utcnow()
    claim_due(engine, "slow-worker", now, LEASE, 10)
    claim_due(engine, "other", now + LEASE * 2, LEASE, 10)
    assert begin_attempt(engine, message.id, "slow-worker", now + LEASE * 2, LEASE) is None
    assert begin_attempt(engine, message.id, "other", now + LEASE * 2, LEASE) == 1


async def test_two_delivery_workers_running_together_send_each_alert_once(engine: Engine, aiohttp_server):
    queue_alerts(engine, 40)
    service = PushService()
    url = str((await aiohttp_server(service.app())).make_url("/push"))
    policy = DeliveryPolicy(batch_size=5)
    async with aiohttp.ClientSession() as http:
        workers = [OutboxDelivery(engine, http, url, policy, worker=f"w{n}") for n in range(2)]
        for _ in range(6):
            await asyncio.gather(*(worker.deliver_due() for worker in workers))
    keys = Counter(key for key, _ in service.received)
    assert sorted(keys) == sorted(message.idempotency_key for message in messages(engine))
    assert set(keys.values()) == {1}
    assert all(message.delivered_at is not None for message in messages(engine))


def test_an_outbox_table_from_before_claims_gains_the_columns_and_its_messages_can_be_claimed(tmp_path):
    from sqlalchemy import text

    from assistant.db import create_schema, make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    create_schema(engine)
    [message] = queue_alerts(engine, 1)
    with engine.begin() as connection:
        for column in ("claimed_by", "lease_until", "dead_at", "dead_reason"):
            connection.execute(text(f'ALTER TABLE outboxmessage DROP COLUMN "{column}"'))
    create_schema(engine)
    assert [m.id for m in claim_due(engine, "w", utcnow(), LEASE, 10)] == [message.id]
    engine.dispose()
