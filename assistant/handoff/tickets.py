"""Handoff tickets: opening one per conversation, the queue, claiming (one agent wins), notes and resolving.

Everything an agent does to a customer's chat is an audit entry (assistant/bank/audit.py) about that customer, in
the same transaction as the change; reading the transcript and replying are recorded before they happen, so
nothing an agent sees or says goes unrecorded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, or_, select

from assistant.bank import audit
from assistant.db import utcnow
from assistant.handoff.models import OPEN_STATUSES, AgentNote, HandoffTicket, TicketStatus

MAX_NOTE_CHARS = 2000


class TicketNotFound(Exception):
    """No such ticket, or not one this agent may see."""


class TicketAlreadyClaimed(Exception):
    """Another agent claimed the ticket first (or it is no longer waiting)."""


class TicketNotAssigned(Exception):
    """The ticket is not assigned to this agent, so they cannot act on it."""


@dataclass(frozen=True)
class QueuedTicket:
    """A ticket in the queue and how long the customer has waited."""

    ticket: HandoffTicket
    wait_seconds: int


def open_ticket_for(session: Session, conversation_ref: str) -> HandoffTicket | None:
    """The conversation's queued or assigned ticket, if it has one."""
    return session.exec(select(HandoffTicket).where(
        HandoffTicket.conversation_ref == conversation_ref, col(HandoffTicket.status).in_(OPEN_STATUSES))).first()


def open_ticket(session: Session, conversation_ref: str, customer_id: int, reason: str, summary: str = "",
                alerts: list[dict[str, Any]] | None = None, now: datetime | None = None) -> tuple[HandoffTicket, bool]:
    """Queue the conversation for an agent; returns (ticket, True), or (its open ticket, False) if it has one."""
    existing = open_ticket_for(session, conversation_ref)
    if existing is not None:
        return existing, False
    ticket = HandoffTicket(conversation_ref=conversation_ref, customer_id=customer_id, reason=reason, summary=summary,
                           recent_alerts=json.dumps(alerts or [], default=str), opened_at=now or utcnow())
    try:
        # A savepoint, so losing the race to a concurrent open (unique open index) keeps the caller's transaction.
        with session.begin_nested():
            session.add(ticket)
    except IntegrityError:
        winner = open_ticket_for(session, conversation_ref)
        if winner is None:
            raise
        return winner, False
    return ticket, True


def queue(session: Session, now: datetime | None = None) -> list[QueuedTicket]:
    """Tickets waiting for an agent, longest wait first."""
    now = now or utcnow()
    rows = session.exec(select(HandoffTicket).where(HandoffTicket.status == TicketStatus.queued)
                        .order_by(HandoffTicket.opened_at, HandoffTicket.id)).all()
    return [QueuedTicket(row, max(0, int((now - row.opened_at).total_seconds()))) for row in rows]


def visible_tickets(session: Session, agent_id: int) -> list[HandoffTicket]:
    """What an agent may see: the queue and the tickets assigned to them, oldest first."""
    return list(session.exec(select(HandoffTicket).where(_visible_to(agent_id))
                             .order_by(HandoffTicket.opened_at, HandoffTicket.id)).all())


def visible_ticket(session: Session, ticket_id: int, agent_id: int) -> HandoffTicket:
    """One ticket the agent may see; TicketNotFound when it does not exist or belongs to someone else."""
    ticket = session.exec(select(HandoffTicket).where(HandoffTicket.id == ticket_id, _visible_to(agent_id))).first()
    if ticket is None:
        raise TicketNotFound(f"no ticket {ticket_id} for this agent")
    return ticket


def _visible_to(agent_id: int) -> Any:
    return or_(HandoffTicket.status == TicketStatus.queued,
               (HandoffTicket.status == TicketStatus.assigned) & (HandoffTicket.agent_id == agent_id))


def _audit(session: Session, agent_id: int, action: str, ticket: HandoffTicket, **details: Any) -> None:
    """Who (the agent) did what to which customer's chat; `at` says when."""
    audit.record(session, audit.agent_actor(agent_id), action, "customer", ticket.customer_id, ticket_id=ticket.id,
                 **details)


