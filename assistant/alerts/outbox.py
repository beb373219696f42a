"""Delivering the outbox to the push service: at least once, each message under one worker's lease, with an
idempotency key, exponential back-off with jitter between attempts, and a dead letter for what cannot be sent."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace

import aiohttp
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from tenacity import wait_random_exponential

from assistant.alerts.models import OutboxMessage
from assistant.alerts.outbox_claims import begin_attempt, claim_due, dead_letter, mark_delivered, reschedule
from assistant.db import utcnow
from assistant.leases import worker_name
from assistant.settings import Settings, get_settings

log = logging.getLogger(__name__)
IDEMPOTENCY_HEADER = "Idempotency-Key"
# A 4xx says the message itself is wrong and sending it again cannot help, except these: timed out, conflict
# (the other side is busy with the same key) and too many requests.
RETRYABLE_4XX = frozenset({408, 409, 429})


class DeliveryFailed(Exception):
    """The push service did not take the message; `permanent` when sending it again cannot help."""

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class DeliveryReport:
    """What one pass over the due messages did."""

    delivered: int
    failed: int
    dead_lettered: int = 0


@dataclass(frozen=True)
class DeliveryPolicy:
    """How long a claim lasts, how many to claim at once, and how often and how patiently to retry."""

    lease: timedelta = timedelta(seconds=60)
    batch_size: int = 20
    max_attempts: int = 12
    backoff_seconds: float = 2.0
    backoff_max_seconds: float = 600.0
    timeout_seconds: float = 5.0

    def __post_init__(self) -> None:
        if self.lease <= timedelta(0) or self.batch_size < 1 or self.max_attempts < 1 or self.backoff_seconds < 0:
            raise ValueError("the outbox needs OUTBOX_LEASE_SECONDS > 0, OUTBOX_BATCH_SIZE >= 1, "
                             "OUTBOX_MAX_ATTEMPTS >= 1 and OUTBOX_BACKOFF_SECONDS >= 0")
        if self.timeout_seconds >= self.lease.total_seconds():
            raise ValueError("a send must end within its lease: the timeout must be shorter than the lease")

    @classmethod
    def from_settings(cls, settings: Settings) -> "DeliveryPolicy":
        """The policy the OUTBOX_* settings describe; a send must end well within its lease."""
        lease = timedelta(seconds=settings.outbox_lease_seconds)
        return cls(lease=lease, batch_size=settings.outbox_batch_size, max_attempts=settings.outbox_max_attempts,
                   backoff_seconds=settings.outbox_backoff_seconds,
                   backoff_max_seconds=settings.outbox_backoff_max_seconds,
                   timeout_seconds=min(5.0, settings.outbox_lease_seconds / 2))

    def wait_after(self, attempts: int) -> timedelta:
        """A random wait up to backoff * 2^(attempts-1), capped (tenacity's "full jitter"), so that workers and
        messages that failed together do not all come back together."""
        wait = wait_random_exponential(multiplier=self.backoff_seconds, max=self.backoff_max_seconds)
        # The wait is kept in the row (next_attempt_at), not in a retry loop, so it survives a crash; tenacity
        # computes it from the attempt number alone.
        return timedelta(seconds=wait(SimpleNamespace(attempt_number=attempts)))


class OutboxDelivery:
    """Claims due outbox messages and posts them to the push service's webhook."""

    def __init__(self, engine: Engine, http: aiohttp.ClientSession, url: str, policy: DeliveryPolicy | None = None,
                 worker: str | None = None) -> None:
        self.engine = engine
        self.http = http
        self.url = url
        self.policy = policy or DeliveryPolicy()
        self.worker = worker or worker_name()
        self.timeout = aiohttp.ClientTimeout(total=self.policy.timeout_seconds)

    async def _post(self, message: OutboxMessage) -> None:
        try:
            async with self.http.post(self.url, json=message.payload, timeout=self.timeout,
                                      headers={IDEMPOTENCY_HEADER: message.idempotency_key}) as response:
                if response.status >= 300:
                    permanent = 400 <= response.status < 500 and response.status not in RETRYABLE_4XX
                    raise DeliveryFailed(f"push service answered {response.status}", permanent)
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise DeliveryFailed(f"push service unreachable: {exc.__class__.__name__}: {exc}") from exc

    async def _deliver(self, message: OutboxMessage) -> str:
        """Send one claimed message once; "delivered", "failed", "dead" or "lost" (no longer ours)."""
        attempt = await asyncio.to_thread(begin_attempt, self.engine, message.id, self.worker, utcnow(),
                                          self.policy.lease)
        if attempt is None:
            return "lost"
        try:
            await self._post(message)
        except DeliveryFailed as failure:
            now = utcnow()
            if failure.permanent or attempt >= self.policy.max_attempts:
                why = "refused" if failure.permanent else f"gave up after {attempt} attempts"
                reason = f"{why}: {failure}"
                log.warning("outbox message %s dead-lettered: %s", message.id, reason)
                await asyncio.to_thread(dead_letter, self.engine, message.id, self.worker, reason, now)
                return "dead"
            await asyncio.to_thread(reschedule, self.engine, message.id, self.worker, str(failure),
                                    now + self.policy.wait_after(attempt))
            return "failed"
        await asyncio.to_thread(mark_delivered, self.engine, message.id, utcnow())
        return "delivered"

    async def deliver_due(self, now: datetime | None = None) -> DeliveryReport:
        """Claim a batch of due messages and try each once; failures wait out their back-off."""
        messages = await asyncio.to_thread(claim_due, self.engine, self.worker, now or utcnow(), self.policy.lease,
                                           self.policy.batch_size)
        outcomes = [await self._deliver(message) for message in messages]
        return DeliveryReport(outcomes.count("delivered"), outcomes.count("failed"), outcomes.count("dead"))

    async def run_forever(self, interval: float = 1.0) -> None:
        """Deliver due messages every `interval` seconds (at once again after a full batch) until cancelled."""
        while True:
            try:
                report = await self.deliver_due()
            except DBAPIError as exc:
                # The database is away (restarting, connection cut): what this pass claimed waits out its lease.
                log.warning("outbox: database error, trying again in %s s: %s", interval, exc.__class__.__name__)
                await asyncio.sleep(interval)
                continue
            if report.delivered or report.failed or report.dead_lettered:
                log.info("outbox: %s delivered, %s failed, %s dead-lettered", report.delivered, report.failed,
                         report.dead_lettered)
            if report.delivered + report.failed + report.dead_lettered < self.policy.batch_size:
                await asyncio.sleep(interval)


def delivery_from_settings(engine: Engine, http: aiohttp.ClientSession, url: str,
                           settings: Settings | None = None) -> OutboxDelivery:
    """A delivery worker with the OUTBOX_* settings."""
    return OutboxDelivery(engine, http, url, DeliveryPolicy.from_settings(settings or get_settings()))
