"""Searching a customer's transactions."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlmodel import Session

from assistant.bank.models import Transaction
from assistant.bank.periods import parse_period
from assistant.bank.transactions import match_merchants, search_transactions
from tests.builders import AS_OF, build_customer


def test_results_are_newest_first(session: Session) -> None:
    alex = build_customer(session)
    found = search_transactions(session, alex.customer.id, limit=50)
    assert [t.booked_at for t in found] == sorted((t.booked_at for t in found), reverse=True)
    assert len(found) == 7


def test_limit_caps_the_number_of_results(session: Session) -> None:
    alex = build_customer(session)
    assert len(search_transactions(session, alex.customer.id, limit=3)) == 3


def test_merchant_is_matched_fuzzily_against_the_customers_merchants(session: Session) -> None:
    alex = build_customer(session)
    found = search_transactions(session, alex.customer.id, merchant="tescos")
    assert [t.amount for t in found] == [Decimal("-45.20"), Decimal("-61.10"), Decimal("-39.05")]


def test_short_abbreviations_do_not_match_longer_names_by_accident(session: Session) -> None:
    alex = build_customer(session)
    assert match_merchants(session, alex.customer.id, "tfl") == []


def test_unknown_merchant_finds_nothing(session: Session) -> None:
    alex = build_customer(session)
    assert search_transactions(session, alex.customer.id, merchant="Harrods") == []


def test_category_filter(session: Session) -> None:
    alex = build_customer(session)
    assert {t.merchant for t in search_transactions(session, alex.customer.id, category="grocery")} == {"Tesco"}


def test_period_filter_keeps_only_transactions_inside_it(session: Session) -> None:
    alex = build_customer(session)
    found = search_transactions(session, alex.customer.id, period=parse_period("last 7 days", AS_OF))
    assert [t.merchant for t in found] == ["Tesco", "Pret A Manger", "Uber"]


def test_amount_range_compares_absolute_amounts(session: Session) -> None:
    alex = build_customer(session)
    found = search_transactions(session, alex.customer.id, min_amount=Decimal("40"), max_amount=Decimal("100"))
    assert [t.amount for t in found] == [Decimal("-45.20"), Decimal("-61.10")]


def test_minimum_only_includes_incoming_money_over_it(session: Session) -> None:
    alex = build_customer(session)
    found = search_transactions(session, alex.customer.id, min_amount=Decimal("1000"))
    assert [t.merchant for t in found] == ["Acme Ltd"]


def test_filters_combine(session: Session) -> None:
    alex = build_customer(session)
    found = search_transactions(session, alex.customer.id, merchant="tesco", period=parse_period("last 30 days", AS_OF),
                                max_amount=Decimal("50"))
    assert [t.amount for t in found] == [Decimal("-45.20")]


def test_another_customers_transactions_are_never_found(session: Session) -> None:
    alex = build_customer(session, 1)
    sam = build_customer(session, 2)
    session.add(Transaction(external_id="only-alex", customer_id=alex.customer.id, account_id=alex.current.id,
                            booked_at=AS_OF - timedelta(days=1), amount_minor=-99_999, merchant="Harrods",
                            category="shopping", channel="card_present"))
    session.commit()
    assert search_transactions(session, sam.customer.id, merchant="Harrods") == []
    assert all(t.account_id == sam.current.id for t in search_transactions(session, sam.customer.id, limit=50))


def test_payload_item_has_decimal_string_amount_and_iso_date(session: Session) -> None:
    alex = build_customer(session)
    (latest,) = search_transactions(session, alex.customer.id, limit=1)
    assert latest.payload() == {"date": "2026-11-19", "merchant": "Tesco", "category": "groceries",
                                "amount": "-45.20", "currency": "GBP"}
