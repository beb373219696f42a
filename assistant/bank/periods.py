"""Period phrases ("last month", "since March", "yesterday") as aware-UTC [start, end) ranges."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from dateparser.date import DateDataParser
from dateparser.search import search_dates

PERIOD_EXAMPLES = ("last month", "this week", "yesterday", "since March", "in January", "last 30 days")

_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_UNIT_DAYS = {"day": 1, "week": 7}
_FILLER = re.compile(r"^(?:in|during|for|over|from|of|on)\s+(?:the\s+)?")
_RELATIVE = re.compile(r"^(this|last|previous|current)\s+(week|month|year)$")
_LAST_N = re.compile(r"^(?:the\s+)?(?:last|past|previous)\s+(?:(\d+|a|one|two|three|four|six|twelve|few)\s+)?(day|week|month|year)s?$")
_MONTH = re.compile(r"^([a-z]+)\.?(?:\s+(\d{4}))?$")
_WORD_NUMBERS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "six": 6, "twelve": 12, "few": 3}


class PeriodNotUnderstood(ValueError):
    """The text does not name a period of time we can search by."""


@dataclass(frozen=True)
class Period:
    """A half-open range of time [start, end) in aware UTC, with a label for people."""

    start: datetime
    end: datetime
    label: str
    preposition: str = "in"  # "in October 2026", "on 3 November 2026", "" for "yesterday"

    @property
    def in_words(self) -> str:
        """The period as it follows a verb: 'in October 2026', 'yesterday', 'since 1 March 2026'."""
        return f"{self.preposition} {self.label}".strip()

    def contains(self, moment: datetime) -> bool:
        """Whether a moment falls inside the period."""
        return self.start <= moment < self.end


def parse_period(text: str, as_of: datetime) -> Period:
    """Turn a period phrase into a Period relative to `as_of`; raises PeriodNotUnderstood for nonsense."""
    if as_of.tzinfo is None:
        raise ValueError("as_of must be timezone-aware")
    as_of = as_of.astimezone(timezone.utc)
    phrase = " ".join((text or "").lower().replace(",", " ").split())
    if not phrase:
        raise PeriodNotUnderstood("no period given")

    since = phrase.startswith("since ") or phrase.startswith("from ")
    if since:
        phrase = phrase.split(" ", 1)[1]
    phrase = _FILLER.sub("", phrase)

    period = _named_period(phrase, as_of) or _dateparser_period(phrase, as_of)
    if period is None:
        raise PeriodNotUnderstood(f"could not understand the period {text!r}")
    if period.start > as_of:
        raise PeriodNotUnderstood(f"the period {text!r} is in the future")
    if since:
        # An open-ended period runs to the end of today so everything booked so far is inside.
        return Period(period.start, _midnight(as_of.date() + timedelta(days=1)), f"since {_day_label(period.start)}", "")
    return period


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def _day_label(moment: datetime) -> str:
    return f"{moment.day} {calendar.month_name[moment.month]} {moment.year}"


def _month_period(year: int, month: int) -> Period:
    start = _midnight(date(year, month, 1))
    end = _midnight(date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1))
    return Period(start, end, f"{calendar.month_name[month]} {year}")


def _week_period(day: date, label: str | None = None) -> Period:
    monday = day - timedelta(days=day.weekday())
    start, end = _midnight(monday), _midnight(monday + timedelta(days=7))
    if label:
        return Period(start, end, label, "")
    return Period(start, end, f"the week of {_day_label(start)}")


def _year_period(year: int) -> Period:
    return Period(_midnight(date(year, 1, 1)), _midnight(date(year + 1, 1, 1)), str(year))


def _named_period(phrase: str, as_of: datetime) -> Period | None:
    """Calendar periods dateparser returns as single moments rather than ranges."""
    today = as_of.date()
    if phrase == "today":
        return Period(_midnight(today), _midnight(today + timedelta(days=1)), "today", "")
    if phrase == "yesterday":
        return Period(_midnight(today - timedelta(days=1)), _midnight(today), "yesterday", "")

    relative = _RELATIVE.match(phrase)
    if relative:
        previous = relative.group(1) in {"last", "previous"}
        unit = relative.group(2)
        if unit == "week":
            day = today - timedelta(days=7) if previous else today
            return _week_period(day, "last week" if previous else "this week")
        if unit == "month":
            year, month = (today.year, today.month)
            if previous:
                year, month = (year - 1, 12) if month == 1 else (year, month - 1)
            return _month_period(year, month)
        return _year_period(today.year - 1 if previous else today.year)

    last_n = _LAST_N.match(phrase)
    if last_n:
        raw, unit = last_n.groups()
        # "past week" is the rolling seven days; "last week" (the calendar week) was handled above.
        count = _WORD_NUMBERS.get(raw or "a") or int(raw)
        if count <= 0:
            raise PeriodNotUnderstood("a period needs at least one day in it")
        moment = _parser(as_of).get_date_data(f"{count} {unit}s ago").date_obj
        if moment is None:  # pragma: no cover - dateparser understands "N units ago"
            return None
        return Period(_midnight(moment.date()), _midnight(today + timedelta(days=1)), f"the last {count} {unit}s" if count > 1 else f"the past {unit}")

    month = _MONTH.match(phrase)
    if month and month.group(1) in _MONTHS:
        number = _MONTHS[month.group(1)]
        if month.group(2):
            return _month_period(int(month.group(2)), number)
        # A bare month name means the most recent one, this month included.
        return _month_period(today.year if number <= today.month else today.year - 1, number)
    return None


def _parser(as_of: datetime) -> DateDataParser:
    return DateDataParser(languages=["en"], settings=_settings(as_of))


def _settings(as_of: datetime) -> dict:
    return {
        "PREFER_DATES_FROM": "past",
        "RETURN_AS_TIMEZONE_AWARE": True,
        "RELATIVE_BASE": as_of,
        "TIMEZONE": "UTC",
        "TO_TIMEZONE": "UTC",
        "DATE_ORDER": "DMY",
    }


def _dateparser_period(phrase: str, as_of: datetime) -> Period | None:
    """Anything else dateparser understands, widened to the day, week, month or year it names."""
    data = _parser(as_of).get_date_data(phrase)
    if data.date_obj is None:
        found = search_dates(phrase, languages=["en"], settings=_settings(as_of))
        if not found:
            return None
        # Re-parse the matched words alone so dateparser also tells us their granularity.
        data = _parser(as_of).get_date_data(found[0][0])
        if data.date_obj is None:  # pragma: no cover - search_dates found it, so parse does too
            return None
    moment = data.date_obj.astimezone(timezone.utc)
    if data.period == "week":
        return _week_period(moment.date())
    if data.period == "month":
        return _month_period(moment.year, moment.month)
    if data.period == "year":
        return _year_period(moment.year)
    day = moment.date()
    return Period(_midnight(day), _midnight(day + timedelta(days=1)), _day_label(moment), "on")
