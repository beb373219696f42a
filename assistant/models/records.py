"""The models' own records: offers shown to customers and what they said, and the last churn scores."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from assistant.db import UTCDateTime, utcnow


class OfferEvent(SQLModel, table=True):
    """An offer shown to (or queued for) a customer, or their answer to it."""

    __table_args__ = (Index("ix_offerevent_customer_at", "customer_id", "at"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id")
    product_code: Optional[str] = Field(default=None, foreign_key="product.code")  # None: not a product (a refund)
    event: str  # shown | accepted | declined | queued
    unsolicited: bool = False  # raised by the bank rather than asked for by the customer
    context: str = ""  # recommend | after_skill | retention | batch
    reasons: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class ChurnScore(SQLModel, table=True):
    """A customer's churn risk from the last batch scoring, with its reasons, for the agent console."""

    customer_id: int = Field(foreign_key="customer.id", primary_key=True)
    risk: float
    reasons: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    model_version: str
    scored_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
