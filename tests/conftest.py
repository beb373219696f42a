"""Shared fixtures: real databases (a fresh SQLite file, a fresh PostgreSQL database on the local server) and a
fresh key prefix on the local Redis."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from assistant.db import create_schema, make_engine
from tests.databases import fresh_postgres_url, fresh_redis_prefix, schema_template


@pytest.fixture
def sqlite_engine(tmp_path) -> Iterator[Engine]:
    """A new SQLite database file with the schema created."""
    engine = make_engine(f"sqlite:///{tmp_path / 'bank.db'}")
    create_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """A PostgreSQL database with the schema this code creates, made once per session (and xdist worker)."""
    yield from schema_template()


@pytest.fixture
def postgres_engine(postgres_template: str) -> Iterator[Engine]:
    """A new PostgreSQL database on the local server with the schema created (a copy of the template, which is
    much quicker than create_schema); dropped afterwards."""
    for url in fresh_postgres_url(template=postgres_template):
        engine = make_engine(url)
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


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A key prefix of this test's own on the local Redis (tests.databases.REDIS_URL), emptied afterwards."""
    yield from fresh_redis_prefix()
