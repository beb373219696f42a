"""The feed's dead letters: records refused on arrival or when applied, listed and put back in the inbox on request."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from assistant.alerts.ingestion import validate
from assistant.alerts.records import RecordLimits
from assistant.db import utcnow
from assistant.feed.inbox import REASON_CHARS, put_in_inbox
from assistant.feed.models import FeedDeadLetter


def dead_letters(engine: Engine) -> list[FeedDeadLetter]:
    """Every dead letter, oldest first."""
    with Session(engine, expire_on_commit=False) as session:
        return list(session.exec(select(FeedDeadLetter).order_by(col(FeedDeadLetter.id))).all())


def retry_dead_letters(engine: Engine, ids: Sequence[int] | None = None,
                       limits: RecordLimits | None = None) -> list[int]:
    """Put dead letters (those with `ids`, or all when None) back in the inbox, checked again as of when they
    arrived (the limits may have changed); the ids put back. A record that still fails its check stays, with its
    reason brought up to date; one the inbox already has again is simply dropped from the dead letters."""
    statement = select(FeedDeadLetter).order_by(col(FeedDeadLetter.id))
    if ids is not None:
        statement = statement.where(col(FeedDeadLetter.id).in_(list(ids)))
    retried = []
    with Session(engine) as session:
        for letter in session.exec(statement).all():
            good, rejected = validate([letter.record], letter.source, limits, letter.received_at)
            if rejected:
                session.execute(update(FeedDeadLetter).where(FeedDeadLetter.id == letter.id)
                                .values(reason=rejected[0].reason[:REASON_CHARS], dead_at=utcnow()))
                continue
            put_in_inbox(session, engine, [good[0][1]], letter.received_at)
            session.execute(delete(FeedDeadLetter).where(FeedDeadLetter.id == letter.id))
            retried.append(letter.id)
        session.commit()
    return retried


def as_json(letter: FeedDeadLetter) -> dict[str, Any]:
    """What an operator needs to judge a dead letter; the record itself is left out (it names the customer's
    money), `record_fields` says which fields it had."""
    fields = sorted(letter.record) if isinstance(letter.record, dict) else None
    return {"id": letter.id, "stage": letter.stage, "source": letter.source, "transaction_id": letter.transaction_id,
            "received_at": letter.received_at.isoformat(), "dead_at": letter.dead_at.isoformat(),
            "reason": letter.reason, "record_fields": fields}
