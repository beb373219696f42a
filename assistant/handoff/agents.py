"""Support agents: adding one, signing one in with email and password, looking one up."""

from __future__ import annotations

from functools import cache

from sqlmodel import Session, select

from assistant.handoff.models import Agent
from assistant.handoff.passwords import hash_password, verify_password

MIN_PASSWORD_CHARS = 10


@cache
def _dummy_hash() -> str:
    # Checked when the email is unknown too, so a sign-in takes as long whether or not the agent exists.
    return hash_password("not-a-real-password")


class AgentAlreadyExists(Exception):
    """An agent with this email is already registered."""


class WeakPassword(ValueError):
    """The password is too short to protect an agent account."""


def normalise_email(email: str) -> str:
    """Emails compare case-insensitively and without surrounding spaces."""
    return email.strip().lower()


def add_agent(session: Session, email: str, display_name: str, password: str) -> Agent:
    """Register an agent; the password is stored only as a hash."""
    email = normalise_email(email)
    if len(password) < MIN_PASSWORD_CHARS:
        raise WeakPassword(f"an agent password needs at least {MIN_PASSWORD_CHARS} characters")
    if not email or "@" not in email:
        raise ValueError(f"not an email address: {email!r}")
    if session.exec(select(Agent).where(Agent.email == email)).first() is not None:
        raise AgentAlreadyExists(f"there is already an agent with the email {email}")
    agent = Agent(email=email, display_name=display_name.strip() or email, password_hash=hash_password(password))
    session.add(agent)
    session.flush()
    return agent


def authenticate(session: Session, email: str, password: str) -> Agent | None:
    """The agent whose email and password these are, or None."""
    agent = session.exec(select(Agent).where(Agent.email == normalise_email(email))).first()
    if agent is None:
        verify_password(password, _dummy_hash())
        return None
    return agent if verify_password(password, agent.password_hash) else None


def find_agent(session: Session, agent_id: int) -> Agent | None:
    """The agent with this id, or None."""
    return session.get(Agent, agent_id)
