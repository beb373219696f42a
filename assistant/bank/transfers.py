"""Moving money: checking a transfer before the customer confirms it, and executing it once, atomically."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from decimal import Decimal

from rapidfuzz import fuzz, utils
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from assistant.bank import audit, ledger
from assistant.bank.accounts import AccountNotFound, available_minor, kind_from_text, list_accounts
from assistant.bank.models import Account, AccountKind, Customer, Payee, Transaction, Transfer
from assistant.bank.money import format_money, from_minor, to_minor

_SOURCE_KINDS = {AccountKind.current, AccountKind.savings}
_ACCOUNT_FILLER = re.compile(r"\b(?:from|out of|my|the|please|use)\b", re.IGNORECASE)
_NAME_CONFIDENT = 85
# Legs between a customer's own accounts carry this category so spending summaries leave them out.
INTERNAL_CATEGORY = "internal_transfer"
EXTERNAL_CATEGORY = "transfer"


class TransferRefused(Exception):
    """The transfer cannot go ahead; the message says why, in words a customer understands."""


@dataclass(frozen=True)
class TransferQuote:
    """A checked transfer, ready for the customer to confirm."""

    source_account_id: int
    source_name: str
    payee_id: int
    payee_name: str
    amount: Decimal
    currency: str
    destination_account_id: int | None


@dataclass(frozen=True)
class TransferResult:
    """A completed transfer and the source account's balance after it."""

    transfer_id: int
    amount: Decimal
    payee_name: str
    source_name: str
    source_balance: Decimal
    currency: str
    repeated: bool


def source_accounts(session: Session, customer_id: int) -> list[Account]:
    """The customer's accounts a transfer can come from (current and savings), current first."""
    return [a for a in list_accounts(session, customer_id) if AccountKind(a.kind) in _SOURCE_KINDS]


def find_source_account(session: Session, customer_id: int, text: str) -> Account | None:
    """The source account a customer named ("savings", "my current account", "Easy Access"), or None if unclear."""
    wanted = " ".join(_ACCOUNT_FILLER.sub(" ", text or "").split())
    options = source_accounts(session, customer_id)
    if not utils.default_process(wanted):
        return None
    named = [a for a in options if utils.default_process(a.name) == utils.default_process(wanted)]
    if len(named) == 1:
        return named[0]
    try:
        kind = kind_from_text(wanted)
    except AccountNotFound:
        scored = sorted(((fuzz.token_set_ratio(wanted, a.name, processor=utils.default_process), a) for a in options),
                        key=lambda item: -item[0])
        close = [account for score, account in scored if score >= _NAME_CONFIDENT]
        return close[0] if len(close) == 1 else None
    of_kind = [a for a in options if AccountKind(a.kind) == kind]
    return of_kind[0] if len(of_kind) == 1 else None


def _amount_minor(amount: Decimal) -> int:
    try:
        value = Decimal(str(amount))
    except ArithmeticError as exc:
        raise TransferRefused("That isn't an amount of money I can send.") from exc
    if not value.is_finite():
        raise TransferRefused("That isn't an amount of money I can send.")
    if value != value.quantize(Decimal("0.01")):
        raise TransferRefused("Amounts can have at most two decimal places, like £12.50.")
    if value <= 0:
        raise TransferRefused("The amount has to be more than £0.")
    return to_minor(value)


def _accounts(session: Session, account_ids: list[int], lock: bool) -> dict[int, Account]:
    # Rows are locked in id order so two transfers between the same accounts cannot deadlock.
    statement = select(Account).where(Account.id.in_(sorted(set(account_ids)))).order_by(Account.id)
    if lock:
        # populate_existing: an account this session read before the lock is refreshed, not trusted stale.
        statement = statement.with_for_update(key_share=True).execution_options(populate_existing=True)
    return {account.id: account for account in session.exec(statement)}


