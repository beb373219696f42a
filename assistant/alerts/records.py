"""Transaction records from the core-banking feed: checked field by field, with a reason when one is refused.

Besides the format of each field, a record must be plausible: an amount within the feed's bound, a currency and
country that ISO 4217 and ISO 3166 know, a booking time neither far in the past nor ahead of now, bounded ids and
text without control characters. A record that fails is refused on its own; the rest of the batch goes on.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import pycountry

if TYPE_CHECKING:
    from assistant.settings import Settings

CHANNELS = frozenset({"card_present", "online", "atm", "transfer", "direct_debit", "standing_order", "salary"})
_TRANSACTION_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_SOURCE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,39}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_TEXT = 120
MAX_ID = 2**31 - 1  # customer, account and card ids are 32-bit in the bank's database
_MAX_AMOUNT_CHARS = 24
# ISO 4217 also lists precious metals, bond-market units, fund codes, a testing code and "no currency": none of
# them is money an account can hold.
_NOT_MONEY = frozenset({"XAG", "XAU", "XPD", "XPT", "XBA", "XBB", "XBC", "XBD", "XDR", "XSU", "XUA", "XTS", "XXX"})
CURRENCIES = frozenset(currency.alpha_3 for currency in pycountry.currencies) - _NOT_MONEY
COUNTRIES = frozenset(country.alpha_2 for country in pycountry.countries)


class InvalidRecord(ValueError):
    """A feed record that cannot be ingested; the message says why, for the feed's operators."""


@dataclass(frozen=True)
class RecordLimits:
    """How large an amount and how old, or how far ahead, a booking the feed accepts."""

    max_amount_minor: int = 100_000_000  # £1,000,000.00
    max_age: timedelta = timedelta(days=90)
    # A day ahead covers clocks and time zones; a booking further ahead is not a booking yet.
    max_ahead: timedelta = timedelta(days=1)

    @classmethod
    def from_settings(cls, settings: Settings) -> RecordLimits:
        """The limits configured by FEED_MAX_AMOUNT and FEED_MAX_AGE_DAYS."""
        return cls(max_amount_minor=int(settings.feed_max_amount * 100),
                   max_age=timedelta(days=settings.feed_max_age_days))


@dataclass(frozen=True)
class FeedRecord:
    """One booked transaction as the core-banking system reports it (amount in pence, negative leaves)."""

    transaction_id: str
    customer_id: int
    account_id: int
    card_id: int | None
    booked_at: datetime
    amount_minor: int
    currency: str
    merchant: str
    category: str
    channel: str
    country: str
    source: str  # the feed source that sent it (its name in FEED_SOURCES), written to the audit log
    description: str = ""

    def to_json(self) -> dict[str, Any]:
        """The record as the feed's JSON, with its source (what the queue carries)."""
        body = asdict(self)
        body["booked_at"] = self.booked_at.isoformat()
        body["amount"] = str(Decimal(body.pop("amount_minor")) / 100)
        return body


def _whole(raw: dict, name: str, optional: bool = False) -> int | None:
    value = raw.get(name)
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
        raise InvalidRecord(f'"{name}" must be a whole number from 1 to {MAX_ID}')
    return value


def _text(raw: dict, name: str, pattern: re.Pattern | None = None, default: str | None = None) -> str:
    value = raw.get(name, default)
    if not isinstance(value, str) or not value.strip():
        raise InvalidRecord(f'"{name}" must be a non-empty string')
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise InvalidRecord(f'"{name}" is longer than {MAX_TEXT} characters')
    if _CONTROL.search(value):
        raise InvalidRecord(f'"{name}" contains control characters')
    if pattern is not None and not pattern.match(value):
        raise InvalidRecord(f'"{name}" is not in the expected format: {value!r}')
    return value


def _code(raw: dict, name: str, known: frozenset[str], default: str, standard: str) -> str:
    value = _text(raw, name, default=default)
    if value not in known:
        raise InvalidRecord(f'"{name}" is not an {standard} code: {value!r}')
    return value


