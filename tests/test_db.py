"""The database engine: statement parameters never show in errors (and so never in logs)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from assistant.db import make_engine


def test_a_failed_statement_does_not_show_its_parameters(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'bank.db'}")
    with pytest.raises(DBAPIError) as failed, engine.connect() as connection:
        connection.execute(text("INSERT INTO no_such_table (name) VALUES (:name)"), {"name": "Alex Morgan"})
    assert ("Alex Morgan" in str(failed.value), "parameters hidden" in str(failed.value)) == (False, True)
