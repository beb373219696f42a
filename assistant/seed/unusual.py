"""Labelled unusual purchases: card payments planted unlike a customer's own, with the reason they stand out."""

from __future__ import annotations

import random
from datetime import date, timedelta

from assistant.seed import merchants as m
from assistant.seed.history import Event, at, daytime, pence

# Categories no ordinary customer here ever pays in, so a payment in one is unfamiliar by construction.
UNFAMILIAR = (
    m.Merchant("Luxe Watches London", "jewellery", 900, 4500),
    m.Merchant("Crypto Exchange Ltd", "crypto", 500, 3000, "online"),
    m.Merchant("Golden Casino", "gambling", 300, 1500, "online"),
)
BIG_TICKET = (("Electro Superstore Online", "online"), ("Currys", "card_present"), ("John Lewis", "card_present"))
KINDS = ("far_above_norm", "unfamiliar_category", "country_never_visited", "odd_hour")


def _usual_card_payment(events: list[Event]) -> int:
    """The customer's 95th-percentile card payment in pence (what 'a big spend' means for them)."""
    amounts = sorted(-e.amount for e in events if e.card and e.amount < 0 and e.channel in {"card_present", "online"})
    return amounts[int(len(amounts) * 0.95)] if amounts else pence(80)


def unusual_purchases(rng: random.Random, start: date, end: date, events: list[Event]) -> list[Event]:
    """One to three purchases, each unusual for one stated reason measured against the customer's history."""
    usual = _usual_card_payment(events)
    visited = {e.country for e in events}
    planted: list[Event] = []
    for _ in range(rng.randint(1, 3)):
        day = start + timedelta(days=rng.randrange(60, (end - start).days))
        kind = rng.choice(KINDS)
        if kind == "far_above_norm":
            name, channel = rng.choice(BIG_TICKET)
            amount = usual * rng.randint(8, 20)
            planted.append(Event(daytime(rng, day), "current", -amount, name, "shopping", channel, card="debit",
                                 unusual=f"amount {amount / usual:.0f} times the customer's usual large payment"))
        elif kind == "unfamiliar_category":
            merchant = rng.choice(UNFAMILIAR)
            planted.append(Event(daytime(rng, day), "current", -pence(round(rng.uniform(merchant.low, merchant.high), 2)),
                                 merchant.name, merchant.category, merchant.channel, card="debit",
                                 unusual=f"{merchant.category}: a category the customer never pays in"))
        elif kind == "country_never_visited":
            country, currency, shop = rng.choice([c for c in m.UNUSUAL_ABROAD if c[0] not in visited])
            planted.append(Event(daytime(rng, day), "current", -pence(round(rng.uniform(150, 1200), 2)),
                                 shop, "shopping", "card_present", country,
                                 f"{currency} purchase", card="debit",
                                 unusual=f"card payment in {country}, a country the customer never visits"))
        else:
            merchant = rng.choice(m.SHOPPING)
            planted.append(Event(at(day, rng.choice((2, 3, 4)), rng.randrange(60)), "current",
                                 -round(usual * rng.uniform(1.5, 3.0)),
                                 merchant.name, merchant.category, merchant.channel, card="debit",
                                 unusual="a large card payment between 2 and 5 in the morning"))
    return planted
