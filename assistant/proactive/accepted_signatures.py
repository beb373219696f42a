"""Signatures already accepted, in the bank's database: a signed request is taken once, across restarts and
across several instances of a service (the proactive endpoint and the core-banking feed share the table)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from assistant.db import utcnow
from assistant.proactive.models import AcceptedSignature
from assistant.signing import MAX_AGE_SECONDS, MAX_FUTURE_SECONDS


class ReplayedRequest(Exception):
    """This exact signed request was accepted before."""


def remember_signature(session: Session, signature: str, timestamp: int) -> None:
    """Record an accepted signature in the session's transaction; ReplayedRequest when it was accepted before."""
    # Signatures older than the accepted window cannot come back (verify refuses them), so they can go.
    horizon = utcnow() - timedelta(seconds=MAX_AGE_SECONDS + MAX_FUTURE_SECONDS)
    session.exec(delete(AcceptedSignature).where(AcceptedSignature.signed_at < horizon))
    try:
        with session.begin_nested():
            session.add(AcceptedSignature(signature=signature,
                                          signed_at=datetime.fromtimestamp(timestamp, tz=timezone.utc)))
    except IntegrityError as exc:
        raise ReplayedRequest("this request was already accepted") from exc