def read_transcript(session: Session, ticket_id: int, agent_id: int, purpose: str = "ticket") -> HandoffTicket:
    """A ticket the agent may see, recording that they are reading its customer's conversation (for `purpose`)."""
    ticket = visible_ticket(session, ticket_id, agent_id)
    _audit(session, agent_id, "transcript.read", ticket, purpose=purpose)
    return ticket


def record_reply(session: Session, ticket_id: int, agent_id: int) -> HandoffTicket:
    """The agent's assigned ticket, recording that they are replying to its customer (the text is in the chat)."""
    ticket = assigned_ticket(session, ticket_id, agent_id)
    _audit(session, agent_id, "ticket.reply", ticket)
    return ticket


def claim(session: Session, ticket_id: int, agent_id: int, now: datetime | None = None) -> HandoffTicket:
    """Assign a queued ticket to the agent; of two agents claiming at once exactly one succeeds."""
    # One conditional UPDATE: the database decides the race, the loser updates no row.
    claimed = session.execute(
        update(HandoffTicket)
        .where(HandoffTicket.id == ticket_id, HandoffTicket.status == TicketStatus.queued)
        .values(status=TicketStatus.assigned, agent_id=agent_id, claimed_at=now or utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        ticket = session.get(HandoffTicket, ticket_id)
        if ticket is None or (ticket.status == TicketStatus.resolved and ticket.agent_id != agent_id):
            raise TicketNotFound(f"no ticket {ticket_id} for this agent")
        raise TicketAlreadyClaimed(f"ticket {ticket_id} is already {ticket.status.value}")
    ticket = _reloaded(session, ticket_id)
    _audit(session, agent_id, "ticket.claim", ticket)
    return ticket


def resolve(session: Session, ticket_id: int, agent_id: int, now: datetime | None = None) -> HandoffTicket:
    """Close the agent's ticket so the conversation can go back to the bot."""
    resolved = session.execute(
        update(HandoffTicket)
        .where(HandoffTicket.id == ticket_id, HandoffTicket.status == TicketStatus.assigned,
               HandoffTicket.agent_id == agent_id)
        .values(status=TicketStatus.resolved, resolved_at=now or utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if resolved != 1:
        _raise_not_assigned(session, ticket_id, agent_id)
    ticket = _reloaded(session, ticket_id)
    _audit(session, agent_id, "ticket.resolve", ticket)
    return ticket


def assigned_ticket(session: Session, ticket_id: int, agent_id: int) -> HandoffTicket:
    """The ticket if it is assigned to this agent (to reply, note or resolve); raises otherwise."""
    ticket = session.get(HandoffTicket, ticket_id)
    if ticket is None or ticket.status != TicketStatus.assigned or ticket.agent_id != agent_id:
        _raise_not_assigned(session, ticket_id, agent_id)
    return ticket


def add_note(session: Session, ticket_id: int, agent_id: int, text: str, now: datetime | None = None) -> AgentNote:
    """Keep a private note on a ticket the agent has claimed."""
    ticket = assigned_ticket(session, ticket_id, agent_id)
    text = text.strip()
    if not text:
        raise ValueError("the note is empty")
    if len(text) > MAX_NOTE_CHARS:
        raise ValueError(f"a note can be at most {MAX_NOTE_CHARS} characters")
    note = AgentNote(ticket_id=ticket_id, agent_id=agent_id, text=text, created_at=now or utcnow())
    session.add(note)
    session.flush()
    _audit(session, agent_id, "ticket.note", ticket, note_id=note.id)
    return note


def notes(session: Session, ticket_id: int) -> list[AgentNote]:
    """A ticket's notes, oldest first."""
    return list(session.exec(select(AgentNote).where(AgentNote.ticket_id == ticket_id)
                             .order_by(AgentNote.created_at, AgentNote.id)).all())


def _raise_not_assigned(session: Session, ticket_id: int, agent_id: int) -> None:
    visible_ticket(session, ticket_id, agent_id)  # TicketNotFound unless queued or theirs
    raise TicketNotAssigned(f"ticket {ticket_id} is not assigned to this agent")


def _reloaded(session: Session, ticket_id: int) -> HandoffTicket:
    ticket = session.get(HandoffTicket, ticket_id, populate_existing=True)
    if ticket is None:  # deleted between the UPDATE and this read: nothing left to act on
        raise TicketNotFound(f"no ticket {ticket_id}")
    return ticket
