"""The one way money moves: a signed amount applied to an account under a row lock, recorded once per source.

Every balance change (transfer legs, feed postings) is a `post`: the account row is locked (PostgreSQL
`SELECT ... FOR NO KEY UPDATE`; SQLite: the database's write lock, taken with `BEGIN IMMEDIATE` at the start of the
transaction), a ledger entry keyed by the change's source id is inserted (unique: the same source twice moves money
once), and the balance moves by a relative update (`balance_minor = balance_minor + :delta`), never by writing back
a value computed in Python. So an account's balance is always its opening balance plus the sum of its entries,
which `check_ledger` (and `python -m assistant ledger check`) verifies.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlmodel import Session

from assistant.bank.models import Account, LedgerEntry


class LedgerRefused(Exception):
    """The ledger will not apply this posting; the message says why, in words a customer or feed can be shown."""


class CurrencyMismatch(LedgerRefused):
    """The posting is in another currency than the account."""


@dataclass(frozen=True)
class Posting:
    """What a post did: the entry for its source and the balance after it; applied is False for a repeat."""

    entry_id: int
    account_id: int
    amount_minor: int
    balance_after_minor: int
    applied: bool


def hold_write_lock(session: Session) -> None:
    """Make the session's transaction a writer from its start (SQLite's `BEGIN IMMEDIATE`); PostgreSQL locks rows.

    pysqlite opens a transaction only at the first INSERT/UPDATE/DELETE, so the reads before it (a balance checked
    before a debit) would see whatever another connection commits meanwhile. Beginning the transaction ourselves,
    IMMEDIATE, takes the database's write lock first (waiting up to the connection's busy timeout): every read after
    it is current until we commit. A transaction that has written already holds that lock, so it is left alone.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    if not connection.connection.driver_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def lock_accounts(session: Session, account_ids: Iterable[int]) -> None:
    """Lock these accounts for the rest of the transaction, in id order so that two writers cannot deadlock."""
    hold_write_lock(session)
    ids = sorted(set(account_ids))
    if ids and session.get_bind().dialect.name != "sqlite":
        session.execute(select(Account.id).where(Account.id.in_(ids)).order_by(Account.id)
                        .with_for_update(key_share=True)).all()


def _insert_once(session: Session, values: dict) -> int | None:
    """Insert the entry unless its source id has one already; its id, or None for a repeat."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (insert(LedgerEntry.__table__).values(**values)
                 .on_conflict_do_nothing(index_elements=["source_id"]).returning(LedgerEntry.__table__.c.id))
    return session.execute(statement).scalar_one_or_none()


def _repeat(session: Session, account_id: int, amount_minor: int, source_id: str) -> Posting:
    entry = session.execute(select(LedgerEntry.id, LedgerEntry.account_id, LedgerEntry.amount_minor,
                                   LedgerEntry.balance_after_minor).where(LedgerEntry.source_id == source_id)).one()
    if (entry.account_id, entry.amount_minor) != (account_id, amount_minor):
        raise LedgerRefused(f"{source_id} was already posted with another account or amount")
    return Posting(entry.id, entry.account_id, entry.amount_minor, entry.balance_after_minor, applied=False)


def post(session: Session, account_id: int, amount_minor: int, currency: str, source_id: str,
         now: datetime) -> Posting:
    """Apply a signed amount to an account once per source id; the caller commits.

    A source id posted before moves nothing (applied=False) if it was the same account and amount, and is refused
    otherwise. A posting in another currency than the account's is refused (CurrencyMismatch).
    """
    if not isinstance(amount_minor, int):
        raise LedgerRefused("amounts are whole minor units (pence)")
    hold_write_lock(session)
    # FOR NO KEY UPDATE, not FOR UPDATE: inserting a row that references the account takes FOR KEY SHARE on it,
    # which FOR UPDATE would wait for: two writers each holding one would deadlock.
    locked = session.execute(select(Account.currency, Account.balance_minor).where(Account.id == account_id)
                             .with_for_update(key_share=True)).one_or_none()
    if locked is None:
        raise LedgerRefused(f"there is no account {account_id}")
    if currency != locked.currency:
        raise CurrencyMismatch(f"the amount is in {currency} but the account is in {locked.currency}")
    expected = locked.balance_minor + amount_minor
    entry_id = _insert_once(session, {"source_id": source_id, "account_id": account_id, "amount_minor": amount_minor,
                                      "currency": currency, "balance_after_minor": expected, "posted_at": now})
    if entry_id is None:
        return _repeat(session, account_id, amount_minor, source_id)
    # A relative update: correct whatever another writer did, even if the lock above were missing.
    after = session.execute(update(Account.__table__).where(Account.__table__.c.id == account_id)
                            .values(balance_minor=Account.__table__.c.balance_minor + amount_minor)
                            .returning(Account.__table__.c.balance_minor)).scalar_one()
    # An Account the session has loaded reads the stored balance next time (also after a savepoint rollback).
    loaded = session.identity_map.get(session.identity_key(Account, account_id))
    if loaded is not None:
        session.expire(loaded, ["balance_minor"])
    if after != expected:
        raise RuntimeError(f"account {account_id} moved while locked: {after} != {expected}")
    return Posting(entry_id, account_id, amount_minor, after, applied=True)


@dataclass(frozen=True)
class Discrepancy:
    """An account whose balance is not its opening balance plus its ledger entries."""

    account_id: int
    balance_minor: int
    opening_balance_minor: int | None
    entries_minor: int

    @property
    def expected_minor(self) -> int | None:
        """What the balance should be (None when the account has no opening balance)."""
        return None if self.opening_balance_minor is None else self.opening_balance_minor + self.entries_minor


@dataclass
class LedgerCheck:
    """What `check_ledger` found."""

    accounts: int = 0
    entries: int = 0
    discrepancies: list[Discrepancy] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """True when every balance equals its opening balance plus its entries."""
        return not self.discrepancies


def check_ledger(session: Session) -> LedgerCheck:
    """Compare every account's balance with its opening balance plus the sum of its ledger entries."""
    sums = (select(LedgerEntry.account_id, func.sum(LedgerEntry.amount_minor).label("total"),
                   func.count().label("entries")).group_by(LedgerEntry.account_id).subquery())
    rows = session.execute(
        select(Account.id, Account.balance_minor, Account.opening_balance_minor,
               func.coalesce(sums.c.total, 0), func.coalesce(sums.c.entries, 0))
        .outerjoin(sums, sums.c.account_id == Account.id).order_by(Account.id)).all()
    result = LedgerCheck(accounts=len(rows), entries=sum(int(row[4]) for row in rows))
    for account_id, balance, opening, total, _ in rows:
        if opening is None or balance != opening + int(total):
            result.discrepancies.append(Discrepancy(account_id, balance, opening, int(total)))
    return result


def adopt_opening_balances(connection: Connection) -> None:
    """Give accounts of a database older than the ledger the opening balance their entries imply (a migration)."""
    # Looked for first: an UPDATE, even of no row, would take SQLite's write lock at every service start.
    if connection.execute(text("SELECT 1 FROM account WHERE opening_balance_minor IS NULL LIMIT 1")).first() is None:
        return
    connection.execute(text(
        "UPDATE account SET opening_balance_minor = balance_minor - COALESCE("
        "(SELECT SUM(amount_minor) FROM ledger_entry WHERE ledger_entry.account_id = account.id), 0) "
        "WHERE opening_balance_minor IS NULL"))
