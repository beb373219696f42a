"""Recurring payments found in a history: similar payee, similar amount, regular interval; the next date and amount."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from assistant.alerts.features import MerchantVectors
from assistant.bank.models import Frequency
from assistant.bank.schedules import add_months, on_day

SAME_PAYEE = 0.92  # cosine similarity of two payee names taken as one payee ("Netflix", "NETFLIX.COM")
_REGULAR_SHARE = 0.75  # share of gaps that must match the frequency
# Gap in days each frequency allows between two payments, and the fewest payments that show it.
_GAPS = {
    Frequency.weekly: (6, 8, 4),
    Frequency.monthly: (26, 35, 3),
    Frequency.quarterly: (84, 98, 3),
    Frequency.yearly: (355, 375, 2),
}
_STEPS = {Frequency.weekly: relativedelta(weeks=1), Frequency.quarterly: relativedelta(months=3),
          Frequency.yearly: relativedelta(years=1)}


@dataclass(frozen=True)
class Movement:
    """A booked movement of money as series detection sees it (amount signed, pence)."""

    account_id: int
    booked_on: date
    amount_minor: int
    merchant: str
    category: str


@dataclass(frozen=True)
class RecurringSeries:
    """Payments that recur, when the next one is due and how much it will be."""

    account_id: int
    merchant: str
    category: str
    frequency: Frequency
    payments: tuple[Movement, ...]
    next_date: date
    next_amount_minor: int

    @property
    def last(self) -> Movement:
        """The latest payment of the series."""
        return self.payments[-1]

    @property
    def previous(self) -> Movement | None:
        """The payment before the latest one."""
        return self.payments[-2] if len(self.payments) > 1 else None

    def year_before(self, day: date) -> Movement | None:
        """The payment about a year before a date (the same month last year), if the history reaches back."""
        target = day - relativedelta(years=1)
        near = [p for p in self.payments if abs((p.booked_on - target).days) <= 10]
        return min(near, key=lambda p: abs((p.booked_on - target).days)) if near else None


def _payees(movements: list[Movement], merchants: MerchantVectors) -> list[list[Movement]]:
    """Movements grouped by payee: the same account and direction, and names the embedding says are one payee."""
    by_key: dict[tuple[int, bool, str], list[Movement]] = {}
    for movement in movements:
        by_key.setdefault((movement.account_id, movement.amount_minor < 0, movement.merchant), []).append(movement)
    vectors = merchants.names(key[2] for key in by_key)
    groups: list[tuple[tuple[int, bool, str], list[Movement]]] = []
    for key, items in sorted(by_key.items(), key=lambda pair: -len(pair[1])):
        for head, members in groups:
            if head[:2] == key[:2] and float(vectors[head[2]] @ vectors[key[2]]) >= SAME_PAYEE:
                members.extend(items)
                break
        else:
            groups.append((key, list(items)))
    return [sorted(members, key=lambda m: m.booked_on) for _, members in groups]


def _frequency(days: list[date]) -> tuple[Frequency, float] | None:
    """The frequency most of the gaps between the dates match, and the share that match it."""
    gaps = [(b - a).days for a, b in zip(days, days[1:])]
    if not gaps:
        return None
    for frequency, (low, high, fewest) in _GAPS.items():
        share = sum(low <= gap <= high for gap in gaps) / len(gaps)
        if len(days) >= fewest and share >= _REGULAR_SHARE:
            return frequency, share
    return None


def _similar_amounts(amounts: list[int], factor: float) -> bool:
    """Whether the latest amounts are within `factor` of their median (seasonal energy bills pass at 2)."""
    middle = statistics.median(abs(a) for a in amounts)
    return all(middle / factor <= abs(a) <= middle * factor for a in amounts[-3:])


def _recurs(payments: list[Movement]) -> Frequency | None:
    """The series' frequency when the dates are regular and the amounts fit it."""
    regular = _frequency([p.booked_on for p in payments])
    if regular is None:
        return None
    frequency, share = regular
    amounts = [p.amount_minor for p in payments]
    if len(payments) < 3:  # two payments a year apart: only the same amount makes them one bill
        return frequency if _similar_amounts(amounts, 1.1) else None
    # A variable direct debit (a card statement) keeps its day perfectly while the amount moves freely.
    if share == 1.0 and len(payments) >= 6:
        return frequency
    return frequency if _similar_amounts(amounts, 2.0) else None


