"""What the conversation asks of alerts: the customer's recent alerts, and their answer to "was this you?"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from assistant.alerts.histories import ScorerPool, as_card_payment
from assistant.alerts.models import Alert, AlertAnswer, AlertKind
from assistant.bank.models import Transaction

RECENT_ALERTS = 5


class AlertNotFound(LookupError):
    """The customer has no alert with that id (someone else's alert is not found either)."""


@dataclass(frozen=True)
class AlertView:
    """One alert as the customer sees it, with their answer if they gave one."""

    id: int
    kind: str
    reason: str
    created_at: datetime
    data: dict[str, Any]
    was_customer: bool | None


def recent_alerts(session: Session, customer_id: int, limit: int = RECENT_ALERTS) -> list[AlertView]:
    """The customer's latest alerts, newest first."""
    alerts = session.exec(select(Alert).where(Alert.customer_id == customer_id)
                          .order_by(col(Alert.created_at).desc(), col(Alert.id).desc()).limit(limit)).all()
    answers: dict[int, bool] = {}
    if alerts:
        rows = session.exec(select(AlertAnswer).where(col(AlertAnswer.alert_id).in_([a.id for a in alerts]))
                            .order_by(col(AlertAnswer.id))).all()
        answers = {row.alert_id: row.was_customer for row in rows}  # the latest answer wins
    return [AlertView(a.id, a.kind, a.reason, a.created_at, dict(a.data), answers.get(a.id)) for a in alerts]


def record_answer(session: Session, customer_id: int, alert_id: int, was_customer: bool,
                  pool: ScorerPool | None = None) -> AlertView:
    """Record the customer's answer; "yes, it was me" makes the purchase part of their normal history."""
    alert = session.get(Alert, alert_id)
    if alert is None or alert.customer_id != customer_id:
        raise AlertNotFound(f"customer {customer_id} has no alert {alert_id}")
    session.add(AlertAnswer(alert_id=alert.id, customer_id=customer_id, was_customer=was_customer))
    session.commit()
    # Scorers elsewhere reload this customer's history on their next payment (they watch for new answers);
    # one held here learns at once.
    if pool is not None and was_customer and alert.kind == AlertKind.unusual_purchase and alert.transaction_id:
        transaction = session.get(Transaction, alert.transaction_id)
        if transaction is not None:
            pool.scorer.learn(as_card_payment(transaction))
    return AlertView(alert.id, alert.kind, alert.reason, alert.created_at, dict(alert.data), was_customer)


def record_purchase_answer(session: Session, customer_id: int, transaction_id: int,
                           was_customer: bool) -> AlertView | None:
    """Record the answer on the unusual-purchase alert raised for this transaction; None when none was raised."""
    alert = session.exec(select(Alert).where(Alert.customer_id == customer_id, Alert.transaction_id == transaction_id,
                                             Alert.kind == AlertKind.unusual_purchase)).first()
    return None if alert is None else record_answer(session, customer_id, alert.id, was_customer)
