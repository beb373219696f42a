"""The one feature pipeline both models use: a row of numbers per customer computed from the bank's records."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Sequence

import numpy as np
from sqlmodel import Session

from assistant.bank.eligibility import Circumstances
from assistant.models.history import (
    CARD_INTEREST,
    FX_FEE,
    OVERDRAFT_INTEREST,
    CustomerHistory,
    data_as_of,
    load_histories,
)
from assistant.bank.schedules import add_months

# Bump whenever a feature is added, removed, reordered or computed differently: saved models refuse other versions.
FEATURE_VERSION = 2

# Name and meaning of each feature, in column order (money in pounds, shares as fractions).
FEATURES: tuple[tuple[str, str], ...] = (
    ("age", "age in years"),
    ("tenure_years", "years since the customer joined"),
    ("products_held", "number of products held"),
    ("holds_savings", "holds a savings product (1/0)"),
    ("holds_credit_card", "holds a credit card (1/0)"),
    ("holds_premier", "holds the Premier current account (1/0)"),
    ("monthly_pay", "average monthly income over the last three months"),
    ("pay_months_last_3", "months of the last three with income paid in"),
    ("months_since_pay", "30-day windows since income was last paid in"),
    ("pay_irregularity", "payments of income in the year more than 10% off the usual amount or 4 days off the usual day"),
    ("current_balance", "current account balance"),
    ("savings_balance", "savings balance"),
    ("balance_change_3m", "change of current and savings balances over three months, in months of pay"),
    ("months_balance_falling", "consecutive recent months in which the balance fell"),
    ("overdrawn_months_3", "month ends overdrawn in the last three"),
    ("moved_out_share", "money moved to the customer's own accounts at other banks in three months, in months of pay"),
    ("spend_to_income", "spending over income in the last three months"),
    ("fees_3m", "fees and interest paid in the last three months"),
    ("fx_fee_months", "months of the year with foreign transaction fees"),
    ("overdraft_interest_months", "months of the last six with overdraft interest"),
    ("card_interest_months", "months of the last six with credit card interest"),
    ("payments_abroad", "card payments abroad in the year"),
    ("travel_share", "share of the year's spending on travel and abroad"),
    ("card_spend_monthly", "average monthly card spending over the last three months"),
    ("credit_utilisation", "credit card balance over its limit"),
    ("logins_recent", "app sign-ins a month over the last three months"),
    ("login_change", "sign-ins in the last three months over the three before (1: unchanged)"),
    ("login_change_last_month", "sign-ins in the last month over the monthly average of months four to six"),
    ("complaints_90d", "complaints in the last 90 days"),
    ("complaints_180d", "complaints in the last 180 days"),
    ("complaints_unresolved", "complaints not yet resolved"),
)
FEATURE_NAMES: tuple[str, ...] = tuple(name for name, _ in FEATURES)


@dataclass(frozen=True)
class FeatureTable:
    """Features for a set of customers: one row per customer id, columns in FEATURE_NAMES order."""

    as_of: date
    customer_ids: list[int]
    values: np.ndarray

    def row(self, customer_id: int) -> dict[str, float]:
        """One customer's features by name."""
        return dict(zip(FEATURE_NAMES, self.values[self.customer_ids.index(customer_id)].tolist()))


def customer_features(session: Session, customer_ids: Sequence[int] | None = None,
                      as_of: date | None = None) -> FeatureTable:
    """Features of every customer (or the given ones) at the as-of date (default: the day the data runs to)."""
    as_of = as_of or data_as_of(session)
    histories = load_histories(session, as_of, customer_ids)
    values = np.array([_row(history, as_of) for history in histories], dtype=float).reshape(-1, len(FEATURE_NAMES))
    return FeatureTable(as_of, [history.id for history in histories], values)


def circumstances(features: dict[str, float]) -> Circumstances:
    """What the eligibility rules need, read from a customer's features."""
    return Circumstances(age=int(features["age"]), monthly_take_home=Decimal(str(round(features["monthly_pay"], 2))),
                         paid_each_month=features["pay_months_last_3"] >= 3,
                         months_overdrawn=int(features["overdrawn_months_3"]))


