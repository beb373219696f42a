"""Amounts of money as customers type them: "£50", "20 pounds", "1,250.00", "over £50", "between £10 and £100"."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# Digits with optional thousands commas ("1,250") and pence; a leading minus is caught to be refused by name.
_NUMBER = r"(?:£\s*)?(-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*(k)?\s*(?:£|gbp|pounds?|quid|quids)?"
_SINGLE = re.compile(rf"^\s*{_NUMBER}\s*$", re.IGNORECASE)
_BETWEEN = re.compile(rf"^\s*(?:between\s+|from\s+)?{_NUMBER}\s*(?:and|to|-)\s*{_NUMBER}\s*$", re.IGNORECASE)
_ABOVE = re.compile(
    rf"^\s*(?:over|above|more than|greater than|at least|bigger than|larger than|>=?)\s*{_NUMBER}\s*$", re.IGNORECASE
)
_BELOW = re.compile(rf"^\s*(?:under|below|less than|at most|smaller than|up to|<=?)\s*{_NUMBER}\s*$", re.IGNORECASE)


def _to_decimal(number: str, thousands: str | None) -> Decimal:
    digits = number.replace(",", "")
    try:
        value = Decimal(digits)
    except InvalidOperation as exc:
        raise ValueError(f"I couldn't read \"{number}\" as an amount of money.") from exc
    if thousands:
        value *= 1000
    if value != value.quantize(Decimal("0.01")):
        raise ValueError("Amounts can have at most two decimal places, like £12.50.")
    if value < 0:
        raise ValueError("Amounts can't be negative.")
    return value.quantize(Decimal("0.01"))


def parse_amount(text: str) -> Decimal:
    """A positive amount in pounds from what the customer typed; ValueError with a reason to show them."""
    cleaned = (text or "").strip()
    match = _SINGLE.match(cleaned)
    if not match:
        raise ValueError(f"I couldn't read \"{cleaned}\" as an amount. Try something like £25 or 25.50.")
    value = _to_decimal(match.group(1), match.group(2))
    if value == 0:
        raise ValueError("The amount has to be more than £0.")
    return value


def parse_amount_range(text: str) -> tuple[Decimal | None, Decimal | None]:
    """(minimum, maximum) in pounds from "over £50", "under 20 pounds" or "between £10 and £100"."""
    cleaned = (text or "").strip()
    if match := _BETWEEN.match(cleaned):
        low, high = _to_decimal(match.group(1), match.group(2)), _to_decimal(match.group(3), match.group(4))
        return (low, high) if low <= high else (high, low)
    if match := _ABOVE.match(cleaned):
        return _to_decimal(match.group(1), match.group(2)), None
    if match := _BELOW.match(cleaned):
        return None, _to_decimal(match.group(1), match.group(2))
    raise ValueError(f"I couldn't read \"{cleaned}\" as a range of amounts. Try 'over £50' or 'between £10 and £100'.")
