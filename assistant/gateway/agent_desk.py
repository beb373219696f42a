"""The agent console's database work, as plain data: tickets with their customer, claims, notes, resolving.

Each function opens one short transaction and returns JSON-ready dicts, so the async views can run it in a
worker thread (database.read) and never hold ORM objects across threads.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from assistant.bank.models import Customer
from assistant.db import session_scope, utcnow
from assistant.handoff import tickets
from assistant.handoff.churn import churn_json
from assistant.handoff.models import AgentNote, HandoffTicket, TicketStatus


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def ticket_json(session: Session, ticket: HandoffTicket, now: datetime) -> dict[str, Any]:
    """A ticket as the agent API returns it, with the customer's name and how long they have waited."""
    customer = session.get(Customer, ticket.customer_id)
    waited_until = ticket.claimed_at or now
    return {
        "id": ticket.id, "status": ticket.status.value, "reason": ticket.reason, "summary": ticket.summary,
        "customer": {"id": ticket.customer_id, "name": customer.full_name if customer else ""},
        "recent_alerts": json.loads(ticket.recent_alerts or "[]"), "churn_risk": ticket.churn_risk,
        "churn": churn_json(session, ticket.id),
        "agent_id": ticket.agent_id, "opened_at": _iso(ticket.opened_at), "claimed_at": _iso(ticket.claimed_at),
        "resolved_at": _iso(ticket.resolved_at),
        "wait_seconds": max(0, int((waited_until - ticket.opened_at).total_seconds())),
    }


def note_json(note: AgentNote) -> dict[str, Any]:
    """A private note as the agent API returns it."""
    return {"id": note.id, "agent_id": note.agent_id, "text": note.text, "at": _iso(note.created_at)}


def desk(engine: Engine, agent_id: int) -> dict[str, Any]:
    """What an agent's console lists: the queue (longest wait first) and the chats assigned to them."""
    now = utcnow()
    with Session(engine) as session:
        visible = tickets.visible_tickets(session, agent_id)
        return {"queue": [ticket_json(session, t, now) for t in visible if t.status == TicketStatus.queued],
                "mine": [ticket_json(session, t, now) for t in visible if t.status == TicketStatus.assigned]}


def ticket_for_agent(engine: Engine, ticket_id: int, agent_id: int, purpose: str = "ticket") -> dict[str, Any]:
    """One ticket the agent may see, with its notes, its transcript's reading audited and committed (its customer's
    conversation holds the transcript)."""
    with session_scope(engine) as session:
        ticket = tickets.read_transcript(session, ticket_id, agent_id, purpose)
        return {"ticket": ticket_json(session, ticket, utcnow()),
                "notes": [note_json(n) for n in tickets.notes(session, ticket_id)]}


def assigned_customer(engine: Engine, ticket_id: int, agent_id: int) -> int:
    """The customer of a ticket assigned to this agent (TicketNotAssigned otherwise)."""
    with Session(engine) as session:
        return tickets.assigned_ticket(session, ticket_id, agent_id).customer_id


def replying_to(engine: Engine, ticket_id: int, agent_id: int) -> int:
    """The customer the agent is about to reply to on their assigned ticket, the reply audited and committed."""
    with session_scope(engine) as session:
        return tickets.record_reply(session, ticket_id, agent_id).customer_id


def claim(engine: Engine, ticket_id: int, agent_id: int) -> dict[str, Any]:
    """Claim a ticket for the agent (see tickets.claim), committed; the claimed ticket."""
    with session_scope(engine) as session:
        ticket = tickets.claim(session, ticket_id, agent_id)
        return {"ticket": ticket_json(session, ticket, utcnow())}


def add_note(engine: Engine, ticket_id: int, agent_id: int, text: str) -> dict[str, Any]:
    """Keep a private note on the agent's ticket, committed."""
    with session_scope(engine) as session:
        return note_json(tickets.add_note(session, ticket_id, agent_id, text))


def resolve(engine: Engine, ticket_id: int, agent_id: int) -> dict[str, Any]:
    """Close the agent's ticket, committed."""
    with session_scope(engine) as session:
        return ticket_json(session, tickets.resolve(session, ticket_id, agent_id), utcnow())


def open_handoff(engine: Engine, conversation_ref: str) -> dict[str, Any] | None:
    """The conversation's open ticket as {"ticket_id", "status", "agent_id"}, or None when the bot has it."""
    with Session(engine) as session:
        ticket = tickets.open_ticket_for(session, conversation_ref)
        if ticket is None:
            return None
        return {"ticket_id": ticket.id, "status": ticket.status.value, "agent_id": ticket.agent_id}
