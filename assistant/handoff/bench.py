"""Latency of the handoff services an agent's console and action_handoff call, for `python -m assistant.bench`."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from assistant.db import session_scope
from assistant.handoff.agents import add_agent, authenticate
from assistant.handoff.tickets import claim, open_ticket, queue, resolve, visible_tickets
from assistant.latency import time_calls

BENCH_PASSWORD = "bench-agent-password"


def bench_handoff(engine: Engine, customers: int, rounds: int, waiting: int = 50) -> dict[str, dict[str, float]]:
    """Each call in its own committed transaction, as the gateway and the action server make them."""
    with session_scope(engine) as session:
        agent_id = add_agent(session, "bench-agent@lumen.example", "Bench Agent", BENCH_PASSWORD).id
        for n in range(waiting):  # a realistic queue to list
            open_ticket(session, f"bench-waiting-{n}", n % customers + 1, "request_human")

    def cycle(i: int) -> None:
        with session_scope(engine) as session:
            ticket, _ = open_ticket(session, f"bench-{i}", i % customers + 1, "complaint")
        with session_scope(engine) as session:
            claim(session, ticket.id, agent_id)
        with session_scope(engine) as session:
            resolve(session, ticket.id, agent_id)

    def listed(_: int) -> None:
        with session_scope(engine) as session:
            queue(session)
            visible_tickets(session, agent_id)

    def signed_in(_: int) -> None:
        with session_scope(engine) as session:
            authenticate(session, "bench-agent@lumen.example", BENCH_PASSWORD)

    return {
        "open_claim_resolve": time_calls(cycle, rounds),
        f"queue_of_{waiting}_and_own_tickets": time_calls(listed, rounds),
        "agent_sign_in_scrypt": time_calls(signed_in, max(5, rounds // 20)),
    }
