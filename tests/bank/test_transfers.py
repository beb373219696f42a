"""Transfers move money once, only when allowed, on both sides, with an audit entry."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from assistant.bank.audit import entries_for
from assistant.bank.models import Account, Payee, Transaction, Transfer
from assistant.bank.transfers import TransferRefused, execute_transfer, find_source_account, quote_transfer
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
    assert (entry.actor, entry.action, entry.details["amount_minor"]) == (
        f"customer:{records.customer.id}", "transfer.executed", 1_000)


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


def test_going_over_the_daily_limit_is_refused_and_moves_nothing(session: Session) -> None:
    records = build_customer(session)
    records.customer.daily_transfer_limit_minor = 5_000
    session.add(records.customer)
    session.commit()
    with pytest.raises(TransferRefused, match="daily transfer limit"):
        execute_transfer(session, records.customer.id, "k", records.current.id, records.payees["Mum"].id,
                         Decimal("50.01"), NOW)
    session.rollback()
    assert (_balance(session, records.current.id), session.exec(select(Transfer)).all()) == (245_067, [])


def test_yesterdays_transfers_do_not_count_towards_todays_limit(session: Session) -> None:
    records = build_customer(session)
    records.customer.daily_transfer_limit_minor = 5_000
    session.add(records.customer)
    session.commit()
    execute_transfer(session, records.customer.id, "a", records.current.id, records.payees["Mum"].id, Decimal("50"),
                     NOW - timedelta(days=1))
    session.commit()
    quote = quote_transfer(session, records.customer.id, records.current.id, records.payees["Mum"].id,
                           Decimal("50"), NOW)
    assert quote.amount == Decimal("50.00")


def test_the_arranged_overdraft_counts_as_available(session: Session) -> None:
    records = build_customer(session)
    quote = quote_transfer(session, records.customer.id, records.current.id, records.payees["Mum"].id,
                           Decimal("3450.67"), NOW)
    assert quote.amount == Decimal("3450.67")


@pytest.mark.parametrize("amount", [Decimal("-5"), Decimal("10.001"), Decimal("NaN")])
def test_negative_fractional_penny_and_non_numbers_are_refused(session: Session, amount: Decimal) -> None:
    records = build_customer(session)
    with pytest.raises(TransferRefused):
        quote_transfer(session, records.customer.id, records.current.id, records.payees["Mum"].id, amount, NOW)


def test_another_customers_payee_or_account_is_refused(session: Session) -> None:
    mine, theirs = build_customer(session, 1), build_customer(session, 2)
    with pytest.raises(TransferRefused, match="payee"):
        quote_transfer(session, mine.customer.id, mine.current.id, theirs.payees["Mum"].id, Decimal("5"), NOW)
    with pytest.raises(TransferRefused, match="account"):
        quote_transfer(session, mine.customer.id, theirs.current.id, mine.payees["Mum"].id, Decimal("5"), NOW)


@pytest.mark.parametrize("whose", ["payee", "account"])
def test_executing_with_another_customers_payee_or_account_moves_nothing(session: Session, whose: str) -> None:
    mine, theirs = build_customer(session, 1), build_customer(session, 2)
    source = theirs.current.id if whose == "account" else mine.current.id
    payee = theirs.payees["Mum"].id if whose == "payee" else mine.payees["Mum"].id
    with pytest.raises(TransferRefused, match=whose):
        execute_transfer(session, mine.customer.id, "k", source, payee, Decimal("5"), NOW)
    session.rollback()
    balances = (_balance(session, mine.current.id), _balance(session, theirs.current.id))
    assert (balances, session.exec(select(Transfer)).all()) == ((245_067, 245_067), [])


def test_a_payee_that_is_another_customers_account_is_refused(session: Session) -> None:
    mine, theirs = build_customer(session, 1), build_customer(session, 2)
    payee = Payee(customer_id=mine.customer.id, name="Their Saver", sort_code="04-00-75",
                  account_number=theirs.savings.number, account_id=theirs.savings.id, created_at=AS_OF)
    session.add(payee)
    session.commit()
    with pytest.raises(TransferRefused, match="payee"):
        quote_transfer(session, mine.customer.id, mine.current.id, payee.id, Decimal("5"), NOW)


def test_money_cannot_be_sent_to_the_account_it_comes_from(session: Session) -> None:
    records = build_customer(session)
    payee = _with_savings_payee(session, records)
    with pytest.raises(TransferRefused, match="another account"):
        quote_transfer(session, records.customer.id, records.savings.id, payee.id, Decimal("5"), NOW)


def test_both_legs_of_an_own_account_transfer_are_internal_in_the_ledger(session: Session) -> None:
    records = build_customer(session)
    payee = _with_savings_payee(session, records)
    done = execute_transfer(session, records.customer.id, "k1", records.current.id, payee.id, Decimal("25"), NOW)
    session.commit()
    rows = session.exec(select(Transaction).where(Transaction.channel == "transfer").order_by(Transaction.id)).all()
    assert [(r.external_id, r.account_id, r.amount_minor, r.category, r.balance_after_minor) for r in rows] == [
        (f"transfer-{done.transfer_id}-debit", records.current.id, -2_500, "internal_transfer", 242_567),
        (f"transfer-{done.transfer_id}-credit", records.savings.id, 2_500, "internal_transfer", 1_202_500),
    ]


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


def test_the_same_key_sent_twice_at_once_moves_money_once(postgres_engine: Engine) -> None:
    with Session(postgres_engine, expire_on_commit=False) as setup:
        records = build_customer(setup)
    results = []
    barrier = threading.Barrier(2)

    def send() -> None:
        with Session(postgres_engine) as db:
            barrier.wait()
            results.append(execute_transfer(db, records.customer.id, "same", records.current.id,
                                            records.payees["Mum"].id, Decimal("10"), NOW))
            db.commit()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with Session(postgres_engine) as check:
        balance = check.get(Account, records.current.id).balance_minor
        transfers = check.exec(select(Transfer)).all()
    assert (len(transfers), len({r.transfer_id for r in results}), len(results), balance) == (1, 1, 2, 244_067)


def test_opposite_transfers_between_own_accounts_at_once_both_complete(postgres_engine: Engine) -> None:
    with Session(postgres_engine, expire_on_commit=False) as setup:
        records = build_customer(setup)
        to_savings = _with_savings_payee(setup, records)
        to_current = Payee(customer_id=records.customer.id, name="Everyday Current Account", sort_code="04-00-75",
                           account_number=records.current.number, account_id=records.current.id, created_at=AS_OF)
        setup.add(to_current)
        setup.commit()
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def send(key: str, source: int, payee: int) -> None:
        with Session(postgres_engine) as db:
            barrier.wait()
            execute_transfer(db, records.customer.id, key, source, payee, Decimal("100"), NOW)
            db.commit()
            outcomes.append(key)

    threads = [threading.Thread(target=send, args=("up", records.current.id, to_savings.id)),
               threading.Thread(target=send, args=("down", records.savings.id, to_current.id))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with Session(postgres_engine) as check:
        balances = (check.get(Account, records.current.id).balance_minor,
                    check.get(Account, records.savings.id).balance_minor)
    assert (sorted(outcomes), balances) == (["down", "up"], (245_067, 1_200_000))


@pytest.mark.parametrize("typed, which", [("savings", "savings"), ("from my current account", "current"),
                                          ("easy access", "savings"), ("EVERYDAY CURRENT ACCOUNT", "current")])
def test_the_source_account_is_found_by_kind_or_name(session: Session, typed: str, which: str) -> None:
    records = build_customer(session)
    assert find_source_account(session, records.customer.id, typed).id == getattr(records, which).id


@pytest.mark.parametrize("typed", ["credit card", "Cashback Credit Card", "piggy bank", ""])
def test_a_credit_card_or_an_unknown_name_is_not_a_source_account(session: Session, typed: str) -> None:
    records = build_customer(session)
    assert find_source_account(session, records.customer.id, typed) is None


def test_a_kind_the_customer_holds_twice_is_unclear(session: Session) -> None:
    records = build_customer(session)
    session.add(Account(customer_id=records.customer.id, kind="savings", name="Rainy Day Saver", number="99990001",
                        opened_at=AS_OF))
    session.commit()
    assert find_source_account(session, records.customer.id, "savings") is None


def test_concurrent_transfers_from_two_accounts_cannot_pass_the_daily_limit_together(postgres_engine: Engine) -> None:
    with Session(postgres_engine, expire_on_commit=False) as setup:
        records = build_customer(setup)
        records.customer.daily_transfer_limit_minor = 10_000
        setup.add(records.customer)
        setup.commit()
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def send(source: int) -> None:
        with Session(postgres_engine) as db:
            barrier.wait()
            try:
                execute_transfer(db, records.customer.id, f"from-{source}", source, records.payees["Mum"].id,
                                 Decimal("60"), NOW)
                db.commit()
                outcomes.append("sent")
            except TransferRefused:
                db.rollback()
                outcomes.append("refused")

    threads = [threading.Thread(target=send, args=(source,)) for source in (records.current.id, records.savings.id)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with Session(postgres_engine) as check:
        sent = sum(t.amount_minor for t in check.exec(select(Transfer)).all())
    assert (sorted(outcomes), sent) == (["refused", "sent"], 6_000)


# PostgreSQL only: on SQLite a transfer holds the write lock from its first statement (BEGIN IMMEDIATE), so no other
# connection can commit between its checks and its insert; the same key sent concurrently there is in
# tests/faults/test_ledger_races.py.
def test_losing_a_race_on_the_key_returns_the_winners_transfer_and_moves_nothing(postgres_engine: Engine) -> None:
    engine = postgres_engine
    with Session(engine, expire_on_commit=False) as setup:
        records = build_customer(setup)
    winner: list[int] = []

    def other_request_commits_first(db: Session, _context, _instances) -> None:
        # The same key arrives through another connection between this request's checks and its insert.
        with Session(engine) as other:
            row = Transfer(customer_id=records.customer.id, idempotency_key="same", source_account_id=records.current.id,
                           payee_id=records.payees["Mum"].id, amount_minor=1_000, created_at=NOW)
            other.add(row)
            other.commit()
            winner.append(row.id)

    with Session(engine) as db:
        event.listen(db, "before_flush", other_request_commits_first, once=True)
        result = execute_transfer(db, records.customer.id, "same", records.current.id, records.payees["Mum"].id,
                                  Decimal("10"), NOW)
        db.commit()
    with Session(engine) as check:
        balance = check.get(Account, records.current.id).balance_minor
        transfers = len(check.exec(select(Transfer)).all())
    assert (result.transfer_id, result.repeated, transfers, balance) == (winner[0], True, 1, 245_067)
