"""Recurring series: found by payee, amount and interval; next date and amount predicted; warnings raised."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlmodel import Session, select

from assistant.alerts.bill_alerts import check_upcoming_bills
from assistant.alerts.bills import Movement, find_series, price_rise
from assistant.alerts.models import Alert, OutboxMessage
from assistant.bank.models import Account, Frequency, Transaction
from assistant.bank.schedules import monthly

TODAY = date(2026, 11, 20)


def _monthly(merchant: str, day: int, amount: int, start: date = date(2026, 3, 1), account: int = 1) -> list[Movement]:
    return [Movement(account, when, -amount, merchant, "utilities") for when in monthly(day, start, TODAY)]


def test_monthly_bill_is_predicted_on_its_day_and_amount(merchants):
    series = find_series(_monthly("Thames Water", 23, 4_100), TODAY, merchants)
    assert [(s.merchant, s.frequency, s.next_date, s.next_amount_minor) for s in series] == [
        ("Thames Water", Frequency.monthly, date(2026, 11, 23), -4_100)]


def test_bill_on_the_31st_is_predicted_on_the_last_day_of_a_short_month(merchants):
    series = find_series(_monthly("Rent Co", 31, 90_000), date(2026, 11, 1), merchants)
    assert series[0].next_date == date(2026, 11, 30)


def test_weekly_payments_are_a_weekly_series(merchants):
    fridays = [date(2026, 9, 4) + timedelta(weeks=i) for i in range(10)]  # the last is 6 November
    weekly = [Movement(1, day, -1_500, "Little Tots Nursery", "childcare") for day in fridays]
    series = find_series(weekly, date(2026, 11, 9), merchants)
    assert series[0].frequency == Frequency.weekly
    assert series[0].next_date == date(2026, 11, 13)


def test_irregular_shopping_is_not_a_series(merchants):
    days = [date(2026, 10, d) for d in (1, 2, 5, 6, 13, 14, 15, 22, 29)]
    shopping = [Movement(1, day, -2_000 - 100 * i, "Tesco", "groceries") for i, day in enumerate(days)]
    assert find_series(shopping, TODAY, merchants) == []


def test_season_is_not_a_price_rise_but_a_new_price_is(merchants):
    energy = [Movement(1, d, -(13_500 if d.month in (11, 12, 1, 2, 3) else 10_000), "Octopus Energy", "utilities")
              for d in monthly(7, date(2025, 11, 1), TODAY)]
    netflix = [Movement(1, d, -(1_299 if d.month == 11 else 1_099), "Netflix", "subscriptions")
               for d in monthly(18, date(2026, 4, 1), TODAY)]
    series = {s.merchant: s for s in find_series(energy + netflix, TODAY, merchants)}
    assert price_rise(series["Octopus Energy"]) is None
    assert price_rise(series["Netflix"]) == (1_099, 1_299)


def _book(session: Session, account_id: int, customer_id: int, merchant: str, day: int, amount: int) -> None:
    for when in monthly(day, date(2026, 5, 1), TODAY):
        session.add(Transaction(external_id=f"{merchant}-{when}", customer_id=customer_id, account_id=account_id,
                                booked_at=datetime.combine(when, time(5), tzinfo=timezone.utc), amount_minor=-amount,
                                merchant=merchant, category="rent", channel="standing_order"))
    session.commit()


def test_bill_the_projected_balance_will_not_cover_raises_one_alert_per_cycle(session, customer, merchants):
    account = session.get(Account, customer.current.id)
    _book(session, account.id, customer.customer.id, "Oakfield Lettings", 22, 95_000)
    account.balance_minor = 40_000
    session.add(account)
    session.commit()
    first = check_upcoming_bills(session, customer.customer.id, TODAY, 3, merchants)
    again = check_upcoming_bills(session, customer.customer.id, TODAY, 3, merchants)
    assert len(first) == 1 and again == []
    alert = session.get(Alert, first[0])
    assert alert.data == {"merchant": "Oakfield Lettings", "amount": "950.00", "due_date": "2026-11-22"}
    assert "projected to be £400.00" in alert.reason
    assert session.exec(select(OutboxMessage)).one().payload["event"] == "upcoming_bill"


def test_bill_the_balance_covers_raises_nothing(session, customer, merchants):
    _book(session, customer.current.id, customer.customer.id, "Oakfield Lettings", 22, 95_000)
    assert check_upcoming_bills(session, customer.customer.id, TODAY, 3, merchants) == []


def test_bill_due_after_the_warning_window_raises_nothing_yet(session, customer, merchants):
    account = session.get(Account, customer.current.id)
    _book(session, account.id, customer.customer.id, "Oakfield Lettings", 28, 95_000)
    account.balance_minor = 1_000
    session.add(account)
    session.commit()
    assert check_upcoming_bills(session, customer.customer.id, TODAY, 3, merchants) == []


def test_subscription_price_rise_raises_an_alert_before_the_next_payment(session, customer, merchants):
    # Netflix from April to October on the 21st, up from £10.99 to £12.99 in October; the customer's history
    # also holds one Netflix payment on 16 October, off the schedule.
    for when in monthly(21, date(2026, 4, 1), TODAY):
        session.add(Transaction(external_id=f"netflix-{when}", customer_id=customer.customer.id,
                                account_id=customer.current.id,
                                booked_at=datetime.combine(when, time(5), tzinfo=timezone.utc),
                                amount_minor=-1_299 if when.month == 10 else -1_099,
                                merchant="Netflix", category="subscriptions", channel="direct_debit"))
    session.commit()
    raised = check_upcoming_bills(session, customer.customer.id, TODAY, 3, merchants)
    alert = session.get(Alert, raised[0])
    assert len(raised) == 1
    assert alert.reason.startswith("Netflix went up from £10.99 to £12.99")
    assert alert.data["due_date"] == "2026-11-21" and alert.data["amount"] == "12.99"


def test_bill_paid_from_within_an_overdraft_already_in_use_raises_nothing(session, customer, merchants):
    account = session.get(Account, customer.current.id)
    _book(session, account.id, customer.customer.id, "Thames Water", 22, 4_000)
    account.balance_minor = -20_000  # £200 into a £1,000 arranged overdraft
    session.add(account)
    session.commit()
    assert check_upcoming_bills(session, customer.customer.id, TODAY, 3, merchants) == []


def test_bill_that_would_pass_the_arranged_overdraft_raises_an_alert(session, customer, merchants):
    account = session.get(Account, customer.current.id)
    _book(session, account.id, customer.customer.id, "Thames Water", 22, 4_000)
    account.balance_minor = -98_000
    session.add(account)
    session.commit()
    alert = session.get(Alert, check_upcoming_bills(session, customer.customer.id, TODAY, 3, merchants)[0])
    assert alert.reason.endswith("beyond your £1,000.00 arranged overdraft")


def test_a_card_statement_that_varies_is_a_series_but_never_a_price_rise(merchants):
    amounts = [8_252, 84_159, 22_387, 34_259, 3_245, 44_574, 41_020, 33_991, 56_977, 57_434, 90_938]
    statements = [Movement(1, day, -amount, "Lumen credit card", "internal_transfer")
                  for day, amount in zip(monthly(5, date(2026, 1, 1), TODAY), amounts)]
    series = find_series(statements, TODAY, merchants)
    assert series[0].next_date == date(2026, 12, 5)
    assert series[0].next_amount_minor == -57_434  # the median of the last three
    assert price_rise(series[0]) is None
