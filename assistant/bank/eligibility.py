"""Who may be offered which product: age, income before tax and, for credit, affordability."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from assistant.bank.catalogue import ProductSpec

# Take-home pay to income before tax, by the rule the bank uses for the Premier account:
# £4,400 a month take-home is about £75,000 a year before tax.
TAKE_HOME_TO_GROSS = Decimal(75_000) / (Decimal(4_400) * 12)
# Month ends overdrawn (of the last three) from which new credit is not affordable.
OVERDRAWN_MONTHS_LIMIT = 2


@dataclass(frozen=True)
class Circumstances:
    """What the eligibility rules look at, as the bank's records show it."""

    age: int
    monthly_take_home: Decimal  # average income of the last three months
    paid_each_month: bool  # income arrived in each of the last three months
    months_overdrawn: int  # month ends overdrawn among the last three


def yearly_income_before_tax(monthly_take_home: Decimal) -> Decimal:
    """An estimate of income before tax from monthly take-home pay."""
    return (monthly_take_home * 12 * TAKE_HOME_TO_GROSS).quantize(Decimal("1"))


def refusal(product: ProductSpec, circumstances: Circumstances) -> str | None:
    """Why the customer does not qualify for a product, as a sentence, or None when they do."""
    if circumstances.age < product.min_age:
        return f"The {product.name} is for customers aged {product.min_age} or over."
    income = yearly_income_before_tax(circumstances.monthly_take_home)
    if income < product.min_income:
        return f"The {product.name} needs an income of at least £{product.min_income:,.0f} a year before tax."
    if product.is_credit and not circumstances.paid_each_month:
        return f"The {product.name} needs a regular income paid in each of the last three months."
    if product.is_credit and circumstances.months_overdrawn >= OVERDRAWN_MONTHS_LIMIT:
        return f"The {product.name} is not affordable while the current account is regularly overdrawn."
    return None
