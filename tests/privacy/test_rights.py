"""Export and erasure of one customer across the bank database and a real Rasa tracker store (SQLite and
PostgreSQL): everything of theirs, nothing of anyone else's, the ledger kept whole, both audited."""

from __future__ import annotations

import json

from sqlalchemy import func, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from assistant.bank.audit import entries_for
from assistant.bank.ledger import post
from assistant.db import utcnow
from assistant.bank.models import Account, Customer, Payee, Transaction, Transfer
from assistant.privacy.rights import erase_customer, export_customer
from tests.privacy.conftest import SECRET, Held

OPERATOR = "operator:privacy-test"


def _export(bank: Engine, tracker_store: Engine, customer_id: int) -> dict:
    return export_customer(bank, tracker_store, customer_id, SECRET, OPERATOR)


def _said(export: dict) -> list[str]:
    return [event["data"]["text"] for conversation in export["conversations"] for event in conversation["events"]
            if event["type"] in ("user", "bot") and event["data"].get("text")]


def _marks_of(held: Held) -> list[str]:
    """Values only this customer's records contain."""
    number = held.records.customer.id
    return [held.records.customer.full_name, held.records.customer.email, f"subject-of-{number}",
            f"Note about customer {number}", f"first purchase in Peru for {number}", held.records.current.number,
            *held.words]


def _events(tracker_store: Engine, sender_like: str) -> int:
    with tracker_store.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM events WHERE sender_id LIKE :s"),
                                  {"s": sender_like}).scalar_one()


def test_the_export_holds_the_customers_records_conversations_alerts_tickets_offers_and_sign_ins(
        sqlite_engine: Engine, tracker_store: Engine, customers: list[Held]) -> None:
    export = _export(sqlite_engine, tracker_store, 1)
    bank = export["bank"]
    assert bank["customer"][0]["full_name"] == "Alex Morgan 1"
    assert {len(bank[name]) > 0 for name in ("account", "card", "transaction", "payee", "transfer", "alert",
                                              "alertanswer", "outboxmessage", "handoffticket", "agentnote",
                                              "offerevent", "customeridentity", "auditlog")} == {True}
    assert bank["agentnote"][0]["text"] == "Note about customer 1"
    assert set(_said(export)) >= {*customers[0].words, "an old conversation of customer 1"}
    json.dumps(export)  # all of it is JSON


def test_the_export_holds_nothing_of_another_customer(sqlite_engine: Engine, tracker_store: Engine,
                                                      customers: list[Held]) -> None:
    exported = json.dumps(_export(sqlite_engine, tracker_store, 1), ensure_ascii=False)
    assert [mark for mark in _marks_of(customers[1]) if mark in exported] == []
    assert "customer 12, not 1" not in exported
    assert all(mark in exported for mark in _marks_of(customers[0]))


def test_the_export_holds_the_ledger_entries_on_the_customers_accounts_only(
        sqlite_engine: Engine, tracker_store: Engine, customers: list[Held]) -> None:
    with Session(sqlite_engine) as session:
        for held in customers:
            post(session, held.records.current.id, -1234, "GBP", f"test:{held.records.customer.id}", utcnow())
        session.commit()
    entries = _export(sqlite_engine, tracker_store, 1)["bank"]["ledger_entry"]
    assert [(entry["account_id"], entry["source_id"]) for entry in entries] == [
        (customers[0].records.current.id, "test:1")]


def test_erasure_removes_the_customer_from_the_bank_and_the_tracker_store(
        sqlite_engine: Engine, tracker_store: Engine, customers: list[Held]) -> None:
    erase_customer(sqlite_engine, tracker_store, 1, SECRET, OPERATOR)

    export = _export(sqlite_engine, tracker_store, 1)
    exported = json.dumps(export, ensure_ascii=False)
    assert [mark for mark in _marks_of(customers[0]) if mark in exported] == [customers[0].records.current.number]
    assert export["conversations"] == [] and _events(tracker_store, "cust-1-%") == 0
    assert [export["bank"][name] for name in ("alert", "alertanswer", "outboxmessage", "handoffticket",
                                               "agentnote", "offerevent", "customeridentity")] == [[]] * 7
    with Session(sqlite_engine) as session:
        payees = session.exec(select(Payee.name, Payee.account_number).where(Payee.customer_id == 1)).all()
        references = session.exec(select(Transfer.reference).where(Transfer.customer_id == 1)).all()
    assert set(payees) == {("erased", "00000000")} and set(references) == {""}


def test_erasure_keeps_the_ledger_whole(sqlite_engine: Engine, tracker_store: Engine, customers: list[Held]) -> None:
    def ledger() -> list:
        with Session(sqlite_engine) as session:
            return [session.exec(select(func.count(), func.sum(Transaction.amount_minor))).one(),
                    session.exec(select(Account.id, Account.balance_minor).order_by(Account.id)).all(),
                    session.exec(select(func.count()).select_from(Transfer)).one()]

    before = ledger()
    erase_customer(sqlite_engine, tracker_store, 1, SECRET, OPERATOR)
    assert ledger() == before


def test_erasure_is_audited_with_what_it_changed(sqlite_engine: Engine, tracker_store: Engine,
                                                 customers: list[Held]) -> None:
    erase_customer(sqlite_engine, tracker_store, 1, SECRET, OPERATOR)
    with Session(sqlite_engine) as session:
        entries = entries_for(session, "customer", 1)
    erased = [entry for entry in entries if entry.action == "customer.erased"]
    assert [entry.actor for entry in erased] == [OPERATOR]
    assert erased[0].details["tracker_events"] >= 4 and erased[0].details["customeridentity"] == 1
    # The trail keeps that a sign-in was linked, not whose it was.
    assert [entry.details["subject"] for entry in entries if entry.action == "identity.link"] == ["erased"]


def test_erasure_leaves_other_customers_intact(sqlite_engine: Engine, tracker_store: Engine,
                                               customers: list[Held]) -> None:
    def others() -> tuple[dict, int]:
        bank = _export(sqlite_engine, tracker_store, 2)["bank"]
        bank.pop("auditlog")  # each export adds its own audit entry
        return bank, _events(tracker_store, "cust-12-%")

    before = others()
    erase_customer(sqlite_engine, tracker_store, 1, SECRET, OPERATOR)
    after = others()
    assert after == before
    with Session(sqlite_engine) as session:
        assert session.get(Customer, 2).full_name == "Alex Morgan 2"
    assert _said(_export(sqlite_engine, tracker_store, 2)) == [customers[1].words[0], "Here you are."]
