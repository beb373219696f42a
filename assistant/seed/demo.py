"""Demo customers: the fixed personas the web chat offers for sign-in, with the payees demos rely on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class DemoCustomer:
    """A persona with a stable id, name and circumstances."""

    id: int
    name: str
    description: str
    birth_date: date
    city: str
    employer: str
    monthly_salary: Decimal
    salary_day: int
    has_credit_card: bool
    opening_balance: Decimal
    subscriptions: tuple[str, ...]
    travels: bool


# Every demo customer has these payees; the landlord is also paid rent by standing order.
PAYEES = ("Mum", "James Wilson", "Oakfield Lettings")
LANDLORD = "Oakfield Lettings"

DEMO_CUSTOMERS: tuple[DemoCustomer, ...] = (
    DemoCustomer(1, "Alex Morgan", "Current account, Easy Access Saver and a cashback credit card; travels abroad",
                 date(1990, 4, 12), "Leeds", "Brightwave Software Ltd", Decimal("3450.00"), 25, True,
                 Decimal("2400.00"), ("Netflix", "Spotify"), True),
    DemoCustomer(2, "Priya Shah", "Current account and savings; pays rent to Oakfield Lettings",
                 date(1994, 9, 3), "Manchester", "NHS Trust", Decimal("2875.00"), 28, False,
                 Decimal("1900.00"), ("Disney+", "Spotify"), True),
    DemoCustomer(3, "Tom Baker", "Current account and savings; subscriptions and a busy social life",
                 date(1985, 1, 27), "Bristol", "Summit Engineering Ltd", Decimal("3100.00"), 20, False,
                 Decimal("2100.00"), ("Netflix", "Amazon Prime", "PureGym", "Audible"), False),
)


def demo_customer(number: int) -> DemoCustomer | None:
    """The persona for a customer number, if it is one of the demo customers."""
    return next((demo for demo in DEMO_CUSTOMERS if demo.id == number), None)
