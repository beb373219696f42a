"""What a customer spent in a period, by category.

Spending is money leaving the customer's accounts, less what only moved between their own accounts
(a transfer whose counterparty is one of their accounts, or an `internal_transfer`) and less salary.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, not_
from sqlmodel import Session, select

from assistant.bank.models import Account, Transaction
from assistant.bank.money import from_minor
from assistant.bank.periods import Period
from assistant.bank.transactions import match_categories

INTERNAL_TRANSFER_CATEGORIES = ("internal_transfer",)
INCOME_MARKERS = ("salary",)


@dataclass(frozen=True)
class CategorySpend:
    """Money spent in one category (a positive amount)."""

    category: str
    amount: Decimal


@dataclass(frozen=True)
class SpendingSummary:
    """Spending in a period: the total and each category, largest first."""

    period: Period
    currency: str
    total: Decimal
    categories: list[CategorySpend]

    def chart_payload(self) -> dict[str, Any]:
        """The `spending_chart` custom payload (docs/dialogue.md); amounts as decimal strings."""
        return {
            "type": "spending_chart",
            "title": f"Spending {self.period.in_words}",
            "currency": self.currency,
            "total": str(self.total),
            "period": {"label": self.period.label, "start": self.period.start.isoformat(),
                       "end": self.period.end.isoformat()},
            "categories": [{"category": item.category, "amount": str(item.amount)} for item in self.categories],
        }


def spending_by_category(
    session: Session, customer_id: int, period: Period, *, category: str | None = None, currency: str = "GBP"
) -> SpendingSummary:
    """The customer's spending in a period by category (optionally one category only)."""
    own_accounts = select(Account.name).where(Account.customer_id == customer_id)
    statement = (
        select(Transaction.category, func.sum(-Transaction.amount_minor))
        .where(
            Transaction.customer_id == customer_id,
            Transaction.currency == currency,
            Transaction.amount_minor < 0,
            Transaction.booked_at >= period.start,
            Transaction.booked_at < period.end,
            Transaction.channel.not_in(INCOME_MARKERS),
            Transaction.category.not_in(INCOME_MARKERS + INTERNAL_TRANSFER_CATEGORIES),
            not_(and_(Transaction.channel == "transfer", Transaction.merchant.in_(own_accounts))),
        )
        .group_by(Transaction.category)
    )
    if category:
        categories = match_categories(session, customer_id, category)
        statement = statement.where(Transaction.category.in_(categories))
    rows = [CategorySpend(name, from_minor(int(total))) for name, total in session.exec(statement) if total]
    rows.sort(key=lambda item: (-item.amount, item.category))
    total = sum((item.amount for item in rows), Decimal("0.00"))
    return SpendingSummary(period=period, currency=currency, total=total, categories=rows)
