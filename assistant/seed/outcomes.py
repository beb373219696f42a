"""Hidden ground truth: the behaviours that drive a customer's churn and next product, and the labels they lead to.

Behaviours come from their own random stream, so a customer's ordinary history does not move when they change.
Training and evaluation read the labels (the `customeroutcome` table); the models only see the behaviours as
they show up in the data (see assistant/seed/signals.py).
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from assistant.bank.catalogue import PRODUCTS
from assistant.bank.models import CHURN_HORIZON_DAYS as HORIZON_DAYS
from assistant.bank.eligibility import Circumstances, refusal, yearly_income_before_tax

OTHER_BANKS = ("Monzo", "Starling Bank", "Nationwide", "Chase UK")
CATALOGUE = {product.code: product for product in PRODUCTS}
ADOPTION_RATE = 0.65  # share of staying customers who take up a new product in the horizon


@dataclass(frozen=True)
class Behaviour:
    """What is going on with a customer, hidden from the models except through its traces in the data."""

    disengagement: float  # 0 (loyal) to 1: the latent cause behind most churn signals
    pay_stops_months: int  # the last months without pay: the salary now goes to another bank
    irregular_pay: bool
    moved_out_share: float  # share of monthly pay moved to their own account at another bank, growing to this
    other_bank: str
    complaints: int
    overdraft_months: int  # months of overdraft interest in the last six
    login_fall: float  # how far app sign-ins fall over the last three months (0 to 1)
    usual_logins: float  # sign-ins in an ordinary month
    card_repaid_share: float  # share of the credit card statement repaid (1.0: paid in full)


def outcome_rng(seed: int, number: int) -> random.Random:
    """The customer's ground-truth random stream, separate from the one that draws their ordinary history."""
    digest = hashlib.sha256(f"{seed}:{number}:outcomes".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def draw_behaviour(rng: random.Random, age: int, demo: bool, has_credit_card: bool) -> Behaviour:
    """Behaviours for one customer; demo customers are loyal and settled so the demos stay predictable."""
    usual_logins = max(2.0, rng.gauss(32 - 0.3 * age, 5))
    if demo:
        return Behaviour(0.0, 0, False, 0.0, OTHER_BANKS[0], 0, 0, 0.0, usual_logins, 1.0)
    d = rng.betavariate(1.1, 3.5)
    # Episodes: switching to another bank (pay and money both leave), a grievance over fees, drifting away from
    # the app; each more likely the more disengaged the customer, and each also seen partly on its own.
    switching = rng.random() < 0.04 + 0.35 * d
    grievance = rng.random() < 0.03 + 0.3 * d
    drifting = rng.random() < 0.05 + 0.4 * d
    return Behaviour(
        disengagement=d,
        pay_stops_months=rng.choice((1, 2, 3)) if switching or rng.random() < 0.08 else 0,
        irregular_pay=rng.random() < 0.05 + 0.35 * d,
        moved_out_share=rng.uniform(0.15, 0.6) if switching or rng.random() < 0.08 else 0.0,
        other_bank=rng.choice(OTHER_BANKS),
        complaints=rng.randint(1, 3) if grievance else int(rng.random() < 0.15),
        overdraft_months=rng.randint(2, 5) if grievance else int(rng.random() < 0.2),
        login_fall=rng.uniform(0.55, 0.95) if drifting else rng.uniform(0.0, 0.45),
        usual_logins=usual_logins,
        card_repaid_share=rng.uniform(0.25, 0.6) if has_credit_card and rng.random() < 0.3 else 1.0,
    )


def churn_probability(behaviour: Behaviour, age: int, tenure_days: int, products_held: int,
                      open_complaints: int, idle_savings: bool) -> float:
    """How likely the customer is to leave within the horizon. Causes act together, as they do for real: pay
    stopping matters most when money is also being moved out (a switch to another bank), fees matter when the
    customer is complaining about them, falling sign-ins matter for customers who bank on their phone, and large
    savings earning the easy-access rate draw rate chasers away."""
    b = behaviour
    switching = b.pay_stops_months > 0 and b.moved_out_share > 0
    logit = (-4.2 + 0.4 * (b.pay_stops_months > 0) + 0.3 * (b.moved_out_share > 0) + 3.6 * switching
             + 0.3 * min(b.complaints, 3) + 3.0 * (open_complaints > 0 and b.overdraft_months >= 2)
             + 3.2 * (b.login_fall > 0.5 and age < 45) + 0.8 * (tenure_days < 365) - 1.2 * (products_held >= 3)
             + 3.0 * (idle_savings and age < 60))
    return 1 / (1 + math.exp(-logit))


@dataclass(frozen=True)
class Realised:
    """What the customer's booked history shows at the as-of date, for choosing the product they take up next."""

    age: int
    held: frozenset[str]
    circumstances: Circumstances
    payments_abroad: int
    debit_payments_abroad: int
    savings_balance: Decimal
    current_balance: Decimal
    monthly_card_spend: Decimal
    revolving: bool


def _suitability(code: str, r: Realised, behaviour: Behaviour) -> float:
    """How strongly the customer's circumstances pull towards a product (before noise)."""
    pay = r.circumstances.monthly_take_home
    yearly = yearly_income_before_tax(pay)
    return {
        "travel_card": 1.5 * (r.debit_payments_abroad > 5) + 0.6 * (r.payments_abroad > 30),
        "premier_current": 0.8 * (r.payments_abroad > 20),
        "easy_saver": 1.4 * (r.current_balance > pay * Decimal("1.2")),
        "fixed_saver_1y": 1.6 * (r.savings_balance > 10_000),
        "cash_isa": 1.0 * (r.savings_balance > 5_000) + 0.8 * (yearly > 50_000),
        "cashback_card": 1.3 * (r.monthly_card_spend > 900),
        "balance_transfer_card": 2.5 * r.revolving,
        "personal_loan": 2.0 * (behaviour.overdraft_months >= 2),
    }.get(code, float("-inf"))


def next_product(rng: random.Random, behaviour: Behaviour, realised: Realised) -> str | None:
    """The product the customer takes up next (None for nothing): the most suitable one they may have, with noise."""
    adopts = rng.random() < ADOPTION_RATE
    scored = []
    for code, product in CATALOGUE.items():
        noise = -math.log(-math.log(rng.random() or 1e-12))  # Gumbel: a random utility choice
        if code in realised.held or refusal(product, realised.circumstances) is not None:
            continue
        if product.kind == "current" and "premier_current" in realised.held:
            continue
        scored.append((_suitability(code, realised, behaviour) + 0.6 * noise, code))
    scored = [item for item in scored if item[0] != float("-inf")]
    return max(scored)[1] if adopts and scored else None


def outcome_row(rng: random.Random, number: int, as_of: date, behaviour: Behaviour, realised: Realised,
                tenure_days: int, open_complaints: int) -> dict:
    """The customer's `customeroutcome` row: churned within the horizon, or the product taken up next."""
    idle_savings = realised.savings_balance > 15_000 and not realised.held & {"fixed_saver_1y", "cash_isa"}
    churned = rng.random() < churn_probability(behaviour, realised.age, tenure_days, len(realised.held),
                                               open_complaints, idle_savings)
    following = next_product(rng, behaviour, realised)
    return {"customer_id": number, "as_of": as_of, "churned": churned, "horizon_days": HORIZON_DAYS,
            "next_product": None if churned else following}


def months_back(as_of: date, months: int) -> date:
    """The day `months` months (of 30.44 days) before as_of."""
    return as_of - timedelta(days=round(months * 30.44))


def realise(rows_transactions: list[dict], accounts: dict[str, dict], held: set[str], age: int,
            as_of: date, revolving: bool) -> Realised:
    """Read back what the booked history shows at the as-of date."""
    current_id = accounts["current"]["id"]
    windows = [(months_back(as_of, k + 1), months_back(as_of, k)) for k in range(3)]
    pay = [0, 0, 0]
    month_end_balance: list[int | None] = [None, None, None]
    abroad = debit_abroad = card_spend = 0
    for t in rows_transactions:  # in booking order
        day = t["booked_at"].date()
        for index, (low, high) in enumerate(windows):
            if low < day <= high:
                if t["category"] == "salary":
                    pay[index] += t["amount_minor"]
                if t["account_id"] == current_id:
                    month_end_balance[index] = t["balance_after_minor"]
        if t["country"] != "GB" and t["amount_minor"] < 0:
            abroad += 1
            debit_abroad += t["account_id"] == current_id
        if t["card_id"] is not None and t["amount_minor"] < 0 and day > months_back(as_of, 3):
            card_spend -= t["amount_minor"]
    circumstances = Circumstances(age, Decimal(sum(pay)) / 300, all(pay),
                                  sum(1 for b in month_end_balance if b is not None and b < 0))
    savings = accounts.get("savings")
    return Realised(
        age=age, held=frozenset(held), circumstances=circumstances, payments_abroad=abroad,
        debit_payments_abroad=debit_abroad,
        savings_balance=Decimal(savings["balance_minor"]) / 100 if savings else Decimal(0),
        current_balance=Decimal(accounts["current"]["balance_minor"]) / 100,
        monthly_card_spend=Decimal(card_spend) / 300,
        revolving=revolving,
    )
