"""Searching a customer's transactions by merchant, category, period and amount."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from rapidfuzz import fuzz, process, utils
from sqlalchemy import func
from sqlmodel import Session, select

from assistant.bank.models import Transaction
from assistant.bank.money import from_minor, to_minor
from assistant.bank.periods import Period

DEFAULT_LIMIT = 10
# High enough that "tesco" finds "Tesco" and "Tesco Express" but "Tes" alone does not find "Pret".
MERCHANT_MATCH_CUTOFF = 80
CATEGORY_MATCH_CUTOFF = 75


@dataclass(frozen=True)
class TransactionItem:
    """One booked transaction as a customer sees it; negative amounts left the account."""

    id: int
    account_id: int
    booked_at: datetime
    merchant: str
    category: str
    amount: Decimal
    currency: str
    channel: str

    def payload(self) -> dict[str, str]:
        """The item as the `transactions` custom payload lists it (docs/dialogue.md)."""
        return {"date": self.booked_at.date().isoformat(), "merchant": self.merchant, "category": self.category,
                "amount": str(self.amount), "currency": self.currency}


def _distinct(session: Session, customer_id: int, column) -> list[str]:
    statement = select(column).where(Transaction.customer_id == customer_id).distinct()
    return [value for value in session.exec(statement) if value]


def _fuzzy(wanted: str, choices: list[str], cutoff: int, partial: bool = True) -> list[str]:
    # WRatio rewards partial matches ("tesco" -> "Tesco Express"), which is too generous for
    # abbreviations ("tfl" would find "Netflix") and categories ("rent" would find "entertainment").
    scorer = fuzz.WRatio if partial and len(utils.default_process(wanted)) > 3 else fuzz.ratio
    matches = process.extract(wanted, choices, scorer=scorer, processor=utils.default_process,
                              score_cutoff=cutoff, limit=None)
    return [choice for choice, _score, _index in matches]


def match_merchants(session: Session, customer_id: int, text: str) -> list[str]:
    """The customer's own merchant names that a typed merchant name could mean, best first."""
    return _fuzzy(text, _distinct(session, customer_id, Transaction.merchant), MERCHANT_MATCH_CUTOFF)


def match_categories(session: Session, customer_id: int, text: str) -> list[str]:
    """The customer's own spending categories a typed category could mean ("grocery" -> "groceries")."""
    return _fuzzy(text, _distinct(session, customer_id, Transaction.category), CATEGORY_MATCH_CUTOFF, partial=False)


def search_transactions(
    session: Session,
    customer_id: int,
    *,
    merchant: str | None = None,
    category: str | None = None,
    period: Period | None = None,
    min_amount: Decimal | None = None,
    max_amount: Decimal | None = None,
    limit: int = DEFAULT_LIMIT,
) -> list[TransactionItem]:
    """The customer's transactions matching every filter given, newest first, at most `limit`.

    Amount bounds compare the absolute amount, so "over £50" finds £50+ payments in and out.
    """
    statement = select(Transaction).where(Transaction.customer_id == customer_id)
    if merchant:
        merchants = match_merchants(session, customer_id, merchant)
        if not merchants:
            return []
        statement = statement.where(Transaction.merchant.in_(merchants))
    if category:
        categories = match_categories(session, customer_id, category)
        if not categories:
            return []
        statement = statement.where(Transaction.category.in_(categories))
    if period is not None:
        statement = statement.where(Transaction.booked_at >= period.start, Transaction.booked_at < period.end)
    if min_amount is not None:
        statement = statement.where(func.abs(Transaction.amount_minor) >= to_minor(min_amount))
    if max_amount is not None:
        statement = statement.where(func.abs(Transaction.amount_minor) <= to_minor(max_amount))
    statement = statement.order_by(Transaction.booked_at.desc(), Transaction.id.desc()).limit(max(limit, 0))
    return [
        TransactionItem(id=row.id, account_id=row.account_id, booked_at=row.booked_at, merchant=row.merchant,
                        category=row.category, amount=from_minor(row.amount_minor), currency=row.currency,
                        channel=row.channel)
        for row in session.exec(statement)
    ]
