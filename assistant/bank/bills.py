"""Upcoming bills: every due date of a customer's recurring payments in the next few days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, select

from assistant.bank.models import Account, Frequency, RecurringPayment
from assistant.bank.money import from_minor

DEFAULT_WINDOW_DAYS = 30
_STEPS = {
    Frequency.weekly: relativedelta(weeks=1),
    Frequency.monthly: relativedelta(months=1),
    Frequency.quarterly: relativedelta(months=3),
    Frequency.yearly: relativedelta(years=1),
}


@dataclass(frozen=True)
class UpcomingBill:
    """One future payment of a direct debit, standing order or subscription."""

    recurring_payment_id: int
    merchant: str
    category: str
    kind: str
    frequency: Frequency
    amount: Decimal
    currency: str
    due_on: date
    account_id: int
    account_name: str


def occurrences(first: date, frequency: Frequency, start: date, end: date) -> list[date]:
    """Due dates of a payment first due on `first` that fall in [start, end], inclusive."""
    step = _STEPS[Frequency(frequency)]
    dates = []
    count = 0
    # Each date is counted from the first so month ends do not drift (31 Jan, 28 Feb, 31 Mar).
    while (due := first + step * count) <= end:
        if due >= start:
            dates.append(due)
        count += 1
    return dates


def upcoming_bills(session: Session, customer_id: int, as_of: datetime, days: int = DEFAULT_WINDOW_DAYS) -> list[UpcomingBill]:
    """The customer's active recurring payments due from `as_of` to `days` days later, soonest first."""
    if days < 0:
        raise ValueError("the window of days cannot be negative")
    start = as_of.date()
    end = start + timedelta(days=days)
    statement = (
        select(RecurringPayment, Account)
        .join(Account, Account.id == RecurringPayment.account_id)
        .where(RecurringPayment.customer_id == customer_id, RecurringPayment.active == True)  # noqa: E712
    )
    bills = [
        UpcomingBill(
            recurring_payment_id=payment.id, merchant=payment.merchant, category=payment.category, kind=payment.kind,
            frequency=Frequency(payment.frequency), amount=from_minor(abs(payment.amount_minor)),
            currency=account.currency, due_on=due, account_id=account.id, account_name=account.name,
        )
        for payment, account in session.exec(statement)
        for due in occurrences(payment.next_date, payment.frequency, start, end)
    ]
    return sorted(bills, key=lambda bill: (bill.due_on, bill.merchant))


def total_due(bills: list[UpcomingBill]) -> Decimal:
    """The sum of a list of upcoming bills."""
    return sum((bill.amount for bill in bills), Decimal("0.00"))
