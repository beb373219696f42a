"""Agents are accountable: every transcript read, claim, reply, note and resolve is an audit entry naming the agent,
the action, the customer and the ticket, with the time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from aiohttp.test_utils import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from assistant.bank.models import AuditLog
from assistant.settings import Settings
from tests.gateway.agent_fixtures import Agents, agent_token, agents, claimed_hand_off, hand_off  # noqa: F401
from tests.gateway.conftest import RasaStandIn, bearer

TICKETS = "/api/v1/agent/tickets"


def _agent_entries(engine: Engine) -> list[AuditLog]:
    with Session(engine) as session:
        return list(session.exec(select(AuditLog).where(AuditLog.actor.startswith("agent:"))
                                 .order_by(AuditLog.id)).all())


def _rows(engine: Engine) -> list[tuple]:
    return [(e.actor, e.action, e.entity, e.entity_id, e.details.get("ticket_id")) for e in _agent_entries(engine)]


async def test_claiming_a_chat_is_audited_with_the_agent_customer_and_ticket(
    client: TestClient, agents: Agents, rasa: RasaStandIn, sqlite_engine: Engine, settings: Settings
) -> None:
    ticket, _ = await claimed_hand_off(client, sqlite_engine, rasa, settings, customer_id=2)
    assert _rows(sqlite_engine) == [(f"agent:{agents.alex}", "ticket.claim", "customer", "2", ticket)]


async def test_reading_a_transcript_is_audited(
    client: TestClient, agents: Agents, rasa: RasaStandIn, sqlite_engine: Engine, settings: Settings
) -> None:
    ticket = hand_off(sqlite_engine, rasa, settings, 1)
    token = await agent_token(client, "sam@lumen.example")
    await client.get(f"{TICKETS}/{ticket}", headers=bearer(token))
    entry = _agent_entries(sqlite_engine)[-1]
    assert ((entry.actor, entry.action, entry.entity_id, entry.details),
            abs(entry.at - datetime.now(timezone.utc)) < timedelta(minutes=1)) == (
        (f"agent:{agents.sam}", "transcript.read", "1", {"ticket_id": ticket, "purpose": "ticket"}), True)


async def test_reading_the_transcript_for_suggestions_is_audited(
    client: TestClient, agents: Agents, rasa: RasaStandIn, sqlite_engine: Engine, settings: Settings
) -> None:
    ticket, token = await claimed_hand_off(client, sqlite_engine, rasa, settings)
    await client.get(f"{TICKETS}/{ticket}/suggestions", headers=bearer(token))
    entry = _agent_entries(sqlite_engine)[-1]
    assert (entry.action, entry.details) == ("transcript.read", {"ticket_id": ticket, "purpose": "suggestions"})


async def test_a_reply_a_note_and_resolving_are_each_audited_in_order(
    client: TestClient, agents: Agents, rasa: RasaStandIn, sqlite_engine: Engine, settings: Settings
) -> None:
    ticket, token = await claimed_hand_off(client, sqlite_engine, rasa, settings)
    await client.post(f"{TICKETS}/{ticket}/messages", json={"text": "Let me look."}, headers=bearer(token))
    await client.post(f"{TICKETS}/{ticket}/notes", json={"text": "Fee query"}, headers=bearer(token))
    await client.post(f"{TICKETS}/{ticket}/resolve", headers=bearer(token))
    assert [row[1] for row in _rows(sqlite_engine)] == ["ticket.claim", "ticket.reply", "ticket.note", "ticket.resolve"]


async def test_the_audit_keeps_what_agents_wrote_out_of_it(
    client: TestClient, agents: Agents, rasa: RasaStandIn, sqlite_engine: Engine, settings: Settings
) -> None:
    ticket, token = await claimed_hand_off(client, sqlite_engine, rasa, settings)
    await client.post(f"{TICKETS}/{ticket}/messages", json={"text": "Your balance is fine"}, headers=bearer(token))
    await client.post(f"{TICKETS}/{ticket}/notes", json={"text": "Customer seemed upset"}, headers=bearer(token))
    written = repr([(e.action, e.details) for e in _agent_entries(sqlite_engine)])
    assert ("balance is fine" in written, "seemed upset" in written) == (False, False)


async def test_a_refused_action_leaves_no_audit_entry(
    client: TestClient, agents: Agents, rasa: RasaStandIn, sqlite_engine: Engine, settings: Settings
) -> None:
    ticket, _ = await claimed_hand_off(client, sqlite_engine, rasa, settings)
    sam = await agent_token(client, "sam@lumen.example")
    statuses = [(await client.get(f"{TICKETS}/{ticket}", headers=bearer(sam))).status,
                (await client.post(f"{TICKETS}/{ticket}/messages", json={"text": "hi"}, headers=bearer(sam))).status]
    assert (statuses, [row[1] for row in _rows(sqlite_engine)]) == ([404, 404], ["ticket.claim"])
