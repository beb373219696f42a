"""The transaction queue between the feed and ingestion: in-process by default, RabbitMQ when AMQP_URL is set."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

log = logging.getLogger(__name__)
Handler = Callable[[list[dict[str, Any]]], Awaitable[None]]


class QueueUnavailable(Exception):
    """The broker could not be reached or refused the message; the publisher should try again later."""


class TransactionQueue(Protocol):
    """Carries batches of feed records (JSON objects) from whoever publishes them to one consumer."""

    async def publish(self, records: list[dict[str, Any]]) -> None: ...

    async def consume(self, handler: Handler) -> None: ...

    async def close(self) -> None: ...


class InProcessQueue:
    """An asyncio queue inside the process (the embedded profile): nothing to install, lost on exit."""

    def __init__(self) -> None:
        self._queue: asyncio.Queue[list[dict[str, Any]]] = asyncio.Queue()

    async def publish(self, records: list[dict[str, Any]]) -> None:
        """Queue a batch."""
        await self._queue.put(records)

    async def consume(self, handler: Handler) -> None:
        """Hand each batch to `handler` until cancelled; a failing batch is logged, the next one still runs."""
        while True:
            records = await self._queue.get()
            try:
                await handler(records)
            except Exception:
                log.exception("ingesting a batch of %s records failed", len(records))
            finally:
                self._queue.task_done()

    async def join(self) -> None:
        """Wait until every queued batch has been handled."""
        await self._queue.join()

    async def close(self) -> None:
        """Nothing to close."""


class RabbitQueue:
    """A durable RabbitMQ queue (aio-pika): batches survive restarts and are acknowledged once ingested."""

    def __init__(self, url: str, name: str) -> None:
        self.url = url
        self.name = name
        self._connection = None
        self._channel = None

    async def _ready(self):
        import aio_pika

        if self._channel is None:
            self._connection = await aio_pika.connect_robust(self.url)
            self._channel = await self._connection.channel()
            await self._channel.set_qos(prefetch_count=10)
            await self._channel.declare_queue(self.name, durable=True)
        return self._channel

    async def publish(self, records: list[dict[str, Any]]) -> None:
        """Publish a batch as one persistent JSON message; QueueUnavailable when the broker cannot take it."""
        import aio_pika
        from aio_pika.exceptions import AMQPException

        message = aio_pika.Message(json.dumps(records).encode(), content_type="application/json",
                                   delivery_mode=aio_pika.DeliveryMode.PERSISTENT)
        try:
            channel = await self._ready()
            await channel.default_exchange.publish(message, routing_key=self.name)
        except (AMQPException, OSError, asyncio.TimeoutError) as exc:
            raise QueueUnavailable(f"RabbitMQ at {self.name!r} is unavailable: {exc}") from exc

    async def consume(self, handler: Handler) -> None:
        """Hand each message's records to `handler`; acknowledged after it returns, requeued if it raises."""
        channel = await self._ready()
        queue = await channel.declare_queue(self.name, durable=True)
        async with queue.iterator() as messages:
            async for message in messages:
                try:
                    records = json.loads(message.body)
                except (json.JSONDecodeError, UnicodeDecodeError):
                    log.error("dropping a message that is not JSON from %s", self.name)
                    await message.reject(requeue=False)
                    continue
                try:
                    await handler(records if isinstance(records, list) else [records])
                except Exception:
                    log.exception("ingesting a message from %s failed; it goes back on the queue", self.name)
                    await message.nack(requeue=True)
                    await asyncio.sleep(1)  # do not spin on a batch that keeps failing
                    continue
                await message.ack()

    async def close(self) -> None:
        """Close the connection."""
        if self._connection is not None:
            await self._connection.close()
            self._connection = self._channel = None


async def consume_forever(queue: TransactionQueue, handler: Handler, retry_seconds: float = 5.0) -> None:
    """Consume until cancelled, reconnecting after the broker goes away (or was not up yet)."""
    while True:
        try:
            await queue.consume(handler)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("the transaction queue consumer stopped; retrying in %s s", retry_seconds)
            await queue.close()
            await asyncio.sleep(retry_seconds)


def make_queue(amqp_url: str, name: str) -> TransactionQueue:
    """RabbitMQ when an AMQP URL is configured, else the in-process queue."""
    return RabbitQueue(amqp_url, name) if amqp_url else InProcessQueue()
