"""Reading amounts and amount ranges the way customers type them."""

from decimal import Decimal

import pytest

from assistant.bank.amounts import parse_amount, parse_amount_range


@pytest.mark.parametrize("text, expected", [
    ("£50", "50.00"), ("50", "50.00"), ("20 pounds", "20.00"), ("1,250.00", "1250.00"),
    ("75 quid", "75.00"), ("£ 12.5", "12.50"), ("£1.5k", "1500.00"), ("1.505k", "1505.00"), (" 50 Quid ", "50.00"),
    ("£1,250,000", "1250000.00"), ("50 GBP", "50.00"),
])
def test_amounts_are_read_in_pounds(text: str, expected: str) -> None:
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["0", "£0.00", "-5", "£-5", "12.345", "fifty", "", "£", "50 euros please", "1,2,3",
                                  "12,50", "1.2.3", ".50"])
def test_nonsense_zero_negative_and_fractional_pennies_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_amount(text)


@pytest.mark.parametrize("text, expected", [
    ("over £50", (Decimal("50.00"), None)),
    ("more than 50", (Decimal("50.00"), None)),
    ("under 20 pounds", (None, Decimal("20.00"))),
    ("less than £5", (None, Decimal("5.00"))),
    ("between £10 and £100", (Decimal("10.00"), Decimal("100.00"))),
    ("from 100 to 10", (Decimal("10.00"), Decimal("100.00"))),
    ("above 1,000 pounds", (Decimal("1000.00"), None)),
    ("below 5 quid", (None, Decimal("5.00"))),
    ("from 10 to 100", (Decimal("10.00"), Decimal("100.00"))),
    ("£10-£100", (Decimal("10.00"), Decimal("100.00"))),
])
def test_ranges_give_minimum_and_maximum(text: str, expected: tuple) -> None:
    assert parse_amount_range(text) == expected


def test_a_range_without_a_direction_is_refused() -> None:
    with pytest.raises(ValueError, match="range"):
        parse_amount_range("£50")


def test_a_refusal_explains_itself_to_the_customer() -> None:
    with pytest.raises(ValueError, match="at most two decimal places"):
        parse_amount("£12.345")


def test_nothing_typed_is_refused_with_a_reason() -> None:
    with pytest.raises(ValueError, match="Try something like"):
        parse_amount(None)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["over -5", "between -10 and 20", "over", "loads", "between 10 and", "under 1.234"])
def test_nonsense_negative_or_fractional_penny_ranges_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_amount_range(text)
