"""Links from identity-provider sign-ins to customers and agents: one owner per sign-in, audited both ways."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from assistant.bank.models import AuditLog
from assistant.db import session_scope
from assistant.handoff.agents import add_agent
from assistant.identities.links import (AlreadyLinked, UnknownPerson, agent_for, customer_for, link_agent,
                                        link_customer, unlink_customer)
from tests.builders import build_customer

ISSUER = "https://id.bank.test/realms/lumen"


@pytest.fixture
def two_customers(sqlite_engine: Engine) -> None:
    """Customers 1 and 2."""
    with session_scope(sqlite_engine) as session:
        build_customer(session, 1)
        build_customer(session, 2)


def test_a_linked_sign_in_stands_for_its_customer(sqlite_engine: Engine, two_customers: None) -> None:
    with session_scope(sqlite_engine) as session:
        link_customer(session, ISSUER, "sub-a", 2, "operator:test")
    with Session(sqlite_engine) as session:
        assert (customer_for(session, ISSUER, "sub-a"), customer_for(session, "https://other", "sub-a")) == (2, None)


def test_a_sign_in_linked_to_one_customer_cannot_be_linked_to_another(sqlite_engine: Engine,
                                                                      two_customers: None) -> None:
    with session_scope(sqlite_engine) as session:
        link_customer(session, ISSUER, "sub-a", 1, "operator:test")
    with pytest.raises(AlreadyLinked), session_scope(sqlite_engine) as session:
        link_customer(session, ISSUER, "sub-a", 2, "operator:test")


def test_linking_the_same_sign_in_twice_keeps_one_link(sqlite_engine: Engine, two_customers: None) -> None:
    for _ in range(2):
        with session_scope(sqlite_engine) as session:
            link_customer(session, ISSUER, "sub-a", 1, "operator:test")
    with Session(sqlite_engine) as session:
        assert len(session.exec(select(AuditLog).where(AuditLog.action == "identity.link")).all()) == 1


def test_a_sign_in_cannot_be_linked_to_a_customer_who_does_not_exist(sqlite_engine: Engine) -> None:
    with pytest.raises(UnknownPerson), session_scope(sqlite_engine) as session:
        link_customer(session, ISSUER, "sub-a", 99, "operator:test")


def test_unlinking_removes_the_link_and_is_audited(sqlite_engine: Engine, two_customers: None) -> None:
    with session_scope(sqlite_engine) as session:
        link_customer(session, ISSUER, "sub-a", 1, "operator:test")
    with session_scope(sqlite_engine) as session:
        assert unlink_customer(session, ISSUER, "sub-a", "operator:test") == 1
    with Session(sqlite_engine) as session:
        actions = [(e.actor, e.action, e.entity, e.entity_id) for e in session.exec(select(AuditLog)).all()]
        assert (customer_for(session, ISSUER, "sub-a"), actions) == (None, [
            ("operator:test", "identity.link", "customer", "1"), ("operator:test", "identity.unlink", "customer", "1")])


def test_an_agent_sign_in_stands_for_its_agent(sqlite_engine: Engine) -> None:
    with session_scope(sqlite_engine) as session:
        agent = add_agent(session, "kim@bank.example", "Kim", None)
        link_agent(session, ISSUER, "sub-kim", agent.id, "operator:test")
        agent_id = agent.id
    with Session(sqlite_engine) as session:
        assert (agent_for(session, ISSUER, "sub-kim"), customer_for(session, ISSUER, "sub-kim")) == (agent_id, None)
