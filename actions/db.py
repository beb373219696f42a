"""Database sessions for actions: one short transaction per action run."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlmodel import Session

from assistant.db import get_engine, session_scope


@contextmanager
def session() -> Iterator[Session]:
    """A session on the configured database that commits when the action succeeds."""
    with session_scope(get_engine()) as db:
        yield db
