"""Ingestion: new transactions booked once, card payments scored, one alert per unusual purchase."""

from __future__ import annotations

from sqlmodel import Session, func, select

from assistant.alerts.histories import ScorerPool
from assistant.alerts.ingestion import ingest
from assistant.alerts.models import Alert, OutboxMessage
from assistant.bank.audit import entries_for
from assistant.bank.models import Account, Transaction
from tests.alerts.conftest import card_record


def _count(session: Session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_purchase_far_outside_pattern_raises_one_alert_with_its_outbox_message(session, customer, pool):
    record = card_record(customer, "core-1", "Luxe Watches London", "jewellery", 240_000, country="BR", hour=3)
    result = ingest(session, [(0, record)], pool)
    assert len(result.alerts) == 1
    alert = session.get(Alert, result.alerts[0])
    assert alert.reason == "first purchase in Brazil"
    message = session.exec(select(OutboxMessage)).one()
    assert message.payload["event"] == "unusual_purchase"
    assert message.payload["data"] == {"transaction_id": "core-1", "alert_id": alert.id, "reason": alert.reason}
    assert message.payload["idempotency_key"] == message.idempotency_key


def test_same_transaction_ingested_twice_raises_one_alert_and_books_once(session, customer, pool: ScorerPool):
    record = card_record(customer, "core-2", "Electro Superstore Online", "shopping", 180_000)
    balance_before = session.get(Account, customer.current.id).balance_minor
    first = ingest(session, [(0, record)], pool)
    second = ingest(session, [(0, record)], pool)
    assert len(first.alerts) == 1 and second.alerts == []
    assert second.duplicates == ["core-2"]
    assert _count(session, Alert) == 1
    assert len(session.exec(select(Transaction).where(Transaction.external_id == "core-2")).all()) == 1
    assert session.get(Account, customer.current.id).balance_minor == balance_before - 180_000


def test_normal_purchase_raises_no_alert(session, customer, pool):
    result = ingest(session, [(0, card_record(customer, "core-3", "Tesco", "groceries", 3_450))], pool)
    assert result.accepted == ["core-3"] and result.alerts == []
    assert _count(session, Alert) == 0


def test_unusual_amount_is_explained_against_the_customers_usual_spend(session, customer, pool):
    result = ingest(session, [(0, card_record(customer, "core-4", "Tesco", "groceries", 40_000))], pool)
    alert = session.get(Alert, result.alerts[0])
    assert alert.reason.startswith("about ") and alert.reason.endswith("x your usual spend on groceries")


def test_record_for_another_customers_account_is_rejected_and_the_rest_booked(session, customer, pool):
    foreign = card_record(customer, "core-5", "Tesco", "groceries", 2_000)
    foreign = foreign.__class__(**{**foreign.__dict__, "account_id": 99_999})
    good = card_record(customer, "core-6", "Tesco", "groceries", 2_100)
    result = ingest(session, [(0, foreign), (1, good)], pool)
    assert [r.index for r in result.rejected] == [0]
    assert "is not an account of customer" in result.rejected[0].reason
    assert result.accepted == ["core-6"]


def test_each_booking_is_audited_with_its_feed_source_and_a_duplicate_is_not(session, customer, pool):
    record = card_record(customer, "core-audit", "Tesco", "groceries", 2_000)
    ingest(session, [(0, record)], pool)
    ingest(session, [(0, record)], pool)
    transaction = session.exec(select(Transaction).where(Transaction.external_id == "core-audit")).one()
    [entry] = entries_for(session, "transaction", transaction.id)
    assert (entry.actor, entry.details["source"], entry.details["amount_minor"]) == (
        "feed:core-banking", "core-banking", -2_000)
    assert entry.details["balance_after_minor"] == transaction.balance_after_minor
