"""Draining the feed's inbox: claim a batch with a lease, apply it through ingestion, and in the same database
transaction mark each record applied or move it to the dead letters with the reason.

A worker killed mid-batch loses nothing: its transaction never committed, so its rows are still pending and, once
its lease has run out, another worker (or the same one restarted) claims them. Booking is idempotent on the
transaction id besides, so a record applied twice would still be booked once.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, col

from assistant.alerts.histories import ScorerPool
from assistant.alerts.ingestion import ingest
from assistant.alerts.records import FeedRecord, InvalidRecord, RecordLimits, parse_record
from assistant.db import database_unreachable, utcnow
from assistant.feed.inbox import APPLIED, REASON_CHARS, dead_letter
from assistant.feed.models import FeedInboxRecord
from assistant.feed.wakeup import Wakeup
from assistant.leases import claim, worker_name
from assistant.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DrainPolicy:
    """How long a claim lasts, how many records to claim at once, and how often a failing record is tried."""

    lease: timedelta = timedelta(seconds=60)
    batch_size: int = 200
    max_attempts: int = 5
    retry_after: timedelta = timedelta(seconds=5)

    def __post_init__(self) -> None:
        if self.lease <= timedelta(0) or self.batch_size < 1 or self.max_attempts < 1:
            raise ValueError("the feed inbox needs FEED_INBOX_LEASE_SECONDS > 0, FEED_INBOX_BATCH_SIZE >= 1 and "
                             "FEED_INBOX_MAX_ATTEMPTS >= 1")

    @classmethod
    def from_settings(cls, settings: Settings) -> "DrainPolicy":
        """The policy the FEED_INBOX_* settings describe."""
        return cls(lease=timedelta(seconds=settings.feed_inbox_lease_seconds),
                   batch_size=settings.feed_inbox_batch_size, max_attempts=settings.feed_inbox_max_attempts)


@dataclass
class DrainReport:
    """What one pass over the inbox did."""

    claimed: int = 0
    booked: int = 0
    duplicates: int = 0
    dead_lettered: int = 0
    failed: int = 0

    def add(self, other: "DrainReport") -> None:
        """Count another report's records in this one (claims excepted)."""
        self.booked += other.booked
        self.duplicates += other.duplicates
        self.dead_lettered += other.dead_lettered
        self.failed += other.failed


def pending() -> tuple[Any, ...]:
    """The condition of an inbox row still to be applied."""
    return (col(FeedInboxRecord.applied_at).is_(None),)


