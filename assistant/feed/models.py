"""The feed's tables: the inbox every accepted record is committed to before the feed answers, and the dead letters
of records that were refused (on arrival, or when applied), each with its reason."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from assistant.db import UTCDateTime, utcnow


def _utc_column(**kwargs: Any) -> Any:
    return Field(sa_column=Column(UTCDateTime(), **kwargs))


class FeedInboxRecord(SQLModel, table=True):
    """One record the feed accepted, keyed by its transaction id (so a record sent twice is recognised), until a
    worker applies it through ingestion.

    A worker claims rows with a lease (`claimed_by`, `lease_until`: assistant/leases.py) and marks a row applied
    (`applied_at`, `outcome`) in the same database transaction as the posting; a row refused when applied moves to
    the dead letters in that transaction. Applied rows stay, so a later resend is still recognised at the door.
    """

    __tablename__ = "feedinbox"
    __table_args__ = (Index("ix_feedinbox_pending", "applied_at", "id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    transaction_id: str = Field(unique=True, max_length=64)
    source: str
    customer_id: Optional[int] = None  # as the record says (not a foreign key: an unknown customer is a refusal)
    record: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    received_at: datetime = _utc_column(nullable=False, default=utcnow)
    attempts: int = 0
    last_error: str = ""
    claimed_by: Optional[str] = None
    lease_until: Optional[datetime] = _utc_column(nullable=True)
    applied_at: Optional[datetime] = _utc_column(nullable=True)
    outcome: Optional[str] = None  # "booked", or "duplicate" when the transaction was booked before


class FeedDeadLetter(SQLModel, table=True):
    """A record the feed could not take (`stage` "received": `validate` refused it) or could not apply (`stage`
    "applied": unknown account, ownership, currency, too many failed attempts), kept as it came with the reason,
    until an operator retries it (`python -m assistant feed dead-letters --retry`)."""

    __tablename__ = "feeddeadletter"

    id: Optional[int] = Field(default=None, primary_key=True)
    stage: str
    source: str
    transaction_id: Optional[str] = Field(default=None, index=True)
    customer_id: Optional[int] = None
    reason: str
    record: Any = Field(default=None, sa_column=Column(JSON, nullable=True))  # any JSON: a malformed record may be
    received_at: datetime = _utc_column(nullable=False, default=utcnow)
    dead_at: datetime = _utc_column(nullable=False, default=utcnow)
