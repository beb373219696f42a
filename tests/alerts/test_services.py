"""The conversation's alert services: recent alerts, and "was this you?" answers that teach the scorer."""

from __future__ import annotations

import pytest

from assistant.alerts.histories import ScorerPool
from assistant.alerts.ingestion import ingest
from assistant.alerts.services import AlertNotFound, recent_alerts, record_answer
from assistant.alerts.scorer import UnusualPurchaseScorer
from tests.alerts.conftest import TEST_THRESHOLD, add_card_history, card_record
from tests.builders import build_customer


def _unusual(customer, transaction_id: str):
    return card_record(customer, transaction_id, "Golden Casino", "gambling", 90_000, hour=3)


def test_recent_alerts_are_the_customers_own_newest_first(session, customer, pool):
    other = build_customer(session, 2)
    add_card_history(session, other, seed=2)
    ingest(session, [(0, _unusual(customer, "core-a")), (1, _unusual(other, "core-b"))], pool)
    ingest(session, [(0, card_record(customer, "core-c", "Crypto Exchange Ltd", "crypto", 150_000, hour=4))], pool)
    alerts = recent_alerts(session, customer.customer.id)
    assert [a.data["transaction_id"] for a in alerts] == ["core-c", "core-a"]
    assert all(a.was_customer is None for a in alerts)


def test_answering_someone_elses_alert_is_refused(session, customer, pool):
    other = build_customer(session, 2)
    add_card_history(session, other, seed=2)
    alert_id = ingest(session, [(0, _unusual(other, "core-d"))], pool).alerts[0]
    with pytest.raises(AlertNotFound):
        record_answer(session, customer.customer.id, alert_id, was_customer=True)


def test_yes_it_was_me_teaches_the_scorer_that_such_a_purchase_is_normal(session, customer, pool):
    alert_id = ingest(session, [(0, _unusual(customer, "core-e"))], pool).alerts[0]
    same_again = _payment(_unusual(customer, "core-f"))

    def score_in_a_new_process() -> float:
        fresh = ScorerPool(UnusualPurchaseScorer(pool.scorer.featurizer, threshold=TEST_THRESHOLD))
        fresh.ensure(session, customer.customer.id)
        return fresh.scorer.score(same_again).value

    before = score_in_a_new_process()
    answer = record_answer(session, customer.customer.id, alert_id, was_customer=True)
    assert answer.was_customer is True and recent_alerts(session, customer.customer.id)[0].was_customer is True
    assert score_in_a_new_process() < before
    pool.ensure(session, customer.customer.id)  # the pool that raised the alert sees the answer too
    assert pool.scorer.score(same_again).value < before


def test_no_it_was_not_me_keeps_the_purchase_out_of_the_history(session, customer, pool):
    alert_id = ingest(session, [(0, _unusual(customer, "core-g"))], pool).alerts[0]
    record_answer(session, customer.customer.id, alert_id, was_customer=False)
    result = ingest(session, [(0, _unusual(customer, "core-h"))], pool)
    assert len(result.alerts) == 1


def _payment(record):
    from assistant.alerts.features import CardPayment

    return CardPayment(record.customer_id, record.merchant, record.category, -record.amount_minor, record.booked_at,
                       record.channel, record.country)


def test_yes_to_a_bill_alert_does_not_let_unconfirmed_purchases_into_the_history(session, customer, pool):
    from assistant.alerts.models import AlertKind
    from assistant.alerts.raising import raise_alert

    bill = raise_alert(session, customer.customer.id, AlertKind.upcoming_bill, "bill_short:1:Rent:2026-11-22:1",
                       "your rent is due", {"merchant": "Rent", "amount": "950.00", "due_date": "2026-11-22"})
    session.commit()
    record_answer(session, customer.customer.id, bill.id, was_customer=True)
    assert ingest(session, [(0, _unusual(customer, "core-i"))], pool).alerts
    fresh = ScorerPool(UnusualPurchaseScorer(pool.scorer.featurizer, threshold=TEST_THRESHOLD))
    fresh.ensure(session, customer.customer.id)
    assert "gambling" not in fresh.scorer.facts(customer.customer.id).amounts
