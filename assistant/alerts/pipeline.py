"""The ingestion pipeline a process runs: a scorer pool and a consumer that books and scores queued records."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from assistant.alerts.calibration import NotCalibrated, alert_threshold
from assistant.alerts.histories import ScorerPool
from assistant.alerts.ingestion import IngestResult, ingest, validate
from assistant.alerts.records import RecordLimits
from assistant.alerts.scorer import UnusualPurchaseScorer
from assistant.settings import Settings

log = logging.getLogger(__name__)


def make_pool(settings: Settings) -> ScorerPool:
    """A scorer pool with the configured or calibrated threshold (never alerting when there is neither)."""
    try:
        threshold = alert_threshold(settings)
    except NotCalibrated as problem:
        log.error("unusual-purchase alerts are off: %s", problem)
        threshold = float("inf")
    return ScorerPool(UnusualPurchaseScorer(threshold=threshold, history_size=settings.alert_history_size,
                                            half_precision=settings.alert_half_precision))


def _sqlite_busy(problem: BaseException) -> bool:
    return isinstance(problem, OperationalError) and "database is locked" in str(problem)


class IngestionPipeline:
    """Books and scores batches of raw feed records against one database, one batch at a time."""

    def __init__(self, engine: Engine, pool: ScorerPool, limits: RecordLimits | None = None) -> None:
        self.engine = engine
        self.pool = pool
        self.limits = limits or RecordLimits()
        self._lock = asyncio.Lock()  # the scorer's in-memory histories are not shared between threads

    def _ingest(self, records: list[Any], source: str | None) -> IngestResult:
        good, rejected = validate(records, source, self.limits)
        # SQLite refuses at once (no waiting) a transaction that read before another connection wrote, e.g. the
        # feed remembering a request's signature; booking is idempotent, so the batch is simply tried again.
        for attempt in Retrying(retry=retry_if_exception(_sqlite_busy), stop=stop_after_attempt(5),
                                wait=wait_exponential(multiplier=0.05, max=1), reraise=True):
            with attempt, Session(self.engine, expire_on_commit=False) as session:
                result = ingest(session, good, self.pool)
        result.rejected = rejected + result.rejected
        return result

    async def handle(self, records: list[Any], source: str | None = None) -> IngestResult:
        """Ingest one batch in a worker thread; rejections are logged (the feed already answered).

        Records off the transaction queue carry their feed source; records from elsewhere (a file) are given one.
        """
        async with self._lock:
            result = await asyncio.to_thread(self._ingest, records, source)
        for rejection in result.rejected:
            log.warning("feed record %s refused: %s", rejection.transaction_id, rejection.reason)
        if result.alerts:
            log.info("raised %s alerts from %s new transactions", len(result.alerts), len(result.accepted))
        return result