class InboxDrain:
    """Applies the feed inbox through ingestion, one claimed batch at a time."""

    def __init__(self, engine: Engine, pool: ScorerPool, limits: RecordLimits | None = None,
                 policy: DrainPolicy | None = None, worker: str | None = None) -> None:
        self.engine = engine
        self.pool = pool
        self.limits = limits or RecordLimits()
        self.policy = policy or DrainPolicy()
        self.worker = worker or worker_name()
        self._lock = asyncio.Lock()  # the scorer's in-memory histories are not shared between threads

    def drain_once(self, now: datetime | None = None) -> DrainReport:
        """Claim a batch and apply it; a batch that fails is applied record by record, so one bad record holds up
        only itself (tried again after `retry_after`, dead-lettered after `max_attempts`)."""
        now = now or utcnow()
        ids = claim(self.engine, FeedInboxRecord, self.worker, now, self.policy.lease, self.policy.batch_size,
                    *pending(), attempts=FeedInboxRecord.attempts + 1)
        report = DrainReport(claimed=len(ids))
        if not ids:
            return report
        try:
            report.add(self._apply(ids))
        except Exception as exc:
            if len(ids) == 1 or database_unreachable(exc):
                raise
            log.exception("feed inbox: a batch of %s failed; applying its records one by one", len(ids))
            for one in ids:
                report.add(self._apply_alone(one))
        return report

    def _apply_alone(self, row_id: int) -> DrainReport:
        try:
            return self._apply([row_id])
        except Exception as exc:
            if database_unreachable(exc):
                raise  # the database went away: nothing to hold against the record
            return self._failed(row_id, exc)

    def _apply(self, ids: list[int]) -> DrainReport:
        """Apply the claimed rows still ours in one transaction: postings, alerts, and each row's fate."""
        report = DrainReport()
        now = utcnow()
        with self.engine.connect() as connection, connection.begin():
            rows = self._take(connection, ids)
            if not rows:
                return report
            # The session joins the connection's transaction: ingest's commit does not end it, so the postings and
            # what becomes of each inbox row commit together, or not at all.
            with Session(bind=connection, expire_on_commit=False) as session:
                parsed, refusals = self._parse(rows)
                result = ingest(session, [(index, record) for index, record in parsed], self.pool)
                refusals.update({rejection.index: rejection.reason for rejection in result.rejected})
                for index, reason in sorted(refusals.items()):
                    self._dead_letter(session, rows[index], reason, now)
                booked, duplicates = set(result.accepted), set(result.duplicates)
                for outcome, wanted in (("booked", booked), ("duplicate", duplicates)):
                    applied = [row.id for index, row in enumerate(rows)
                               if index not in refusals and row.transaction_id in wanted]
                    if applied:
                        session.execute(update(FeedInboxRecord).where(col(FeedInboxRecord.id).in_(applied))
                                        .values(applied_at=now, outcome=outcome, claimed_by=None, lease_until=None,
                                                last_error=""))
                session.commit()
        report.booked, report.duplicates, report.dead_lettered = len(booked), len(duplicates), len(refusals)
        return report

    def _take(self, connection: Connection, ids: list[int]) -> list[Any]:
        """The rows of `ids` this worker still holds, locked until the transaction ends; a write first, so SQLite
        takes its write lock now (waiting for it) rather than failing on a later upgrade."""
        statement = (update(FeedInboxRecord)
                     .where(col(FeedInboxRecord.id).in_(ids), FeedInboxRecord.claimed_by == self.worker, *pending())
                     .values(claimed_by=self.worker)
                     .returning(FeedInboxRecord.id, FeedInboxRecord.transaction_id, FeedInboxRecord.source,
                                FeedInboxRecord.record, FeedInboxRecord.received_at, FeedInboxRecord.attempts))
        return sorted(connection.execute(statement).all(), key=lambda row: row.id)

    def _parse(self, rows: list[Any]) -> tuple[list[tuple[int, FeedRecord]], dict[int, str]]:
        """Each row's record, checked as of when it arrived (a record that waited is not too old because it waited);
        a reason for each row that cannot be applied at all."""
        parsed, refusals = [], {}
        for index, row in enumerate(rows):
            if row.attempts > self.policy.max_attempts:
                refusals[index] = f"gave up after {row.attempts - 1} attempts"
                continue
            try:
                parsed.append((index, parse_record(row.record, None, self.limits, row.received_at)))
            except InvalidRecord as problem:
                refusals[index] = str(problem)
        return parsed, refusals

    def _dead_letter(self, session: Session, row: Any, reason: str, now: datetime) -> None:
        dead_letter(session, APPLIED, row.source, reason, row.record, row.received_at, row.transaction_id, now)
        session.execute(delete(FeedInboxRecord).where(FeedInboxRecord.id == row.id))

    def _failed(self, row_id: int, problem: Exception) -> DrainReport:
        """Give a record's claim back after it failed on its own, to be tried again after `retry_after`."""
        log.warning("feed inbox: record %s failed: %s", row_id, problem.__class__.__name__)
        error = f"{problem.__class__.__name__}: {problem}"[:REASON_CHARS]
        with Session(self.engine) as session:
            session.execute(update(FeedInboxRecord)
                            .where(FeedInboxRecord.id == row_id, FeedInboxRecord.claimed_by == self.worker)
                            .values(claimed_by=None, lease_until=utcnow() + self.policy.retry_after,
                                    last_error=error))
            session.commit()
        return DrainReport(failed=1)

    async def drain(self) -> DrainReport:
        """Drain until a pass finds less than a full batch; the sum of the passes."""
        total = DrainReport()
        while True:
            async with self._lock:
                report = await asyncio.to_thread(self.drain_once)
            total.claimed += report.claimed
            total.add(report)
            if report.claimed < self.policy.batch_size:
                return total

    async def run_forever(self, interval: float, wakeup: Wakeup | None = None) -> None:
        """Drain whenever woken (a batch arrived) and at least every `interval` seconds, until cancelled."""
        while True:
            try:
                report = await self.drain()
                if report.claimed:
                    log.info("feed inbox: %s booked, %s duplicates, %s dead-lettered, %s failed", report.booked,
                             report.duplicates, report.dead_lettered, report.failed)
            except Exception as exc:
                # The database is away (restarting, connection cut, SQLite busy): what this pass claimed waits out
                # its lease. Anything else is logged, and the worker carries on with the next pass.
                if database_unreachable(exc):
                    log.warning("feed inbox: database error, trying again in %s s: %s", interval,
                                exc.__class__.__name__)
                else:
                    log.exception("feed inbox: a pass failed; trying again in %s s", interval)
            if wakeup is None:
                await asyncio.sleep(interval)
            else:
                await wakeup.wait(interval)
