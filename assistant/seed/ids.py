"""Record ids the generator assigns itself, so a customer's rows never depend on another customer's."""

from __future__ import annotations

ACCOUNTS_PER_CUSTOMER = 3
CARDS_PER_CUSTOMER = 2
PAYEES_PER_CUSTOMER = 8
RECURRING_PER_CUSTOMER = 16
HOLDINGS_PER_CUSTOMER = 3
TRANSACTIONS_PER_CUSTOMER = 3_000


def block(number: int, per_customer: int, index: int) -> int:
    """The id of a customer's index-th record of a kind (customer numbers start at 1)."""
    if index >= per_customer:
        raise ValueError(f"customer {number} needs more than {per_customer} ids of one kind")
    return (number - 1) * per_customer + index + 1
COMPLAINTS_PER_CUSTOMER = 8
