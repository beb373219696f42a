"""Fixtures for handoff tests: a customer and two agents in a fresh database (SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlmodel import Session

from assistant.handoff.agents import add_agent
from assistant.handoff.models import Agent
from assistant.identity import conversation_id_for, conversation_reference
from tests.builders import build_customer

PASSWORD = "correct horse battery"


@dataclass
class Desk:
    """Who is involved in a handoff: customers 1 and 2 (with their conversations' references) and agents Alex and Sam."""

    customer_id: int
    other_customer_id: int
    conversation_ref: str
    other_conversation_ref: str
    alex: Agent
    sam: Agent


@pytest.fixture
def desk(session: Session) -> Desk:
    """Two customers and two agents, committed."""
    first, second = build_customer(session, 1), build_customer(session, 2)
    alex = add_agent(session, "alex@lumen.example", "Alex", PASSWORD)
    sam = add_agent(session, "sam@lumen.example", "Sam", PASSWORD)
    session.commit()
    return Desk(first.customer.id, second.customer.id, _reference(first.customer.id), _reference(second.customer.id),
                alex, sam)


def _reference(customer_id: int) -> str:
    return conversation_reference(conversation_id_for(customer_id, "s"), "s")
