"""Throwaway databases on the local PostgreSQL server, for tests of the bank's data and of Rasa's stores; and
throwaway key prefixes on the local Redis, for the shared rate limits."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import redis
from sqlalchemy import text

from assistant.db import create_schema, make_engine

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def postgres_url(name: str) -> str:
    """The URL of database `name` on the local server."""
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def fresh_postgres_url(template: str | None = None) -> Iterator[str]:
    """Yield the URL of a new database, empty or a copy of `template`; it is dropped (connections and all) afterwards."""
    name = f"assistant_test_{uuid.uuid4().hex[:12]}"
    copy_of = f' TEMPLATE "{template}"' if template else ""
    admin = make_engine(POSTGRES_ADMIN_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"{copy_of}'))
    try:
        yield postgres_url(name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def schema_template() -> Iterator[str]:
    """Yield the name of a new database holding the bank's schema, for fresh_postgres_url to copy; dropped afterwards.

    Copying a template takes a fraction of create_schema's time. Each caller (one per pytest session and xdist
    worker) makes its own from the code it runs, so a changed schema is never served from an old template and two
    workers never share one (a template cannot be copied while anyone is connected to it).
    """
    for url in fresh_postgres_url():
        engine = make_engine(url)
        create_schema(engine)
        engine.dispose()  # no connection may stay open on a database that is copied
        yield url.rsplit("/", 1)[1]


def fresh_redis_prefix() -> Iterator[str]:
    """Yield a key prefix no other test uses on the local Redis (REDIS_URL); its keys are deleted afterwards."""
    prefix = f"assistant-test:{uuid.uuid4().hex[:12]}"
    try:
        yield prefix
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)
        client.close()