def _payee(session: Session, customer_id: int, payee_id: int) -> Payee:
    payee = session.get(Payee, payee_id)
    if payee is None or payee.customer_id != customer_id:
        raise TransferRefused("I couldn't find that payee among your saved payees.")
    return payee


def _parties(session: Session, customer_id: int, source_account_id: int, payee_id: int,
             lock: bool = False) -> tuple[Account, Payee, Account | None]:
    """The source account, payee and (own-account payees) destination, all checked to be the customer's."""
    payee = _payee(session, customer_id, payee_id)
    ids = [source_account_id] + ([payee.account_id] if payee.account_id is not None else [])
    accounts = _accounts(session, ids, lock)
    source = accounts.get(source_account_id)
    if source is None or source.customer_id != customer_id:
        raise TransferRefused("I couldn't find that account among yours.")
    if AccountKind(source.kind) not in _SOURCE_KINDS:
        raise TransferRefused("Transfers can be sent from a current or savings account.")
    destination = accounts.get(payee.account_id) if payee.account_id is not None else None
    if payee.account_id is not None and (destination is None or destination.customer_id != customer_id):
        raise TransferRefused("I couldn't find that payee among your saved payees.")
    if destination is not None and destination.id == source.id:
        raise TransferRefused("That payee is the account the money would come from; pick another account.")
    if destination is not None and destination.currency != source.currency:
        raise TransferRefused(f"Your {source.name} is in {source.currency} and your {destination.name} in "
                              f"{destination.currency}; I can only move money between accounts in the same currency.")
    return source, payee, destination


def sent_today_minor(session: Session, customer_id: int, now: datetime) -> int:
    """What the customer has already transferred today (UTC), in minor units."""
    start = datetime.combine(now.astimezone(timezone.utc).date(), time.min, tzinfo=timezone.utc)
    total = session.exec(
        select(func.coalesce(func.sum(Transfer.amount_minor), 0)).where(
            Transfer.customer_id == customer_id, Transfer.status == "completed",
            Transfer.created_at >= start, Transfer.created_at < start + timedelta(days=1),
        )
    ).one()
    return int(total)


def _check_funds_and_limit(session: Session, customer: Customer, source: Account, amount_minor: int,
                           now: datetime) -> None:
    if amount_minor > available_minor(source):
        raise TransferRefused(
            f"There isn't enough in your {source.name}: "
            f"{format_money(max(available_minor(source), 0), source.currency)} is available."
        )
    already = sent_today_minor(session, customer.id, now)
    if already + amount_minor > customer.daily_transfer_limit_minor:
        left = max(customer.daily_transfer_limit_minor - already, 0)
        raise TransferRefused(
            f"That would go over your daily transfer limit of {format_money(customer.daily_transfer_limit_minor)}; "
            f"you can send up to {format_money(left)} more today."
        )


def _customer(session: Session, customer_id: int, lock: bool = False) -> Customer:
    statement = select(Customer).where(Customer.id == customer_id)
    if lock:
        statement = statement.with_for_update(key_share=True).execution_options(populate_existing=True)
    customer = session.exec(statement).first()
    if customer is None:
        raise TransferRefused("I couldn't find your customer record.")
    return customer


def quote_transfer(
    session: Session, customer_id: int, source_account_id: int, payee_id: int, amount: Decimal, now: datetime
) -> TransferQuote:
    """Check a transfer without moving money; TransferRefused says why it cannot happen."""
    amount_minor = _amount_minor(amount)
    customer = _customer(session, customer_id)
    source, payee, destination = _parties(session, customer_id, source_account_id, payee_id)
    _check_funds_and_limit(session, customer, source, amount_minor, now)
    return TransferQuote(source.id, source.name, payee.id, payee.name, from_minor(amount_minor), source.currency,
                         destination.id if destination else None)


def _existing(session: Session, customer_id: int, idempotency_key: str) -> Transfer | None:
    return session.exec(
        select(Transfer).where(Transfer.customer_id == customer_id, Transfer.idempotency_key == idempotency_key)
    ).first()


