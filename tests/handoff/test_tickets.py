"""Handoff tickets: one open ticket per conversation, the queue, claiming, notes, resolving, what agents see."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import Session

from assistant.handoff.models import TicketStatus
from assistant.handoff.tickets import (
    TicketAlreadyClaimed,
    TicketNotAssigned,
    TicketNotFound,
    add_note,
    claim,
    notes,
    open_ticket,
    open_ticket_for,
    queue,
    resolve,
    visible_ticket,
    visible_tickets,
)
from tests.builders import AS_OF
from tests.handoff.conftest import Desk


def test_opening_a_ticket_queues_it_with_reason_summary_and_alerts(session: Session, desk: Desk) -> None:
    ticket, created = open_ticket(session, desk.conversation_ref, desk.customer_id, "complaint", "Customer: “bad”",
                                  [{"id": 3, "kind": "unusual_purchase"}], now=AS_OF)
    assert (created, ticket.status, ticket.reason, ticket.summary, json.loads(ticket.recent_alerts),
            ticket.churn_risk) == (True, TicketStatus.queued, "complaint", "Customer: “bad”",
                                   [{"id": 3, "kind": "unusual_purchase"}], None)


def test_opening_twice_for_an_open_conversation_returns_the_first_ticket(session: Session, desk: Desk) -> None:
    first, _ = open_ticket(session, desk.conversation_ref, desk.customer_id, "request_human")
    again, created = open_ticket(session, desk.conversation_ref, desk.customer_id, "complaint")
    assert (again.id, again.reason, created) == (first.id, "request_human", False)


def test_a_resolved_conversation_can_be_handed_off_again(session: Session, desk: Desk) -> None:
    first, _ = open_ticket(session, desk.conversation_ref, desk.customer_id, "request_human")
    claim(session, first.id, desk.alex.id)
    resolve(session, first.id, desk.alex.id)
    second, created = open_ticket(session, desk.conversation_ref, desk.customer_id, "complaint")
    assert (created, second.id != first.id, second.status) == (True, True, TicketStatus.queued)


def test_queue_lists_waiting_tickets_longest_wait_first_with_wait_seconds(session: Session, desk: Desk) -> None:
    open_ticket(session, desk.conversation_ref, desk.customer_id, "complaint", now=AS_OF - timedelta(seconds=30))
    open_ticket(session, desk.other_conversation_ref, desk.other_customer_id, "request_human",
                now=AS_OF - timedelta(seconds=90))
    waiting = queue(session, now=AS_OF)
    assert [(q.ticket.reason, q.wait_seconds) for q in waiting] == [("request_human", 90), ("complaint", 30)]


def test_claimed_ticket_leaves_the_queue_and_is_assigned_to_the_agent(session: Session, desk: Desk) -> None:
    ticket, _ = open_ticket(session, desk.conversation_ref, desk.customer_id, "complaint")
    claimed = claim(session, ticket.id, desk.alex.id, now=AS_OF)
    assert (claimed.status, claimed.agent_id, claimed.claimed_at, queue(session)) == (
        TicketStatus.assigned, desk.alex.id, AS_OF, [])


def test_claiming_a_ticket_someone_else_claimed_is_refused(session: Session, desk: Desk) -> None:
    ticket, _ = open_ticket(session, desk.conversation_ref, desk.customer_id, "complaint")
    claim(session, ticket.id, desk.alex.id)
    with pytest.raises(TicketAlreadyClaimed):
        claim(session, ticket.id, desk.sam.id)


def test_claiming_a_ticket_that_does_not_exist_is_not_found(session: Session, desk: Desk) -> None:
    with pytest.raises(TicketNotFound):
        claim(session, 999, desk.alex.id)


def test_agent_sees_the_queue_and_their_own_tickets_but_not_another_agents(session: Session, desk: Desk) -> None:
    mine, _ = open_ticket(session, desk.conversation_ref, desk.customer_id, "complaint")
    waiting, _ = open_ticket(session, desk.other_conversation_ref, desk.other_customer_id, "request_human")
    claim(session, mine.id, desk.alex.id)
    assert ([t.id for t in visible_tickets(session, desk.alex.id)],
            [t.id for t in visible_tickets(session, desk.sam.id)]) == ([mine.id, waiting.id], [waiting.id])


def test_another_agents_ticket_is_not_found_for_an_agent(session: Session, desk: Desk) -> None:
    ticket, _ = open_ticket(session, desk.conversation_ref, desk.customer_id, "complaint")
    claim(session, ticket.id, desk.alex.id)
    with pytest.raises(TicketNotFound):
        visible_ticket(session, ticket.id, desk.sam.id)


def test_resolving_closes_the_ticket_and_clears_the_open_ticket_of_the_conversation(
    session: Session, desk: Desk
) -> None:
    ticket, _ = open_ticket(session, desk.conversation_ref, desk.customer_id, "complaint")
    claim(session, ticket.id, desk.alex.id)
    resolved = resolve(session, ticket.id, desk.alex.id, now=AS_OF)
    assert (resolved.status, resolved.resolved_at, open_ticket_for(session, desk.conversation_ref)) == (
        TicketStatus.resolved, AS_OF, None)


def test_only_the_assigned_agent_can_resolve(session: Session, desk: Desk) -> None:
    ticket, _ = open_ticket(session, desk.conversation_ref, desk.customer_id, "complaint")
    claim(session, ticket.id, desk.alex.id)
    with pytest.raises(TicketNotFound):
        resolve(session, ticket.id, desk.sam.id)


def test_resolving_a_queued_ticket_is_refused_as_not_assigned(session: Session, desk: Desk) -> None:
    ticket, _ = open_ticket(session, desk.conversation_ref, desk.customer_id, "complaint")
    with pytest.raises(TicketNotAssigned):
        resolve(session, ticket.id, desk.alex.id)


def test_notes_are_kept_in_order_on_the_agents_ticket(session: Session, desk: Desk) -> None:
    ticket, _ = open_ticket(session, desk.conversation_ref, desk.customer_id, "complaint")
    claim(session, ticket.id, desk.alex.id)
    add_note(session, ticket.id, desk.alex.id, "  called back  ", now=AS_OF)
    add_note(session, ticket.id, desk.alex.id, "refund promised", now=AS_OF + timedelta(minutes=1))
    assert [n.text for n in notes(session, ticket.id)] == ["called back", "refund promised"]


def test_an_empty_note_is_refused(session: Session, desk: Desk) -> None:
    ticket, _ = open_ticket(session, desk.conversation_ref, desk.customer_id, "complaint")
    claim(session, ticket.id, desk.alex.id)
    with pytest.raises(ValueError, match="empty"):
        add_note(session, ticket.id, desk.alex.id, "   ")


def test_a_note_on_an_unclaimed_ticket_is_refused(session: Session, desk: Desk) -> None:
    ticket, _ = open_ticket(session, desk.conversation_ref, desk.customer_id, "complaint")
    with pytest.raises(TicketNotAssigned):
        add_note(session, ticket.id, desk.alex.id, "hello")
