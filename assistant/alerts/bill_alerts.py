"""Upcoming-bill alerts: a recurring payment due soon that the projected balance will not cover, or that rose."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlmodel import Session, col, select

from assistant.alerts.bills import Movement, RecurringSeries, find_series, price_rise
from assistant.alerts.features import MerchantVectors
from assistant.alerts.models import AlertKind
from assistant.alerts.raising import raise_alert
from assistant.bank.models import Account, AccountKind, Transaction
from assistant.bank.money import format_money, from_minor

HISTORY_DAYS = 400


@dataclass(frozen=True)
class BillWarning:
    """Why a coming payment deserves a warning."""

    series: RecurringSeries
    dedup_key: str
    reason: str


def customer_movements(session: Session, customer_id: int, today: date) -> list[Movement]:
    """The customer's booked movements over the last HISTORY_DAYS days."""
    since = datetime.combine(today - timedelta(days=HISTORY_DAYS), time(), tzinfo=timezone.utc)
    rows = session.exec(select(Transaction).where(Transaction.customer_id == customer_id,
                                                  Transaction.booked_at >= since)
                        .order_by(col(Transaction.booked_at))).all()
    return [Movement(r.account_id, r.booked_at.date(), r.amount_minor, r.merchant, r.category) for r in rows]


def projected_balance(balance_minor: int, series: list[RecurringSeries], account_id: int, today: date,
                      until: date) -> int:
    """The balance after every predicted payment in and out of the account from tomorrow up to `until`."""
    return balance_minor + sum(s.next_amount_minor for s in series
                               if s.account_id == account_id and today < s.next_date <= until)


def _when(day: date) -> str:
    return f"{day.day} {day:%B}"


def _shortfall(after: int, due: int, overdraft: int) -> str | None:
    """Why the balance will not cover a bill: past the arranged overdraft, or into it from credit."""
    if after < -overdraft:
        return f"beyond your {format_money(overdraft)} arranged overdraft" if overdraft else "more than you have"
    if after < 0 <= after + due:
        return "into your overdraft"
    return None


def bill_warnings(series: list[RecurringSeries], balances: dict[int, tuple[int, int]], today: date,
                  days: int) -> list[BillWarning]:
    """Bills due within `days` days the projected balance will not cover, and steady bills whose amount rose.

    `balances` holds each account's (balance, arranged overdraft) in pence.
    """
    warnings = []
    for item in series:
        if item.next_amount_minor >= 0 or not today < item.next_date <= today + timedelta(days=days):
            continue
        due = -item.next_amount_minor
        cycle = f"{item.account_id}:{item.merchant}:{item.next_date.isoformat()}"
        if item.account_id in balances:
            balance, overdraft = balances[item.account_id]
            after = projected_balance(balance, series, item.account_id, today, item.next_date)
            short = _shortfall(after, due, overdraft)
            if short:
                warnings.append(BillWarning(item, f"bill_short:{cycle}", (
                    f"your {format_money(due)} payment to {item.merchant} is due on {_when(item.next_date)}; "
                    f"your balance is projected to be {format_money(after + due)} by then, so it would take you "
                    f"{short}")))
        rise = price_rise(item)
        if rise:
            old, new = rise
            warnings.append(BillWarning(item, f"bill_rise:{cycle}", (
                f"{item.merchant} went up from {format_money(old)} to {format_money(new)}; the next payment is "
                f"due on {_when(item.next_date)}")))
    return warnings


def check_upcoming_bills(session: Session, customer_id: int, today: date, days: int,
                         merchants: MerchantVectors) -> list[int]:
    """Raise the customer's upcoming-bill alerts (once per bill cycle); the new alerts' ids, committed."""
    series = find_series(customer_movements(session, customer_id, today), today, merchants)
    accounts = session.exec(select(Account).where(Account.customer_id == customer_id,
                                                  Account.kind != AccountKind.credit_card)).all()
    balances = {account.id: (account.balance_minor, account.overdraft_limit_minor) for account in accounts}
    raised = []
    for warning in bill_warnings(series, balances, today, days):
        item = warning.series
        alert = raise_alert(session, customer_id, AlertKind.upcoming_bill,
                            f"{warning.dedup_key}:{customer_id}", warning.reason,
                            {"merchant": item.merchant, "amount": str(from_minor(-item.next_amount_minor)),
                             "due_date": item.next_date.isoformat()})
        if alert is not None:
            raised.append(alert.id)
    session.commit()
    return raised
