"""A customer's accounts: listing them, finding one by kind or name, and what is available to spend."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session, select

from assistant.bank.models import Account, AccountKind
from assistant.bank.money import from_minor

# What customers call each kind of account; the NLU synonyms map to the enum values already.
_KIND_WORDS = {
    "current": AccountKind.current, "current account": AccountKind.current, "checking": AccountKind.current,
    "savings": AccountKind.savings, "saving": AccountKind.savings, "savings account": AccountKind.savings,
    "saver": AccountKind.savings,
    "credit_card": AccountKind.credit_card, "credit card": AccountKind.credit_card, "credit": AccountKind.credit_card,
}


class AccountNotFound(LookupError):
    """The customer has no account matching what they asked for."""


@dataclass(frozen=True)
class AccountBalance:
    """An account's balance and how much can be spent from it, in major units."""

    account_id: int
    name: str
    kind: AccountKind
    currency: str
    balance: Decimal
    available: Decimal
    limit: Decimal


def list_accounts(session: Session, customer_id: int) -> list[Account]:
    """The customer's accounts: current first, then savings, then credit cards."""
    order = {AccountKind.current: 0, AccountKind.savings: 1, AccountKind.credit_card: 2}
    accounts = session.exec(select(Account).where(Account.customer_id == customer_id).order_by(Account.id)).all()
    return sorted(accounts, key=lambda account: order[AccountKind(account.kind)])


def kind_from_text(text: str) -> AccountKind:
    """The account kind a word names ('savings', 'credit card'); AccountNotFound for anything else."""
    key = " ".join(text.lower().replace("-", " ").split())
    if key in _KIND_WORDS:
        return _KIND_WORDS[key]
    raise AccountNotFound(f"{text!r} is not a kind of account")


def find_account(session: Session, customer_id: int, kind_or_name: str) -> Account:
    """The customer's account of a kind ('savings') or with a name ('Easy Access Saver')."""
    accounts = list_accounts(session, customer_id)
    wanted = kind_or_name.strip().lower()
    for account in accounts:
        if account.name.lower() == wanted:
            return account
    kind = kind_from_text(kind_or_name)
    for account in accounts:
        if AccountKind(account.kind) == kind:
            return account
    raise AccountNotFound(f"no {kind.value.replace('_', ' ')} account")


def available_minor(account: Account) -> int:
    """What can be spent now in minor units: balance plus overdraft, or credit limit less what is owed."""
    if AccountKind(account.kind) == AccountKind.credit_card:
        return account.credit_limit_minor + account.balance_minor
    return account.balance_minor + account.overdraft_limit_minor


def balance_of(account: Account) -> AccountBalance:
    """An account's balance, available amount and limit in major units."""
    limit = account.credit_limit_minor if AccountKind(account.kind) == AccountKind.credit_card else account.overdraft_limit_minor
    return AccountBalance(
        account_id=account.id, name=account.name, kind=AccountKind(account.kind), currency=account.currency,
        balance=from_minor(account.balance_minor), available=from_minor(available_minor(account)),
        limit=from_minor(limit),
    )


def balances(session: Session, customer_id: int, kind_or_name: str | None = None) -> list[AccountBalance]:
    """Balances of all the customer's accounts, or of the one named; AccountNotFound if there is none."""
    if kind_or_name:
        return [balance_of(find_account(session, customer_id, kind_or_name))]
    return [balance_of(account) for account in list_accounts(session, customer_id)]
