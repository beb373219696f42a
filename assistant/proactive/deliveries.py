"""Accepting a proactive request once, with idempotency keys as the payment networks use them (Stripe's model).

A new key is recorded `sending` under a short lease held by this attempt; the attempt's complete response is then
stored and replayed for every later request with that key and the same request. A key whose lease ran out while
`sending` (its holder crashed, or let go after a failure) is taken over by the next retry, which runs the request
again. The same key with a
different request is refused. Keys expire after a TTL; expired ones are purged as requests arrive.
"""

from __future__ import annotations

import hashlib
import json
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from assistant.bank.models import Customer
from assistant.db import session_scope, utcnow
from assistant.proactive.accepted_signatures import ReplayedRequest, remember_signature  # noqa: F401 (callers catch it)
from assistant.proactive.models import AcceptedSignature, ProactiveDelivery
from assistant.proactive.notifications import Notification, build_notification
from assistant.proactive.requests import ProactiveRequest
from assistant.settings import Settings


class UnknownCustomer(LookupError):
    """The request names a customer the bank does not have."""


class KeyReused(Exception):
    """The idempotency key was already used with a different request (customer, event or data)."""


class KeyInProgress(Exception):
    """Another attempt with this key holds its lease and is still running; retry after `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"a request with this key is in progress; retry in {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class KeyPolicy:
    """How long an attempt holds a key while it runs, and how long a key and its response are kept."""

    lease_seconds: float
    ttl_seconds: int

    @classmethod
    def of(cls, settings: Settings) -> "KeyPolicy":
        """The policy the settings configure (PROACTIVE_KEY_LEASE_SECONDS, PROACTIVE_KEY_TTL_SECONDS)."""
        return cls(settings.proactive_key_lease_seconds, settings.proactive_key_ttl_seconds)


@dataclass(frozen=True)
class StoredResponse:
    """The first complete response to a key: replayed as it was."""

    status: int
    body: dict[str, Any]


@dataclass(frozen=True)
class Acceptance:
    """A request accepted: either this attempt holds the key's lease and sends, or `replay` is the stored response."""

    notification: Notification
    lease: str | None = None
    replay: StoredResponse | None = None
    # Set when this attempt took over a key an earlier attempt let go of or died holding: the key's first use, after
    # which that attempt may already have put the message into the conversation.
    taken_over_since: datetime | None = None

    @property
    def duplicate(self) -> bool:
        """The key had a complete response already: nothing to send."""
        return self.replay is not None


