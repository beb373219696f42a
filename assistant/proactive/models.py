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
    """A proactive message accepted for a customer under its idempotency key (Stripe's model of keys).

    While `sending`, the attempt holding `lease_token` runs it until `lease_until`; once that has passed (the holder
    died) a retry takes a new lease and runs it again. Once `sent`, `response_status` and `response` are the first
    complete response, replayed for the same key and request; the key expires `created_at` + the keys' TTL.
    """

    idempotency_key: str = Field(primary_key=True, max_length=200)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    event: str
    notification: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = "sending"  # sending | sent
    delivered_live: bool = False
    created_at: datetime = _utc_column(nullable=False, index=True)
    # Nullable so that create_schema can add them to a table made before keys had leases and stored responses.
    request_hash: str | None = Field(default=None, max_length=64)
    lease_token: str | None = Field(default=None, max_length=32)
    lease_until: datetime | None = _utc_column(nullable=True)
    response_status: int | None = None
    response: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class AcceptedSignature(SQLModel, table=True):
    """A request signature already accepted; the same signature again is a replay."""

    signature: str = Field(primary_key=True, max_length=80)
    signed_at: datetime = _utc_column(nullable=False, index=True)
