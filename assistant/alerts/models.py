"""Alert tables: the alerts raised, the outbox that delivers them, and customers' answers to them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from assistant.db import UTCDateTime, utcnow
from assistant.event_kinds import EventKind

AlertKind = EventKind  # the alerts' name for the shared list of event kinds (assistant/event_kinds.py)


def _utc_column(**kwargs: Any) -> Any:
    return Field(sa_column=Column(UTCDateTime(), **kwargs))


class Alert(SQLModel, table=True):
    """One warning for one customer; dedup_key makes it one per transaction or per bill cycle."""

    __table_args__ = (Index("ix_alert_customer_created", "customer_id", "created_at"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id")
    kind: str
    dedup_key: str = Field(unique=True)
    transaction_id: Optional[int] = Field(default=None, foreign_key="transaction.id")
    reason: str
    score: Optional[float] = None
    data: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = _utc_column(nullable=False, default=utcnow)


class OutboxMessage(SQLModel, table=True):
    """A push to deliver, written in the same database transaction as its alert; delivered at least once.

    A worker claims a message by writing its name in `claimed_by` and a lease end in `lease_until`; a lease that
    ran out (the worker died) lets another worker take the message. A message that failed for good, or too often,
    is dead-lettered (`dead_at`, `dead_reason`) and waits for `alerts dead-letters --retry`. The columns added
    after the first release are nullable so existing databases gain them (assistant.db._add_new_columns)."""

    __table_args__ = (Index("ix_outboxmessage_pending", "delivered_at", "next_attempt_at"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    alert_id: int = Field(foreign_key="alert.id", unique=True)
    idempotency_key: str = Field(unique=True)
    payload: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    attempts: int = 0
    last_error: str = ""
    next_attempt_at: datetime = _utc_column(nullable=False, default=utcnow)
    delivered_at: Optional[datetime] = _utc_column(nullable=True)
    claimed_by: Optional[str] = None
    lease_until: Optional[datetime] = _utc_column(nullable=True)
    dead_at: Optional[datetime] = _utc_column(nullable=True)
    dead_reason: Optional[str] = None


class AlertAnswer(SQLModel, table=True):
    """A customer's answer to "was this you?" about an alert (the latest answer counts)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    alert_id: int = Field(foreign_key="alert.id", index=True)
    customer_id: int = Field(foreign_key="customer.id")
    was_customer: bool
    answered_at: datetime = _utc_column(nullable=False, default=utcnow)
