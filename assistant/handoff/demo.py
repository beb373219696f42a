"""Demo support agents for the embedded profile, so the console can be tried straight after `make run`."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import select

from assistant.db import session_scope
from assistant.handoff.agents import add_agent, normalise_email
from assistant.handoff.models import Agent

# Documented in README ("Support agents"); the embedded profile only, never production.
DEMO_AGENT_PASSWORD = "lumen-demo-agent"
DEMO_AGENTS = (("alex@lumen.example", "Alex Carter"), ("sam@lumen.example", "Sam Patel"))


def ensure_demo_agents(engine: Engine) -> list[str]:
    """Add the demo agents that are missing; returns the emails added."""
    added = []
    with session_scope(engine) as session:
        for email, name in DEMO_AGENTS:
            if session.exec(select(Agent).where(Agent.email == normalise_email(email))).first() is None:
                add_agent(session, email, name, DEMO_AGENT_PASSWORD)
                added.append(email)
    return added
