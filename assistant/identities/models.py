"""Links from sign-ins at the bank's identity provider (issuer and subject) to bank customers and support agents."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from assistant.db import UTCDateTime, utcnow


class CustomerIdentity(SQLModel, table=True):
    """A sign-in at the identity provider that stands for one bank customer (a customer may have several)."""

    __table_args__ = (UniqueConstraint("issuer", "subject", name="uq_customeridentity_issuer_subject"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    issuer: str
    subject: str
    customer_id: int = Field(foreign_key="customer.id", index=True)
    linked_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, default=utcnow))


class AgentIdentity(SQLModel, table=True):
    """A sign-in at the identity provider that stands for one support agent."""

    __table_args__ = (UniqueConstraint("issuer", "subject", name="uq_agentidentity_issuer_subject"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    issuer: str
    subject: str
    agent_id: int = Field(foreign_key="agent.id", index=True)
    linked_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, default=utcnow))
