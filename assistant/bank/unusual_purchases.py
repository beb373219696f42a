"""Follow-ups to an unusual purchase the customer was asked about: it was them, or it was not (freeze and dispute)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from assistant.bank import audit
from assistant.bank.cards import freeze_card
from assistant.bank.disputes import open_dispute
from assistant.bank.models import Card, CardStatus, Dispute, Transaction
from assistant.bank.money import format_money

DISPUTE_REASON = "not_recognised"


class PurchaseNotFound(LookupError):
    """The customer has no transaction with that reference."""


@dataclass(frozen=True)
class PurchaseDenied:
    """What was done when the customer said a purchase was not theirs."""

    transaction: Transaction
    card: Card | None
    froze_card: bool  # False when the card was already frozen or cancelled, or there was no card
    dispute: Dispute


def find_purchase(session: Session, customer_id: int, external_id: str) -> Transaction:
    """The customer's own transaction with this external id; PurchaseNotFound for anyone else's."""
    transaction = session.exec(select(Transaction).where(Transaction.external_id == external_id)).first()
    if transaction is None or transaction.customer_id != customer_id:
        raise PurchaseNotFound(f"no transaction {external_id!r}")
    return transaction


def describe_purchase(transaction: Transaction) -> str:
    """The purchase as the customer is asked about it: '£250.00 at Currys on 19 Nov 2026'."""
    amount = format_money(abs(transaction.amount_minor), transaction.currency)
    return f"{amount} at {transaction.merchant} on {transaction.booked_at:%-d %b %Y}"


def confirm_purchase(session: Session, customer_id: int, external_id: str) -> Transaction:
    """Record that the customer recognised the purchase."""
    transaction = find_purchase(session, customer_id, external_id)
    audit.record(session, audit.customer_actor(customer_id), "purchase.confirmed", "transaction", transaction.id)
    return transaction


def deny_purchase(session: Session, customer_id: int, external_id: str) -> PurchaseDenied:
    """The customer did not make the purchase: freeze the card it was made with at once and open a dispute."""
    transaction = find_purchase(session, customer_id, external_id)
    card = session.get(Card, transaction.card_id) if transaction.card_id is not None else None
    froze = card is not None and CardStatus(card.status) == CardStatus.active
    if froze:
        freeze_card(session, customer_id, card.id)
    dispute = open_dispute(session, customer_id, transaction, DISPUTE_REASON)
    audit.record(session, audit.customer_actor(customer_id), "purchase.denied", "transaction", transaction.id,
                 card_id=card.id if card else None, froze_card=froze, dispute_id=dispute.id)
    return PurchaseDenied(transaction=transaction, card=card, froze_card=froze, dispute=dispute)

