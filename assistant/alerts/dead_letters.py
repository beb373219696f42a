"""The outbox's dead letters: messages refused for good or given up on, listed and sent again on request."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from assistant.alerts.models import OutboxMessage
from assistant.db import utcnow


def dead_letters(engine: Engine) -> list[OutboxMessage]:
    """Every dead-lettered message, oldest first."""
    with Session(engine, expire_on_commit=False) as session:
        return list(session.exec(select(OutboxMessage).where(col(OutboxMessage.dead_at).is_not(None))
                                 .order_by(col(OutboxMessage.id))).all())


def retry_dead_letters(engine: Engine, ids: Sequence[int] | None = None, now: datetime | None = None) -> list[int]:
    """Put dead letters (those with `ids`, or all when None) back in the outbox, due now with a fresh count of
    attempts; the ids put back (an id that is not a dead letter is left alone)."""
    statement = update(OutboxMessage).where(col(OutboxMessage.dead_at).is_not(None))
    if ids is not None:
        statement = statement.where(col(OutboxMessage.id).in_(list(ids)))
    statement = statement.values(dead_at=None, dead_reason=None, attempts=0, next_attempt_at=now or utcnow(),
                                 claimed_by=None, lease_until=None).returning(OutboxMessage.id)
    with Session(engine) as session:
        retried = sorted(session.execute(statement).scalars())
        session.commit()
    return retried


def as_json(message: OutboxMessage) -> dict:
    """What an operator needs to judge a dead letter; the payload is left out (it names the customer's data)."""
    return {"id": message.id, "alert_id": message.alert_id, "event": message.payload.get("event"),
            "idempotency_key": message.idempotency_key, "attempts": message.attempts,
            "dead_at": message.dead_at.isoformat() if message.dead_at else None, "reason": message.dead_reason}
