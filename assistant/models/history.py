"""Reading what the features need from the bank's records, for many customers at once, up to an as-of date.

Time is cut into 30-day windows counted back from the as-of date: window 0 is the last 30 days.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Sequence

from sqlalchemy import func, select
from sqlmodel import Session

from assistant.bank.models import Account, AppActivity, Complaint, Customer, ProductHolding, Transaction

WINDOW_DAYS = 30
WINDOWS = 12
FX_FEE = "Non-sterling transaction fees"
OVERDRAFT_INTEREST = "Arranged overdraft interest"
CARD_INTEREST = "Credit card interest"


@dataclass
class CustomerHistory:
    """One customer's records as the features see them (money in pence)."""

    id: int
    birth_date: date
    joined: date
    full_name: str
    held: set[str] = field(default_factory=set)
    balances: dict[str, int] = field(default_factory=dict)  # by account kind, at the as-of date
    credit_limit: int = 0
    # By window: money in and out of each kind, and fees by description.
    pay: list[int] = field(default_factory=lambda: [0] * WINDOWS)
    pay_days: list[int] = field(default_factory=list)
    pay_amounts: list[int] = field(default_factory=list)
    moved: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0] * WINDOWS))
    spent: list[int] = field(default_factory=lambda: [0] * WINDOWS)
    card_spent: list[int] = field(default_factory=lambda: [0] * WINDOWS)
    moved_out: list[int] = field(default_factory=lambda: [0] * WINDOWS)
    fees: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0] * WINDOWS))
    abroad: list[int] = field(default_factory=lambda: [0] * WINDOWS)
    travel_spent: int = 0
    logins: dict[date, int] = field(default_factory=dict)
    complaints: list[tuple[int, bool]] = field(default_factory=list)  # (days ago, resolved)


def data_as_of(session: Session) -> date:
    """The date of the bank's latest booked transaction (the day its data runs to)."""
    latest = session.execute(select(func.max(Transaction.booked_at))).scalar_one()
    if latest is None:
        raise LookupError("the bank has no transactions to compute features from")
    return latest.date()


def window_of(as_of_end: datetime, when: datetime) -> int:
    """The 30-day window a time falls in (0: the last 30 days); WINDOWS or more is older."""
    return (as_of_end - when).days // WINDOW_DAYS


def load_histories(session: Session, as_of: date, customer_ids: Sequence[int] | None = None) -> list[CustomerHistory]:
    """Every customer's history up to the end of the as-of date (or only the given customers'), in id order."""
    end = datetime.combine(as_of + timedelta(days=1), time(0), tzinfo=timezone.utc)
    start = end - timedelta(days=WINDOW_DAYS * WINDOWS)

    def only(column):  # restrict a query to the requested customers
        return [] if customer_ids is None else [column.in_(list(customer_ids))]

    customers = {
        row.id: CustomerHistory(row.id, row.birth_date, row.joined_at.date(), row.full_name)
        for row in session.execute(select(Customer.id, Customer.birth_date, Customer.joined_at, Customer.full_name)
                                   .where(*only(Customer.id)).order_by(Customer.id))
    }
    for customer_id, code in session.execute(select(ProductHolding.customer_id, ProductHolding.product_code)
                                             .where(ProductHolding.closed_at.is_(None),
                                                    *only(ProductHolding.customer_id))):
        customers[customer_id].held.add(code)
    kinds: dict[int, str] = {}
    for account in session.execute(select(Account.id, Account.customer_id, Account.kind, Account.balance_minor,
                                          Account.credit_limit_minor).where(*only(Account.customer_id))):
        kind = getattr(account.kind, "value", account.kind)
        kinds[account.id] = kind
        history = customers[account.customer_id]
        history.balances[kind] = history.balances.get(kind, 0) + account.balance_minor
        history.credit_limit += account.credit_limit_minor
    # Balances at the as-of date: take back whatever was booked after it.
    for account_id, customer_id, later in session.execute(
            select(Transaction.account_id, Transaction.customer_id, func.sum(Transaction.amount_minor))
            .where(Transaction.booked_at >= end, *only(Transaction.customer_id))
            .group_by(Transaction.account_id, Transaction.customer_id)):
        customers[customer_id].balances[kinds[account_id]] -= later
    _read_transactions(session, customers, kinds, start, end, only(Transaction.customer_id))
    _read_activity(session, customers, as_of, only(AppActivity.customer_id))
    for customer_id, raised_at, resolved in session.execute(
            select(Complaint.customer_id, Complaint.raised_at, Complaint.resolved)
            .where(Complaint.raised_at < end, *only(Complaint.customer_id))):
        customers[customer_id].complaints.append(((end - raised_at).days, resolved))
    return list(customers.values())


def _read_transactions(session: Session, customers: dict[int, CustomerHistory], kinds: dict[int, str],
                       start: datetime, end: datetime, where: list) -> None:
    query = (select(Transaction.customer_id, Transaction.account_id, Transaction.booked_at, Transaction.amount_minor,
                    Transaction.category, Transaction.channel, Transaction.country, Transaction.merchant,
                    Transaction.description, Transaction.card_id)
             .where(Transaction.booked_at >= start, Transaction.booked_at < end, *where))
    for row in session.execute(query):
        history = customers[row.customer_id]
        window = window_of(end, row.booked_at)
        amount = row.amount_minor
        kind = kinds[row.account_id]
        history.moved[kind][window] += amount
        if row.category == "salary":
            history.pay[window] += amount
            history.pay_days.append(row.booked_at.day)
            history.pay_amounts.append(amount)
        elif row.category == "fees":
            history.fees[row.description][window] -= amount
        elif amount < 0 and row.category != "internal_transfer":
            if row.channel == "transfer" and row.merchant == history.full_name:
                history.moved_out[window] -= amount  # to the customer's own account at another bank
                continue
            history.spent[window] -= amount
            if row.card_id is not None:
                history.card_spent[window] -= amount
            if row.country != "GB":
                history.abroad[window] += 1
            if row.country != "GB" or row.category == "travel":
                history.travel_spent -= amount


def _read_activity(session: Session, customers: dict[int, CustomerHistory], as_of: date, where: list) -> None:
    first = date(as_of.year - 1, as_of.month, 1)
    for customer_id, month, logins in session.execute(
            select(AppActivity.customer_id, AppActivity.month, AppActivity.logins)
            .where(AppActivity.month >= first, AppActivity.month <= as_of, *where)):
        customers[customer_id].logins[month] = logins
