"""Numbering and replaying a conversation's live messages: the table is the record, the socket only a wake-up."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from assistant.live.models import LiveMessage

# Two gateways numbering the same conversation at once collide on the unique (conversation, seq); the loser retries.
ALLOCATION_ATTEMPTS = 10
REPLAY_LIMIT = 200


class SequenceContended(Exception):
    """Could not number a message: other writers kept taking the next number."""


def record(engine: Engine, conversation: str, frame: dict[str, Any]) -> dict[str, Any]:
    """Store a frame as the conversation's next message; the frame with its `seq`, ready to send."""
    for _ in range(ALLOCATION_ATTEMPTS):
        with Session(engine) as db:
            latest = db.exec(select(func.max(LiveMessage.seq)).where(LiveMessage.conversation == conversation)).one()
            seq = (latest or 0) + 1
            numbered = {**frame, "seq": seq}
            db.add(LiveMessage(conversation=conversation, seq=seq, frame=numbered))
            try:
                db.commit()
            except IntegrityError:
                db.rollback()
                continue
            return numbered
    raise SequenceContended(conversation)


def latest_seq(engine: Engine, conversation: str) -> int:
    """The sequence number of the conversation's last live message (0 before the first)."""
    with Session(engine) as db:
        latest = db.exec(select(func.max(LiveMessage.seq)).where(LiveMessage.conversation == conversation)).one()
    return latest or 0


def after(engine: Engine, conversation: str, seq: int, limit: int = REPLAY_LIMIT) -> list[dict[str, Any]]:
    """The conversation's live messages numbered above `seq`, oldest first (at most `limit`)."""
    with Session(engine) as db:
        rows = db.exec(select(LiveMessage).where(LiveMessage.conversation == conversation, LiveMessage.seq > seq)
                       .order_by(LiveMessage.seq).limit(limit)).all()
    return [dict(row.frame) for row in rows]
