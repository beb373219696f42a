"""One synthetic customer, start to finish: who they are, their accounts, cards, payees, bills and history."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from assistant.bank.catalogue import PRODUCTS, SORT_CODE
from assistant.bank.models import AccountKind, CardStatus, Frequency
from assistant.bank.money import to_minor
from assistant.seed import ids
from assistant.seed import merchants as m
from assistant.seed.demo import LANDLORD as DEMO_LANDLORD
from assistant.seed.demo import PAYEES as DEMO_PAYEES
from assistant.seed.demo import demo_customer
from assistant.seed.history import Event, at, everyday_spending, pence, trips_abroad
from assistant.seed.people import FRIENDS, LANDLORDS, make_person
from assistant.seed.bills import Bill, household_bills, monthly_saving, subscriptions
from assistant.seed import outcomes, signals
from assistant.seed.credit_card import card_repayment, credit_card_repayments, credit_limit
from assistant.bank.schedules import monthly
from assistant.seed.unusual import unusual_purchases
from assistant.settings import get_settings

ACCOUNT_INDEX = {"current": 0, "savings": 1, "credit_card": 2}
PRODUCT_CODES = {"current": "everyday_current", "savings": "easy_saver", "credit_card": "cashback_card"}
PREMIER_CODE = "premier_current"
# Take-home pay of someone earning the Premier account's minimum income (£75,000 a year before tax).
PREMIER_MONTHLY_PAY = Decimal("4400")
PRODUCT_NAMES = {product.code: product.name for product in PRODUCTS}
ACCOUNT_NAMES = {kind: PRODUCT_NAMES[code] for kind, code in PRODUCT_CODES.items()}
OVERDRAFT_LIMIT = 100_000  # the Everyday account's arranged overdraft, £1,000
OVERDRAFT_HEADROOM = 25_000  # the least of the overdraft left unused at any time, £250


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
    complaints: list[dict] = field(default_factory=list)
    activity: list[dict] = field(default_factory=list)
    outcome: list[dict] = field(default_factory=list)


def customer_rng(seed: int, number: int) -> random.Random:
    """The customer's own random stream: the same for the same seed whatever the size of the bank."""
    digest = hashlib.sha256(f"{seed}:{number}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def generate_customer(number: int, seed: int, as_of: date, months: int = 13,
                      unusual_rate: float = 0.015) -> CustomerRows:
    """All rows for customer `number` (its id), deterministic in (seed, number, as_of, months)."""
    rng = customer_rng(seed, number)
    person = make_person(rng, number, as_of)
    demo = demo_customer(number)
    start = as_of - timedelta(days=int(months * 30.44))
    salary = demo.monthly_salary if demo else person.monthly_salary
    salary_day = demo.salary_day if demo else person.salary_day
    employer, income = (demo.employer, "Salary") if demo else (person.employer, person.income_description)
    has_savings = demo is not None or rng.random() < 0.75
    has_credit_card = demo.has_credit_card if demo else rng.random() < 0.4
    renter = True if demo else person.renter
    city = demo.city if demo else person.city
    scale = float((salary / Decimal(3000)) ** Decimal("0.5"))
    joined = start - timedelta(days=rng.randrange(30, 3650))
    name = demo.name if demo else person.full_name
    birth_date = demo.birth_date if demo else person.birth_date
    age = (as_of - birth_date).days // 365
    truth_rng = outcomes.outcome_rng(seed, number)
    behaviour = outcomes.draw_behaviour(truth_rng, age, demo is not None, has_credit_card)

    rows = CustomerRows(customer={
        "id": number, "full_name": name, "email": f"{name.lower().replace(' ', '.')}.{number}@example.com",
        "birth_date": birth_date, "home_country": "GB", "city": city,
        "joined_at": at(joined, 10),
        "daily_transfer_limit_minor": to_minor(get_settings().default_daily_transfer_limit),
    })
    # Some of those who qualify pay for the Premier account; everyone else banks with the Everyday one.
    premier = demo is None and salary >= PREMIER_MONTHLY_PAY and rng.random() < 0.5
    codes = dict(PRODUCT_CODES, current=PREMIER_CODE) if premier else PRODUCT_CODES
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
                              "product_code": codes[kind], "opened_at": at(joined, 10), "closed_at": None})

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

    landlord = DEMO_LANDLORD if demo else rng.choice(LANDLORDS)
    # Two to four payees at other banks: the landlord (for renters) and people the customer pays.
    people = ([p for p in DEMO_PAYEES if p != DEMO_LANDLORD] if demo
              else rng.sample(FRIENDS, rng.randint(2, 4) - (1 if renter else 0)))
    _add_payees(rows, rng, number, people + ([landlord] if renter else []), joined,
                account_ids.get("savings"))

    pay: list[Event] = []
    for payday in monthly(salary_day, start, as_of):
        while payday.weekday() >= 5:  # paid on the Friday before a weekend
            payday -= timedelta(days=1)
        pay.append(Event(at(payday, 6), "current", pence(salary), employer, "salary", "salary",
                         description=income))
    events: list[Event] = signals.reshape_pay(truth_rng, behaviour, pay, as_of)

    bills = household_bills(rng, salary, renter, landlord, city)
    bills += subscriptions(rng, demo.subscriptions if demo else None)
    if has_savings:
        bills.append(monthly_saving(rng, salary, salary_day, ACCOUNT_NAMES["savings"]))
    events += _pay_bills(rows, bills, number, account_ids, start, as_of, PRODUCT_NAMES[codes["current"]])

    favourites = {
        "groceries": rng.sample(m.GROCERIES, 3) + ([m.GROCERIES[0]] if demo else []),  # demos shop at Tesco
        "dining": rng.sample(m.DINING, 4), "transport": rng.sample(m.TRANSPORT, 3),
        "shopping": rng.sample(m.SHOPPING, 4), "entertainment": list(m.ENTERTAINMENT),
    }
    chosen = everyday_spending(rng, start, as_of, scale, has_credit_card, favourites)
    travels = demo.travels if demo else rng.random() < 0.7
    chosen += trips_abroad(rng, start, as_of, scale, has_credit_card) if travels else []
    for payday in monthly(rng.randint(1, 28), start, as_of):
        if rng.random() < 0.3 and people:
            friend = rng.choice(people)
            chosen.append(Event(at(payday, 18), "current", -pence(rng.randrange(10, 150, 5)), friend, "transfer",
                                "transfer", description=f"To {friend}"))
    events += _within_means(chosen, events, rng.uniform(0.9, 1.0))
    if not demo and rng.random() < unusual_rate:
        events += unusual_purchases(rng, start, as_of, events)
    events += signals.money_moved_out(behaviour, name, salary, as_of)
    events += signals.foreign_transaction_fees(events, as_of, premier)
    events += signals.overdraft_interest(truth_rng, behaviour, as_of)

    if has_credit_card:
        events += credit_card_repayments(events, start, as_of, behaviour.card_repaid_share)
    closing, lowest = _book(rows, events, number, account_ids, card_ids, opening)
    _within_overdraft(rows, account_ids["current"], closing, lowest["current"])
    for kind in kinds:
        rows.accounts.append({
            "id": account_ids[kind], "customer_id": number, "kind": AccountKind(kind).value, "name": PRODUCT_NAMES[codes[kind]],
            "number": f"{40_000_000 + account_ids[kind]:08d}", "sort_code": SORT_CODE, "currency": "GBP",
            # The ledger starts at the seeded balance: the history above is what led to it, not ledger entries.
            "balance_minor": closing[kind], "opening_balance_minor": closing[kind],
            "credit_limit_minor": credit_limit(rng, -lowest[kind]) if kind == "credit_card" else 0,
            "overdraft_limit_minor": OVERDRAFT_LIMIT if kind == "current" else 0,
            "product_code": codes[kind], "opened_at": at(joined, 10),
        })
    if has_credit_card:
        rows.recurring.append(card_repayment(number, len(rows.recurring), account_ids["current"], -closing["credit_card"],
                                              as_of))
    rows.activity = signals.activity_rows(truth_rng, behaviour, number, start, as_of)
    rows.complaints = signals.complaint_rows(truth_rng, behaviour, number, as_of)
    accounts = {row["kind"]: row for row in rows.accounts}
    realised = outcomes.realise(rows.transactions, accounts, {h["product_code"] for h in rows.holdings}, age, as_of,
                                behaviour.card_repaid_share < 1)
    rows.outcome = [outcomes.outcome_row(truth_rng, number, as_of, behaviour, realised, (as_of - joined).days,
                                        sum(not c["resolved"] for c in rows.complaints))]
    return rows


