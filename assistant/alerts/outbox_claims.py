"""The outbox's claims: which worker may send which message, for how long, and what became of each attempt.

A worker claims a batch of due messages with a lease (assistant/leases.py: `FOR UPDATE SKIP LOCKED` on
PostgreSQL, a conditional update on SQLite), so concurrent workers take disjoint batches. Before
each send the worker renews its lease and counts the attempt, again conditionally: if its lease ran out and
another worker took the message over, it does not send. A killed worker's claims simply expire.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from assistant.alerts.models import OutboxMessage
from assistant.leases import claim

_REASON_CHARS = 500


def claim_due(engine: Engine, worker: str, now: datetime, lease: timedelta, limit: int) -> list[OutboxMessage]:
    """Claim up to `limit` due messages for `worker` until now + lease, oldest first; the messages claimed."""
    ids = claim(engine, OutboxMessage, worker, now, lease, limit, col(OutboxMessage.delivered_at).is_(None),
                col(OutboxMessage.dead_at).is_(None), OutboxMessage.next_attempt_at <= now)
    if not ids:
        return []
    with Session(engine, expire_on_commit=False) as session:
        return list(session.exec(select(OutboxMessage).where(col(OutboxMessage.id).in_(ids))
                                 .order_by(col(OutboxMessage.id))).all())


def begin_attempt(engine: Engine, message_id: int, worker: str, now: datetime, lease: timedelta) -> int | None:
    """Renew the worker's lease on a message and count one attempt; the attempt's number, or None when the
    message is no longer this worker's to send (taken over, delivered or dead-lettered meanwhile)."""
    statement = (update(OutboxMessage)
                 .where(OutboxMessage.id == message_id, OutboxMessage.claimed_by == worker,
                        col(OutboxMessage.delivered_at).is_(None), col(OutboxMessage.dead_at).is_(None))
                 .values(attempts=OutboxMessage.attempts + 1, lease_until=now + lease)
                 .returning(OutboxMessage.attempts))
    with Session(engine) as session:
        attempts = session.execute(statement).scalar_one_or_none()
        session.commit()
    return attempts


def mark_delivered(engine: Engine, message_id: int, now: datetime) -> None:
    """The push service took the message: it is done, whoever holds the claim now."""
    with Session(engine) as session:
        session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id)
                        .values(delivered_at=now, claimed_by=None, lease_until=None, last_error=""))
        session.commit()


def reschedule(engine: Engine, message_id: int, worker: str, error: str, next_attempt_at: datetime) -> bool:
    """Give the claim back after a failed attempt, to be tried again at `next_attempt_at`; False if it was not
    this worker's any more."""
    return _release(engine, message_id, worker, last_error=error[:_REASON_CHARS], next_attempt_at=next_attempt_at)


def dead_letter(engine: Engine, message_id: int, worker: str, reason: str, now: datetime) -> bool:
    """Stop trying a message and keep it, with the reason, for `alerts dead-letters`; False if it was not this
    worker's any more."""
    return _release(engine, message_id, worker, last_error=reason[:_REASON_CHARS], dead_reason=reason[:_REASON_CHARS],
                    dead_at=now)


def _release(engine: Engine, message_id: int, worker: str, **values) -> bool:
    with Session(engine) as session:
        result = session.execute(update(OutboxMessage)
                                 .where(OutboxMessage.id == message_id, OutboxMessage.claimed_by == worker,
                                        col(OutboxMessage.delivered_at).is_(None))
                                 .values(claimed_by=None, lease_until=None, **values))
        session.commit()
    return result.rowcount == 1
