"""What a ticket carries besides the reason: the customer's recent alerts and a summary of their last messages."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlmodel import Session

from assistant.alerts.models import Alert
from assistant.handoff.alerts import recent_alerts
from assistant.handoff.summary import summarise
from tests.handoff.conftest import Desk


def test_a_customer_without_alerts_has_none_on_the_ticket(session: Session, desk: Desk) -> None:
    assert recent_alerts(session, desk.customer_id) == []


def test_recent_alerts_are_the_customers_own_newest_first(session: Session, desk: Desk) -> None:
    def alert(customer: int, kind: str, day: int) -> Alert:
        return Alert(customer_id=customer, kind=kind, dedup_key=f"{customer}-{kind}-{day}", reason=f"{kind} {day}",
                     created_at=datetime(2026, 11, day, 9, tzinfo=timezone.utc))

    session.add_all([alert(desk.customer_id, "upcoming_bill", 1), alert(desk.other_customer_id, "upcoming_bill", 2),
                     alert(desk.customer_id, "unusual_purchase", 3)])
    session.commit()
    assert [(a["kind"], a["reason"]) for a in recent_alerts(session, desk.customer_id)] == [
        ("unusual_purchase", "unusual_purchase 3"), ("upcoming_bill", "upcoming_bill 1")]


def test_summary_quotes_the_last_typed_messages_and_skips_button_payloads() -> None:
    summary = summarise(["hi", "/affirm", "a", "b", "c", "d", "I was charged twice"])
    assert summary == "Customer's last messages: “a” | “b” | “c” | “d” | “I was charged twice”"


def test_summary_shortens_long_messages() -> None:
    assert summarise(["x" * 500], max_chars=10) == "Customer's last messages: “xxxxxxxxx…”"


def test_summary_of_a_conversation_with_no_typed_message_says_so() -> None:
    assert summarise(["/request_human"]) == "The customer has not typed anything yet."