def _add_payees(rows: CustomerRows, rng: random.Random, number: int, names: list[str], joined: date,
                savings_id: int | None) -> None:
    """People and the landlord at other banks, then the customer's own savings account (an internal payee)."""
    for i, name in enumerate(names):
        rows.payees.append({"id": ids.block(number, ids.PAYEES_PER_CUSTOMER, i), "customer_id": number, "name": name,
                            "sort_code": f"{rng.randrange(10, 99)}-{rng.randrange(10, 99)}-{rng.randrange(10, 99)}",
                            "account_number": f"{rng.randrange(10**7, 10**8)}", "account_id": None,
                            "created_at": at(joined + timedelta(days=rng.randrange(1, 400)), 12)})
    if savings_id is not None:
        rows.payees.append({"id": ids.block(number, ids.PAYEES_PER_CUSTOMER, len(names)), "customer_id": number,
                            "name": ACCOUNT_NAMES["savings"], "sort_code": SORT_CODE,
                            "account_number": f"{40_000_000 + savings_id:08d}", "account_id": savings_id,
                            "created_at": at(joined, 10)})


def _pay_bills(rows: CustomerRows, bills: list[Bill], number: int, account_ids: dict[str, int], start: date,
               as_of: date, current_name: str) -> list[Event]:
    """Each bill's payments over the history, and its RecurringPayment row with the next date after as_of."""
    events: list[Event] = []
    for index, bill in enumerate(bills):
        saving = bill.category == "transfer"
        # Money between the customer's own accounts is not spending; the bank's spending summary knows it so.
        category = "internal_transfer" if saving else bill.category
        for day in bill.due_dates(start, as_of):
            amount = pence(bill.amount_in(day.month))
            events.append(Event(at(day, 5), bill.account, -amount, bill.merchant, category, bill.channel,
                                description=bill.description, card="debit" if bill.kind == "subscription" else None))
            if saving:  # the same money arrives in the savings account
                events.append(Event(at(day, 5), "savings", amount, f"From {current_name}", category,
                                    "standing_order"))
        next_date = bill.next_date(as_of)
        rows.recurring.append({
            "id": ids.block(number, ids.RECURRING_PER_CUSTOMER, index), "customer_id": number,
            "account_id": account_ids[bill.account], "merchant": bill.merchant, "category": bill.category,
            "kind": bill.kind, "amount_minor": pence(bill.amount_in(next_date.month)),
            "frequency": Frequency.monthly.value, "next_date": next_date, "active": True,
        })
    return events


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


def _within_overdraft(rows: CustomerRows, current_id: int, closing: dict[str, int], lowest: int) -> None:
    """Start the current account with more money when its history would otherwise come within £250 of the end of
    its overdraft (a customer whose pay has moved away still has room for a small payment)."""
    # Raising the opening balance moves every running balance by the same amount; no payment changes.
    shortfall = -OVERDRAFT_LIMIT + OVERDRAFT_HEADROOM - lowest
    if shortfall <= 0:
        return
    for row in rows.transactions:
        if row["account_id"] == current_id:
            row["balance_after_minor"] += shortfall
    closing["current"] += shortfall


def _book(rows: CustomerRows, events: list[Event], number: int, account_ids: dict[str, int],
          card_ids: dict[str, int], opening: dict[str, int]) -> tuple[dict[str, int], dict[str, int]]:
    """Order the events in time, write them as transactions with a running balance; closing and lowest balances."""
    balances = dict(opening)
    lowest = dict(opening)
    events.sort(key=lambda e: (e.when, e.account, e.merchant, e.amount))
    for index, event in enumerate(events):
        balances[event.account] += event.amount
        lowest[event.account] = min(lowest[event.account], balances[event.account])
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
    return balances, lowest
