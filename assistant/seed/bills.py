"""A customer's recurring outgoings: housing, utilities, council tax, subscriptions and the monthly saving."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from assistant.seed import merchants as m
from assistant.bank.schedules import COUNCIL_TAX_MONTHS, monthly, next_monthly

_COLD_MONTHS = (11, 12, 1, 2, 3)


@dataclass(frozen=True)
class Bill:
    """A payment that leaves an account on the same day every month (or every month of `months`)."""

    merchant: str
    category: str
    kind: str  # direct_debit | standing_order | subscription
    day: int
    amount: Decimal
    account: str = "current"
    months: tuple[int, ...] | None = None
    seasonal: bool = False
    description: str = ""

    @property
    def channel(self) -> str:
        """How the payment is booked: standing orders as such, everything else as a direct debit."""
        return "standing_order" if self.kind == "standing_order" else "direct_debit"

    def amount_in(self, month: int) -> Decimal:
        """What the bill costs in a month (energy costs about a third more in the cold months)."""
        uplift = Decimal("1.35") if self.seasonal and month in _COLD_MONTHS else Decimal(1)
        return (self.amount * uplift).quantize(Decimal("0.01"))

    def due_dates(self, start: date, end: date) -> list[date]:
        """Every date the bill was paid from start to end."""
        return list(monthly(self.day, start, end, self.months))

    def next_date(self, after: date) -> date:
        """The next payment strictly after a date."""
        return next_monthly(self.day, after, self.months)


def _council(city: str) -> str:
    """Who collects the council tax in a city (London's is collected by its boroughs)."""
    return "Camden Council" if city == "London" else f"{city} City Council"


def subscriptions(rng: random.Random, names: tuple[str, ...] | None) -> list[Bill]:
    """The named subscriptions (a demo persona's) or a random few, each on its own day of the month."""
    prices = dict(m.SUBSCRIPTIONS)
    chosen = list(names) if names is not None else [name for name, _ in rng.sample(m.SUBSCRIPTIONS, rng.randint(0, 4))]
    return [Bill(name, "subscriptions", "subscription", rng.randint(1, 28), Decimal(prices[name])) for name in chosen]


def household_bills(rng: random.Random, salary: Decimal, renter: bool, landlord: str, city: str) -> list[Bill]:
    """Rent or mortgage on the 1st, energy, water, council tax (ten months a year), broadband and mobile."""
    housing = (salary * Decimal(str(round(rng.uniform(0.26, 0.38), 2)))).quantize(Decimal("1"))
    bills = [
        Bill(landlord, "rent", "standing_order", 1, housing, description="Rent") if renter
        else Bill("Lumen Mortgages", "mortgage", "direct_debit", 1, housing, description="Mortgage"),
        Bill(rng.choice(m.ENERGY), "utilities", "direct_debit", rng.randint(3, 12), Decimal(rng.randrange(55, 130)),
             seasonal=True),
        Bill(rng.choice(m.WATER), "utilities", "direct_debit", rng.randint(5, 20), Decimal(rng.randrange(28, 55))),
        Bill(_council(city), "utilities", "direct_debit", 1, Decimal(rng.randrange(110, 230)),
             months=COUNCIL_TAX_MONTHS, description="Council tax"),
    ]
    name, price = rng.choice(m.BROADBAND)
    bills.append(Bill(name, "utilities", "direct_debit", rng.randint(8, 26), Decimal(price)))
    name, price = rng.choice(m.MOBILE)
    bills.append(Bill(name, "utilities", "direct_debit", rng.randint(2, 27), Decimal(price)))
    return bills


def monthly_saving(rng: random.Random, salary: Decimal, salary_day: int, savings_name: str) -> Bill:
    """A standing order moving a fixed share of pay to the customer's savings a few days after payday."""
    amount = (salary * Decimal(str(round(rng.uniform(0.04, 0.14), 2))) / 10).quantize(Decimal("1")) * 10
    day = min(28, salary_day + 3) if salary_day < 28 else 3
    return Bill(savings_name, "transfer", "standing_order", day, amount, description=f"To {savings_name}")
