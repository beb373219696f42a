"""Proactive retention offers from the batch job, handed to the alert outbox in the batch's own transaction.

A product offer becomes an `offer` alert with its outbox message, which the push service forwards to
/api/v1/proactive (event "offer", data {"product_code", "reason"}). A fee refund or a senior case handler's call
cannot be pushed as a product, so it is kept as a `retention_followup` alert for the bank's team, with no push.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from assistant.alerts.models import Alert
from assistant.alerts.raising import raise_alert
from assistant.db import utcnow
from assistant.event_kinds import EventKind
from assistant.models.retention import ChurnRisk, RetentionOffer

OFFER_KIND = EventKind.offer
FOLLOW_UP_KIND = "retention_followup"


def dedup_key(customer_id: int, offer: RetentionOffer, day: date) -> str:
    """One retention alert per customer, offer and day, however often the batch runs."""
    return f"retention:{customer_id}:{offer.product_code or offer.kind}:{day.isoformat()}"


def queue_retention_offer(session: Session, customer_id: int, offer: RetentionOffer, risk: ChurnRisk) -> Alert | None:
    """Queue one retention offer (a RetentionOutbox for `batch.score_all`); None if it was queued already today.
    The caller commits."""
    key = dedup_key(customer_id, offer, utcnow().date())
    data = {"retention_kind": offer.kind, "title": offer.title, "detail": offer.detail, "risk": risk.risk,
            "reasons": list(offer.reasons or risk.reasons)}
    if offer.product_code is not None:
        return raise_alert(session, customer_id, OFFER_KIND, key, offer.title,
                           {**data, "product_code": offer.product_code}, score=risk.risk)
    if session.exec(select(Alert.id).where(Alert.dedup_key == key)).first() is not None:
        return None
    alert = Alert(customer_id=customer_id, kind=FOLLOW_UP_KIND, dedup_key=key, reason=offer.title, data=data,
                  score=risk.risk)
    session.add(alert)
    session.flush()
    return alert
