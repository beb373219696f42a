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
    app_exchange_percent: Decimal = Decimal("0.50")  # exchanging between balances in the app, Everyday only
    incoming_swift_fee: Decimal = Decimal("2.00")  # money received from outside the UK and SEPA
    card_replacement_fee: Decimal = Decimal("0.00")  # damaged, compromised, lost or stolen cards
    virtual_card_fee: Decimal = Decimal("0.00")
    uk_transfer_fee: Decimal = Decimal("0.00")  # sending or receiving by Faster Payments, and between own accounts
    sepa_transfer_fee: Decimal = Decimal("0.00")  # euro transfers to and from SEPA countries
    physical_card_fee: Decimal = Decimal("0.00")  # first debit card, and renewals before expiry
    spare_card_fee: Decimal = Decimal("5.00")  # each extra physical card on the same account
    cash_or_cheque_deposit_fee: Decimal = Decimal("0.00")  # at a Post Office counter or by cheque photo in the app


@dataclass(frozen=True)
class Limits:
    """Limits a customer meets; the daily transfer limit is per customer and defaults to this."""

    daily_transfer: Decimal = Decimal("10000.00")
    single_transfer: Decimal = Decimal("25000.00")
    daily_atm_withdrawal: Decimal = Decimal("500.00")
    contactless_payment: Decimal = Decimal("100.00")
    free_atm_abroad_per_month: Decimal = Decimal("200.00")  # Premier: withdrawals abroad free up to this a month
    disposable_card_payments: int = 1
    top_up_max_balance: Decimal = Decimal("40000.00")  # card, auto and cash top-ups stop at this balance
    top_up_by_card_daily: Decimal = Decimal("3000.00")  # debit cards from other banks, auto top-ups included
    cash_deposit_daily: Decimal = Decimal("1000.00")  # cash paid in at a Post Office
    auto_top_up_min: Decimal = Decimal("10.00")
    auto_top_up_max: Decimal = Decimal("500.00")
    contactless_payments_in_a_row: int = 5  # then chip and PIN is asked for once
    wrong_pin_attempts: int = 3  # the PIN is blocked after this many wrong tries in a row
    disposable_cards_per_day: int = 5
    spare_cards: int = 2  # extra physical cards on one account, besides the main card


FEES = Fees()
LIMITS = Limits()
CURRENCIES_HELD = ("GBP", "EUR", "USD")
CARD_DELIVERY_WORKING_DAYS = (3, 5)
EXPRESS_DELIVERY_WORKING_DAYS = 1
DEBIT_CARD_NETWORK = "Visa"
CREDIT_CARD_NETWORK = "Mastercard"
TOP_UP_CARD_NETWORKS = ("Visa", "Mastercard")  # debit cards issued by UK banks, in the customer's name
FASTER_PAYMENTS_MAX_HOURS = 2  # UK transfers in and out
INTERNATIONAL_TRANSFER_WORKING_DAYS = (1, 4)
CARD_TOP_UP_CHECK_HOURS = 24  # a debit card top-up held for a security check is settled or returned within
REVERTED_TOP_UP_RETURN_WORKING_DAYS = (3, 5)  # back on the card it came from
CASH_WITHDRAWAL_SETTLES_WORKING_DAYS = 2
UNCOLLECTED_HOLD_RELEASE_DAYS = 7  # a pending amount nobody collects is released after
CHEQUE_CLEARING_WORKING_DAYS = 2
CASH_DEPOSIT_MAX_WORKING_DAYS = 1
CARD_CHECK_AMOUNT = Decimal("1.00")  # temporary check when a card is added to a shop, app or wallet
CASH_MACHINE_CLAIM_WORKING_DAYS = 10
IDENTITY_REVIEW_WORKING_DAYS = 2
SUPPORT_PHONE = "0306 999 0475"  # Ofcom range reserved for drama, so no real line is ever called
RETURNED_TRANSFER_WORKING_DAYS = 2  # money from a transfer the receiving bank rejects is back within
REFUND_WORKING_DAYS = (5, 10)  # a seller's card refund reaching the account
RENEWAL_CARD_WEEKS_BEFORE_EXPIRY = 4  # a renewal card is posted automatically this long before expiry
SOURCE_OF_FUNDS_REVIEW_WORKING_DAYS = 2  # documents showing where money came from are reviewed within
