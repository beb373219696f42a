"""Period phrases become [start, end) ranges relative to an explicit 'now'."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from assistant.bank.periods import Period, PeriodNotUnderstood, parse_period

AS_OF = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)  # a Friday


def utc(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("last month", utc(2026, 10, 1), utc(2026, 11, 1)),
        ("this month", utc(2026, 11, 1), utc(2026, 12, 1)),
        ("yesterday", utc(2026, 11, 19), utc(2026, 11, 20)),
        ("today", utc(2026, 11, 20), utc(2026, 11, 21)),
        ("this week", utc(2026, 11, 16), utc(2026, 11, 23)),
        ("last week", utc(2026, 11, 9), utc(2026, 11, 16)),
        ("in January", utc(2026, 1, 1), utc(2026, 2, 1)),
        ("last 30 days", utc(2026, 10, 21), utc(2026, 11, 21)),
        ("2 weeks ago", utc(2026, 11, 2), utc(2026, 11, 9)),
        ("last year", utc(2025, 1, 1), utc(2026, 1, 1)),
        ("on 3 November", utc(2026, 11, 3), utc(2026, 11, 4)),
        ("March 2025", utc(2025, 3, 1), utc(2025, 4, 1)),
    ],
)
def test_phrase_becomes_the_expected_range(text: str, start: datetime, end: datetime) -> None:
    period = parse_period(text, AS_OF)
    assert (period.start, period.end) == (start, end)


def test_since_a_month_runs_from_its_first_day_to_the_end_of_today() -> None:
    period = parse_period("since March", AS_OF)
    assert period == Period(utc(2026, 3, 1), utc(2026, 11, 21), "since 1 March 2026", "")


def test_a_month_later_in_the_year_than_now_means_last_years() -> None:
    period = parse_period("December", AS_OF)
    assert (period.start, period.end, period.label) == (utc(2025, 12, 1), utc(2026, 1, 1), "December 2025")


def test_the_current_month_by_name_means_this_year() -> None:
    assert parse_period("november", AS_OF).start == utc(2026, 11, 1)


def test_last_month_in_january_is_december_of_the_year_before() -> None:
    period = parse_period("last month", datetime(2027, 1, 15, tzinfo=timezone.utc))
    assert (period.start, period.end) == (utc(2026, 12, 1), utc(2027, 1, 1))


def test_ranges_are_aware_utc_even_for_another_time_zone_as_of() -> None:
    from zoneinfo import ZoneInfo

    period = parse_period("yesterday", datetime(2026, 11, 20, 23, 30, tzinfo=ZoneInfo("America/New_York")))
    assert period.start == utc(2026, 11, 20) and period.start.tzinfo == timezone.utc


@pytest.mark.parametrize(
    ("text", "words"),
    [("last month", "in October 2026"), ("yesterday", "yesterday"), ("this week", "this week"),
     ("on 3 November", "on 3 November 2026"), ("last 30 days", "in the last 30 days"),
     ("since March", "since 1 March 2026")],
)
def test_in_words_reads_naturally_after_a_verb(text: str, words: str) -> None:
    assert parse_period(text, AS_OF).in_words == words


def test_a_moment_inside_the_range_is_contained_and_the_end_is_not() -> None:
    period = parse_period("yesterday", AS_OF)
    assert period.contains(utc(2026, 11, 19)) and not period.contains(period.end)


def test_past_week_is_the_rolling_seven_days_not_the_calendar_week() -> None:
    period = parse_period("past week", AS_OF)
    assert (period.start, period.end, period.label) == (utc(2026, 11, 13), utc(2026, 11, 21), "the past week")


@pytest.mark.parametrize("text", ["banana", "", "   ", "what about it", "last 0 days"])
def test_nonsense_raises_period_not_understood(text: str) -> None:
    with pytest.raises(PeriodNotUnderstood):
        parse_period(text, AS_OF)


def test_a_period_in_the_future_is_refused() -> None:
    with pytest.raises(PeriodNotUnderstood, match="future"):
        parse_period("next month", AS_OF)


def test_a_naive_as_of_is_refused() -> None:
    with pytest.raises(ValueError):
        parse_period("today", datetime(2026, 11, 20))
