"""Spending by category for a period."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlmodel import Session

from assistant.bank.models import Transaction
from assistant.bank.periods import parse_period
from assistant.bank.spending import CategorySpend, spending_by_category
from tests.builders import AS_OF, CustomerRecords, build_customer

LAST_30_DAYS = parse_period("last 30 days", AS_OF)


def add(session: Session, who: CustomerRecords, key: str, amount: int, merchant: str, category: str, channel: str,
        days_ago: int = 3) -> None:
    session.add(Transaction(external_id=key, customer_id=who.customer.id, account_id=who.current.id,
                            booked_at=AS_OF - timedelta(days=days_ago), amount_minor=amount, merchant=merchant,
                            category=category, channel=channel))
    session.commit()


def test_categories_are_summed_and_sorted_largest_first(session: Session) -> None:
    alex = build_customer(session)
    summary = spending_by_category(session, alex.customer.id, LAST_30_DAYS)
    assert summary.categories == [CategorySpend("groceries", Decimal("106.30")), CategorySpend("transport", Decimal("16.30")),
                                  CategorySpend("dining", Decimal("8.45"))]
    assert summary.total == Decimal("131.05")


def test_salary_is_not_spending(session: Session) -> None:
    alex = build_customer(session)
    summary = spending_by_category(session, alex.customer.id, parse_period("last month", AS_OF))
    assert {c.category for c in summary.categories} == {"subscriptions", "groceries"}


def test_transfers_between_own_accounts_are_not_spending(session: Session) -> None:
    alex = build_customer(session)
    add(session, alex, "to-saver", -50_000, alex.savings.name, "transfers", "transfer")
    add(session, alex, "internal", -20_000, "Card repayment", "internal_transfer", "transfer")
    summary = spending_by_category(session, alex.customer.id, LAST_30_DAYS)
    assert summary.total == Decimal("131.05")


def test_money_sent_to_someone_else_is_spending(session: Session) -> None:
    alex = build_customer(session)
    add(session, alex, "to-mum", -2_500, "Mum", "transfers", "transfer")
    summary = spending_by_category(session, alex.customer.id, LAST_30_DAYS)
    assert CategorySpend("transfers", Decimal("25.00")) in summary.categories


def test_refunds_do_not_reduce_spending(session: Session) -> None:
    alex = build_customer(session)
    add(session, alex, "refund", 4_520, "Tesco", "groceries", "card_present")
    assert spending_by_category(session, alex.customer.id, LAST_30_DAYS).total == Decimal("131.05")


def test_one_category_can_be_asked_for(session: Session) -> None:
    alex = build_customer(session)
    summary = spending_by_category(session, alex.customer.id, LAST_30_DAYS, category="grocery")
    assert (summary.total, [c.category for c in summary.categories]) == (Decimal("106.30"), ["groceries"])


def test_a_period_with_no_spending_has_a_zero_total(session: Session) -> None:
    alex = build_customer(session)
    summary = spending_by_category(session, alex.customer.id, parse_period("March 2025", AS_OF))
    assert (summary.total, summary.categories) == (Decimal("0.00"), [])


def test_another_customers_spending_is_not_counted(session: Session) -> None:
    alex = build_customer(session, 1)
    sam = build_customer(session, 2)
    add(session, alex, "alex-big", -99_900, "Harrods", "shopping", "card_present")
    assert spending_by_category(session, sam.customer.id, LAST_30_DAYS).total == Decimal("131.05")


def test_chart_payload_has_the_documented_shape(session: Session) -> None:
    alex = build_customer(session)
    payload = spending_by_category(session, alex.customer.id, parse_period("yesterday", AS_OF)).chart_payload()
    assert payload == {
        "type": "spending_chart",
        "title": "Spending yesterday",
        "currency": "GBP",
        "total": "45.20",
        "period": {"label": "yesterday", "start": "2026-11-19T00:00:00+00:00", "end": "2026-11-20T00:00:00+00:00"},
        "categories": [{"category": "groceries", "amount": "45.20"}],
    }
