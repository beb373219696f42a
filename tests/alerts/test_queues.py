"""The old transaction queue (RabbitMQ, the real broker on localhost): what is left on it after an upgrade is moved
into the feed's inbox, a malformed message to the dead letters, and a message whose move fails comes back."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import uuid

import aio_pika
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from assistant.alerts.queues import QueueUnavailable, RabbitQueue, move_to_inbox
from assistant.alerts.records import RecordLimits
from assistant.feed.models import FeedDeadLetter, FeedInboxRecord
from tests.feed.conftest import record

AMQP_URL = os.environ.get("TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")


def _inbox(engine: Engine) -> list[tuple[str, str]]:
    with Session(engine) as session:
        return [(row.transaction_id, row.source) for row in
                session.exec(select(FeedInboxRecord).order_by(col(FeedInboxRecord.id))).all()]


def _letters(engine: Engine) -> list[FeedDeadLetter]:
    with Session(engine) as session:
        return list(session.exec(select(FeedDeadLetter).order_by(col(FeedDeadLetter.id))).all())


def test_a_queued_batch_moves_into_the_inbox_under_the_source_each_record_carries(sqlite_engine: Engine):
    body = json.dumps([{**record("q-1"), "source": "cards"}, {**record("q-2"), "source": "core-banking"}]).encode()
    assert move_to_inbox(sqlite_engine, body, RecordLimits()) == 2
    assert _inbox(sqlite_engine) == [("q-1", "cards"), ("q-2", "core-banking")]


def test_a_queued_message_that_is_not_json_is_a_dead_letter_not_a_message_requeued_forever(sqlite_engine: Engine):
    assert move_to_inbox(sqlite_engine, b"\xff not json", RecordLimits()) == 0
    [letter] = _letters(sqlite_engine)
    assert (letter.stage, letter.source, letter.reason) == ("received", "amqp", "the queued message is not JSON")


def test_a_queued_record_without_a_source_is_a_dead_letter_with_the_reason(sqlite_engine: Engine):
    move_to_inbox(sqlite_engine, json.dumps([record("q-3")]).encode(), RecordLimits())
    [letter] = _letters(sqlite_engine)
    assert (letter.transaction_id, letter.reason) == ("q-3", "the record has no valid feed source")
    assert _inbox(sqlite_engine) == []


async def _consume(queue: RabbitQueue, handler, done: asyncio.Event) -> None:
    consumer = asyncio.create_task(queue.consume(handler))
    try:
        await asyncio.wait_for(done.wait(), timeout=10)
    finally:
        consumer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await consumer


async def _delete(name: str) -> None:
    connection = await aio_pika.connect(AMQP_URL)
    async with connection:
        await (await connection.channel()).queue_delete(name)


async def test_a_message_whose_move_fails_is_delivered_again():
    name = f"test.transactions.{uuid.uuid4().hex[:8]}"
    queue = RabbitQueue(AMQP_URL, name)
    attempts: list[bytes] = []
    done = asyncio.Event()

    async def flaky(body: bytes) -> None:
        attempts.append(body)
        if len(attempts) == 1:
            raise RuntimeError("database briefly unavailable")
        done.set()

    try:
        await queue.publish([{"transaction_id": "a"}])
        await _consume(queue, flaky, done)
    finally:
        await queue.close()
        await _delete(name)
    assert [json.loads(body) for body in attempts] == [[{"transaction_id": "a"}]] * 2


async def test_publishing_to_an_unreachable_broker_is_queue_unavailable():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    queue = RabbitQueue(f"amqp://guest:guest@127.0.0.1:{port}/", "test.nowhere")
    with pytest.raises(QueueUnavailable):
        await queue.publish([{"transaction_id": "a"}])
    await queue.close()
