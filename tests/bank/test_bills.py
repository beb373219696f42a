"""Upcoming bills rolled forward from each recurring payment's next date."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import Session

from assistant.bank.bills import occurrences, total_due, upcoming_bills
from assistant.bank.models import Frequency, RecurringPayment
from tests.builders import AS_OF, build_customer


def test_bills_in_the_next_30_days_soonest_first(session: Session) -> None:
    alex = build_customer(session)
    bills = upcoming_bills(session, alex.customer.id, AS_OF)
    assert [(b.merchant, b.due_on, b.amount) for b in bills] == [
        ("Netflix", date(2026, 11, 23), Decimal("10.99")),
        ("Oakfield Lettings", date(2026, 11, 30), Decimal("950.00")),
    ]


def test_bill_beyond_the_window_is_not_listed_until_the_window_grows(session: Session) -> None:
    alex = build_customer(session)
    assert "British Gas" not in {b.merchant for b in upcoming_bills(session, alex.customer.id, AS_OF)}
    assert "British Gas" in {b.merchant for b in upcoming_bills(session, alex.customer.id, AS_OF, days=45)}


def test_a_next_date_in_the_past_is_rolled_forward_by_frequency(session: Session) -> None:
    alex = build_customer(session)
    session.add(RecurringPayment(customer_id=alex.customer.id, account_id=alex.current.id, merchant="PureGym",
                                 category="fitness", kind="direct_debit", amount_minor=2_499,
                                 frequency=Frequency.weekly, next_date=date(2026, 10, 1)))
    session.commit()
    gym = [b.due_on for b in upcoming_bills(session, alex.customer.id, AS_OF, days=14) if b.merchant == "PureGym"]
    assert gym == [date(2026, 11, 26), date(2026, 12, 3)]


def test_inactive_payments_are_not_listed(session: Session) -> None:
    alex = build_customer(session)
    session.add(RecurringPayment(customer_id=alex.customer.id, account_id=alex.current.id, merchant="Old Gym",
                                 category="fitness", kind="direct_debit", amount_minor=3_000,
                                 frequency=Frequency.monthly, next_date=AS_OF.date() + timedelta(days=2), active=False))
    session.commit()
    assert "Old Gym" not in {b.merchant for b in upcoming_bills(session, alex.customer.id, AS_OF)}


def test_another_customers_bills_are_never_listed(session: Session) -> None:
    build_customer(session, 1)
    sam = build_customer(session, 2)
    assert {b.account_id for b in upcoming_bills(session, sam.customer.id, AS_OF)} == {sam.current.id}


def test_bill_names_the_account_it_is_paid_from(session: Session) -> None:
    alex = build_customer(session)
    assert {b.account_name for b in upcoming_bills(session, alex.customer.id, AS_OF)} == {"Everyday Current Account"}


def test_every_occurrence_in_the_window_is_listed_and_totalled(session: Session) -> None:
    alex = build_customer(session)
    bills = upcoming_bills(session, alex.customer.id, AS_OF, days=35)
    assert [b.due_on for b in bills if b.merchant == "Netflix"] == [date(2026, 11, 23), date(2026, 12, 23)]
    assert total_due(bills) == Decimal("971.98")


def test_monthly_dates_keep_the_month_end_without_drifting() -> None:
    dates = occurrences(date(2026, 1, 31), Frequency.monthly, date(2026, 1, 1), date(2026, 4, 30))
    assert dates == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]


def test_quarterly_and_yearly_steps() -> None:
    assert occurrences(date(2025, 12, 5), Frequency.quarterly, date(2026, 1, 1), date(2026, 12, 31)) == [
        date(2026, 3, 5), date(2026, 6, 5), date(2026, 9, 5), date(2026, 12, 5)]
    assert occurrences(date(2020, 2, 29), Frequency.yearly, date(2026, 1, 1), date(2026, 12, 31)) == [date(2026, 2, 28)]


def test_a_negative_window_is_refused(session: Session) -> None:
    alex = build_customer(session)
    with pytest.raises(ValueError):
        upcoming_bills(session, alex.customer.id, AS_OF, days=-1)