def request_hash(request: ProactiveRequest) -> str:
    """SHA-256 of the canonical request (the validated fields, keys sorted): equal for equal requests however the
    JSON was written, so a retry signed afresh matches and a changed amount or customer does not."""
    canonical = json.dumps({"customer_id": request.customer_id, "event": request.event, "data": request.data,
                            "idempotency_key": request.idempotency_key},
                           sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _same_request(delivery: ProactiveDelivery, request: ProactiveRequest, fingerprint: str) -> bool:
    if delivery.request_hash is None:  # recorded before requests were hashed: compare what was kept
        return (delivery.customer_id, delivery.event) == (request.customer_id, request.event)
    return delivery.request_hash == fingerprint


def _replay(delivery: ProactiveDelivery) -> StoredResponse:
    if delivery.response is not None and delivery.response_status is not None:
        return StoredResponse(delivery.response_status, delivery.response)
    # Sent before responses were stored: the response had exactly these fields.
    return StoredResponse(200, {"notification": delivery.notification, "delivered_live": delivery.delivered_live,
                                "duplicate": False})


def _take_over(session: Session, delivery: ProactiveDelivery, now: datetime, policy: KeyPolicy) -> str | None:
    """Take the lease of a `sending` key whose lease has run out; None if another attempt took it first."""
    lease = secrets.token_hex(16)
    # Conditional on the lease still being out: of two retries at once only one update matches (PostgreSQL
    # re-checks the condition after the other's commit; SQLite runs one writer at a time).
    taken = session.exec(update(ProactiveDelivery).where(
        ProactiveDelivery.idempotency_key == delivery.idempotency_key, ProactiveDelivery.status == "sending",
        or_(ProactiveDelivery.lease_until.is_(None), ProactiveDelivery.lease_until <= now),
    ).values(lease_token=lease, lease_until=now + timedelta(seconds=policy.lease_seconds)))
    return lease if taken.rowcount == 1 else None


def _existing(session: Session, request: ProactiveRequest, fingerprint: str, now: datetime,
              policy: KeyPolicy) -> Acceptance | None:
    """What a key already recorded means for this request: a replay, a takeover, or KeyReused / KeyInProgress."""
    delivery = session.get(ProactiveDelivery, request.idempotency_key, populate_existing=True)
    if delivery is None:
        return None
    if not _same_request(delivery, request, fingerprint):
        raise KeyReused("this idempotency key was used for another request")
    notification = Notification(**delivery.notification)
    if delivery.status == "sent":
        return Acceptance(notification, replay=_replay(delivery))
    if delivery.lease_until is not None and delivery.lease_until > now:
        raise KeyInProgress(max(1, math.ceil((delivery.lease_until - now).total_seconds())))
    lease = _take_over(session, delivery, now, policy)
    if lease is None:
        return _existing(session, request, fingerprint, now, policy)
    return Acceptance(notification, lease=lease, taken_over_since=delivery.created_at)


def purge_expired_keys(session: Session, now: datetime, ttl_seconds: int) -> int:
    """Delete the keys older than their TTL (in the session's transaction); how many went."""
    expired = session.exec(delete(ProactiveDelivery).where(
        ProactiveDelivery.created_at <= now - timedelta(seconds=ttl_seconds)))
    return expired.rowcount


def accept(engine: Engine, request: ProactiveRequest, signature: str, timestamp: int, deep_link_base: str,
           policy: KeyPolicy) -> Acceptance:
    """Take the request's key with a lease (to send), or answer it from what the key already holds."""
    with session_scope(engine) as session:
        if session.get(Customer, request.customer_id) is None:
            raise UnknownCustomer(f"there is no customer {request.customer_id}")
        remember_signature(session, signature, timestamp)
        now = utcnow()
        purge_expired_keys(session, now, policy.ttl_seconds)
        fingerprint = request_hash(request)
        existing = _existing(session, request, fingerprint, now, policy)
        if existing is not None:
            return existing
        notification = build_notification(session, request, deep_link_base)
        lease = secrets.token_hex(16)
        try:
            with session.begin_nested():
                session.add(ProactiveDelivery(
                    idempotency_key=request.idempotency_key, customer_id=request.customer_id, event=request.event,
                    notification=notification.as_json(), created_at=now, request_hash=fingerprint,
                    lease_token=lease, lease_until=now + timedelta(seconds=policy.lease_seconds)))
        except IntegrityError:
            # Another request with the same key got in first (and committed); answer from its record.
            existing = _existing(session, request, fingerprint, now, policy)
            if existing is None:
                raise
            return existing
    return Acceptance(notification, lease=lease)


def release(engine: Engine, request: ProactiveRequest, lease: str, signature: str) -> None:
    """Let go of the key of an attempt whose message could not be sent, and forget its signature, so the push
    service can retry at once, even unchanged."""
    with session_scope(engine) as session:
        # The key stays, its lease ended: the retry takes it over and, like any takeover, first checks that Rasa did
        # not take the message after all (a timeout says nothing about that).
        session.exec(update(ProactiveDelivery).where(
            ProactiveDelivery.idempotency_key == request.idempotency_key, ProactiveDelivery.status == "sending",
            ProactiveDelivery.lease_token == lease).values(lease_until=utcnow()))
        accepted = session.get(AcceptedSignature, signature)
        if accepted is not None:
            session.delete(accepted)


def record_response(engine: Engine, request: ProactiveRequest, lease: str, status: int,
                    body: dict[str, Any]) -> bool:
    """Store the attempt's complete response as the key's (the message is in the conversation); False if the lease
    was lost meanwhile (another attempt took the key over, and its response will be the one kept)."""
    with session_scope(engine) as session:
        stored = session.exec(update(ProactiveDelivery).where(
            ProactiveDelivery.idempotency_key == request.idempotency_key, ProactiveDelivery.status == "sending",
            ProactiveDelivery.lease_token == lease,
        ).values(status="sent", response_status=status, response=body,
                 delivered_live=bool(body.get("delivered_live")), lease_until=None))
        return stored.rowcount == 1
