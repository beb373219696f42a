"""Calendar rules for recurring payments."""

from __future__ import annotations

from datetime import date

from assistant.bank.schedules import COUNCIL_TAX_MONTHS, monthly, next_monthly, on_day


def test_a_day_past_the_end_of_a_month_falls_on_its_last_day() -> None:
    assert on_day(2026, 2, 31) == date(2026, 2, 28)


def test_monthly_dates_run_from_start_to_end_inclusive() -> None:
    assert list(monthly(20, date(2026, 1, 20), date(2026, 3, 20))) == [
        date(2026, 1, 20), date(2026, 2, 20), date(2026, 3, 20)]


def test_the_next_payment_is_strictly_after_the_day_given() -> None:
    assert next_monthly(20, date(2026, 11, 20)) == date(2026, 12, 20)


def test_council_tax_skips_february_and_march() -> None:
    assert next_monthly(1, date(2027, 1, 15), COUNCIL_TAX_MONTHS) == date(2027, 4, 1)
