"""Offer events (shown, accepted, declined, queued) and the contact policy for offers nobody asked for."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from assistant.db import utcnow
from assistant.models.records import OfferEvent
from assistant.settings import get_settings

ANSWERS = ("accepted", "declined")
# How long an offer stays open for the customer's answer.
ANSWER_WINDOW = timedelta(days=30)


class OfferNotShown(LookupError):
    """The customer was not shown that offer recently, so there is nothing to accept or decline."""


def record_event(session: Session, customer_id: int, product_code: str | None, event: str, *, unsolicited: bool = False,
                 context: str = "", reasons: list[str] | None = None, now: datetime | None = None) -> OfferEvent:
    """Add an offer event to the session (the caller commits)."""
    row = OfferEvent(customer_id=customer_id, product_code=product_code, event=event, unsolicited=unsolicited,
                     context=context, reasons=list(reasons or []), at=now or utcnow())
    session.add(row)
    session.flush()
    return row


def last_unsolicited(session: Session, customer_id: int) -> datetime | None:
    """When the bank last put an offer to the customer unasked (shown in a chat or queued to send)."""
    row = session.exec(select(OfferEvent.at).where(OfferEvent.customer_id == customer_id, OfferEvent.unsolicited,
                                                   OfferEvent.event.in_(("shown", "queued")))
                       .order_by(OfferEvent.at.desc()).limit(1)).first()
    return row


def may_contact(session: Session, customer_id: int, now: datetime | None = None) -> bool:
    """Whether an unsolicited offer is allowed now: at most one every OFFER_CONTACT_GAP_DAYS days."""
    last = last_unsolicited(session, customer_id)
    gap = timedelta(days=get_settings().offer_contact_gap_days)
    return last is None or (now or utcnow()) - last >= gap


def last_shown(session: Session, customer_id: int, product_code: str | None = None) -> OfferEvent | None:
    """The latest offer shown to the customer (of one product, if given); of several shown together, the first."""
    query = select(OfferEvent).where(OfferEvent.customer_id == customer_id, OfferEvent.event == "shown")
    if product_code is not None:
        query = query.where(OfferEvent.product_code == product_code)
    return session.exec(query.order_by(OfferEvent.at.desc(), OfferEvent.id).limit(1)).first()


def answer_offer(session: Session, customer_id: int, product_code: str, accepted: bool,
                 now: datetime | None = None) -> OfferEvent:
    """Record the customer's answer to an offer they were shown in the last 30 days; OfferNotShown otherwise."""
    now = now or utcnow()
    shown = last_shown(session, customer_id, product_code)
    if shown is None or now - shown.at > ANSWER_WINDOW:
        raise OfferNotShown(f"customer {customer_id} has not been offered {product_code} in the last 30 days")
    return record_event(session, customer_id, product_code, ANSWERS[0] if accepted else ANSWERS[1],
                        unsolicited=shown.unsolicited, context=shown.context, now=now)
