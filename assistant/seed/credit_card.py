"""The credit card side of a synthetic customer: its limit, the monthly repayments and interest on what is carried."""

from __future__ import annotations

import random
from datetime import date, timedelta

from assistant.bank.models import Frequency
from assistant.seed import ids
from assistant.seed.history import Event, at, pence
from assistant.bank.schedules import monthly, next_monthly
from assistant.seed.signals import BANK

CARD_REPAYMENT = "Lumen credit card"
CARD_REPAYMENT_DAY = 5
CARD_MONTHLY_INTEREST = 0.0187  # 24.9% APR as a monthly rate


def credit_limit(rng: random.Random, peak_owed: int) -> int:
    """A limit from the usual bands, never below the most the customer has owed."""
    limit = pence(rng.choice((1500, 2500, 4000, 6000)))
    while limit < peak_owed:
        limit += 100_000
    return limit



def card_repayment(number: int, index: int, current_id: int, owed: int, as_of: date) -> dict:
    """The direct debit that clears the credit card statement on the 5th."""
    return {"id": ids.block(number, ids.RECURRING_PER_CUSTOMER, index), "customer_id": number,
            "account_id": current_id, "merchant": CARD_REPAYMENT, "category": "transfer", "kind": "direct_debit",
            "amount_minor": max(owed, 0), "frequency": Frequency.monthly.value,
            "next_date": next_monthly(CARD_REPAYMENT_DAY, as_of), "active": True}



def credit_card_repayments(events: list[Event], start: date, end: date, repaid_share: float = 1.0) -> list[Event]:
    """The statement paid from the current account on the 5th of each month: in full, or a share of it with
    interest charged on what is carried over (a customer who revolves credit)."""
    repayments: list[Event] = []
    carried = 0
    for due in monthly(CARD_REPAYMENT_DAY, start, end):
        previous_month_end = due.replace(day=1)
        previous_month_start = (previous_month_end - timedelta(days=1)).replace(day=1)
        owed = carried - sum(e.amount for e in events if e.account == "credit_card"
                             and previous_month_start <= e.when.date() < previous_month_end)
        paid = round(owed * repaid_share)
        when = at(due, 7)
        if paid > 0:
            # Money between the customer's own accounts: not spending (the card purchases already are).
            repayments.append(Event(when, "current", -paid, CARD_REPAYMENT, "internal_transfer", "direct_debit",
                                    description="Credit card repayment"))
            repayments.append(Event(when, "credit_card", paid, "Payment received", "internal_transfer",
                                    "direct_debit"))
        carried = max(0, owed - paid)
        interest = round(carried * CARD_MONTHLY_INTEREST)
        if interest > 0:
            repayments.append(Event(at(due, 8), "credit_card", -interest, BANK, "fees", "fee",
                                    description="Credit card interest"))
            carried += interest
    return repayments


