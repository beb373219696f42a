"""Delivering the outbox to the push service: at least once, with an idempotency key, retries and backoff."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import aiohttp
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from tenacity import AsyncRetrying, RetryError, retry_if_exception_type, stop_after_attempt, wait_exponential

from assistant.alerts.models import OutboxMessage
from assistant.db import utcnow

log = logging.getLogger(__name__)
IDEMPOTENCY_HEADER = "Idempotency-Key"
_LONGEST_WAIT = timedelta(minutes=10)


class DeliveryFailed(Exception):
    """The push service did not take the message (unreachable, timed out or answered other than 2xx)."""


@dataclass(frozen=True)
class DeliveryReport:
    """What one pass over the due messages did."""

    delivered: int
    failed: int


def due_messages(engine: Engine, now: datetime, limit: int) -> list[OutboxMessage]:
    """Undelivered messages whose next attempt is due, oldest first."""
    with Session(engine, expire_on_commit=False) as session:
        return list(session.exec(select(OutboxMessage).where(
            col(OutboxMessage.delivered_at).is_(None), OutboxMessage.next_attempt_at <= now)
            .order_by(col(OutboxMessage.id)).limit(limit)).all())


def _record(engine: Engine, message_id: int, attempts: int, error: str | None, now: datetime) -> None:
    with Session(engine) as session:
        message = session.get(OutboxMessage, message_id)
        message.attempts += attempts
        if error is None:
            message.delivered_at = now
            message.last_error = ""
        else:
            message.last_error = error[:500]
            # Wait longer after each failed pass, up to ten minutes, so a long outage is not hammered.
            message.next_attempt_at = now + min(timedelta(seconds=2 ** min(message.attempts, 10)), _LONGEST_WAIT)
        session.add(message)
        session.commit()


class OutboxDelivery:
    """Posts due outbox messages to the push service's webhook."""

    def __init__(self, engine: Engine, http: aiohttp.ClientSession, url: str, attempts: int = 3,
                 first_wait: float = 0.5, timeout: float = 5.0) -> None:
        self.engine = engine
        self.http = http
        self.url = url
        self.attempts = attempts
        self.first_wait = first_wait
        self.timeout = aiohttp.ClientTimeout(total=timeout)

    async def _post(self, message: OutboxMessage) -> None:
        try:
            async with self.http.post(self.url, json=message.payload, timeout=self.timeout,
                                      headers={IDEMPOTENCY_HEADER: message.idempotency_key}) as response:
                if response.status >= 300:
                    raise DeliveryFailed(f"push service answered {response.status}")
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise DeliveryFailed(f"push service unreachable: {exc.__class__.__name__}: {exc}") from exc

    async def _deliver(self, message: OutboxMessage, now: datetime) -> bool:
        tries = 0
        error: str | None = None
        try:
            async for attempt in AsyncRetrying(
                    stop=stop_after_attempt(self.attempts), retry=retry_if_exception_type(DeliveryFailed),
                    wait=wait_exponential(multiplier=self.first_wait, max=self.first_wait * 8)):
                with attempt:
                    tries += 1
                    await self._post(message)
        except RetryError as exc:
            error = str(exc.last_attempt.exception())
            log.warning("outbox message %s not delivered after %s tries: %s", message.id, tries, error)
        await asyncio.to_thread(_record, self.engine, message.id, tries, error, now)
        return error is None

    async def deliver_due(self, now: datetime | None = None, limit: int = 100) -> DeliveryReport:
        """Try every due message once (with quick retries); failures are rescheduled with backoff."""
        now = now or utcnow()
        messages = await asyncio.to_thread(due_messages, self.engine, now, limit)
        delivered = 0
        for message in messages:
            delivered += await self._deliver(message, now)
        return DeliveryReport(delivered, len(messages) - delivered)

    async def run_forever(self, interval: float = 1.0) -> None:
        """Deliver due messages every `interval` seconds until cancelled."""
        while True:
            report = await self.deliver_due()
            if report.delivered or report.failed:
                log.info("outbox: %s delivered, %s failed", report.delivered, report.failed)
            await asyncio.sleep(interval)
