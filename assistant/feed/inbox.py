"""Taking a batch into the feed's inbox: the well-formed records committed once each (by transaction id), the
malformed ones committed to the dead letters with their reasons, both in one transaction, before the feed answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlmodel import Session

from assistant.alerts.ingestion import Rejection, validate
from assistant.alerts.records import FeedRecord, RecordLimits
from assistant.db import utcnow
from assistant.feed.models import FeedDeadLetter, FeedInboxRecord

REASON_CHARS = 500
RECEIVED, APPLIED = "received", "applied"  # the stage at which a dead letter was refused


@dataclass(frozen=True)
class Refusal:
    """A record refused on arrival, and the dead letter that keeps it."""

    rejection: Rejection
    dead_letter_id: int

    def as_json(self) -> dict[str, Any]:
        """As the feed's answer lists it."""
        return {**self.rejection.as_json(), "dead_letter_id": self.dead_letter_id}


@dataclass
class Receipt:
    """What the inbox took from one batch: new records, records it already had, and refusals."""

    accepted: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The feed's 202 answer."""
        return {"accepted": self.accepted, "duplicates": self.duplicates,
                "rejected": [refusal.as_json() for refusal in self.refused],
                "counts": {"accepted": len(self.accepted), "duplicates": len(self.duplicates),
                           "rejected": len(self.refused)}}


def _insert_ignoring_known(engine: Engine):
    """INSERT ... ON CONFLICT DO NOTHING in this database's dialect."""
    dialect = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}[engine.dialect.name]
    return dialect(FeedInboxRecord).on_conflict_do_nothing(index_elements=["transaction_id"])


def inbox_row(record: FeedRecord, received_at: datetime) -> dict[str, Any]:
    """The inbox row of a checked record."""
    return {"transaction_id": record.transaction_id, "source": record.source, "customer_id": record.customer_id,
            "record": record.to_json(), "received_at": received_at, "attempts": 0, "last_error": ""}


def dead_letter(session: Session, stage: str, source: str, reason: str, record: Any, received_at: datetime,
                transaction_id: str | None = None, now: datetime | None = None) -> int:
    """Keep a refused record with its reason (not committed); the dead letter's id."""
    customer_id = record.get("customer_id") if isinstance(record, dict) else None
    letter = FeedDeadLetter(stage=stage, source=source, transaction_id=transaction_id, reason=reason[:REASON_CHARS],
                            customer_id=customer_id if isinstance(customer_id, int) else None, record=record,
                            received_at=received_at, dead_at=now or utcnow())
    session.add(letter)
    session.flush()
    return letter.id


def put_in_inbox(session: Session, engine: Engine, records: list[FeedRecord], received_at: datetime) -> set[str]:
    """Insert the records the inbox does not have yet (not committed); the transaction ids inserted."""
    if not records:
        return set()
    statement = _insert_ignoring_known(engine).values([inbox_row(record, received_at) for record in records])
    return set(session.execute(statement.returning(FeedInboxRecord.transaction_id)).scalars())


def receive(engine: Engine, raw_records: list[Any], source: str, limits: RecordLimits,
            now: datetime | None = None) -> Receipt:
    """Check a batch and commit it to the inbox and the dead letters in one transaction; what became of each."""
    now = now or utcnow()
    good, rejected = validate(raw_records, source, limits, now)
    receipt = Receipt()
    first_of_each: dict[str, FeedRecord] = {}
    for _, record in good:
        first_of_each.setdefault(record.transaction_id, record)
    with Session(engine) as session:
        # Writing first: on SQLite a transaction that starts with a write waits for the lock instead of failing.
        inserted = put_in_inbox(session, engine, list(first_of_each.values()), now)
        for rejection in rejected:
            letter = dead_letter(session, RECEIVED, source, rejection.reason, raw_records[rejection.index], now,
                                 rejection.transaction_id, now)
            receipt.refused.append(Refusal(rejection, letter))
        session.commit()
    seen: set[str] = set()
    for _, record in good:
        new = record.transaction_id in inserted and record.transaction_id not in seen
        (receipt.accepted if new else receipt.duplicates).append(record.transaction_id)
        seen.add(record.transaction_id)
    return receipt
