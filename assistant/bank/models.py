"""The bank's records: customers, accounts, cards, transactions, payees, transfers, disputes and the audit log.

Money columns hold integer minor units (pence) and end in `_minor`; times are aware UTC.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Optional

from sqlalchemy import JSON, BigInteger, Column, Index, Integer, Numeric, UniqueConstraint
from sqlmodel import Field, SQLModel

from assistant.db import UTCDateTime, utcnow


def _utc_column(**kwargs: Any) -> Any:
    return Field(sa_column=Column(UTCDateTime(), **kwargs))


# SQLite numbers a primary key by itself only when its type is exactly INTEGER (which is 64-bit there).
_BIG_ID = BigInteger().with_variant(Integer, "sqlite")


def _minor(default: int = 0, **kwargs: Any) -> Any:
    return Field(default=default, sa_type=BigInteger, **kwargs)


def _opening_balance(context: Any) -> int:
    """An account created without an opening balance opens with the balance it was created with."""
    return context.get_current_parameters().get("balance_minor") or 0


class AccountKind(str, Enum):
    current = "current"
    savings = "savings"
    credit_card = "credit_card"


class CardStatus(str, Enum):
    active = "active"
    frozen = "frozen"
    lost = "lost"
    stolen = "stolen"
    expired = "expired"


class Frequency(str, Enum):
    weekly = "weekly"
    monthly = "monthly"
    quarterly = "quarterly"
    yearly = "yearly"


class Customer(SQLModel, table=True):
    """A person who banks with us; the subject of a customer's sign-in token."""

    id: Optional[int] = Field(default=None, primary_key=True)
    full_name: str
    email: str = Field(unique=True, index=True)
    birth_date: date
    home_country: str = "GB"
    city: str = ""
    joined_at: datetime = _utc_column(nullable=False)
    daily_transfer_limit_minor: int = _minor(1_000_000)


class DemoPersona(SQLModel, table=True):
    """A customer the embedded profile's demo sign-in may sign in as, marked by the seeder (no one else can be)."""

    customer_id: int = Field(foreign_key="customer.id", primary_key=True)
    description: str = ""


class Product(SQLModel, table=True):
    """An entry of the product catalogue (assistant.bank.catalogue is its source)."""

    code: str = Field(primary_key=True)
    name: str
    kind: str
    description: str
    monthly_fee_minor: int = _minor(0)
    rate_percent: Optional[Decimal] = Field(default=None, sa_column=Column(Numeric(6, 2)))
    min_age: int = 18
    min_income_minor: int = _minor(0)
    is_credit: bool = False


class ProductHolding(SQLModel, table=True):
    """A product a customer holds (or held until closed_at)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    product_code: str = Field(foreign_key="product.code")
    opened_at: datetime = _utc_column(nullable=False)
    closed_at: Optional[datetime] = _utc_column(nullable=True)


class Account(SQLModel, table=True):
    """A current, savings or credit-card account; a credit card's balance is negative when owed."""

    id: Optional[int] = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    kind: AccountKind
    name: str
    number: str = Field(unique=True)
    sort_code: str = "04-00-75"
    currency: str = "GBP"
    balance_minor: int = _minor(0)
    # The balance the ledger started from: balance_minor always equals it plus the account's ledger entries.
    # Left out, it is the balance the account was created with; nullable only so older databases can gain it.
    opening_balance_minor: Optional[int] = Field(
        default=None, sa_column=Column(BigInteger, nullable=True, default=_opening_balance))
    credit_limit_minor: int = _minor(0)
    overdraft_limit_minor: int = _minor(0)
    product_code: Optional[str] = Field(default=None, foreign_key="product.code")
    opened_at: datetime = _utc_column(nullable=False)


class Card(SQLModel, table=True):
    """A payment card on an account."""

    id: Optional[int] = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    account_id: int = Field(foreign_key="account.id")
    kind: str = "debit"  # debit | credit
    last4: str
    network: str = "Visa"
    status: CardStatus = CardStatus.active
    expires_on: date
    replaced_by_id: Optional[int] = Field(default=None, foreign_key="card.id")


class Transaction(SQLModel, table=True):
    """A booked movement of money on an account; negative amounts leave the account."""

    __table_args__ = (
        Index("ix_transaction_customer_booked", "customer_id", "booked_at"),
        Index("ix_transaction_account_booked", "account_id", "booked_at"),
    )

    id: Optional[int] = Field(default=None, primary_key=True, sa_type=_BIG_ID)
    external_id: str = Field(unique=True)
    customer_id: int = Field(foreign_key="customer.id")
    account_id: int = Field(foreign_key="account.id")
    card_id: Optional[int] = Field(default=None, foreign_key="card.id")
    booked_at: datetime = _utc_column(nullable=False)
    amount_minor: int = _minor()
    currency: str = "GBP"
    merchant: str
    category: str
    channel: str  # card_present | online | atm | transfer | direct_debit | standing_order | salary
    country: str = "GB"
    description: str = ""
    balance_after_minor: Optional[int] = Field(default=None, sa_type=BigInteger)


