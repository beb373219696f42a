"""Writing the synthetic bank: products once, then customers in batches with bulk inserts and a progress bar."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session
from assistant.progress import progress_bar

from assistant.bank.catalogue import PRODUCTS
from assistant.bank.models import (
    Account,
    AppActivity,
    Card,
    Complaint,
    Customer,
    CustomerOutcome,
    DemoPersona,
    Payee,
    Product,
    ProductHolding,
    RecurringPayment,
    Transaction,
    UnusualPurchaseLabel,
)
from assistant.bank.money import to_minor
from assistant.db import create_schema
from assistant.seed.demo import DEMO_CUSTOMERS
from assistant.seed.generator import CustomerRows, generate_customer

# Parents before children, so foreign keys hold at every insert.
_TABLES = (
    ("customer", Customer), ("accounts", Account), ("holdings", ProductHolding), ("cards", Card),
    ("payees", Payee), ("recurring", RecurringPayment), ("transactions", Transaction),
    ("unusual", UnusualPurchaseLabel), ("complaints", Complaint), ("activity", AppActivity),
    ("outcome", CustomerOutcome),
)
_SEQUENCED = (Customer, Account, ProductHolding, Card, Payee, RecurringPayment, Transaction, Complaint)


class BankAlreadySeeded(Exception):
    """The database already holds customers; seeding again would mix two banks."""


@dataclass(frozen=True)
class SeedSummary:
    """What a seed run wrote and how long it took."""

    customers: int
    accounts: int
    transactions: int
    unusual_purchases: int
    seconds: float


def customer_count(engine: Engine) -> int:
    """How many customers the bank has (0 for a new database)."""
    create_schema(engine)
    with Session(engine) as session:
        return session.execute(select(func.count()).select_from(Customer)).scalar_one()


def _write_products(session: Session) -> None:
    if session.get(Product, PRODUCTS[0].code) is not None:
        return
    session.execute(insert(Product.__table__), [
        {"code": p.code, "name": p.name, "kind": p.kind, "description": p.description,
         "monthly_fee_minor": to_minor(p.monthly_fee), "rate_percent": p.rate_percent, "min_age": p.min_age,
         "min_income_minor": to_minor(p.min_income), "is_credit": p.is_credit}
        for p in PRODUCTS
    ])


_PLACEHOLDERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}


def _bulk_insert(connection: Connection, table: Table, rows: list[dict]) -> None:
    """Insert rows with one driver-level executemany: each value goes through its column type's own
    bind processor, but SQLAlchemy does not build parameters row by row (most of the time of a plain insert())."""
    dialect = connection.dialect
    placeholder = _PLACEHOLDERS.get(dialect.paramstyle)
    if placeholder is None:
        connection.execute(insert(table), rows)
        return
    columns = [column for column in table.columns if column.name in rows[0]]
    processors = [column.type.dialect_impl(dialect).bind_processor(dialect) for column in columns]
    quote = dialect.identifier_preparer
    statement = (f"INSERT INTO {quote.format_table(table)} ({', '.join(quote.quote(c.name) for c in columns)}) "
                 f"VALUES ({', '.join([placeholder] * len(columns))})")
    names = [column.name for column in columns]
    pairs = list(zip(names, processors))
    values = [tuple(process(row[name]) if process else row[name] for name, process in pairs) for row in rows]
    connection.exec_driver_sql(statement, values)


def _write_batch(session: Session, batch: list[CustomerRows]) -> None:
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        # The transaction indexes outgrow SQLite's default 2 MB page cache early in a large bank.
        connection.exec_driver_sql("PRAGMA cache_size = -262144")
    for attribute, model in _TABLES:
        rows: list[dict] = []
        for customer in batch:
            value = getattr(customer, attribute)
            rows.extend(value if isinstance(value, list) else [value])
        if rows:
            _bulk_insert(connection, model.__table__, rows)


def _advance_sequences(session: Session) -> None:
    # Ids were assigned by the generator; PostgreSQL's sequences must move past them for later inserts.
    for model in _SEQUENCED:
        table = model.__tablename__
        session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM \"{table}\"), 0) + 1, false)"
        ))


def mark_demo_personas(engine: Engine) -> list[int]:
    """Mark the seeded demo customers as the personas demo sign-in serves (those present under their persona's
    name and not marked yet); returns the ids marked."""
    create_schema(engine)
    marked = []
    with Session(engine) as session:
        for demo in DEMO_CUSTOMERS:
            customer = session.get(Customer, demo.id)
            if customer is not None and customer.full_name == demo.name and session.get(DemoPersona, demo.id) is None:
                session.add(DemoPersona(customer_id=demo.id, description=demo.description))
                marked.append(demo.id)
        session.commit()
    return marked


def seed_bank(engine: Engine, customers: int, seed: int, as_of: date, months: int = 13,
              unusual_rate: float = 0.015, batch_size: int = 500, progress: bool = True) -> SeedSummary:
    """Generate and write a bank of `customers` customers; BankAlreadySeeded if it has any already."""
    if customers < 1:
        raise ValueError("the bank needs at least one customer")
    existing = customer_count(engine)
    if existing:
        raise BankAlreadySeeded(f"the database already has {existing} customers")
    started = time.perf_counter()
    accounts = transactions = unusual = 0
    with Session(engine) as session:
        _write_products(session)
        session.commit()
        with progress_bar(total=customers, unit="customer", desc="seeding the bank", enabled=progress) as bar:
            for first in range(1, customers + 1, batch_size):
                numbers = range(first, min(first + batch_size, customers + 1))
                batch = [generate_customer(n, seed, as_of, months, unusual_rate) for n in numbers]
                _write_batch(session, batch)
                session.commit()
                accounts += sum(len(rows.accounts) for rows in batch)
                transactions += sum(len(rows.transactions) for rows in batch)
                unusual += sum(len(rows.unusual) for rows in batch)
                bar.update(len(batch))
        if engine.dialect.name == "postgresql":
            _advance_sequences(session)
            session.commit()
    mark_demo_personas(engine)
    return SeedSummary(customers, accounts, transactions, unusual, time.perf_counter() - started)
