"""Database engine and sessions for whichever store DATABASE_URL names (SQLite or PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
import math
from functools import lru_cache
from pathlib import Path

from sqlalchemy import DateTime, event, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, SQLModel, create_engine

from assistant.settings import Settings, get_settings


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


# The execution option under which an engine carries how long one call may take before its caller gives up.
CALL_TIMEOUT_OPTION = "assistant_call_timeout_seconds"


def make_engine(url: str, settings: Settings | None = None) -> Engine:
    """Create an engine; SQLite gets WAL and foreign keys so it behaves like the production store. Statement
    parameters (amounts, names, keys) never appear in errors or logs (hide_parameters). PostgreSQL gets connect,
    statement and pool timeouts (DATABASE_*_TIMEOUT_SECONDS) and a ping on checkout, so that a connection the
    network reset is replaced on the next request instead of failing it."""
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
    settings = settings or get_settings()
    connect, statement = settings.database_connect_timeout_seconds, settings.database_statement_timeout_seconds
    pool = settings.database_pool_timeout_seconds
    connect_args = {
        "connect_timeout": max(2, math.ceil(connect)),  # whole seconds, at least 2 (libpq's rule)
        # The server cancels a statement (and drops a transaction left idle) that runs too long.
        "options": f"-c statement_timeout={round(statement * 1000)} "
                   f"-c idle_in_transaction_session_timeout={round((connect + statement) * 1000)}",
        # A peer that stops acknowledging (a dead host, a dropped route) is noticed by the kernel, not waited on.
        "keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5, "keepalives_count": 3,
        "tcp_user_timeout": round((connect + statement) * 1000),
    }
    # A peer that acknowledges but never answers (a hung proxy) is noticed only by the caller's own clock.
    call_timeout = pool + max(2, math.ceil(connect)) + statement + 1
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10, pool_timeout=pool,
                         connect_args=connect_args, hide_parameters=True,
                         execution_options={CALL_TIMEOUT_OPTION: call_timeout})


def call_timeout_seconds(engine: Engine) -> float | None:
    """How long one blocking call on this engine may take before its caller treats the database as unreachable."""
    return engine.get_execution_options().get(CALL_TIMEOUT_OPTION)


def database_unreachable(exc: BaseException) -> bool:
    """Whether an error means the database could not be reached or answered in time (an outage), rather than
    a refusal of what was asked (a constraint, a bad statement)."""
    if isinstance(exc, (OperationalError, InterfaceError, PoolTimeout)):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


@lru_cache(maxsize=4)
def get_engine(url: str | None = None) -> Engine:
    """Return the shared engine for a URL (the configured one by default)."""
    return make_engine(url or get_settings().database_url)


def register_tables() -> None:
    """Import every module that declares tables, so SQLModel's metadata knows them all."""
    import assistant.alerts.models  # noqa: F401  (registers the tables)
    import assistant.bank.models  # noqa: F401
    import assistant.feed.models  # noqa: F401
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
    from assistant.bank.ledger import adopt_opening_balances  # here: the ledger's models import this module

    with engine.begin() as connection:
        adopt_opening_balances(connection)


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