def _on_usual_day(payments: list[Movement], within: int = 3) -> list[Movement]:
    """The payments near the payee's usual day of the month, when they are most of them (else none)."""
    usual = Counter(p.booked_on.day for p in payments).most_common(1)[0][0]
    kept = [p for p in payments if min(abs(p.booked_on.day - usual), 31 - abs(p.booked_on.day - usual)) <= within]
    return kept if len(kept) >= 3 and len(kept) >= 0.6 * len(payments) else []


def _next_monthly(payments: list[Movement], after: date) -> date:
    """The next date on the usual day of the month, in a month the payee is paid in (council tax skips two)."""
    day = Counter(p.booked_on.day for p in payments).most_common(1)[0][0]
    span = (payments[-1].booked_on - payments[0].booked_on).days
    months = {p.booked_on.month for p in payments} if span >= 330 else set(range(1, 13))
    year, month = after.year, after.month
    for _ in range(24):
        when = on_day(year, month, day)
        if when > after and month in months:
            return when
        year, month = add_months(year, month, 1)
    return on_day(*add_months(after.year, after.month, 1), day)


def _next_date(frequency: Frequency, payments: list[Movement], after: date) -> date:
    if frequency == Frequency.monthly:
        return _next_monthly(payments, after)
    when = payments[-1].booked_on
    while when <= after:
        when += _STEPS[frequency]
    return when


def _next_amount(payments: list[Movement], due: date) -> int:
    """The latest amount, moved by last year's change between the same two months (seasonal bills).

    A variable payment (a card statement) is predicted as the median of its last three instead.
    """
    last = payments[-1]
    if not _similar_amounts([p.amount_minor for p in payments], 2.0):
        return round(statistics.median(p.amount_minor for p in payments[-3:]))
    then = [p for p in payments if abs((p.booked_on - (due - relativedelta(years=1))).days) <= 10]
    before = [p for p in payments if abs((p.booked_on - (last.booked_on - relativedelta(years=1))).days) <= 10]
    if then and before and before[0].amount_minor:
        return round(last.amount_minor * then[0].amount_minor / before[0].amount_minor)
    return last.amount_minor


def find_series(movements: list[Movement], as_of: date, merchants: MerchantVectors) -> list[RecurringSeries]:
    """Every recurring series in a history (both directions), each with its predicted next payment."""
    found = []
    for payments in _payees(movements, merchants):
        # Two payments to one payee on one day are one bill paid twice or a split payment, not two cycles.
        by_day = list({p.booked_on: p for p in payments}.values())
        frequency = _recurs(by_day)
        if frequency is None:
            # A one-off payment to the same payee (a film bought on top of the subscription) hides no bill.
            by_day = _on_usual_day(by_day)
            frequency = _recurs(by_day) if by_day else None
        if frequency is None:
            continue
        # A series that stopped (no payment for two of its cycles) is not expected again.
        low, high, _ = _GAPS[frequency]
        if (as_of - by_day[-1].booked_on).days > 2 * high:
            continue
        next_date = _next_date(frequency, by_day, as_of)
        name = Counter(p.merchant for p in by_day).most_common(1)[0][0]
        found.append(RecurringSeries(by_day[-1].account_id, name, by_day[-1].category, frequency, tuple(by_day),
                                     next_date, _next_amount(by_day, next_date)))
    return found


def price_rise(series: RecurringSeries, at_least: float = 0.03) -> tuple[int, int] | None:
    """(old, new) amounts when the latest payment rose against the one before, beyond the season's usual change."""
    if len(series.payments) < 4 or series.last.amount_minor >= 0:
        return None
    *earlier, previous, last = series.payments[-4:]
    # Only a steady price can rise: a card statement changes every month by nature.
    if any(abs(p.amount_minor - previous.amount_minor) > abs(previous.amount_minor) * 0.01 for p in earlier):
        return None
    old, new = -previous.amount_minor, -last.amount_minor
    if new < old * (1 + at_least) or new - old < 50:
        return None
    year_ago = series.year_before(last.booked_on)
    # Energy costs more every winter: a rise that matches last year's amount for the month is the season.
    if year_ago is not None and new <= -year_ago.amount_minor * (1 + at_least):
        return None
    return old, new
