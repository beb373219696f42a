"""The database: statement parameters never show in errors (and so never in logs); create_schema also adds the
nullable columns a table gained since its database was created."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from assistant.db import create_schema, make_engine, session_scope
from assistant.handoff.agents import add_agent, find_agent


def test_a_failed_statement_does_not_show_its_parameters(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'bank.db'}")
    with pytest.raises(DBAPIError) as failed, engine.connect() as connection:
        connection.execute(text("INSERT INTO no_such_table (name) VALUES (:name)"), {"name": "Alex Morgan"})
    assert ("Alex Morgan" in str(failed.value), "parameters hidden" in str(failed.value)) == (False, True)


def test_an_agent_table_from_before_agents_could_be_disabled_gains_the_column(engine: Engine) -> None:
    with session_scope(engine) as session:
        agent_id = add_agent(session, "kim@bank.example", "Kim", None).id
    with engine.begin() as connection:
        connection.execute(text('ALTER TABLE agent DROP COLUMN disabled_at'))

    create_schema(engine)

    with Session(engine) as session:
        agent = find_agent(session, agent_id)
        assert ("disabled_at" in {c["name"] for c in inspect(engine).get_columns("agent")},
                agent.email, agent.disabled_at) == (True, "kim@bank.example", None)
