"""Transaction records from the core-banking feed: checked field by field, with a reason when one is refused."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

CHANNELS = frozenset({"card_present", "online", "atm", "transfer", "direct_debit", "standing_order", "salary"})
_TRANSACTION_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
MAX_TEXT = 120


class InvalidRecord(ValueError):
    """A feed record that cannot be ingested; the message says why, for the feed's operators."""


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
    description: str = ""

    def to_json(self) -> dict[str, Any]:
        """The record as the feed's JSON (what the queue carries)."""
        body = asdict(self)
        body["booked_at"] = self.booked_at.isoformat()
        body["amount"] = str(Decimal(body.pop("amount_minor")) / 100)
        return body


def _whole(raw: dict, name: str, optional: bool = False) -> int | None:
    value = raw.get(name)
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidRecord(f'"{name}" must be a positive whole number')
    return value


def _text(raw: dict, name: str, pattern: re.Pattern | None = None, default: str | None = None) -> str:
    value = raw.get(name, default)
    if not isinstance(value, str) or not value.strip():
        raise InvalidRecord(f'"{name}" must be a non-empty string')
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise InvalidRecord(f'"{name}" is longer than {MAX_TEXT} characters')
    if pattern is not None and not pattern.match(value):
        raise InvalidRecord(f'"{name}" is not in the expected format: {value!r}')
    return value


def _booked_at(raw: dict) -> datetime:
    value = raw.get("booked_at")
    try:
        when = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        when = None
    if when is None:
        raise InvalidRecord('"booked_at" must be an ISO 8601 date and time, e.g. "2026-11-20T14:03:00Z"')
    if when.tzinfo is None:
        raise InvalidRecord('"booked_at" must include a time zone (e.g. "Z" for UTC)')
    return when.astimezone(timezone.utc)


def _amount(raw: dict) -> int:
    value = raw.get("amount")
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InvalidRecord('"amount" must be a decimal string such as "-12.34" (never a float)')
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise InvalidRecord(f'"amount" is not a number: {value!r}') from exc
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise InvalidRecord('"amount" must have at most two decimal places')
    if amount == 0:
        raise InvalidRecord('"amount" cannot be zero')
    return int(amount * 100)


def parse_record(raw: Any) -> FeedRecord:
    """A checked FeedRecord from one JSON object, or InvalidRecord naming the first problem found."""
    if not isinstance(raw, dict):
        raise InvalidRecord("each record must be a JSON object")
    channel = _text(raw, "channel")
    if channel not in CHANNELS:
        raise InvalidRecord(f'"channel" must be one of {", ".join(sorted(CHANNELS))}')
    description = raw.get("description", "")
    if not isinstance(description, str) or len(description) > MAX_TEXT:
        raise InvalidRecord(f'"description" must be a string of at most {MAX_TEXT} characters')
    return FeedRecord(
        transaction_id=_text(raw, "transaction_id", _TRANSACTION_ID),
        customer_id=_whole(raw, "customer_id"),
        account_id=_whole(raw, "account_id"),
        card_id=_whole(raw, "card_id", optional=True),
        booked_at=_booked_at(raw),
        amount_minor=_amount(raw),
        currency=_text(raw, "currency", _CURRENCY, default="GBP"),
        merchant=_text(raw, "merchant"),
        category=_text(raw, "category"),
        channel=channel,
        country=_text(raw, "country", _COUNTRY, default="GB"),
        description=description,
    )
