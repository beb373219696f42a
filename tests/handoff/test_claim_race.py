"""Races decided by the database, on SQLite and PostgreSQL: two agents claiming one ticket (exactly one wins), and
two handoffs of one conversation at once (one ticket)."""

from __future__ import annotations

import threading

from sqlalchemy.engine import Engine
from sqlmodel import Session

from assistant.db import session_scope
from assistant.handoff.models import HandoffTicket, TicketStatus
from assistant.handoff.tickets import TicketAlreadyClaimed, claim, open_ticket
from tests.handoff.conftest import Desk

ROUNDS = 5


def _race(engine: Engine, ticket_id: int, agent_ids: list[int]) -> list[str]:
    start = threading.Barrier(len(agent_ids))
    outcomes: list[str] = []

    def attempt(agent_id: int) -> None:
        start.wait()
        try:
            with session_scope(engine) as db:
                claim(db, ticket_id, agent_id)
            outcomes.append("claimed")
        except TicketAlreadyClaimed:
            outcomes.append("refused")

    threads = [threading.Thread(target=attempt, args=(agent_id,)) for agent_id in agent_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_two_agents_claiming_at_once_one_claims_and_one_is_refused(engine: Engine, session: Session,
                                                                     desk: Desk) -> None:
    results = []
    for round_number in range(ROUNDS):
        ticket, _ = open_ticket(session, f"{desk.conversation_ref}-{round_number}", desk.customer_id, "complaint")
        session.commit()
        outcome = _race(engine, ticket.id, [desk.alex.id, desk.sam.id])
        with Session(engine) as fresh:
            stored = fresh.get(HandoffTicket, ticket.id)
            results.append((outcome, stored.status, stored.agent_id in {desk.alex.id, desk.sam.id}))
    assert results == [(["claimed", "refused"], TicketStatus.assigned, True)] * ROUNDS


def test_two_handoffs_of_one_conversation_at_once_open_one_ticket(engine: Engine, session: Session,
                                                                    desk: Desk) -> None:
    start = threading.Barrier(2)
    outcomes: list[tuple[int, bool]] = []

    def attempt(reason: str) -> None:
        start.wait()
        with session_scope(engine) as db:
            ticket, created = open_ticket(db, desk.conversation_ref, desk.customer_id, reason)
            outcomes.append((ticket.id, created))

    threads = [threading.Thread(target=attempt, args=(reason,)) for reason in ("complaint", "request_human")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (len({ticket_id for ticket_id, _ in outcomes}), sorted(created for _, created in outcomes)) == (
        1, [False, True])
