"""Money as integer minor units in storage and Decimal at the edges; never float."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

CURRENCY_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}
_CENT = Decimal("0.01")


def to_minor(amount: Decimal | int | str) -> int:
    """Convert a major-unit amount (Decimal, int or numeric string) to integer minor units."""
    try:
        value = Decimal(str(amount))
    except InvalidOperation as exc:
        raise ValueError(f"not an amount of money: {amount!r}") from exc
    if not value.is_finite():
        raise ValueError(f"not an amount of money: {amount!r}")
    return int((value.quantize(_CENT, rounding=ROUND_HALF_EVEN) * 100).to_integral_value())


def from_minor(minor: int) -> Decimal:
    """Convert integer minor units to a Decimal in major units with two places."""
    return (Decimal(minor) / 100).quantize(_CENT)


def format_money(amount: Decimal | int, currency: str = "GBP") -> str:
    """Format for people: '£1,234.50' or '-£12.00'. Ints are taken as minor units."""
    value = from_minor(amount) if isinstance(amount, int) else Decimal(amount).quantize(_CENT)
    symbol = CURRENCY_SYMBOLS.get(currency, currency + " ")
    sign = "-" if value < 0 else ""
    return f"{sign}{symbol}{abs(value):,.2f}"
