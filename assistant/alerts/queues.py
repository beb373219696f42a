"""The transaction queue the feed used before its inbox (AMQP_QUEUE on RabbitMQ), kept so that batches still on it
after an upgrade are moved into the inbox (`python -m assistant.alerts consume`), never ingested from the queue.

A message is acknowledged only once its records are committed to the inbox (or, malformed, to the feed's dead
letters), so neither a crash nor a poison message loses or blocks anything: a message that is not JSON is a dead
letter at once instead of going back on the queue forever.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from assistant.alerts.records import RecordLimits
from assistant.db import utcnow

log = logging.getLogger(__name__)
Handler = Callable[[Any], Awaitable[None]]
_UNKNOWN_SOURCE = "amqp"  # the source a dead letter names when its message said none


class QueueUnavailable(Exception):
    """The broker could not be reached or refused the message; the publisher should try again later."""


class RabbitQueue:
    """A durable RabbitMQ queue (aio-pika): messages are acknowledged once their handler has returned."""

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
        """Hand each message's body to `handler`; acknowledged after it returns, put back if it raises (the database
        is away: the handler refuses nothing else)."""
        channel = await self._ready()
        queue = await channel.declare_queue(self.name, durable=True)
        async with queue.iterator() as messages:
            async for message in messages:
                try:
                    await handler(message.body)
                except Exception:
                    log.exception("moving a message from %s failed; it goes back on the queue", self.name)
                    await message.nack(requeue=True)
                    await asyncio.sleep(1)  # do not spin while the database is away
                    continue
                await message.ack()

    async def close(self) -> None:
        """Close the connection."""
        if self._connection is not None:
            await self._connection.close()
            self._connection = self._channel = None


def move_to_inbox(engine: Engine, body: bytes, limits: RecordLimits) -> int:
    """Commit one queued message's records to the feed's inbox (each record carries its source), malformed ones to
    the dead letters; how many records it held."""
    from assistant.feed.inbox import RECEIVED, dead_letter, receive

    try:
        records = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        with Session(engine) as session:
            dead_letter(session, RECEIVED, _UNKNOWN_SOURCE, "the queued message is not JSON",
                        body.decode(errors="replace")[:2000], utcnow())
            session.commit()
        return 0
    records = records if isinstance(records, list) else [records]
    by_source: dict[str, list[Any]] = defaultdict(list)
    unsourced = []
    for record in records:
        source = record.get("source") if isinstance(record, dict) else None
        (by_source[source] if isinstance(source, str) and source else unsourced).append(record)
    for source, batch in by_source.items():
        receive(engine, batch, source, limits)  # a malformed source name is refused there, with its reason
    if unsourced:
        with Session(engine) as session:
            for record in unsourced:
                transaction_id = record.get("transaction_id") if isinstance(record, dict) else None
                dead_letter(session, RECEIVED, _UNKNOWN_SOURCE, "the record has no valid feed source", record,
                            utcnow(), transaction_id if isinstance(transaction_id, str) else None)
            session.commit()
    return len(records)


async def consume_forever(queue: RabbitQueue, handler: Handler, retry_seconds: float = 5.0) -> None:
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
