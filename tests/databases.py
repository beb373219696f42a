"""Throwaway databases on the local PostgreSQL server, for tests of the bank's data and of Rasa's stores."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

from sqlalchemy import text

from assistant.db import make_engine

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
