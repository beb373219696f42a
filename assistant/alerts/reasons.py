"""Why a payment looks unusual, in plain words, from a short summary of the customer's card history."""

from __future__ import annotations

import statistics
from array import array
from dataclasses import dataclass, field

from assistant.alerts.features import HOME_COUNTRY, CardPayment

COUNTRY_NAMES = {
    "GB": "the UK", "ES": "Spain", "FR": "France", "IT": "Italy", "PT": "Portugal", "US": "the United States",
    "GR": "Greece", "BR": "Brazil", "TH": "Thailand", "NG": "Nigeria", "RU": "Russia", "DE": "Germany",
    "NL": "the Netherlands", "IE": "Ireland", "CN": "China", "IN": "India",
}
_LARGE_RATIO = 3.0
_RARE_HOUR_SHARE = 0.01


@dataclass
class PaymentFacts:
    """What a customer's card payments usually look like: amounts by category, countries, categories, hours."""

    # Compact arrays: a hundred thousand customers' facts are held in memory at once.
    amounts: dict[str, array] = field(default_factory=dict)
    countries: set[str] = field(default_factory=set)
    hours: array = field(default_factory=lambda: array("i", [0] * 24))
    count: int = 0

    def add(self, payment: CardPayment) -> None:
        """Count one more payment as usual for the customer."""
        found = self.amounts.get(payment.category)
        if found is None:
            found = self.amounts[payment.category] = array("q")
        found.append(payment.amount_minor)
        self.countries.add(payment.country)
        self.hours[payment.booked_at.hour] += 1
        self.count += 1

    @classmethod
    def of(cls, payments: list[CardPayment]) -> PaymentFacts:
        """The facts of a list of payments."""
        facts = cls()
        for payment in payments:
            facts.add(payment)
        return facts

    def usual_amount(self, category: str | None = None) -> float:
        """The median card payment in a category (all categories when None or unseen), in pence."""
        values = self.amounts.get(category) if category else None
        if not values:
            values = [amount for amounts in self.amounts.values() for amount in amounts]
        return float(statistics.median(values)) if values else 0.0


    def large_amount(self) -> float:
        """The customer's 95th-percentile card payment in pence (what a big spend is for them), at least £1."""
        values = sorted(amount for amounts in self.amounts.values() for amount in amounts)
        return float(max(values[int(len(values) * 0.95)] if values else 100, 100))


def country_name(code: str) -> str:
    """A country's name for a sentence ("Portugal"), or its code when unknown."""
    return COUNTRY_NAMES.get(code, code)


def _hour_text(hour: int) -> str:
    return f"{hour % 12 or 12}{'am' if hour < 12 else 'pm'}"


def explain(payment: CardPayment, facts: PaymentFacts) -> str:
    """The strongest plain reason a payment differs from the customer's usual ones."""
    if payment.country not in facts.countries and payment.country != HOME_COUNTRY:
        return f"first purchase in {country_name(payment.country)}"
    category = payment.category.replace("_", " ")
    if payment.category not in facts.amounts:
        return f"first card payment on {category}"
    usual = facts.usual_amount(payment.category)
    ratio = payment.amount_minor / usual if usual else 0.0
    if ratio >= _LARGE_RATIO:
        return f"about {ratio:.0f}x your usual spend on {category}"
    if facts.count and facts.hours[payment.booked_at.hour] <= facts.count * _RARE_HOUR_SHARE:
        return f"a card payment at {_hour_text(payment.booked_at.hour)}, a time you rarely pay by card"
    if ratio >= 1.5:
        return f"about {ratio:.1f}x your usual spend on {category}"
    return f"unlike your usual card payments at {payment.merchant}"
