"""Raising an alert: the alert row and its outbox message in one database transaction, once per dedup key."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from assistant.alerts.models import Alert, OutboxMessage


def idempotency_key(dedup_key: str) -> str:
    """The key the push service and the gateway use to drop repeats of one alert."""
    return "alert-" + hashlib.sha256(dedup_key.encode()).hexdigest()[:32]


def push_payload(alert: Alert, key: str) -> dict[str, Any]:
    """The body the push service forwards to /api/v1/proactive."""
    return {"customer_id": alert.customer_id, "event": alert.kind,
            "data": {**alert.data, "alert_id": alert.id, "reason": alert.reason}, "idempotency_key": key}


def raise_alert(session: Session, customer_id: int, kind: str, dedup_key: str, reason: str, data: dict[str, Any],
                transaction_id: int | None = None, score: float | None = None) -> Alert | None:
    """Write an alert and its outbox message (not committed); None when this dedup key was raised before."""
    if session.exec(select(Alert.id).where(Alert.dedup_key == dedup_key)).first() is not None:
        return None
    try:
        # A savepoint, so losing a race with another writer of the same alert leaves the caller's work intact.
        with session.begin_nested():
            alert = Alert(customer_id=customer_id, kind=kind, dedup_key=dedup_key, reason=reason, data=data,
                          transaction_id=transaction_id, score=score)
            session.add(alert)
            session.flush()
            key = idempotency_key(dedup_key)
            session.add(OutboxMessage(alert_id=alert.id, idempotency_key=key, payload=push_payload(alert, key)))
            session.flush()
    except IntegrityError:
        return None
    return alert
