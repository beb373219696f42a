"""Accepting a proactive request once: replayed signatures refused, repeated idempotency keys answered as duplicates."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from assistant.bank.models import Customer
from assistant.db import session_scope, utcnow
from assistant.proactive.accepted_signatures import ReplayedRequest, remember_signature  # noqa: F401 (callers catch it)
from assistant.proactive.models import AcceptedSignature, ProactiveDelivery
from assistant.proactive.notifications import Notification, build_notification
from assistant.proactive.requests import ProactiveRequest


class UnknownCustomer(LookupError):
    """The request names a customer the bank does not have."""


class KeyReused(Exception):
    """The idempotency key was already used for another customer or event."""


@dataclass(frozen=True)
class Acceptance:
    """A request accepted: its notification, and whether its key had been accepted before (nothing to send)."""

    notification: Notification
    duplicate: bool
    delivered_live: bool = False


def _existing(session: Session, request: ProactiveRequest) -> Acceptance | None:
    delivery = session.get(ProactiveDelivery, request.idempotency_key)
    if delivery is None:
        return None
    if (delivery.customer_id, delivery.event) != (request.customer_id, request.event):
        raise KeyReused("this idempotency key was used for another message")
    return Acceptance(Notification(**delivery.notification), duplicate=True, delivered_live=delivery.delivered_live)


def accept(engine: Engine, request: ProactiveRequest, signature: str, timestamp: int,
           deep_link_base: str) -> Acceptance:
    """Record the request under its key (to send) or find the first one with that key (a duplicate)."""
    with session_scope(engine) as session:
        if session.get(Customer, request.customer_id) is None:
            raise UnknownCustomer(f"there is no customer {request.customer_id}")
        remember_signature(session, signature, timestamp)
        existing = _existing(session, request)
        if existing is not None:
            return existing
        notification = build_notification(session, request, deep_link_base)
        try:
            with session.begin_nested():
                session.add(ProactiveDelivery(idempotency_key=request.idempotency_key,
                                              customer_id=request.customer_id, event=request.event,
                                              notification=notification.as_json(), created_at=utcnow()))
        except IntegrityError:
            # Another request with the same key got in first (and committed); it sends the message.
            existing = _existing(session, request)
            if existing is None:
                raise
            return existing
    return Acceptance(notification, duplicate=False)


def release(engine: Engine, request: ProactiveRequest, signature: str) -> None:
    """Forget a request whose message could not be sent, so the push service can retry it, even unchanged."""
    with session_scope(engine) as session:
        delivery = session.get(ProactiveDelivery, request.idempotency_key)
        if delivery is not None and delivery.status == "sending":
            session.delete(delivery)
        accepted = session.get(AcceptedSignature, signature)
        if accepted is not None:
            session.delete(accepted)


def mark_sent(engine: Engine, request: ProactiveRequest, delivered_live: bool) -> None:
    """Record that the message is in the customer's conversation (and whether an open chat received it)."""
    with session_scope(engine) as session:
        delivery = session.get(ProactiveDelivery, request.idempotency_key)
        if delivery is not None:
            delivery.status = "sent"
            delivery.delivered_live = delivered_live
            session.add(delivery)