def _booked_at(raw: dict, limits: RecordLimits, now: datetime) -> datetime:
    value = raw.get("booked_at")
    try:
        when = datetime.fromisoformat(value) if isinstance(value, str) and len(value) <= 40 else None
    except ValueError:
        when = None
    if when is None:
        raise InvalidRecord('"booked_at" must be an ISO 8601 date and time, e.g. "2026-11-20T14:03:00Z"')
    if when.tzinfo is None:
        raise InvalidRecord('"booked_at" must include a time zone (e.g. "Z" for UTC)')
    try:
        when = when.astimezone(timezone.utc)
    except OverflowError as exc:  # e.g. year 1 with a positive offset
        raise InvalidRecord('"booked_at" is out of range') from exc
    if when < now - limits.max_age:
        raise InvalidRecord(f'"booked_at" is more than {limits.max_age.days} days in the past')
    if when > now + limits.max_ahead:
        raise InvalidRecord(f'"booked_at" is more than {_hours(limits.max_ahead)} hours in the future')
    return when


def _hours(span: timedelta) -> int:
    return int(span.total_seconds() // 3600)


def _amount(raw: dict, limits: RecordLimits) -> int:
    value = raw.get("amount")
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InvalidRecord('"amount" must be a decimal string such as "-12.34" (never a float)')
    text = str(value).strip()
    try:
        amount = Decimal(text) if len(text) <= _MAX_AMOUNT_CHARS else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise InvalidRecord(f'"amount" is not a number: {text[:_MAX_AMOUNT_CHARS]!r}')
    limit = Decimal(limits.max_amount_minor) / 100
    if abs(amount) > limit:
        raise InvalidRecord(f'"amount" is beyond the feed\'s limit of {limit:,.2f} either way')
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidRecord('"amount" must have at most two decimal places')
    if amount == 0:
        raise InvalidRecord('"amount" cannot be zero')
    return int(amount * 100)


def _description(raw: dict) -> str:
    description = raw.get("description", "")
    if not isinstance(description, str) or len(description) > MAX_TEXT:
        raise InvalidRecord(f'"description" must be a string of at most {MAX_TEXT} characters')
    if _CONTROL.search(description):
        raise InvalidRecord('"description" contains control characters')
    return description


def _source(raw: dict, source: str | None) -> str:
    """The given source; a queued record carries its own (stamped by the feed, never taken from a client)."""
    value = raw.get("source") if source is None else source
    if not isinstance(value, str) or not _SOURCE.match(value):
        raise InvalidRecord("the record has no valid feed source")
    return value


def parse_record(raw: Any, source: str | None, limits: RecordLimits | None = None,
                 now: datetime | None = None) -> FeedRecord:
    """A checked FeedRecord from one JSON object, or InvalidRecord naming the first problem found.

    `source` is the feed the record came from; None reads it from the record (records off the transaction queue).
    """
    if not isinstance(raw, dict):
        raise InvalidRecord("each record must be a JSON object")
    limits = limits or RecordLimits()
    now = now or datetime.now(timezone.utc)
    channel = _text(raw, "channel")
    if channel not in CHANNELS:
        raise InvalidRecord(f'"channel" must be one of {", ".join(sorted(CHANNELS))}')
    return FeedRecord(
        transaction_id=_text(raw, "transaction_id", _TRANSACTION_ID),
        customer_id=_whole(raw, "customer_id"),
        account_id=_whole(raw, "account_id"),
        card_id=_whole(raw, "card_id", optional=True),
        booked_at=_booked_at(raw, limits, now),
        amount_minor=_amount(raw, limits),
        currency=_code(raw, "currency", CURRENCIES, "GBP", "ISO 4217 currency"),
        merchant=_text(raw, "merchant"),
        category=_text(raw, "category"),
        channel=channel,
        country=_code(raw, "country", COUNTRIES, "GB", "ISO 3166 country"),
        description=_description(raw),
        source=_source(raw, source),
    )
