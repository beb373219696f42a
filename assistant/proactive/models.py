"""Proactive message records: one delivery per idempotency key, and the signatures already accepted."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from assistant.db import UTCDateTime


def _utc_column(**kwargs: Any) -> Any:
    return Field(sa_column=Column(UTCDateTime(), **kwargs))


class ProactiveDelivery(SQLModel, table=True):
    """A proactive message accepted for a customer; its key makes the push service's retries send it once."""

    idempotency_key: str = Field(primary_key=True, max_length=200)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    event: str
    notification: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = "sending"  # sending | sent
    delivered_live: bool = False
    created_at: datetime = _utc_column(nullable=False)


class AcceptedSignature(SQLModel, table=True):
    """A request signature already accepted; the same signature again is a replay."""

    signature: str = Field(primary_key=True, max_length=80)
    signed_at: datetime = _utc_column(nullable=False, index=True)
