"""Shared fixtures: real databases (a fresh SQLite file, and a fresh PostgreSQL database on the local server)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from assistant.db import create_schema, make_engine

POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _fresh_postgres_url() -> Iterator[str]:
    name = f"assistant_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_ADMIN_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def sqlite_engine(tmp_path) -> Iterator[Engine]:
    """A new SQLite database file with the schema created."""
    engine = make_engine(f"sqlite:///{tmp_path / 'bank.db'}")
    create_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_engine() -> Iterator[Engine]:
    """A new PostgreSQL database on the local server with the schema created; dropped afterwards."""
    for url in _fresh_postgres_url():
        engine = make_engine(url)
        create_schema(engine)
        yield engine
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request) -> Engine:
    """Each test that takes `engine` runs against both stores."""
    return request.getfixturevalue(f"{request.param}_engine")


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on a fresh database (both stores)."""
    with Session(engine, expire_on_commit=False) as db:
        yield db
