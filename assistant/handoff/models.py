"""Handoff tables: support agents, the tickets of chats handed to them, and agents' private notes."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any, Optional

from sqlalchemy import JSON, Column, Index, Text, text
from sqlmodel import Field, SQLModel

from assistant.db import UTCDateTime, utcnow


def _utc_column(**kwargs: Any) -> Any:
    return Field(sa_column=Column(UTCDateTime(), **kwargs))


class TicketStatus(str, Enum):
    queued = "queued"
    assigned = "assigned"
    resolved = "resolved"


OPEN_STATUSES = (TicketStatus.queued, TicketStatus.assigned)


class Agent(SQLModel, table=True):
    """A support agent who signs in to the console."""

    id: Optional[int] = Field(default=None, primary_key=True)
    email: str = Field(unique=True, index=True)
    display_name: str
    password_hash: str
    created_at: datetime = _utc_column(nullable=False, default=utcnow)
    # Set when the bank disables the agent: from then on none of their sign-ins is accepted.
    disabled_at: Optional[datetime] = _utc_column(nullable=True)


class HandoffTicket(SQLModel, table=True):
    """A customer's chat waiting for, or taken over by, a support agent."""

    __table_args__ = (
        # At most one open ticket per conversation: opening twice finds the first (see tickets.open_ticket).
        Index("uq_handoffticket_open_conversation", "conversation_ref", unique=True,
              sqlite_where=text("status != 'resolved'"), postgresql_where=text("status != 'resolved'")),
        Index("ix_handoffticket_status_opened", "status", "opened_at"),
        # Every chat message looks up its conversation's open ticket; a partial index alone is not always chosen.
        Index("ix_handoffticket_conversation", "conversation_ref"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    conversation_ref: str
    customer_id: int = Field(foreign_key="customer.id", index=True)
    reason: str
    summary: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    recent_alerts: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))  # JSON list
    churn_risk: Optional[float] = None  # filled in by the churn model once it exists
    status: TicketStatus = TicketStatus.queued
    agent_id: Optional[int] = Field(default=None, foreign_key="agent.id", index=True)
    opened_at: datetime = _utc_column(nullable=False, default=utcnow)
    claimed_at: Optional[datetime] = _utc_column(nullable=True)
    resolved_at: Optional[datetime] = _utc_column(nullable=True)


class AgentNote(SQLModel, table=True):
    """A private note an agent keeps on a ticket; customers never see it."""

    id: Optional[int] = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="handoffticket.id", index=True)
    agent_id: int = Field(foreign_key="agent.id")
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = _utc_column(nullable=False, default=utcnow)


class TicketChurnRisk(SQLModel, table=True):
    """The churn risk and its reasons when a chat was handed off, or why it could not be scored."""

    ticket_id: int = Field(foreign_key="handoffticket.id", primary_key=True)
    scored: bool
    risk: Optional[float] = None
    at_risk: bool = False
    reasons: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    note: str = ""  # why it was not scored, in a sentence for the agent
    model_version: str = ""
    scored_at: datetime = _utc_column(nullable=False, default=utcnow)
