"""Throwaway databases on the local PostgreSQL server, for tests of the bank's data and of Rasa's stores; and
throwaway key prefixes on the local Redis, for the shared rate limits."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import redis
from sqlalchemy import text

from assistant.db import make_engine

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def fresh_postgres_url() -> Iterator[str]:
    """Yield the URL of a new, empty database; it is dropped (connections and all) afterwards."""
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
