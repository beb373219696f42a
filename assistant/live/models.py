"""The table of messages pushed to customers' live channels, each with its conversation's sequence number."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from assistant.db import UTCDateTime, utcnow


class LiveMessage(SQLModel, table=True):
    """One frame pushed to a conversation's live channel: stored first, then sent, and replayed on reconnect."""

    __table_args__ = (UniqueConstraint("conversation", "seq", name="uq_live_message_conversation_seq"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    # The conversation's internal reference (as tickets keep it), never the customer id or the Rasa sender id.
    conversation: str = Field(index=True)
    seq: int
    frame: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, default=utcnow))
