"""Customers' card histories read from the bank database into the in-memory scorer, and kept current."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from assistant.alerts.features import CARD_CHANNELS, CardPayment
from assistant.alerts.models import Alert, AlertAnswer, AlertKind
from assistant.alerts.scorer import Score, UnusualPurchaseScorer
from assistant.bank.models import Transaction


def as_card_payment(transaction: Transaction) -> CardPayment:
    """A booked card transaction as the scorer sees it."""
    return CardPayment(transaction.customer_id, transaction.merchant, transaction.category, -transaction.amount_minor,
                       transaction.booked_at, transaction.channel, transaction.country)


def _history(session: Session, customer_id: int, before: datetime | None, limit: int) -> list[CardPayment]:
    """The customer's latest card payments, oldest first, without those alerted on and not confirmed as theirs."""
    # Both lists leave out NULL ids: one NULL in a NOT IN list makes SQL keep nothing out at all.
    confirmed = select(Alert.transaction_id).join(AlertAnswer, AlertAnswer.alert_id == Alert.id).where(
        Alert.customer_id == customer_id, AlertAnswer.was_customer == True,  # noqa: E712
        col(Alert.transaction_id).is_not(None))
    alerted = select(Alert.transaction_id).where(
        Alert.customer_id == customer_id, Alert.kind == AlertKind.unusual_purchase,
        col(Alert.transaction_id).is_not(None), col(Alert.transaction_id).not_in(confirmed))
    query = select(Transaction).where(
        Transaction.customer_id == customer_id, col(Transaction.card_id).is_not(None), Transaction.amount_minor < 0,
        col(Transaction.channel).in_(CARD_CHANNELS), col(Transaction.id).not_in(alerted))
    if before is not None:
        query = query.where(Transaction.booked_at < before)
    rows = session.exec(query.order_by(col(Transaction.booked_at).desc()).limit(limit)).all()
    return [as_card_payment(row) for row in reversed(rows)]


class ScorerPool:
    """The scorer with customers' histories loaded on first sight and reloaded after they answer an alert."""

    def __init__(self, scorer: UnusualPurchaseScorer, history_limit: int = 1000) -> None:
        self.scorer = scorer
        self.history_limit = history_limit
        self._answers_seen: dict[int, int] = {}

    def _latest_answer(self, session: Session, customer_id: int) -> int:
        return session.exec(select(func.coalesce(func.max(AlertAnswer.id), 0))
                            .where(AlertAnswer.customer_id == customer_id)).one()

    def ensure(self, session: Session, customer_id: int, before: datetime | None = None) -> None:
        """Load the customer's history when not held, or again when they answered an alert since it was read."""
        latest = self._latest_answer(session, customer_id)
        if customer_id in self.scorer and self._answers_seen.get(customer_id) == latest:
            return
        self.scorer.load(customer_id, _history(session, customer_id, before, self.history_limit))
        self._answers_seen[customer_id] = latest

    def score(self, session: Session, transaction: Transaction) -> Score:
        """Score a booked card transaction; a normal one joins the customer's history at once."""
        self.ensure(session, transaction.customer_id, transaction.booked_at)
        payment = as_card_payment(transaction)
        result = self.scorer.score(payment)
        if not result.unusual:
            self.scorer.learn(payment)
        return result
