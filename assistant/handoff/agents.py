"""Support agents: adding one, signing one in with email and password, looking one up, disabling and enabling."""

from __future__ import annotations

from functools import cache

from sqlmodel import Session, col, select

from assistant.bank import audit
from assistant.db import utcnow
from assistant.handoff.models import Agent
from assistant.handoff.passwords import hash_password, verify_password

MIN_PASSWORD_CHARS = 10
# The stored hash of an agent who signs in only through the bank's identity provider: no password matches it.
NO_PASSWORD = "!"


@cache
def _dummy_hash() -> str:
    # Checked when the email is unknown too, so a sign-in takes as long whether or not the agent exists.
    return hash_password("not-a-real-password")


class AgentAlreadyExists(Exception):
    """An agent with this email is already registered."""


class WeakPassword(ValueError):
    """The password is too short to protect an agent account."""


class AgentDisabled(Exception):
    """The agent's account is disabled: the password was right, but they may not sign in."""


def normalise_email(email: str) -> str:
    """Emails compare case-insensitively and without surrounding spaces."""
    return email.strip().lower()


def add_agent(session: Session, email: str, display_name: str, password: str | None) -> Agent:
    """Register an agent; the password is stored only as a hash (None: the agent has no password sign-in)."""
    email = normalise_email(email)
    if password is not None and len(password) < MIN_PASSWORD_CHARS:
        raise WeakPassword(f"an agent password needs at least {MIN_PASSWORD_CHARS} characters")
    if not email or "@" not in email:
        raise ValueError(f"not an email address: {email!r}")
    if session.exec(select(Agent).where(Agent.email == email)).first() is not None:
        raise AgentAlreadyExists(f"there is already an agent with the email {email}")
    agent = Agent(email=email, display_name=display_name.strip() or email,
                  password_hash=hash_password(password) if password is not None else NO_PASSWORD)
    session.add(agent)
    session.flush()
    return agent


def authenticate(session: Session, email: str, password: str) -> Agent | None:
    """The agent whose email and password these are, or None; AgentDisabled if that agent is disabled."""
    agent = session.exec(select(Agent).where(Agent.email == normalise_email(email))).first()
    if agent is None or agent.password_hash == NO_PASSWORD:
        verify_password(password, _dummy_hash())
        return None
    if not verify_password(password, agent.password_hash):
        return None
    if agent.disabled_at is not None:
        raise AgentDisabled(f"agent {agent.id} is disabled")
    return agent


def find_agent(session: Session, agent_id: int) -> Agent | None:
    """The agent with this id, or None."""
    return session.get(Agent, agent_id)


def find_agent_by_email_or_id(session: Session, who: str) -> Agent | None:
    """The agent named by an email or an id (as typed on a command line), or None."""
    if who.strip().isdigit():
        return find_agent(session, int(who))
    return session.exec(select(Agent).where(Agent.email == normalise_email(who))).first()


def list_agents(session: Session) -> list[Agent]:
    """Every agent, by id."""
    return list(session.exec(select(Agent).order_by(col(Agent.id))).all())


def disable_agent(session: Session, agent_id: int, actor: str) -> Agent:
    """Disable the agent (audited): their sign-ins stop working at once; disabling twice keeps the first time."""
    agent = _existing(session, agent_id)
    if agent.disabled_at is None:
        agent.disabled_at = utcnow()
        audit.record(session, actor, "agent.disable", "agent", agent.id)
    session.flush()
    return agent


def enable_agent(session: Session, agent_id: int, actor: str) -> Agent:
    """Let a disabled agent sign in again (audited)."""
    agent = _existing(session, agent_id)
    if agent.disabled_at is not None:
        agent.disabled_at = None
        audit.record(session, actor, "agent.enable", "agent", agent.id)
    session.flush()
    return agent


def _existing(session: Session, agent_id: int) -> Agent:
    agent = find_agent(session, agent_id)
    if agent is None:
        raise LookupError(f"there is no agent {agent_id}")
    return agent
