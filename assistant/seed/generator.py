"""One synthetic customer, start to finish: who they are, their accounts, cards, payees, bills and history."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from assistant.bank.models import AccountKind, CardStatus, Frequency
from assistant.bank.money import to_minor
from assistant.seed import ids
from assistant.seed import merchants as m
from assistant.seed.demo import PAYEES as DEMO_PAYEES
from assistant.seed.demo import demo_customer
from assistant.seed.history import Event, at, everyday_spending, pence, trips_abroad, unusual_purchases
from assistant.seed.people import FRIENDS, LANDLORDS, make_person
from assistant.seed.schedules import COUNCIL_TAX_MONTHS, monthly, next_monthly

ACCOUNT_NAMES = {"current": "Everyday Current Account", "savings": "Easy Access Saver",
                 "credit_card": "Cashback Credit Card"}
ACCOUNT_INDEX = {"current": 0, "savings": 1, "credit_card": 2}
PRODUCT_CODES = {"current": "everyday_current", "savings": "easy_saver", "credit_card": "cashback_card"}


@dataclass
class CustomerRows:
    """Every row one customer contributes, as dicts ready for a bulk insert."""

    customer: dict
    holdings: list[dict] = field(default_factory=list)
    accounts: list[dict] = field(default_factory=list)
    cards: list[dict] = field(default_factory=list)
    payees: list[dict] = field(default_factory=list)
    recurring: list[dict] = field(default_factory=list)
    transactions: list[dict] = field(default_factory=list)
    unusual: list[dict] = field(default_factory=list)


def customer_rng(seed: int, number: int) -> random.Random:
    """The customer's own random stream: the same for the same seed whatever the size of the bank."""
    digest = hashlib.sha256(f"{seed}:{number}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


@dataclass
class _Bill:
    merchant: str
    category: str
    kind: str
    day: int
    amount: Decimal
    account: str = "current"
    months: tuple[int, ...] | None = None
    seasonal: bool = False


def _bills(rng: random.Random, salary: Decimal, renter: bool, landlord: str, subscriptions: int) -> list[_Bill]:
    housing = (salary * Decimal(str(round(rng.uniform(0.26, 0.38), 2)))).quantize(Decimal("1"))
    bills = [
        _Bill(landlord, "rent", "standing_order", 1, housing) if renter
        else _Bill("Lumen Mortgages", "mortgage", "direct_debit", 1, housing),
        _Bill(rng.choice(m.ENERGY), "utilities", "direct_debit", rng.randint(3, 12),
              Decimal(rng.randrange(55, 130)), seasonal=True),
        _Bill(rng.choice(m.WATER), "utilities", "direct_debit", rng.randint(5, 20), Decimal(rng.randrange(28, 55))),
        _Bill(f"{rng.choice(('Leeds', 'Bristol', 'Camden', 'Salford', 'Glasgow'))} City Council", "utilities",
              "direct_debit", 1, Decimal(rng.randrange(110, 230)), months=COUNCIL_TAX_MONTHS),
    ]
    name, price = rng.choice(m.BROADBAND)
    bills.append(_Bill(name, "utilities", "direct_debit", rng.randint(8, 26), Decimal(price)))
    name, price = rng.choice(m.MOBILE)
    bills.append(_Bill(name, "utilities", "direct_debit", rng.randint(2, 27), Decimal(price)))
    for name, price in rng.sample(m.SUBSCRIPTIONS, subscriptions):
        bills.append(_Bill(name, "subscriptions", "subscription", rng.randint(1, 28), Decimal(price)))
    return bills


def generate_customer(number: int, seed: int, as_of: date, months: int = 13,
                      unusual_rate: float = 0.015) -> CustomerRows:
    """All rows for customer `number` (its id), deterministic in (seed, number, as_of, months)."""
    rng = customer_rng(seed, number)
    person = make_person(rng, number, as_of)
    demo = demo_customer(number)
    start = as_of - timedelta(days=int(months * 30.44))
    salary = demo.monthly_salary if demo else person.monthly_salary
    salary_day = demo.salary_day if demo else person.salary_day
    has_savings = demo is not None or rng.random() < 0.75
    has_credit_card = demo.has_credit_card if demo else rng.random() < 0.4
    renter = True if demo else person.renter
    scale = float((salary / Decimal(3000)) ** Decimal("0.5"))
    joined = start - timedelta(days=rng.randrange(30, 3650))

    rows = CustomerRows(customer={
        "id": number, "full_name": demo.name if demo else person.full_name,
        "email": f"{(demo.name if demo else person.full_name).lower().replace(' ', '.')}.{number}@example.com",
        "birth_date": person.birth_date, "home_country": "GB", "city": demo.city if demo else person.city,
        "joined_at": at(joined, 10), "daily_transfer_limit_minor": 1_000_000,
    })
    kinds = ["current"] + (["savings"] if has_savings else []) + (["credit_card"] if has_credit_card else [])
    account_ids = {kind: ids.block(number, ids.ACCOUNTS_PER_CUSTOMER, ACCOUNT_INDEX[kind]) for kind in kinds}
    opening = {
        # Enough to cover the first month's rent and bills before the first payday.
        "current": pence(demo.opening_balance) if demo else pence(salary * Decimal(str(round(rng.uniform(0.5, 1.1), 2)))),
        "savings": pence(rng.randrange(500, 18_000, 50)),
        "credit_card": 0,
    }
    for i, kind in enumerate(kinds):
        rows.holdings.append({"id": ids.block(number, ids.HOLDINGS_PER_CUSTOMER, i), "customer_id": number,
                              "product_code": PRODUCT_CODES[kind], "opened_at": at(joined, 10), "closed_at": None})

    card_ids = {"debit": ids.block(number, ids.CARDS_PER_CUSTOMER, 0)}
    if has_credit_card:
        card_ids["credit"] = ids.block(number, ids.CARDS_PER_CUSTOMER, 1)
    for kind, card_id in card_ids.items():
        rows.cards.append({
            "id": card_id, "customer_id": number,
            "account_id": account_ids["current" if kind == "debit" else "credit_card"], "kind": kind,
            "last4": f"{rng.randrange(10_000):04d}", "network": "Visa" if kind == "debit" else "Mastercard",
            "status": CardStatus.active.value, "expires_on": date(as_of.year + rng.randint(1, 4), rng.randint(1, 12), 28),
            "replaced_by_id": None,
        })

    landlord = "Oakfield Lettings" if demo else rng.choice(LANDLORDS)
    people = list(DEMO_PAYEES[:2]) if demo else rng.sample([f for f in FRIENDS], rng.randint(1, 3))
    payee_names = people + ([landlord] if renter else [])
    for i, name in enumerate(payee_names):
        rows.payees.append({"id": ids.block(number, ids.PAYEES_PER_CUSTOMER, i), "customer_id": number, "name": name,
                            "sort_code": f"{rng.randrange(10, 99)}-{rng.randrange(10, 99)}-{rng.randrange(10, 99)}",
                            "account_number": f"{rng.randrange(10**7, 10**8)}", "account_id": None,
                            "created_at": at(joined + timedelta(days=rng.randrange(1, 400)), 12)})
    if has_savings:
        rows.payees.append({"id": ids.block(number, ids.PAYEES_PER_CUSTOMER, len(payee_names)), "customer_id": number,
                            "name": ACCOUNT_NAMES["savings"], "sort_code": "04-00-75",
                            "account_number": f"{40_000_000 + account_ids['savings']:08d}",
                            "account_id": account_ids["savings"], "created_at": at(joined, 10)})

    events: list[Event] = []
    for payday in monthly(salary_day, start, as_of):
        while payday.weekday() >= 5:  # paid on the Friday before a weekend
            payday -= timedelta(days=1)
        events.append(Event(at(payday, 6), "current", pence(salary), person.employer, "salary", "salary",
                            description="Salary"))
        if has_savings:
            moved = pence(int(salary * Decimal(str(rng.uniform(0.04, 0.14))) / 10) * 10)
            when = at(payday + timedelta(days=1), 9)
            events.append(Event(when, "current", -moved, ACCOUNT_NAMES["savings"], "transfer", "transfer",
                                description="To Easy Access Saver"))
            events.append(Event(when, "savings", moved, "From Everyday Current Account", "transfer", "transfer"))

    bills = _bills(rng, salary, renter, landlord, 2 if demo else rng.randint(0, 4))
    if demo and number == 1:
        bills += [_Bill("Netflix", "subscriptions", "subscription", 12, Decimal("10.99")),
                  _Bill("Spotify", "subscriptions", "subscription", 3, Decimal("11.99"))]
    for index, bill in enumerate(bills):
        amount = bill.amount
        for day in monthly(bill.day, start, as_of, bill.months):
            amount = bill.amount * (Decimal("1.35") if bill.seasonal and day.month in (11, 12, 1, 2, 3) else 1)
            amount = amount.quantize(Decimal("0.01"))
            events.append(Event(at(day, 5), bill.account, -pence(amount), bill.merchant, bill.category,
                                "standing_order" if bill.kind == "standing_order" else "direct_debit",
                                card="debit" if bill.kind == "subscription" else None))
        rows.recurring.append({
            "id": ids.block(number, ids.RECURRING_PER_CUSTOMER, index), "customer_id": number,
            "account_id": account_ids[bill.account], "merchant": bill.merchant, "category": bill.category,
            "kind": bill.kind, "amount_minor": to_minor(amount), "frequency": Frequency.monthly.value,
            "next_date": next_monthly(bill.day, as_of, bill.months), "active": True,
        })

    favourites = {
        "groceries": rng.sample(m.GROCERIES, 3) + ([m.GROCERIES[0]] if demo else []),
        "dining": rng.sample(m.DINING, 4), "transport": rng.sample(m.TRANSPORT, 3),
        "shopping": rng.sample(m.SHOPPING, 4), "entertainment": list(m.ENTERTAINMENT),
    }
    chosen = everyday_spending(rng, start, as_of, scale, has_credit_card, favourites)
    chosen += trips_abroad(rng, start, as_of, scale, has_credit_card) if (demo and number == 1) or rng.random() < 0.7 else []
    for payday in monthly(rng.randint(1, 28), start, as_of):
        if rng.random() < 0.3 and people:
            friend = rng.choice(people)
            chosen.append(Event(at(payday, 18), "current", -pence(rng.randrange(10, 150, 5)), friend, "transfer",
                                "transfer", description=f"To {friend}"))
    events += _within_means(chosen, events, rng.uniform(0.9, 1.0))
    if not demo and rng.random() < unusual_rate:
        home = {e.country for e in events}
        events += unusual_purchases(rng, start, as_of, home)

    if has_credit_card:
        events += _credit_card_repayments(events, start, as_of)
    closing = _book(rows, events, number, account_ids, card_ids, opening)
    for kind in kinds:
        rows.accounts.append({
            "id": account_ids[kind], "customer_id": number, "kind": AccountKind(kind).value, "name": ACCOUNT_NAMES[kind],
            "number": f"{40_000_000 + account_ids[kind]:08d}", "sort_code": "04-00-75", "currency": "GBP",
            "balance_minor": closing[kind],
            "credit_limit_minor": pence(rng.choice((1500, 2500, 4000, 6000))) if kind == "credit_card" else 0,
            "overdraft_limit_minor": 100_000 if kind == "current" else 0,
            "product_code": PRODUCT_CODES[kind], "opened_at": at(joined, 10),
        })
    return rows


def _within_means(chosen: list[Event], committed: list[Event], share: float) -> list[Event]:
    """Scale chosen spending so everything that goes out is about `share` of what comes in (salary covers it)."""
    income = sum(e.amount for e in committed if e.category == "salary")
    committed_out = -sum(e.amount for e in committed if e.account == "current" and e.amount < 0)
    chosen_out = -sum(e.amount for e in chosen if e.amount < 0)
    if chosen_out <= 0:
        return chosen
    factor = min(1.5, max(0.25, (income * share - committed_out) / chosen_out))
    for event in chosen:
        event.amount = round(event.amount * factor)
        if event.description[:4] in {"EUR ", "USD "}:
            currency, _local = event.description.split(" ")
            rate = Decimal(m.FX_PER_GBP[currency])
            event.description = f"{currency} {(Decimal(-event.amount) / 100 * rate).quantize(Decimal('0.01'))}"
    return [e for e in chosen if e.amount != 0]


def _credit_card_repayments(events: list[Event], start: date, end: date) -> list[Event]:
    """The statement balance paid in full from the current account on the 5th of each month."""
    repayments: list[Event] = []
    for due in monthly(5, start, end):
        previous_month_end = due.replace(day=1)
        previous_month_start = (previous_month_end - timedelta(days=1)).replace(day=1)
        owed = -sum(e.amount for e in events if e.account == "credit_card"
                    and previous_month_start <= e.when.date() < previous_month_end)
        if owed > 0:
            when = at(due, 7)
            repayments.append(Event(when, "current", -owed, "Lumen credit card", "transfer", "direct_debit",
                                    description="Credit card repayment"))
            repayments.append(Event(when, "credit_card", owed, "Payment received", "transfer", "direct_debit"))
    return repayments


def _book(rows: CustomerRows, events: list[Event], number: int, account_ids: dict[str, int],
          card_ids: dict[str, int], opening: dict[str, int]) -> dict[str, int]:
    """Order the events in time, write them as transactions with a running balance; the closing balances."""
    balances = dict(opening)
    events.sort(key=lambda e: (e.when, e.account, e.merchant, e.amount))
    for index, event in enumerate(events):
        balances[event.account] += event.amount
        transaction_id = ids.block(number, ids.TRANSACTIONS_PER_CUSTOMER, index)
        rows.transactions.append({
            "id": transaction_id, "external_id": f"seed-{number}-{index}", "customer_id": number,
            "account_id": account_ids[event.account], "card_id": card_ids.get(event.card) if event.card else None,
            "booked_at": event.when, "amount_minor": event.amount, "currency": "GBP", "merchant": event.merchant,
            "category": event.category, "channel": event.channel, "country": event.country,
            "description": event.description, "balance_after_minor": balances[event.account],
        })
        if event.unusual:
            rows.unusual.append({"transaction_id": transaction_id, "reason": event.unusual})
    return balances
