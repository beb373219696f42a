"""Money movements of one customer over the months before the as-of date, as unsorted events."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

from assistant.seed import merchants as m


@dataclass
class Event:
    """One booked movement on one account (pence, signed: negative leaves the account)."""

    when: datetime
    account: str  # current | savings | credit_card
    amount: int
    merchant: str
    category: str
    channel: str
    country: str = "GB"
    description: str = ""
    card: str | None = None  # debit | credit
    unusual: str | None = None  # reason, for the labelled unusual purchases


def pence(pounds: float | Decimal) -> int:
    """Whole pence from pounds."""
    return int((Decimal(str(pounds)) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A UTC time on a day."""
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.utc)


def daytime(rng: random.Random, day: date) -> datetime:
    """A plausible time of day for card spending (mostly 8:00 to 22:00)."""
    return at(day, min(22, max(7, int(rng.gauss(14, 3.5)))), rng.randrange(60))


def spend(rng: random.Random, merchant: m.Merchant, scale: float) -> int:
    """A payment at a merchant, in pence, sized to the customer's means."""
    return pence(round(rng.uniform(merchant.low, merchant.high) * scale, 2))


def everyday_spending(rng: random.Random, start: date, end: date, scale: float, has_credit_card: bool,
                      favourites: dict[str, list[m.Merchant]]) -> list[Event]:
    """Groceries, dining, transport, shopping, entertainment and cash, day by day."""
    events: list[Event] = []
    habits = (("groceries", 0.32), ("dining", 0.28), ("transport", 0.22), ("shopping", 0.09), ("entertainment", 0.03))
    day = start
    while day < end:
        for kind, chance in habits:
            if rng.random() < chance:
                merchant = rng.choice(favourites[kind])
                on_credit = has_credit_card and kind in {"shopping", "entertainment", "dining"} and rng.random() < 0.6
                events.append(Event(daytime(rng, day), "credit_card" if on_credit else "current",
                                    -spend(rng, merchant, scale), merchant.name, merchant.category, merchant.channel,
                                    card="credit" if on_credit else "debit"))
        if rng.random() < 0.05:
            events.append(Event(daytime(rng, day), "current", -pence(rng.choice((20, 30, 40, 50, 60, 80, 100))),
                                "Cash machine", "cash", "atm", card="debit",
                                description=f"ATM withdrawal {rng.choice(('High St', 'Station Rd', 'Market Sq'))}"))
        day += timedelta(days=1)
    return events


def trips_abroad(rng: random.Random, start: date, end: date, scale: float, has_credit_card: bool) -> list[Event]:
    """One to three holidays: the flight booked weeks before, then card payments in the country visited."""
    events: list[Event] = []
    for _ in range(rng.choice((1, 1, 2, 2, 3))):
        first = start + timedelta(days=rng.randrange(45, max(46, (end - start).days - 12)))
        nights = rng.randint(3, 10)
        country, currency, shops = rng.choice(m.DESTINATIONS)
        airline, low, high = rng.choice(m.AIRLINES)
        card = "credit" if has_credit_card and rng.random() < 0.8 else "debit"
        account = "credit_card" if card == "credit" else "current"
        booked = first - timedelta(days=rng.randint(20, 60))
        if booked >= start:
            events.append(Event(daytime(rng, booked), account, -pence(round(rng.uniform(low, high) * scale, 2)), airline,
                                "travel", "online", card=card))
        rate = Decimal(m.FX_PER_GBP[currency])
        for offset in range(nights):
            day = first + timedelta(days=offset)
            if day >= end:
                break
            for _ in range(rng.randint(1, 4)):
                gbp = round(rng.uniform(4, 70) * scale, 2)
                local = (Decimal(str(gbp)) * rate).quantize(Decimal("0.01"))
                events.append(Event(daytime(rng, day), account, -pence(gbp), rng.choice(shops),
                                    rng.choice(("dining", "dining", "groceries", "transport", "shopping")),
                                    "card_present", country, f"{currency} {local}", card))
    return events

