"""What the fault tests that run a real gateway process share: a fresh PostgreSQL bank with one customer, and the
environment the gateway runs with against the gateway tests' Rasa stand-in."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Engine
from sqlmodel import Session

from assistant.bank.models import DemoPersona
from assistant.db import create_schema, make_engine
from tests.builders import build_customer
from tests.databases import fresh_postgres_url
from tests.gateway.conftest import RASA_CHANNEL_SECRET, RASA_TOKEN

CONVERSATION_SECRET = "fault-test-conversation-secret-32b"
JWT_SECRET = "fault-test-jwt-secret-of-32-bytes!!"


@contextmanager
def one_customer_bank(demo_persona: bool = True) -> Iterator[tuple[str, Engine]]:
    """A new PostgreSQL database with the schema and customer 1 (a demo persona unless told otherwise): its URL and
    an engine; dropped afterwards."""
    for database_url in fresh_postgres_url():
        engine = make_engine(database_url)
        try:
            create_schema(engine)
            with Session(engine) as db:
                build_customer(db, 1)
                if demo_persona:
                    db.add(DemoPersona(customer_id=1))
                db.commit()
            yield database_url, engine
        finally:
            engine.dispose()


def gateway_env(database_url: str, rasa_url: str, port: int, **settings: str) -> dict[str, str]:
    """The environment of a gateway on 127.0.0.1:`port` using this database and Rasa, with these settings added."""
    return {**os.environ, "ASSISTANT_PROFILE": "embedded", "DATABASE_URL": database_url, "RASA_URL": rasa_url,
            "RASA_TOKEN": RASA_TOKEN, "RASA_CHANNEL_SECRET": RASA_CHANNEL_SECRET,
            "CONVERSATION_SECRET": CONVERSATION_SECRET, "JWT_SECRET": JWT_SECRET,
            "GATEWAY_HOST": "127.0.0.1", "GATEWAY_PORT": str(port), **settings}