def _result(session: Session, transfer: Transfer, repeated: bool) -> TransferResult:
    source = session.get(Account, transfer.source_account_id)
    payee = session.get(Payee, transfer.payee_id) if transfer.payee_id else None
    return TransferResult(transfer.id, from_minor(transfer.amount_minor), payee.name if payee else "", source.name,
                          from_minor(source.balance_minor), source.currency, repeated)


def _book(session: Session, account: Account, transfer: Transfer, amount_minor: int, counterparty: str,
          category: str, side: str, now: datetime) -> None:
    try:
        posting = ledger.post(session, account.id, amount_minor, transfer.currency, f"transfer:{transfer.id}:{side}",
                              now)
    except ledger.LedgerRefused as refused:
        raise TransferRefused(f"That transfer can't go ahead: {refused}.") from refused
    session.add(Transaction(
        external_id=f"transfer-{transfer.id}-{side}", customer_id=account.customer_id, account_id=account.id,
        booked_at=now, amount_minor=amount_minor, currency=account.currency, merchant=counterparty,
        category=category, channel="transfer", description=transfer.reference,
        balance_after_minor=posting.balance_after_minor,
    ))


def execute_transfer(
    session: Session, customer_id: int, idempotency_key: str, source_account_id: int, payee_id: int,
    amount: Decimal, now: datetime,
) -> TransferResult:
    """Move the money once: debit, credit (own accounts), ledger rows and audit entry in one transaction.

    A retry with the same idempotency key returns the first transfer and moves nothing. The caller commits;
    the session should hold nothing else uncommitted, as losing a race on the key rolls it back.
    """
    # SQLite: the write lock from the start, so the balance and limit read below are current until we commit.
    ledger.hold_write_lock(session)
    earlier = _existing(session, customer_id, idempotency_key)
    if earlier is not None:
        return _result(session, earlier, repeated=True)
    amount_minor = _amount_minor(amount)
    # Locking the customer row (PostgreSQL) makes one customer's transfers wait for each other, so the balance
    # and the daily limit are checked against what the previous transfer left, not a stale read. The lock is
    # FOR NO KEY UPDATE: it does not hold up unrelated inserts that merely reference the customer.
    customer = _customer(session, customer_id, lock=True)
    earlier = _existing(session, customer_id, idempotency_key)
    if earlier is not None:
        return _result(session, earlier, repeated=True)
    source, payee, destination = _parties(session, customer_id, source_account_id, payee_id, lock=True)
    _check_funds_and_limit(session, customer, source, amount_minor, now)
    transfer = Transfer(customer_id=customer_id, idempotency_key=idempotency_key, source_account_id=source.id,
                        payee_id=payee.id, destination_account_id=destination.id if destination else None,
                        amount_minor=amount_minor, currency=source.currency, reference=f"To {payee.name}",
                        created_at=now)
    session.add(transfer)
    try:
        session.flush()
    except IntegrityError:
        # Another request with the same key won the race. Nothing of ours was booked yet; drop this attempt
        # (the whole unit of work) and report the transfer that did happen instead of moving money twice.
        session.rollback()
        earlier = _existing(session, customer_id, idempotency_key)
        if earlier is None:
            raise
        return _result(session, earlier, repeated=True)
    if destination is None:
        _book(session, source, transfer, -amount_minor, payee.name, EXTERNAL_CATEGORY, "debit", now)
    else:
        _book(session, source, transfer, -amount_minor, destination.name, INTERNAL_CATEGORY, "debit", now)
        _book(session, destination, transfer, amount_minor, source.name, INTERNAL_CATEGORY, "credit", now)
    audit.record(session, audit.customer_actor(customer_id), "transfer.executed", "transfer", transfer.id,
                 amount_minor=amount_minor, currency=source.currency, source_account_id=source.id,
                 payee_id=payee.id, destination_account_id=transfer.destination_account_id,
                 idempotency_key=idempotency_key)
    session.flush()
    return _result(session, transfer, repeated=False)
