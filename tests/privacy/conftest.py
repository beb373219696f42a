"""Fixtures for the data-rights tests: two customers with records everywhere, and a real Rasa tracker store."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

from assistant.alerts.models import Alert, AlertAnswer, OutboxMessage
from assistant.bank import audit
from assistant.bank.models import Transfer
from assistant.db import make_engine, utcnow
from assistant.handoff.models import Agent, AgentNote, HandoffTicket
from assistant.identities.models import CustomerIdentity
from assistant.identity import conversation_id_for
from assistant.models.records import OfferEvent
from tests.builders import CustomerRecords, build_customer
from tests.databases import fresh_postgres_url
from assistant.local_stack import ROOT
from tests.once_per_run import copy_sqlite

RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
SECRET = "privacy-test-conversation-secret"
OLD_SECRET = "an-earlier-conversation-secret"
# What customers 1 and 2 said in their conversations (the `customers` fixture makes them with these ids).
WORDS = {1: ["what's my balance, Alex Morgan 1?", "thanks for the balance"], 2: ["freeze my card please, Alex Morgan 2"]}


@dataclass
class Held:
    """What the bank holds about one customer, by the values a test looks for."""

    records: CustomerRecords
    words: list[str]  # what they said in their conversation


def _add_everything(session: Session, records: CustomerRecords, agent: Agent) -> None:
    """An alert with its answer and delivery, a ticket with an agent's note, an offer, a sign-in and a transfer."""
    customer_id = records.customer.id
    alert = Alert(customer_id=customer_id, kind="unusual_purchase", dedup_key=f"privacy:{customer_id}",
                  reason=f"first purchase in Peru for {customer_id}")
    session.add(alert)
    session.flush()
    session.add_all([
        AlertAnswer(alert_id=alert.id, customer_id=customer_id, was_customer=True),
        OutboxMessage(alert_id=alert.id, idempotency_key=f"privacy-outbox-{customer_id}", payload={"n": customer_id}),
        OfferEvent(customer_id=customer_id, event="shown", context="recommend"),
        CustomerIdentity(issuer="https://id.bank.test", subject=f"subject-of-{customer_id}", customer_id=customer_id),
    ])
    ticket = HandoffTicket(conversation_ref=f"ref-{customer_id}", customer_id=customer_id, reason="complaint",
                           summary=f"Customer {customer_id} is unhappy about fees")
    session.add(ticket)
    session.flush()
    session.add(AgentNote(ticket_id=ticket.id, agent_id=agent.id, text=f"Note about customer {customer_id}"))
    payee = records.payees["Mum"]
    transfer = Transfer(customer_id=customer_id, idempotency_key=f"privacy-{customer_id}",
                        source_account_id=records.current.id, payee_id=payee.id, amount_minor=2_500,
                        reference=f"Birthday {customer_id}", created_at=utcnow() - timedelta(days=1))
    session.add(transfer)
    session.flush()
    audit.record(session, audit.customer_actor(customer_id), "transfer.executed", "transfer", transfer.id,
                 amount_minor=2_500)
    audit.record(session, "operator:test", "identity.link", "customer", customer_id,
                 issuer="https://id.bank.test", subject=f"subject-of-{customer_id}")


@pytest.fixture
def customers(sqlite_engine: Engine) -> list[Held]:
    """Customers 1 and 2 with accounts, cards, transactions, payees, a transfer, an alert, a ticket with a note,
    an offer and a sign-in each."""
    with Session(sqlite_engine, expire_on_commit=False) as session:
        agent = Agent(email="alex@lumen.example", display_name="Alex", password_hash="x")
        session.add(agent)
        held = [build_customer(session, 1), build_customer(session, 2)]
        for records in held:
            _add_everything(session, records, agent)
        session.commit()
    return [Held(records, WORDS[records.customer.id]) for records in held]


def fill_tracker_store(store: dict) -> None:
    """Save each customer's conversation with Rasa's SQLTrackerStore (customer 1 also under an earlier secret)."""
    conversations = {conversation_id_for(customer_id, SECRET): [words[0], "Here you are.", *words[1:]]
                     for customer_id, words in WORDS.items()}
    conversations[conversation_id_for(1, OLD_SECRET)] = ["an old conversation of customer 1"]
    conversations["cust-12-abcdef"] = ["customer 12, not 1"]
    run = subprocess.run([str(RASA_PYTHON), str(ROOT / "tests" / "privacy" / "rasa_tracker.py"),
                          json.dumps({"store": store, "conversations": conversations})],
                         cwd=ROOT, capture_output=True, text=True, timeout=300,
                         env={**os.environ, "SQLALCHEMY_SILENCE_UBER_WARNING": "1"})
    assert run.returncode == 0, run.stderr[-3000:]


# Rasa writes each store once per session (starting Rasa's Python takes about a second); every test gets a copy.
@pytest.fixture(scope="session")
def filled_sqlite_tracker_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite tracker store written by Rasa, holding both customers' conversations, to be copied."""
    path = tmp_path_factory.mktemp("rasa-tracker") / "rasa-tracker.db"
    fill_tracker_store({"dialect": "sqlite", "db": str(path)})
    return path


@pytest.fixture(scope="session")
def filled_postgres_tracker_store() -> Iterator[str]:
    """The name of a PostgreSQL tracker store written by Rasa, holding both customers' conversations, to be copied."""
    for url in fresh_postgres_url():
        parsed = make_url(url)
        fill_tracker_store({"dialect": "postgresql", "host": parsed.host, "port": parsed.port,
                            "username": parsed.username, "password": parsed.password or "",
                            "db": parsed.database, "login_db": "postgres"})
        yield parsed.database


@pytest.fixture
def sqlite_tracker_store(tmp_path, customers: list[Held], filled_sqlite_tracker_store: Path) -> Iterator[Engine]:
    """A SQLite tracker store written by Rasa, holding both customers' conversations (this test's own copy; the
    customers are in the bank whenever their conversations are in the store)."""
    path = tmp_path / "rasa-tracker.db"
    copy_sqlite(filled_sqlite_tracker_store, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_tracker_store(customers: list[Held], filled_postgres_tracker_store: str) -> Iterator[Engine]:
    """A PostgreSQL tracker store written by Rasa, as the production profile has (this test's own copy; the
    customers are in the bank whenever their conversations are in the store)."""
    for url in fresh_postgres_url(template=filled_postgres_tracker_store):
        engine = make_engine(url)
        yield engine
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def tracker_store(request) -> Engine:
    """Each test that takes `tracker_store` runs against Rasa's SQLite and PostgreSQL stores."""
    return request.getfixturevalue(f"{request.param}_tracker_store")
