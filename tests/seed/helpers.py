"""Reading a seeded bank back for the seed tests."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

import assistant.bank.models  # noqa: F401  (registers the tables)


def bank_digest(engine: Engine, customers: int | None = None) -> str:
    """A digest of every seeded row (optionally only the first customers' rows), table by table in id order."""
    digest = hashlib.sha256()
    with Session(engine) as session:
        for table in SQLModel.metadata.sorted_tables:
            query = select(table).order_by(*table.primary_key.columns)
            if customers is not None and "customer_id" in table.columns:
                query = query.where(table.c.customer_id <= customers)
            elif customers is not None and table.name == "customer":
                query = query.where(table.c.id <= customers)
            elif customers is not None and table.name == "unusualpurchaselabel":
                continue  # labels follow their transactions, compared through them
            for row in session.execute(query):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()
