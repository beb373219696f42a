"""Unusual purchase follow-ups: only the customer's own transaction, freeze at once and one dispute on denial."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from assistant.bank.audit import entries_for
from assistant.bank.models import Card, CardStatus, Dispute
from assistant.bank.unusual_purchases import (
    PurchaseNotFound,
    confirm_purchase,
    deny_purchase,
    describe_purchase,
    find_purchase,
)
from tests.builders import build_customer


def test_a_customer_cannot_reach_another_customers_transaction(session: Session) -> None:
    build_customer(session, 1)
    other = build_customer(session, 2)
    with pytest.raises(PurchaseNotFound):
        find_purchase(session, other.customer.id, "t-1-0")


def test_a_purchase_is_described_with_amount_merchant_and_date(session: Session) -> None:
    records = build_customer(session, 1)
    assert describe_purchase(find_purchase(session, records.customer.id, "t-1-0")) == "£45.20 at Tesco on 19 Nov 2026"


def test_denying_a_purchase_freezes_the_card_it_was_made_with_and_opens_a_dispute(session: Session) -> None:
    records = build_customer(session, 1)

    denied = deny_purchase(session, records.customer.id, "t-1-0")
    session.commit()

    assert CardStatus(session.get(Card, records.debit_card.id).status) == CardStatus.frozen
    assert CardStatus(session.get(Card, records.credit_card_card.id).status) == CardStatus.active
    dispute = session.exec(select(Dispute)).one()
    assert (denied.froze_card, dispute.transaction_id, dispute.status) == (True, denied.transaction.id, "open")


def test_denying_the_same_purchase_twice_keeps_one_dispute_and_the_card_frozen(session: Session) -> None:
    records = build_customer(session, 1)
    first = deny_purchase(session, records.customer.id, "t-1-0")
    second = deny_purchase(session, records.customer.id, "t-1-0")
    session.commit()
    assert (second.dispute.id, second.froze_card, len(session.exec(select(Dispute)).all())) == (
        first.dispute.id, False, 1)


def test_denying_a_purchase_without_a_card_opens_a_dispute_only(session: Session) -> None:
    records = build_customer(session, 1)
    denied = deny_purchase(session, records.customer.id, "t-1-5")  # the Netflix direct debit
    assert (denied.card, denied.froze_card, denied.dispute.reason) == (None, False, "not_recognised")


def test_confirming_a_purchase_is_audited_and_changes_no_card(session: Session) -> None:
    records = build_customer(session, 1)
    transaction = confirm_purchase(session, records.customer.id, "t-1-0")
    session.commit()
    assert [e.action for e in entries_for(session, "transaction", transaction.id)] == ["purchase.confirmed"]
    assert CardStatus(session.get(Card, records.debit_card.id).status) == CardStatus.active
