"""Linking sign-ins at the identity provider to customers and agents, and finding who a sign-in stands for."""

from __future__ import annotations

from typing import TypeVar

from sqlmodel import Session, SQLModel, select

from assistant.bank import audit
from assistant.bank.models import Customer
from assistant.handoff.models import Agent
from assistant.identities.models import AgentIdentity, CustomerIdentity

Link = TypeVar("Link", CustomerIdentity, AgentIdentity)


class UnknownPerson(LookupError):
    """There is no customer or agent with that id to link a sign-in to."""


class AlreadyLinked(Exception):
    """The sign-in already stands for someone else; unlink it first."""


def _owner(link: SQLModel) -> int:
    return link.customer_id if isinstance(link, CustomerIdentity) else link.agent_id


def _find(session: Session, table: type[Link], issuer: str, subject: str) -> Link | None:
    return session.exec(select(table).where(table.issuer == issuer, table.subject == subject)).first()


def _link(session: Session, table: type[Link], issuer: str, subject: str, owner_id: int, actor: str) -> Link:
    kind, owner_table = ("customer", Customer) if table is CustomerIdentity else ("agent", Agent)
    if not issuer.strip() or not subject.strip():
        raise ValueError("both the issuer and the subject are needed")
    if session.get(owner_table, owner_id) is None:
        raise UnknownPerson(f"there is no {kind} {owner_id}")
    existing = _find(session, table, issuer, subject)
    if existing is not None:
        if _owner(existing) != owner_id:
            raise AlreadyLinked(f"that sign-in already stands for {kind} {_owner(existing)}")
        return existing
    link = table(issuer=issuer, subject=subject, **{f"{kind}_id": owner_id})
    session.add(link)
    audit.record(session, actor, "identity.link", kind, owner_id, issuer=issuer, subject=subject)
    session.flush()
    return link


def _unlink(session: Session, table: type[Link], issuer: str, subject: str, actor: str) -> int | None:
    link = _find(session, table, issuer, subject)
    if link is None:
        return None
    owner_id = _owner(link)
    session.delete(link)
    audit.record(session, actor, "identity.unlink", "customer" if table is CustomerIdentity else "agent", owner_id,
                 issuer=issuer, subject=subject)
    session.flush()
    return owner_id


def link_customer(session: Session, issuer: str, subject: str, customer_id: int, actor: str) -> CustomerIdentity:
    """Let this sign-in stand for the customer (audited); the same link twice is kept once."""
    return _link(session, CustomerIdentity, issuer, subject, customer_id, actor)


def unlink_customer(session: Session, issuer: str, subject: str, actor: str) -> int | None:
    """Remove the sign-in's link (audited); the customer it stood for, or None when it had none."""
    return _unlink(session, CustomerIdentity, issuer, subject, actor)


def customer_for(session: Session, issuer: str, subject: str) -> int | None:
    """The customer this sign-in stands for, or None."""
    link = _find(session, CustomerIdentity, issuer, subject)
    return link.customer_id if link else None


def customer_links(session: Session, customer_id: int | None = None) -> list[CustomerIdentity]:
    """The customer sign-in links (of one customer, or all), oldest first."""
    statement = select(CustomerIdentity).order_by(CustomerIdentity.id)
    if customer_id is not None:
        statement = statement.where(CustomerIdentity.customer_id == customer_id)
    return list(session.exec(statement).all())


def link_agent(session: Session, issuer: str, subject: str, agent_id: int, actor: str) -> AgentIdentity:
    """Let this sign-in stand for the support agent (audited); the same link twice is kept once."""
    return _link(session, AgentIdentity, issuer, subject, agent_id, actor)


def unlink_agent(session: Session, issuer: str, subject: str, actor: str) -> int | None:
    """Remove the sign-in's link (audited); the agent it stood for, or None when it had none."""
    return _unlink(session, AgentIdentity, issuer, subject, actor)


def agent_for(session: Session, issuer: str, subject: str) -> int | None:
    """The support agent this sign-in stands for, or None."""
    link = _find(session, AgentIdentity, issuer, subject)
    return link.agent_id if link else None


def agent_links(session: Session, agent_id: int | None = None) -> list[AgentIdentity]:
    """The agent sign-in links (of one agent, or all), oldest first."""
    statement = select(AgentIdentity).order_by(AgentIdentity.id)
    if agent_id is not None:
        statement = statement.where(AgentIdentity.agent_id == agent_id)
    return list(session.exec(statement).all())
