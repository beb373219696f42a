"""Transfers move money once, only when allowed, on both sides, with an audit entry."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from assistant.bank.audit import entries_for
from assistant.bank.models import Account, Payee, Transaction, Transfer
from assistant.bank.transfers import TransferRefused, execute_transfer, quote_transfer
from tests.builders import AS_OF, build_customer

NOW = AS_OF + timedelta(hours=1)


def _with_savings_payee(session: Session, records) -> Payee:
    payee = Payee(customer_id=records.customer.id, name="Easy Access Saver", sort_code="04-00-75",
                  account_number=records.savings.number, account_id=records.savings.id, created_at=AS_OF)
    session.add(payee)
    session.commit()
    return payee


def _balance(session: Session, account_id: int) -> int:
    session.expire_all()
    return session.get(Account, account_id).balance_minor


def test_transfer_to_own_savings_debits_current_and_credits_savings(session: Session) -> None:
    records = build_customer(session)
    payee = _with_savings_payee(session, records)
    execute_transfer(session, records.customer.id, "k1", records.current.id, payee.id, Decimal("25.00"), NOW)
    session.commit()
    assert (_balance(session, records.current.id), _balance(session, records.savings.id)) == (245_067 - 2_500, 1_202_500)


def test_transfer_to_an_external_payee_only_debits_the_source(session: Session) -> None:
    records = build_customer(session)
    execute_transfer(session, records.customer.id, "k1", records.current.id, records.payees["Mum"].id, Decimal("40"), NOW)
    session.commit()
    assert (_balance(session, records.current.id), _balance(session, records.savings.id)) == (241_067, 1_200_000)


def test_the_ledger_shows_the_transfer_with_its_running_balance(session: Session) -> None:
    records = build_customer(session)
    execute_transfer(session, records.customer.id, "k1", records.current.id, records.payees["Mum"].id, Decimal("40"), NOW)
    session.commit()
    row = session.exec(select(Transaction).where(Transaction.channel == "transfer")).one()
    assert (row.amount_minor, row.balance_after_minor, row.merchant) == (-4_000, 241_067, "Mum")


def test_the_same_idempotency_key_moves_money_only_once(session: Session) -> None:
    records = build_customer(session)
    first = execute_transfer(session, records.customer.id, "same", records.current.id, records.payees["Mum"].id,
                             Decimal("10"), NOW)
    session.commit()
    again = execute_transfer(session, records.customer.id, "same", records.current.id, records.payees["Mum"].id,
                             Decimal("10"), NOW)
    session.commit()
    assert (again.transfer_id, again.repeated, _balance(session, records.current.id)) == (first.transfer_id, True, 244_067)


def test_an_executed_transfer_is_audited(session: Session) -> None:
    records = build_customer(session)
    done = execute_transfer(session, records.customer.id, "k", records.current.id, records.payees["Mum"].id,
                            Decimal("10"), NOW)
    session.commit()
    [entry] = entries_for(session, "transfer", done.transfer_id)
    assert (entry.actor, entry.action, entry.details["amount_minor"]) == (f"customer:{records.customer.id}", "transfer.executed", 1_000)


@pytest.mark.parametrize("amount, reason", [
    (Decimal("3450.68"), "enough"),        # balance 2,450.67 + overdraft 1,000 = 3,450.67 available
    (Decimal("0"), "more than"),
])
def test_refused_transfers_say_why_and_move_nothing(session: Session, amount: Decimal, reason: str) -> None:
    records = build_customer(session)
    with pytest.raises(TransferRefused, match=reason):
        execute_transfer(session, records.customer.id, "k", records.current.id, records.payees["Mum"].id, amount, NOW)
    session.rollback()
    assert (_balance(session, records.current.id), session.exec(select(Transfer)).all()) == (245_067, [])


def test_the_daily_limit_counts_what_was_already_sent_today(session: Session) -> None:
    records = build_customer(session)
    records.customer.daily_transfer_limit_minor = 5_000
    session.add(records.customer)
    session.commit()
    execute_transfer(session, records.customer.id, "a", records.current.id, records.payees["Mum"].id, Decimal("30"), NOW)
    session.commit()
    with pytest.raises(TransferRefused, match="daily transfer limit"):
        quote_transfer(session, records.customer.id, records.current.id, records.payees["Mum"].id, Decimal("25"), NOW)


def test_another_customers_payee_or_account_is_refused(session: Session) -> None:
    mine, theirs = build_customer(session, 1), build_customer(session, 2)
    with pytest.raises(TransferRefused, match="payee"):
        quote_transfer(session, mine.customer.id, mine.current.id, theirs.payees["Mum"].id, Decimal("5"), NOW)
    with pytest.raises(TransferRefused, match="account"):
        quote_transfer(session, mine.customer.id, theirs.current.id, mine.payees["Mum"].id, Decimal("5"), NOW)


def test_a_credit_card_cannot_be_the_source(session: Session) -> None:
    records = build_customer(session)
    with pytest.raises(TransferRefused, match="current or savings"):
        quote_transfer(session, records.customer.id, records.credit_card.id, records.payees["Mum"].id, Decimal("5"), NOW)


def test_concurrent_transfers_cannot_overdraw_together(postgres_engine: Engine) -> None:
    with Session(postgres_engine, expire_on_commit=False) as setup:
        records = build_customer(setup)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def send(key: str) -> None:
        with Session(postgres_engine) as db:
            barrier.wait()
            try:
                execute_transfer(db, records.customer.id, key, records.current.id, records.payees["Mum"].id,
                                 Decimal("2000"), NOW)
                db.commit()
                outcomes.append("sent")
            except TransferRefused:
                db.rollback()
                outcomes.append("refused")

    threads = [threading.Thread(target=send, args=(key,)) for key in ("t1", "t2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with Session(postgres_engine) as check:
        balance = check.get(Account, records.current.id).balance_minor
    assert (sorted(outcomes), balance) == (["refused", "sent"], 245_067 - 200_000)
