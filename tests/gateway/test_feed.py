"""The core-banking feed: POST /api/v1/transactions with its own key, malformed records refused one by one."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from assistant.bank.models import Transaction
from assistant.gateway.feed import QUEUE

FEED_KEY = "test-feed-key"
RECORD = {"transaction_id": "core-100", "customer_id": 1, "account_id": 1, "card_id": 1,
          "booked_at": "2026-11-20T14:03:00Z", "amount": "-23.40", "currency": "GBP", "merchant": "Tesco",
          "category": "groceries", "channel": "card_present", "country": "GB"}


async def _feed(gateway):
    return await gateway(FEED_API_KEY=FEED_KEY, ALERT_THRESHOLD="6.0")


def _booked(engine: Engine, external_id: str) -> list[Transaction]:
    with Session(engine) as session:
        return list(session.exec(select(Transaction).where(Transaction.external_id == external_id)).all())


async def test_feed_refuses_a_wrong_or_missing_key_with_401(gateway):
    client = await _feed(gateway)
    wrong = await client.post("/api/v1/transactions", json={"transactions": [RECORD]},
                              headers={"Authorization": "Bearer not-the-key"})
    missing = await client.post("/api/v1/transactions", json={"transactions": [RECORD]})
    assert (wrong.status, missing.status) == (401, 401)
    assert (await wrong.json())["error"]["code"] == "unauthorized"


async def test_feed_refuses_malformed_records_with_reasons_and_books_the_rest(gateway, sqlite_engine):
    client = await _feed(gateway)
    records = [RECORD, {**RECORD, "transaction_id": "core-101", "amount": 12.5},
               {**RECORD, "transaction_id": "core-102", "booked_at": "yesterday"}]
    response = await client.post("/api/v1/transactions", json={"transactions": records},
                                 headers={"Authorization": f"Bearer {FEED_KEY}"})
    assert response.status == 202
    body = await response.json()
    assert body["accepted"] == ["core-100"]
    assert [(r["index"], r["transaction_id"]) for r in body["rejected"]] == [(1, "core-101"), (2, "core-102")]
    assert '"amount"' in body["rejected"][0]["reason"] and '"booked_at"' in body["rejected"][1]["reason"]
    await client.server.app[QUEUE].join()
    assert [t.amount_minor for t in _booked(sqlite_engine, "core-100")] == [-2340]
    assert _booked(sqlite_engine, "core-101") == []


async def test_feed_books_a_transaction_sent_twice_once(gateway, sqlite_engine):
    client = await _feed(gateway)
    for _ in range(2):
        response = await client.post("/api/v1/transactions", json={"transactions": [RECORD]},
                                     headers={"Authorization": f"Bearer {FEED_KEY}"})
        assert response.status == 202
    await client.server.app[QUEUE].join()
    assert len(_booked(sqlite_engine, "core-100")) == 1


async def test_feed_body_without_a_list_of_records_is_a_400(gateway):
    client = await _feed(gateway)
    response = await client.post("/api/v1/transactions", json={"records": []},
                                 headers={"Authorization": f"Bearer {FEED_KEY}"})
    assert response.status == 400
    assert (await response.json())["error"]["code"] == "invalid_body"


async def test_with_amqp_url_set_records_travel_through_rabbitmq_and_are_booked(gateway, sqlite_engine):
    import asyncio
    import uuid

    import aio_pika

    from tests.alerts.test_queues import AMQP_URL

    name = f"test.feed.{uuid.uuid4().hex[:8]}"
    client = await gateway(FEED_API_KEY=FEED_KEY, ALERT_THRESHOLD="6.0", AMQP_URL=AMQP_URL, AMQP_QUEUE=name)
    try:
        response = await client.post("/api/v1/transactions", json={"transactions": [RECORD]},
                                     headers={"Authorization": f"Bearer {FEED_KEY}"})
        assert response.status == 202
        for _ in range(100):
            if _booked(sqlite_engine, "core-100"):
                break
            await asyncio.sleep(0.1)
        assert len(_booked(sqlite_engine, "core-100")) == 1
    finally:
        connection = await aio_pika.connect(AMQP_URL)
        async with connection:
            await (await connection.channel()).queue_delete(name)