class LedgerEntry(SQLModel, table=True):
    """One signed amount the ledger applied to an account, once per source (a transfer leg, a feed record)."""

    __tablename__ = "ledger_entry"
    __table_args__ = (Index("ix_ledger_entry_account", "account_id", "id"),)

    id: Optional[int] = Field(default=None, primary_key=True, sa_type=_BIG_ID)
    source_id: str = Field(unique=True)  # transfer:<id>:debit | transfer:<id>:credit | feed:<transaction id>
    account_id: int = Field(foreign_key="account.id")
    amount_minor: int = _minor()
    currency: str
    balance_after_minor: int = _minor()
    posted_at: datetime = _utc_column(nullable=False)


class Payee(SQLModel, table=True):
    """Someone a customer has saved to pay; account_id is set when the payee banks with us."""

    id: Optional[int] = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    name: str
    sort_code: str
    account_number: str
    account_id: Optional[int] = Field(default=None, foreign_key="account.id")
    created_at: datetime = _utc_column(nullable=False)


class RecurringPayment(SQLModel, table=True):
    """A direct debit, standing order or subscription the customer has set up."""

    id: Optional[int] = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    account_id: int = Field(foreign_key="account.id")
    merchant: str
    category: str
    kind: str  # direct_debit | standing_order | subscription
    amount_minor: int = _minor()
    frequency: Frequency
    next_date: date
    active: bool = True


class Transfer(SQLModel, table=True):
    """A customer-instructed payment; the idempotency key makes retries safe."""

    __table_args__ = (UniqueConstraint("customer_id", "idempotency_key"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    idempotency_key: str
    source_account_id: int = Field(foreign_key="account.id")
    payee_id: Optional[int] = Field(default=None, foreign_key="payee.id")
    destination_account_id: Optional[int] = Field(default=None, foreign_key="account.id")
    amount_minor: int = _minor()
    currency: str = "GBP"
    reference: str = ""
    status: str = "completed"
    created_at: datetime = _utc_column(nullable=False)


class AuditLog(SQLModel, table=True):
    """Who did what to which record, and when; written in the same transaction as the change."""

    id: Optional[int] = Field(default=None, primary_key=True)
    at: datetime = _utc_column(nullable=False, default=utcnow)
    actor: str  # customer:42 | agent:alice | system
    action: str
    entity: str
    entity_id: str
    details: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Dispute(SQLModel, table=True):
    """A customer's dispute of a transaction they say they did not make; one per transaction."""

    id: Optional[int] = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    transaction_id: int = Field(foreign_key="transaction.id", unique=True, sa_type=_BIG_ID)
    reason: str  # not_recognised | ...
    status: str = "open"  # open | resolved
    opened_at: datetime = _utc_column(nullable=False)


class UnusualPurchaseLabel(SQLModel, table=True):
    """Generator ground truth: a transaction planted as unusual for its customer (for measurement only)."""

    transaction_id: int = Field(primary_key=True, foreign_key="transaction.id", sa_type=_BIG_ID)
    reason: str


class Complaint(SQLModel, table=True):
    """A complaint the customer made to the bank, by topic."""

    id: Optional[int] = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    raised_at: datetime = _utc_column(nullable=False)
    topic: str  # fees | app | card | service | transfer
    resolved: bool = True


class AppActivity(SQLModel, table=True):
    """How often the customer signed in to the app or web banking in a calendar month."""

    customer_id: int = Field(foreign_key="customer.id", primary_key=True)
    month: date = Field(primary_key=True)  # the first day of the month
    logins: int = 0


# Churn means closing the accounts within this many days of the as-of date (the generator plants it, the models learn it).
CHURN_HORIZON_DAYS = 90


class CustomerOutcome(SQLModel, table=True):
    """Generator ground truth: what the customer does after the as-of date (read by training and evaluation only)."""

    customer_id: int = Field(foreign_key="customer.id", primary_key=True)
    as_of: date
    churned: bool  # closed their accounts within `horizon_days` of as_of
    horizon_days: int
    next_product: Optional[str] = Field(default=None, foreign_key="product.code")  # None: adopted nothing
