"""POST /api/v1/transactions: committed to the inbox before the answer, implausible records dead-lettered one by one
with reasons, the rest booked and audited when the inbox is applied."""

from __future__ import annotations

import asyncio
import time
import uuid

from aiohttp.test_utils import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from assistant.bank.audit import entries_for
from assistant.bank.models import Account, Transaction
from assistant.feed.models import FeedDeadLetter
from assistant.feed.wakeup import RabbitWakeup
from tests.feed.conftest import FeedFactory, apply_inbox, post_signed, recent, record


def _booked(engine: Engine, external_id: str) -> list[Transaction]:
    with Session(engine) as session:
        return list(session.exec(select(Transaction).where(Transaction.external_id == external_id)).all())


async def test_each_implausible_record_is_refused_with_a_reason_and_the_good_ones_are_booked(
        client: TestClient, sqlite_engine: Engine) -> None:
    records = [record("core-100"),
               record("core-101", amount="-2500000.00"),
               record("core-102", currency="ZZZ"),
               record("core-103", booked_at=recent(hours_ago=-72)),
               record("core-104", booked_at=recent(hours_ago=24 * 400)),
               record("core-105", merchant="M" * 121),
               record("core-106", amount=12.5),
               record("core-107")]
    response = await post_signed(client, records)
    assert response.status == 202
    body = await response.json()
    assert body["accepted"] == ["core-100", "core-107"]
    reasons = {r["transaction_id"]: r["reason"] for r in body["rejected"]}
    assert [r["index"] for r in body["rejected"]] == [1, 2, 3, 4, 5, 6]
    assert "limit" in reasons["core-101"] and "ISO 4217" in reasons["core-102"]
    assert "future" in reasons["core-103"] and "past" in reasons["core-104"]
    assert '"merchant"' in reasons["core-105"] and '"amount"' in reasons["core-106"]
    await apply_inbox(client)
    assert [t.amount_minor for t in _booked(sqlite_engine, "core-100")] == [-2340]
    assert _booked(sqlite_engine, "core-101") == []


async def test_a_booked_records_balance_change_is_in_the_audit_log_with_its_source(
        client: TestClient, sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        before = session.get(Account, 1).balance_minor
    response = await post_signed(client, [record("core-200", amount="-50.00")], source="cards")
    assert response.status == 202
    await apply_inbox(client)
    with Session(sqlite_engine) as session:
        transaction = _booked(sqlite_engine, "core-200")[0]
        [entry] = entries_for(session, "transaction", transaction.id)
        balance = session.get(Account, 1).balance_minor
    assert (entry.actor, entry.action) == ("feed:cards", "transaction.booked")
    assert entry.details == {"source": "cards", "external_id": "core-200", "account_id": 1, "amount_minor": -5000,
                             "balance_after_minor": before - 5000}
    assert balance == before - 5000


async def test_a_transaction_sent_twice_is_booked_once(client: TestClient, sqlite_engine: Engine) -> None:
    sent = record()
    for signed_at in (int(time.time()) - 1, int(time.time())):  # each attempt signed afresh
        assert (await post_signed(client, [sent], timestamp=signed_at)).status == 202
    await apply_inbox(client)
    assert len(_booked(sqlite_engine, "core-100")) == 1


async def test_a_body_without_a_list_of_records_is_a_400(client: TestClient) -> None:
    response = await post_signed(client, [], body=b'{"records": []}')
    assert (response.status, (await response.json())["error"]["code"]) == (400, "invalid_body")


async def test_more_than_500_records_in_one_request_is_a_413(client: TestClient) -> None:
    response = await post_signed(client, [record(f"core-{n}") for n in range(501)])
    assert (response.status, (await response.json())["error"]["code"]) == (413, "too_many_records")


async def test_a_refused_record_is_answered_as_a_dead_letter_and_kept_with_its_reason(
        client: TestClient, sqlite_engine: Engine) -> None:
    response = await post_signed(client, [record("core-100"), record("core-101", currency="ZZZ")])
    body = await response.json()
    [refused] = body["rejected"]
    with Session(sqlite_engine) as session:
        letter = session.get(FeedDeadLetter, refused["dead_letter_id"])
    assert body["counts"] == {"accepted": 1, "duplicates": 0, "rejected": 1}
    assert (letter.stage, letter.transaction_id, letter.record["currency"]) == ("received", "core-101", "ZZZ")
    assert "ISO 4217" in letter.reason


async def test_the_answer_says_which_records_the_inbox_already_had(client: TestClient) -> None:
    await post_signed(client, [record("core-100")], timestamp=int(time.time()) - 1)
    body = await (await post_signed(client, [record("core-100"), record("core-101"), record("core-101")])).json()
    assert (body["accepted"], body["duplicates"]) == (["core-101"], ["core-100", "core-101"])


async def test_the_feed_drains_its_own_inbox_when_told_to(feed: FeedFactory, sqlite_engine: Engine) -> None:
    client = await feed(FEED_IN_PROCESS_DRAIN="1")
    assert (await post_signed(client, [record()])).status == 202
    for _ in range(600):  # the first scoring loads the embedding model (slow on a busy machine)
        if _booked(sqlite_engine, "core-100"):
            break
        await asyncio.sleep(0.1)
    assert len(_booked(sqlite_engine, "core-100")) == 1


async def test_with_amqp_url_set_the_feed_wakes_its_workers_through_rabbitmq(feed: FeedFactory) -> None:
    import aio_pika

    from tests.alerts.test_queues import AMQP_URL

    name = f"test.feed.wakeup.{uuid.uuid4().hex[:8]}"
    client = await feed(AMQP_URL=AMQP_URL, AMQP_WAKEUP_QUEUE=name)
    worker = RabbitWakeup(AMQP_URL, name)
    try:
        await worker.wait(0.1)  # listening now
        assert (await post_signed(client, [record()])).status == 202
        started = time.monotonic()
        await worker.wait(30)
        assert time.monotonic() - started < 10
    finally:
        await worker.close()
        connection = await aio_pika.connect(AMQP_URL)
        async with connection:
            await (await connection.channel()).queue_delete(name)


async def test_with_the_broker_down_a_batch_is_still_taken_into_the_inbox(feed: FeedFactory,
                                                                           sqlite_engine: Engine) -> None:
    from tests.faults.harness import free_port

    client = await feed(AMQP_URL=f"amqp://guest:guest@127.0.0.1:{free_port()}/")
    response = await post_signed(client, [record()])
    assert (response.status, (await response.json())["accepted"]) == (202, ["core-100"])
    await apply_inbox(client)
    assert len(_booked(sqlite_engine, "core-100")) == 1
