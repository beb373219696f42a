"""The ledger: every balance change applied once per source, relatively, in the account's currency, and checkable."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from assistant.bank import ledger
from assistant.bank.models import Account, LedgerEntry, Payee
from assistant.bank.transfers import TransferRefused, execute_transfer
from assistant.db import create_schema
from assistant.seed.writer import seed_bank
from tests.builders import AS_OF, build_customer

NOW = AS_OF + timedelta(hours=1)


def _balance(engine: Engine, account_id: int) -> int:
    with Session(engine) as fresh:
        return fresh.get(Account, account_id).balance_minor


def _entries(engine: Engine) -> list[tuple[str, int, int]]:
    with Session(engine) as fresh:
        return [(e.source_id, e.amount_minor, e.balance_after_minor)
                for e in fresh.exec(select(LedgerEntry).order_by(LedgerEntry.id))]


def test_a_posting_moves_the_balance_and_records_its_entry(engine: Engine, session: Session) -> None:
    records = build_customer(session)
    session.commit()
    posting = ledger.post(session, records.current.id, -1_500, "GBP", "feed:a", NOW)
    session.commit()
    assert (posting.applied, _balance(engine, records.current.id), _entries(engine)) == (
        True, 245_067 - 1_500, [("feed:a", -1_500, 245_067 - 1_500)])


def test_the_same_source_id_twice_moves_money_once(engine: Engine, session: Session) -> None:
    records = build_customer(session)
    session.commit()
    first = ledger.post(session, records.current.id, 2_000, "GBP", "feed:same", NOW)
    session.commit()
    again = ledger.post(session, records.current.id, 2_000, "GBP", "feed:same", NOW)
    session.commit()
    assert (again.applied, again.entry_id, again.balance_after_minor, _balance(engine, records.current.id),
            len(_entries(engine))) == (False, first.entry_id, 247_067, 247_067, 1)


def test_the_same_source_id_with_another_amount_is_refused(session: Session) -> None:
    records = build_customer(session)
    ledger.post(session, records.current.id, 2_000, "GBP", "feed:same", NOW)
    session.commit()
    with pytest.raises(ledger.LedgerRefused, match="already posted"):
        ledger.post(session, records.current.id, 9_999, "GBP", "feed:same", NOW)


def test_a_posting_in_another_currency_is_refused_and_moves_nothing(engine: Engine, session: Session) -> None:
    records = build_customer(session)
    session.commit()
    with pytest.raises(ledger.CurrencyMismatch, match="in EUR but the account is in GBP"):
        ledger.post(session, records.current.id, -1_000, "EUR", "feed:eur", NOW)
    session.rollback()
    assert (_balance(engine, records.current.id), _entries(engine)) == (245_067, [])


def test_a_transfer_between_accounts_of_different_currencies_is_refused(engine: Engine, session: Session) -> None:
    records = build_customer(session)
    records.savings.currency = "EUR"
    session.add(Payee(customer_id=records.customer.id, name="Euro Saver", sort_code="04-00-75",
                      account_number=records.savings.number, account_id=records.savings.id, created_at=AS_OF))
    session.commit()
    payee = session.exec(select(Payee).where(Payee.name == "Euro Saver")).one()
    with pytest.raises(TransferRefused, match="same currency"):
        execute_transfer(session, records.customer.id, "k", records.current.id, payee.id, Decimal("10"), NOW)
    session.rollback()
    assert (_balance(engine, records.current.id), _balance(engine, records.savings.id), _entries(engine)) == (
        245_067, 1_200_000, [])


def test_a_posting_adds_to_the_stored_balance_not_to_a_stale_copy(engine: Engine, session: Session) -> None:
    records = build_customer(session)
    session.commit()
    stale = session.get(Account, records.current.id)  # loaded before another writer moves the balance
    with Session(engine) as other:
        ledger.post(other, records.current.id, 10_000, "GBP", "feed:other", NOW)
        other.commit()
    ledger.post(session, records.current.id, -500, "GBP", "feed:mine", NOW)
    session.commit()
    assert (_balance(engine, records.current.id), stale.balance_minor) == (245_067 + 10_000 - 500,) * 2


def test_an_account_opens_at_the_balance_it_was_created_with(session: Session) -> None:
    records = build_customer(session)
    session.commit()
    session.refresh(records.credit_card)
    assert records.credit_card.opening_balance_minor == -32_050


def test_the_check_is_clean_after_transfers_and_postings(session: Session) -> None:
    records = build_customer(session)
    payee = Payee(customer_id=records.customer.id, name="Saver", sort_code="04-00-75",
                  account_number=records.savings.number, account_id=records.savings.id, created_at=AS_OF)
    session.add(payee)
    session.commit()
    execute_transfer(session, records.customer.id, "k1", records.current.id, payee.id, Decimal("25"), NOW)
    session.commit()
    ledger.post(session, records.current.id, -700, "GBP", "feed:x", NOW)
    session.commit()
    found = ledger.check_ledger(session)
    assert (found.clean, found.accounts, found.entries) == (True, 3, 3)


def test_the_check_finds_a_balance_written_around_the_ledger(engine: Engine, session: Session) -> None:
    records = build_customer(session)
    ledger.post(session, records.current.id, -700, "GBP", "feed:x", NOW)
    session.commit()
    with engine.begin() as connection:
        connection.execute(text("UPDATE account SET balance_minor = 1 WHERE id = :id"), {"id": records.current.id})
    found = ledger.check_ledger(session)
    [problem] = found.discrepancies
    assert (problem.account_id, problem.balance_minor, problem.expected_minor) == (
        records.current.id, 1, 245_067 - 700)


def test_an_older_database_adopts_its_balances_as_opening_balances(engine: Engine, session: Session) -> None:
    records = build_customer(session)
    ledger.post(session, records.current.id, -700, "GBP", "feed:x", NOW)
    session.commit()
    with engine.begin() as connection:  # as a database from before the ledger had the column
        connection.execute(text("UPDATE account SET opening_balance_minor = NULL"))
    assert not ledger.check_ledger(session).clean
    create_schema(engine)
    session.expire_all()
    assert (ledger.check_ledger(session).clean, session.get(Account, records.current.id).opening_balance_minor) == (
        True, 245_067)


def test_a_seeded_bank_is_clean_and_stays_clean_after_a_transfer(engine: Engine) -> None:
    seed_bank(engine, customers=3, seed=7, as_of=AS_OF.date(), progress=False)
    with Session(engine) as session:
        seeded = ledger.check_ledger(session)
        payee = session.exec(select(Payee).where(Payee.customer_id == 1, Payee.account_id == None)).first()  # noqa: E711
        current = session.exec(select(Account).where(Account.customer_id == 1, Account.kind == "current")).one()
        execute_transfer(session, 1, "k", current.id, payee.id, Decimal("1.00"), NOW)
        session.commit()
        after = ledger.check_ledger(session)
    assert (seeded.clean, seeded.entries, after.clean, after.entries) == (True, 0, True, 1)
