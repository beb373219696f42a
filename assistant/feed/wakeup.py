"""Waking the inbox's workers when a batch has arrived. Only a wake-up: the inbox table is the record, so a wake-up
lost (broker down, worker not listening) costs at most one polling interval, never a record.

In one process (the feed draining its own inbox) it is an asyncio event; across processes, with AMQP_URL, a
transient message on a RabbitMQ queue (AMQP_WAKEUP_QUEUE) that holds at most one message: a worker consuming it
drains at once instead of at its next poll.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Protocol

log = logging.getLogger(__name__)
# After the broker failed, the feed stops trying for a while, so that its answers do not wait on a dead broker.
_RETRY_BROKER_AFTER = 10.0


class Wakeup(Protocol):
    """Says "there is work" to whoever waits."""

    async def notify(self) -> None: ...

    async def wait(self, timeout: float) -> None: ...

    async def close(self) -> None: ...


class LocalWakeup:
    """A wake-up within one process."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    async def notify(self) -> None:
        """Wake the waiter."""
        self._event.set()

    async def wait(self, timeout: float) -> None:
        """Return when notified, or after `timeout` seconds."""
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._event.wait(), timeout)
        self._event.clear()

    async def close(self) -> None:
        """Nothing to close."""


class RabbitWakeup:
    """A wake-up across processes through RabbitMQ (aio-pika); every failure is logged and ignored (the workers
    poll the inbox anyway)."""

    def __init__(self, url: str, queue: str) -> None:
        self.url = url
        self.queue = queue
        self._local = LocalWakeup()
        self._connection = None
        self._channel = None
        self._consuming = False
        self._down_until = 0.0

    async def _ready(self):
        import aio_pika

        if self._channel is None:
            self._connection = await aio_pika.connect_robust(self.url, timeout=5)
            self._channel = await self._connection.channel()
            # One waiting message is as good as many: the queue keeps the newest and drops the rest.
            await self._channel.declare_queue(self.queue, durable=False,
                                              arguments={"x-max-length": 1, "x-overflow": "drop-head"})
        return self._channel

    async def notify(self) -> None:
        """Publish a wake-up (transient: losing it loses nothing)."""
        import aio_pika

        if time.monotonic() < self._down_until:
            return
        try:
            channel = await asyncio.wait_for(self._ready(), 2)
            await asyncio.wait_for(channel.default_exchange.publish(aio_pika.Message(b""), routing_key=self.queue), 2)
        except Exception as exc:  # the broker is down or refused: the workers will poll
            log.warning("feed wake-up not sent (%s); the workers will find the batch at their next poll",
                        exc.__class__.__name__)
            self._down_until = time.monotonic() + _RETRY_BROKER_AFTER
            await self.close()

    async def _consume(self) -> None:
        channel = await self._ready()
        queue = await channel.declare_queue(self.queue, durable=False,
                                            arguments={"x-max-length": 1, "x-overflow": "drop-head"})

        async def woken(message) -> None:
            await message.ack()
            await self._local.notify()

        await queue.consume(woken)
        self._consuming = True

    async def wait(self, timeout: float) -> None:
        """Return when a wake-up arrives, or after `timeout` seconds."""
        if not self._consuming:
            try:
                await self._consume()
            except Exception as exc:
                log.warning("feed wake-ups unavailable (%s); polling every %s s", exc.__class__.__name__, timeout)
                await self.close()
        await self._local.wait(timeout)

    async def close(self) -> None:
        """Close the connection."""
        connection, self._connection, self._channel, self._consuming = self._connection, None, None, False
        if connection is not None:
            with contextlib.suppress(Exception):
                await connection.close()


def make_wakeup(amqp_url: str, queue: str) -> Wakeup:
    """RabbitMQ when an AMQP URL is configured, else a wake-up within this process."""
    return RabbitWakeup(amqp_url, queue) if amqp_url else LocalWakeup()
