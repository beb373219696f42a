"""Disputes: a customer says a transaction was not theirs, and the bank records it for investigation."""

from __future__ import annotations

from sqlmodel import Session, select

from assistant.bank import audit
from assistant.bank.models import Dispute, Transaction
from assistant.db import utcnow


def dispute_for(session: Session, transaction_id: int) -> Dispute | None:
    """The dispute opened for a transaction, if there is one."""
    return session.exec(select(Dispute).where(Dispute.transaction_id == transaction_id)).first()


def open_dispute(session: Session, customer_id: int, transaction: Transaction, reason: str) -> Dispute:
    """Open a dispute of the customer's own transaction; a transaction already disputed keeps its first dispute."""
    if transaction.customer_id != customer_id:
        raise ValueError("a customer can dispute only their own transactions")
    existing = dispute_for(session, transaction.id)
    if existing is not None:
        return existing
    dispute = Dispute(customer_id=customer_id, transaction_id=transaction.id, reason=reason, opened_at=utcnow())
    session.add(dispute)
    session.flush()
    audit.record(session, audit.customer_actor(customer_id), "dispute.open", "dispute", dispute.id,
                 transaction_id=transaction.id, reason=reason)
    return dispute
