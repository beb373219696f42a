"""Lumen Bank's product catalogue, fees and limits: the one source for the database and the knowledge base."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

BANK_NAME = "Lumen Bank"
SORT_CODE = "04-00-75"


@dataclass(frozen=True)
class ProductSpec:
    """A product as the bank sells it."""

    code: str
    name: str
    kind: str  # current | savings | credit_card | loan
    description: str
    monthly_fee: Decimal = Decimal("0")
    rate_percent: Decimal | None = None  # AER for savings, representative APR for credit
    min_age: int = 18
    min_income: Decimal = Decimal("0")  # yearly, before tax
    is_credit: bool = False


PRODUCTS: tuple[ProductSpec, ...] = (
    ProductSpec("everyday_current", "Everyday Current Account", "current",
                "Everyday banking with a Visa debit card, no monthly fee and an arranged overdraft of up to £1,000 at 19.9% EAR."),
    ProductSpec("premier_current", "Premier Current Account", "current",
                "£15 a month: worldwide travel insurance, no foreign transaction fees and free cash withdrawals abroad.",
                monthly_fee=Decimal("15.00"), min_income=Decimal("75000")),
    ProductSpec("easy_saver", "Easy Access Saver", "savings",
                "Variable 3.10% AER, withdraw any time, from £1.", rate_percent=Decimal("3.10")),
    ProductSpec("fixed_saver_1y", "1-Year Fixed Saver", "savings",
                "Fixed 4.25% AER for 12 months, from £1,000; no withdrawals until it matures.",
                rate_percent=Decimal("4.25")),
    ProductSpec("cash_isa", "Cash ISA", "savings",
                "Tax-free savings at a variable 3.80% AER, up to the yearly ISA allowance of £20,000.",
                rate_percent=Decimal("3.80")),
    ProductSpec("cashback_card", "Cashback Credit Card", "credit_card",
                "1% cashback on card spending, no annual fee, 24.9% APR representative.",
                rate_percent=Decimal("24.9"), min_income=Decimal("15000"), is_credit=True),
    ProductSpec("travel_card", "Travel Credit Card", "credit_card",
                "No foreign transaction fees and no fees on cash withdrawals abroad, 26.9% APR representative.",
                rate_percent=Decimal("26.9"), min_income=Decimal("20000"), is_credit=True),
    ProductSpec("balance_transfer_card", "Balance Transfer Credit Card", "credit_card",
                "0% on balance transfers for 24 months (3% transfer fee), then 24.9% APR representative.",
                rate_percent=Decimal("24.9"), min_income=Decimal("20000"), is_credit=True),
    ProductSpec("personal_loan", "Personal Loan", "loan",
                "Borrow £1,000 to £25,000 over 1 to 5 years; 6.9% APR representative on £7,500 to £25,000.",
                rate_percent=Decimal("6.9"), min_income=Decimal("18000"), is_credit=True),
)


@dataclass(frozen=True)
class Fees:
    """What the bank charges; quoted in the knowledge base."""

    foreign_transaction_percent: Decimal = Decimal("2.75")  # Everyday debit card payments not in GBP
    atm_abroad_fee: Decimal = Decimal("1.50")
    international_transfer_fee: Decimal = Decimal("5.00")  # SWIFT payments outside SEPA/UK
    express_card_delivery_fee: Decimal = Decimal("5.00")
    top_up_by_card_percent: Decimal = Decimal("0.00")
    unarranged_overdraft_fee: Decimal = Decimal("0.00")


@dataclass(frozen=True)
class Limits:
    """Limits a customer meets; the daily transfer limit is per customer and defaults to this."""

    daily_transfer: Decimal = Decimal("10000.00")
    single_transfer: Decimal = Decimal("25000.00")
    daily_atm_withdrawal: Decimal = Decimal("500.00")
    contactless_payment: Decimal = Decimal("100.00")
    free_atm_abroad_per_month: Decimal = Decimal("200.00")
    disposable_card_payments: int = 1
    top_up_max_balance: Decimal = Decimal("40000.00")


FEES = Fees()
LIMITS = Limits()
CURRENCIES_HELD = ("GBP", "EUR", "USD")
CARD_DELIVERY_WORKING_DAYS = (3, 5)
EXPRESS_DELIVERY_WORKING_DAYS = 1
