"""The handoff benchmark measures real open/claim/resolve cycles and leaves only its waiting queue open."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from assistant.handoff.bench import bench_handoff
from assistant.handoff.models import HandoffTicket, TicketStatus
from tests.builders import build_customer


def test_the_benchmark_resolves_every_ticket_it_times_and_reports_each_measure(sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as session:
        build_customer(session, 1)
        session.commit()
    results = bench_handoff(sqlite_engine, customers=1, rounds=6, waiting=3)
    with Session(sqlite_engine) as session:
        statuses = sorted(t.status.value for t in session.exec(select(HandoffTicket)).all())
    assert ({name: r["runs"] for name, r in results.items()}, statuses) == (
        {"open_claim_resolve": 6, "queue_of_3_and_own_tickets": 6, "agent_sign_in_scrypt": 5},
        [TicketStatus.queued.value] * 3 + [TicketStatus.resolved.value] * 6)