def _pounds(pence: float) -> float:
    return pence / 100


def _balances_by_window(history: CustomerHistory, kinds: tuple[str, ...]) -> list[int]:
    """Balance at the end of each window (0: the as-of date), from today's balance and what moved since."""
    balance = sum(history.balances.get(kind, 0) for kind in kinds)
    ends = []
    for window in range(len(history.pay)):
        ends.append(balance)
        balance -= sum(history.moved[kind][window] for kind in kinds if kind in history.moved)
    return ends


def _falling_months(ends: list[int]) -> int:
    count = 0
    while count + 1 < len(ends) and ends[count] < ends[count + 1]:
        count += 1
    return count


def _logins(history: CustomerHistory, as_of: date) -> tuple[float, float, float]:
    months = [date(*add_months(as_of.year, as_of.month, -back), 1) for back in range(6)]
    recent = [history.logins.get(month, 0) for month in months[:3]]
    before = [history.logins.get(month, 0) for month in months[3:]]
    return (statistics.fmean(recent), (sum(recent) + 1) / (sum(before) + 1),
            (recent[0] + 1) / (statistics.fmean(before) + 1))


def _pay_irregularity(history: CustomerHistory) -> float:
    # Counted rather than a spread, so weekends and short months (pay a day or three early) do not register.
    if len(history.pay_amounts) < 2:
        return 0.0
    amount, day = statistics.median(history.pay_amounts), statistics.median(history.pay_days)
    return sum(1 for paid, on in zip(history.pay_amounts, history.pay_days)
               if abs(paid - amount) > 0.1 * amount or abs(on - day) > 4)


def _row(history: CustomerHistory, as_of: date) -> list[float]:
    pay_3 = sum(history.pay[:3]) / 3
    pay_year = max(sum(history.pay) / len(history.pay), 50_000)  # at least £500, so shares stay meaningful
    paid_windows = [w for w, amount in enumerate(history.pay) if amount > 0]
    totals = _balances_by_window(history, ("current", "savings"))
    current = _balances_by_window(history, ("current",))
    fees = history.fees
    spent_3 = sum(history.spent[:3])
    logins_recent, login_change, login_change_last_month = _logins(history, as_of)
    limit = history.credit_limit
    return [
        (as_of - history.birth_date).days / 365.25,
        (as_of - history.joined).days / 365.25,
        len(history.held),
        float(any(code in history.held for code in ("easy_saver", "fixed_saver_1y", "cash_isa"))),
        float(any(code.endswith("_card") for code in history.held)),
        float("premier_current" in history.held),
        _pounds(pay_3),
        sum(1 for amount in history.pay[:3] if amount > 0),
        paid_windows[0] if paid_windows else len(history.pay),
        _pay_irregularity(history),
        _pounds(history.balances.get("current", 0)),
        _pounds(history.balances.get("savings", 0)),
        (totals[0] - totals[3]) / pay_year,
        _falling_months(totals),
        sum(1 for balance in current[:3] if balance < 0),
        sum(history.moved_out[:3]) / pay_year,
        spent_3 / max(sum(history.pay[:3]), 50_000),
        _pounds(sum(sum(by_window[:3]) for by_window in fees.values())),
        sum(1 for amount in fees[FX_FEE] if amount > 0) if FX_FEE in fees else 0,
        sum(1 for amount in fees[OVERDRAFT_INTEREST][:6] if amount > 0) if OVERDRAFT_INTEREST in fees else 0,
        sum(1 for amount in fees[CARD_INTEREST][:6] if amount > 0) if CARD_INTEREST in fees else 0,
        sum(history.abroad),
        history.travel_spent / max(1, sum(history.spent)),
        _pounds(sum(history.card_spent[:3]) / 3),
        -history.balances.get("credit_card", 0) / limit if limit else 0.0,
        logins_recent,
        login_change,
        login_change_last_month,
        sum(1 for days_ago, _ in history.complaints if days_ago <= 90),
        sum(1 for days_ago, _ in history.complaints if days_ago <= 180),
        sum(1 for _, resolved in history.complaints if not resolved),
    ]
