"""Ingesting feed records: store each new transaction once (audited with its feed source), score card payments,
raise alerts to the outbox."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from assistant.alerts.features import is_card_payment
from assistant.alerts.histories import ScorerPool
from assistant.alerts.models import AlertKind
from assistant.alerts.raising import raise_alert
from assistant.alerts.records import FeedRecord, InvalidRecord, RecordLimits, parse_record
from assistant.bank import audit, ledger
from assistant.bank.models import Account, Card, Transaction
from assistant.db import utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rejection:
    """A record the feed sent that was not ingested, and why."""

    index: int
    transaction_id: str | None
    reason: str

    def as_json(self) -> dict[str, Any]:
        """The rejection as the feed's JSON answer reports it."""
        return {"index": self.index, "transaction_id": self.transaction_id, "reason": self.reason}


@dataclass
class IngestResult:
    """What happened to a batch of records."""

    accepted: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    alerts: list[int] = field(default_factory=list)


def validate(raw_records: list[Any], source: str | None, limits: RecordLimits | None = None,
             now: datetime | None = None) -> tuple[list[tuple[int, FeedRecord]], list[Rejection]]:
    """Parse every raw record: the well-formed ones with their positions, and a reason for each other one.

    `source` names the feed they came from; None when each record carries its own (off the transaction queue).
    """
    good, rejected = [], []
    now = now or datetime.now(timezone.utc)
    for index, raw in enumerate(raw_records):
        try:
            good.append((index, parse_record(raw, source, limits, now)))
        except InvalidRecord as problem:
            transaction_id = raw.get("transaction_id") if isinstance(raw, dict) else None
            rejected.append(Rejection(index, transaction_id if isinstance(transaction_id, str) else None,
                                      str(problem)))
    return good, rejected


def _ownership_problem(session: Session, record: FeedRecord) -> str | None:
    account = session.get(Account, record.account_id)
    if account is None or account.customer_id != record.customer_id:
        return f"account {record.account_id} is not an account of customer {record.customer_id}"
    if record.currency != account.currency:
        return f"currency {record.currency} does not match the account's {account.currency}"
    if record.card_id is not None:
        card = session.get(Card, record.card_id)
        if card is None or card.account_id != account.id:
            return f"card {record.card_id} is not a card on account {record.account_id}"
    return None


def feed_actor(source: str) -> str:
    """The audit log's actor for a balance change a feed source made."""
    return f"feed:{source}"


def _store(session: Session, record: FeedRecord) -> Transaction | None:
    """Book the record and move the account's balance through the ledger; None when it was booked before."""
    if session.exec(select(Transaction.id).where(Transaction.external_id == record.transaction_id)).first():
        return None
    try:
        with session.begin_nested():
            posting = ledger.post(session, record.account_id, record.amount_minor, record.currency,
                                  f"feed:{record.transaction_id}", utcnow())
            if not posting.applied:  # another writer posted it between our check and our lock
                return None
            transaction = Transaction(
                external_id=record.transaction_id, customer_id=record.customer_id, account_id=record.account_id,
                card_id=record.card_id, booked_at=record.booked_at, amount_minor=record.amount_minor,
                currency=record.currency, merchant=record.merchant, category=record.category, channel=record.channel,
                country=record.country, description=record.description,
                balance_after_minor=posting.balance_after_minor)
            session.add(transaction)
            session.flush()
            audit.record(session, feed_actor(record.source), "transaction.booked", "transaction", transaction.id,
                         source=record.source, external_id=record.transaction_id, account_id=record.account_id,
                         amount_minor=record.amount_minor, balance_after_minor=posting.balance_after_minor)
    except IntegrityError:  # another writer booked the same id between our check and our insert
        return None
    return transaction


def _alert_if_unusual(session: Session, pool: ScorerPool, transaction: Transaction) -> int | None:
    score = pool.score(session, transaction)
    if not score.unusual:
        return None
    alert = raise_alert(session, transaction.customer_id, AlertKind.unusual_purchase,
                        f"unusual_purchase:{transaction.external_id}", score.reason,
                        {"transaction_id": transaction.external_id}, transaction.id, round(score.value, 4))
    return alert.id if alert else None


def ingest(session: Session, records: list[tuple[int, FeedRecord]], pool: ScorerPool) -> IngestResult:
    """Book new records (idempotent on transaction id), score card payments, raise alerts; commits once."""
    result = IngestResult()
    # The batch's accounts are locked up front, in id order: locked one record at a time, two batches (or a batch
    # and a transfer) taking the same accounts in another order would deadlock. On SQLite this takes the write lock.
    ledger.lock_accounts(session, (record.account_id for _, record in records))
    for index, record in records:
        problem = _ownership_problem(session, record)
        if problem:
            result.rejected.append(Rejection(index, record.transaction_id, problem))
            continue
        transaction = _store(session, record)
        if transaction is None:
            result.duplicates.append(record.transaction_id)
            continue
        result.accepted.append(record.transaction_id)
        if is_card_payment(record.amount_minor, record.channel, record.card_id):
            alert_id = _alert_if_unusual(session, pool, transaction)
            if alert_id is not None:
                result.alerts.append(alert_id)
    session.commit()
    return result
