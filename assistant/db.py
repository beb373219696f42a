"""Database engine and sessions for whichever store DATABASE_URL names (SQLite or PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from sqlalchemy import DateTime, event, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, SQLModel, create_engine

from assistant.settings import get_settings


class UTCDateTime(TypeDecorator):
    """Stores aware datetimes as UTC and always reads them back aware, even from SQLite."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: times must be timezone-aware UTC")
        value = value.astimezone(timezone.utc)
        # SQLite has no time zone type; store naive UTC there and restore tzinfo on read.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def utcnow() -> datetime:
    """Current time, timezone-aware UTC."""
    return datetime.now(timezone.utc)


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL and foreign keys so it behaves like the production store. Statement
    parameters (amounts, names, keys) never appear in errors or logs (hide_parameters)."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # pragma: no cover - driver hook
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10, hide_parameters=True)


@lru_cache(maxsize=4)
def get_engine(url: str | None = None) -> Engine:
    """Return the shared engine for a URL (the configured one by default)."""
    return make_engine(url or get_settings().database_url)


def register_tables() -> None:
    """Import every module that declares tables, so SQLModel's metadata knows them all."""
    import assistant.alerts.models  # noqa: F401  (registers the tables)
    import assistant.bank.models  # noqa: F401
    import assistant.handoff.models  # noqa: F401
    import assistant.identities.models  # noqa: F401
    import assistant.live.models  # noqa: F401
    import assistant.models.records  # noqa: F401
    import assistant.proactive.models  # noqa: F401


def create_schema(engine: Engine) -> None:
    """Create every table that does not exist yet."""
    register_tables()
    SQLModel.metadata.create_all(engine)
    _add_new_columns(engine)


def _add_new_columns(engine: Engine) -> None:
    """Add the nullable columns a table gained since its database was created (create_all adds only tables)."""
    existing_tables = set(inspect(engine).get_table_names())
    with engine.begin() as connection:
        for table in SQLModel.metadata.sorted_tables:
            if table.name not in existing_tables:
                continue
            present = {column["name"] for column in inspect(connection).get_columns(table.name)}
            for column in table.columns:
                if column.name in present or not column.nullable:
                    continue  # a new NOT NULL column needs a value for old rows: that is a data migration
                kind = column.type.compile(dialect=engine.dialect)
                connection.execute(text(f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {kind}'))


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except Exception:
            session.rollback()
            raise
