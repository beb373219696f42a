"""How a customer's hidden behaviours show up in the bank's records: pay, transfers out, fees, sign-ins, complaints."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from assistant.bank.catalogue import FEES
from assistant.seed import ids
from assistant.seed.history import Event, at, pence
from assistant.seed.outcomes import Behaviour, months_back
from assistant.bank.schedules import add_months, on_day

BANK = "Lumen Bank"
COMPLAINT_TOPICS = ("fees", "app", "card", "service", "transfer")
FEE_DAY = 28


def reshape_pay(rng: random.Random, behaviour: Behaviour, pay: list[Event], as_of: date) -> list[Event]:
    """Pay as the behaviour has it: none in the last months when it has moved away, off-schedule when irregular."""
    stopped_from = months_back(as_of, behaviour.pay_stops_months) if behaviour.pay_stops_months else None
    kept = []
    for event in pay:
        if stopped_from is not None and event.when.date() > stopped_from:
            continue
        if behaviour.irregular_pay:
            shifted = event.when + timedelta(days=rng.randint(-6, 6))
            event.when = min(shifted, at(as_of, 6))
            event.amount = round(event.amount * rng.uniform(0.7, 1.3))
        kept.append(event)
    return kept


def money_moved_out(behaviour: Behaviour, full_name: str, monthly_pay: Decimal, as_of: date) -> list[Event]:
    """Growing monthly transfers to the customer's own account at another bank over the last four months."""
    if behaviour.moved_out_share <= 0:
        return []
    events = []
    for step in range(4):
        day = months_back(as_of, 4 - step) + timedelta(days=3)
        amount = pence(monthly_pay * Decimal(str(behaviour.moved_out_share)) * (step + 1) / 4)
        events.append(Event(at(day, 19), "current", -amount, full_name, "transfer", "transfer",
                            description=f"To own account at {behaviour.other_bank}"))
    return events


def _month_ends(events: list[Event], as_of: date) -> dict[tuple[int, int], date]:
    return {(e.when.year, e.when.month): min(on_day(e.when.year, e.when.month, FEE_DAY), as_of) for e in events}


def foreign_transaction_fees(events: list[Event], as_of: date, premier: bool) -> list[Event]:
    """The monthly non-sterling fee on debit card payments abroad (Premier accounts pay none)."""
    if premier:
        return []
    abroad = [e for e in events if e.card == "debit" and e.country != "GB" and e.amount < 0]
    by_month: dict[tuple[int, int], int] = defaultdict(int)
    for event in abroad:
        by_month[(event.when.year, event.when.month)] -= event.amount
    charged_on = _month_ends(abroad, as_of)
    rate = FEES.foreign_transaction_percent / 100
    return [Event(at(charged_on[month], 8), "current", -round(spent * rate), BANK, "fees", "fee",
                  description="Non-sterling transaction fees")
            for month, spent in sorted(by_month.items()) if round(spent * rate) > 0]


def overdraft_interest(rng: random.Random, behaviour: Behaviour, as_of: date) -> list[Event]:
    """Overdraft interest in some of the last six months (more of them for a customer in difficulty)."""
    months = rng.sample(range(6), behaviour.overdraft_months)
    events = []
    for back in sorted(months):
        year, month = add_months(as_of.year, as_of.month, -back)
        day = min(on_day(year, month, FEE_DAY), as_of)
        events.append(Event(at(day, 8), "current", -pence(round(rng.uniform(4, 30), 2)), BANK, "fees", "fee",
                            description="Arranged overdraft interest"))
    return events


def activity_rows(rng: random.Random, behaviour: Behaviour, number: int, start: date, as_of: date) -> list[dict]:
    """Sign-ins per calendar month, falling over the last three months by the behaviour's login fall."""
    year, month = start.year, start.month
    firsts = []
    while (year, month) <= (as_of.year, as_of.month):
        firsts.append(date(year, month, 1))
        year, month = add_months(year, month, 1)
    rows = []
    for index, first in enumerate(firsts):
        recent = index - (len(firsts) - 3)  # 0, 1, 2 for the last three months
        level = behaviour.usual_logins * (1 - behaviour.login_fall * (recent + 1) / 3 if recent >= 0 else 1)
        rows.append({"customer_id": number, "month": first,
                     "logins": max(0, round(rng.gauss(level, 0.1 * behaviour.usual_logins + 1)))})
    return rows


def complaint_rows(rng: random.Random, behaviour: Behaviour, number: int, as_of: date) -> list[dict]:
    """The customer's complaints in the last six months, recent for a disengaged customer."""
    rows = []
    for index in range(behaviour.complaints):
        days_ago = int(rng.uniform(1, 180) * (1 - 0.6 * behaviour.disengagement))
        topic = "fees" if behaviour.overdraft_months and rng.random() < 0.5 else rng.choice(COMPLAINT_TOPICS)
        rows.append({"id": ids.block(number, ids.COMPLAINTS_PER_CUSTOMER, index), "customer_id": number,
                     "raised_at": at(as_of - timedelta(days=days_ago), rng.randint(9, 17)), "topic": topic,
                     "resolved": rng.random() < 0.6})
    return rows
