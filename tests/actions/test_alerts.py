"""The customer asks for their alerts and sees their own, newest first, with what they answered."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy.engine import Engine
from sqlmodel import Session

from actions.alerts import NO_ALERTS, ActionListAlerts
from assistant.alerts.models import Alert, AlertAnswer
from tests.actions.conftest import make_tracker, run_action
from tests.builders import CustomerRecords, build_customer


def _alert(customer: int, kind: str, day: int, reason: str) -> Alert:
    return Alert(customer_id=customer, kind=kind, dedup_key=f"{customer}-{kind}-{day}", reason=reason,
                 created_at=datetime(2026, 11, day, 9, tzinfo=timezone.utc))


async def test_a_customer_without_alerts_is_told_there_are_none(records: CustomerRecords) -> None:
    messages, _ = await run_action(ActionListAlerts(), make_tracker(records.customer.id, intent="ask_alerts"))
    assert messages[0]["text"] == NO_ALERTS


async def test_alerts_are_listed_newest_first_with_the_customers_answer(records: CustomerRecords,
                                                                      action_db: Engine) -> None:
    with Session(action_db) as db:
        first = _alert(records.customer.id, "upcoming_bill", 2, "British Gas takes £84.00 on 5 Nov")
        db.add(first)
        db.add(_alert(records.customer.id, "unusual_purchase", 18, "about 6x your usual spend on electronics"))
        db.commit()
        db.add(AlertAnswer(alert_id=first.id, customer_id=records.customer.id, was_customer=True))
        db.commit()
    messages, _ = await run_action(ActionListAlerts(), make_tracker(records.customer.id, intent="ask_alerts"))
    assert messages[0]["text"].splitlines()[1:] == [
        "• 18 Nov: Unusual payment: about 6x your usual spend on electronics",
        "• 2 Nov: Upcoming bill: British Gas takes £84.00 on 5 Nov (you told us it was you)"]


async def test_another_customers_alerts_are_not_shown(records: CustomerRecords, action_db: Engine) -> None:
    with Session(action_db) as db:
        other = build_customer(db, number=2)
        db.add(_alert(other.customer.id, "unusual_purchase", 18, "first purchase in Portugal"))
        db.commit()
    messages, _ = await run_action(ActionListAlerts(), make_tracker(records.customer.id, intent="ask_alerts"))
    assert messages[0]["text"] == NO_ALERTS
