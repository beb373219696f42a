"""Calendar rules for recurring payments: a day of the month, clamped to short months, and what comes next."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import date


def on_day(year: int, month: int, day: int) -> date:
    """The given day of a month, or its last day when the month is shorter (the 31st in June is the 30th)."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def add_months(year: int, month: int, count: int) -> tuple[int, int]:
    """(year, month) count months later."""
    index = year * 12 + (month - 1) + count
    return index // 12, index % 12 + 1


def monthly(day: int, start: date, end: date, months: tuple[int, ...] | None = None) -> Iterator[date]:
    """Every date on `day` of the month from start up to and including end (optionally only some months)."""
    year, month = start.year, start.month
    while True:
        when = on_day(year, month, day)
        if when > end:
            return
        if when >= start and (months is None or month in months):
            yield when
        year, month = add_months(year, month, 1)


def next_monthly(day: int, after: date, months: tuple[int, ...] | None = None) -> date:
    """The first date on `day` of the month strictly after `after` (optionally only in some months)."""
    year, month = after.year, after.month
    for _ in range(24):
        when = on_day(year, month, day)
        if when > after and (months is None or month in months):
            return when
        year, month = add_months(year, month, 1)
    raise ValueError("no such date within two years")


# Council tax is usually paid in ten instalments, April to January.
COUNCIL_TAX_MONTHS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1)
