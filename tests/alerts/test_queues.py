"""Transaction queues: the in-process queue and RabbitMQ (the real broker on localhost) hand batches over."""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid

import aio_pika

from assistant.alerts.queues import InProcessQueue, RabbitQueue, make_queue

AMQP_URL = os.environ.get("TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")


async def _consume_until(queue, expected: int) -> list[list[dict]]:
    received: list[list[dict]] = []
    done = asyncio.Event()

    async def handler(records: list[dict]) -> None:
        received.append(records)
        if len(received) == expected:
            done.set()

    consumer = asyncio.create_task(queue.consume(handler))
    try:
        await asyncio.wait_for(done.wait(), timeout=10)
    finally:
        consumer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await consumer
    return received


def test_without_an_amqp_url_the_queue_is_in_process():
    assert isinstance(make_queue("", "lumen.transactions"), InProcessQueue)


async def test_in_process_queue_hands_batches_over_in_order():
    queue = InProcessQueue()
    await queue.publish([{"transaction_id": "a"}])
    await queue.publish([{"transaction_id": "b"}])
    assert await _consume_until(queue, 2) == [[{"transaction_id": "a"}], [{"transaction_id": "b"}]]


async def test_rabbitmq_queue_hands_published_batches_to_the_consumer():
    name = f"test.transactions.{uuid.uuid4().hex[:8]}"
    queue = RabbitQueue(AMQP_URL, name)
    try:
        await queue.publish([{"transaction_id": "a"}, {"transaction_id": "b"}])
        await queue.publish([{"transaction_id": "c"}])
        received = await _consume_until(queue, 2)
    finally:
        await queue.close()
        connection = await aio_pika.connect(AMQP_URL)
        async with connection:
            channel = await connection.channel()
            await channel.queue_delete(name)
    assert received == [[{"transaction_id": "a"}, {"transaction_id": "b"}], [{"transaction_id": "c"}]]


async def test_rabbitmq_batch_whose_ingestion_fails_is_delivered_again():
    name = f"test.transactions.{uuid.uuid4().hex[:8]}"
    queue = RabbitQueue(AMQP_URL, name)
    attempts: list[list[dict]] = []
    done = asyncio.Event()

    async def flaky(records: list[dict]) -> None:
        attempts.append(records)
        if len(attempts) == 1:
            raise RuntimeError("database briefly unavailable")
        done.set()

    try:
        await queue.publish([{"transaction_id": "a"}])
        consumer = asyncio.create_task(queue.consume(flaky))
        await asyncio.wait_for(done.wait(), timeout=10)
        consumer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await consumer
    finally:
        await queue.close()
        connection = await aio_pika.connect(AMQP_URL)
        async with connection:
            channel = await connection.channel()
            await channel.queue_delete(name)
    assert attempts == [[{"transaction_id": "a"}], [{"transaction_id": "a"}]]


async def test_publishing_to_an_unreachable_broker_is_queue_unavailable():
    import socket

    import pytest

    from assistant.alerts.queues import QueueUnavailable

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    queue = RabbitQueue(f"amqp://guest:guest@127.0.0.1:{port}/", "test.nowhere")
    with pytest.raises(QueueUnavailable):
        await queue.publish([{"transaction_id": "a"}])
    await queue.close()
