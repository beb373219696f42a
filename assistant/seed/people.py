"""Synthetic people: names, cities, ages, employers and incomes."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

FIRST_NAMES = (
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Grace", "Sophia", "Lily", "Freya", "Emily", "Ella", "Poppy",
    "Charlotte", "Evie", "Ruby", "Priya", "Aisha", "Zara", "Chloe", "Hannah", "Noah", "Oliver", "George", "Arthur",
    "Leo", "Harry", "Oscar", "Jack", "Charlie", "Jacob", "Thomas", "Muhammad", "Alfie", "James", "William",
    "Daniel", "Samuel", "Rohan", "Kwame", "Tomasz", "Liam", "Ethan", "Isaac", "Joseph", "Ryan", "Sean", "Aidan",
)
LAST_NAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Robinson", "Wright",
    "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke", "Khan",
    "Hughes", "Edwards", "Turner", "Hill", "Moore", "Cooper", "Ward", "Morris", "King", "Harris", "Lewis", "Baker",
    "Martin", "Singh", "Ali", "Kowalski", "Okafor", "Murphy", "Campbell", "Stewart", "Ahmed", "Scott", "Young",
)
CITIES = (
    "London", "Manchester", "Birmingham", "Leeds", "Glasgow", "Bristol", "Liverpool", "Edinburgh", "Cardiff",
    "Sheffield", "Newcastle", "Nottingham", "Leicester", "Brighton", "Southampton", "Belfast", "York", "Norwich",
)
EMPLOYERS = (
    "NHS Trust", "Acme Logistics Ltd", "Brightwave Software Ltd", "County Council", "Northern Rail Ltd",
    "Greenleaf Retail plc", "Harbour Insurance Ltd", "Oakridge Schools Trust", "Summit Engineering Ltd",
    "Riverside Hotels Ltd", "Crown Accountancy LLP", "Meridian Pharma Ltd",
)
PENSION_PAYERS = ("Aviva Pensions", "Legal & General Pensions", "Scottish Widows Pensions", "Teachers' Pensions")
# Paid on this day means paid on the last working day of the month (the 31st clamps to the month's end).
LAST_WORKING_DAY = 31
RETIREMENT_AGE = 67
LANDLORDS = ("Oakfield Lettings", "Parkside Properties", "Castle Estates", "Northgate Homes", "Willow Lettings")
FRIENDS = ("Mum", "Dad", "James Wilson", "Sarah Ahmed", "Tom Baker", "Gran", "Priya Shah", "Ben Carter")


@dataclass(frozen=True)
class Person:
    """Who a synthetic customer is and what they earn."""

    full_name: str
    email: str
    birth_date: date
    city: str
    employer: str
    monthly_salary: Decimal
    salary_day: int
    renter: bool
    income_description: str = "Salary"


def make_person(rng: random.Random, number: int, as_of: date) -> Person:
    """A plausible UK adult aged 18 to 85; retired people are paid a pension, the rest a salary."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    age_days = rng.randint(18 * 365 + 30, 85 * 365)
    retired = age_days >= RETIREMENT_AGE * 365
    salary = Decimal(rng.randrange(1_650, 5_800, 25))
    employer = rng.choice(PENSION_PAYERS if retired else EMPLOYERS)
    return Person(
        full_name=f"{first} {last}",
        email=f"{first.lower()}.{last.lower()}.{number}@example.com",
        birth_date=as_of - timedelta(days=age_days),
        city=rng.choice(CITIES),
        employer=employer,
        monthly_salary=(salary * Decimal("0.6")).quantize(Decimal("1")) if retired else salary,
        salary_day=rng.choice((15, 20, 25, 28, LAST_WORKING_DAY, LAST_WORKING_DAY)),
        renter=rng.random() < (0.3 if retired else 0.6),
        income_description="Pension" if retired else "Salary",
    )
