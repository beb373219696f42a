"""Fixtures for agent-side gateway tests: two agents, a chat handed off to them, and signed-in tokens."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from aiohttp import ClientWebSocketResponse
from aiohttp.test_utils import TestClient
from sqlalchemy.engine import Engine

from assistant.db import session_scope
from assistant.handoff.agents import add_agent
from assistant.handoff.tickets import open_ticket
from assistant.identity import conversation_id_for, conversation_reference
from assistant.settings import Settings
from tests.gateway.conftest import RasaStandIn, bearer, ready_socket

PASSWORD = "agents-test-password"


@dataclass(frozen=True)
class Agents:
    """The ids of agents Alex and Sam (their password is PASSWORD)."""

    alex: int
    sam: int


@pytest.fixture
def agents(sqlite_engine: Engine, bank: list) -> Agents:
    """Two agents in the gateway's bank database."""
    with session_scope(sqlite_engine) as session:
        alex = add_agent(session, "alex@lumen.example", "Alex", PASSWORD)
        sam = add_agent(session, "sam@lumen.example", "Sam", PASSWORD)
        return Agents(alex.id, sam.id)


async def agent_token(client: TestClient, email: str) -> str:
    """A token from the agent sign-in."""
    response = await client.post("/api/v1/agent/auth", json={"email": email, "password": PASSWORD})
    assert response.status == 200, await response.text()
    return (await response.json())["token"]


async def agent_socket(client: TestClient, email: str) -> ClientWebSocketResponse:
    """The agent's live channel, signed in and ready."""
    return await ready_socket(client, "/api/v1/agent/ws", await agent_token(client, email))


def hand_off(engine: Engine, rasa: RasaStandIn, settings: Settings, customer_id: int, reason: str = "complaint",
             said: str = "I want to complain about a fee") -> int:
    """What action_handoff leaves behind: the customer's message and a paused tracker, and a queued ticket."""
    conversation = conversation_id_for(customer_id, settings.conversation_secret)
    rasa.trackers.setdefault(conversation, []).extend([
        {"event": "user", "text": said, "timestamp": 1_763_650_000.0},
        {"event": "bot", "text": "A person will take over.", "timestamp": 1_763_650_001.0, "metadata": {}},
        {"event": "pause", "timestamp": 1_763_650_001.5},
    ])
    with session_scope(engine) as session:
        ticket, _ = open_ticket(session, conversation_reference(conversation, settings.conversation_secret), customer_id,
                                reason, f"Customer: “{said}”")
        return ticket.id


async def claimed_hand_off(client: TestClient, engine: Engine, rasa: RasaStandIn, settings: Settings,
                           customer_id: int = 1, email: str = "alex@lumen.example") -> tuple[int, str]:
    """A chat handed off by the customer and claimed by the agent: the ticket id and the agent's token."""
    ticket = hand_off(engine, rasa, settings, customer_id)
    token = await agent_token(client, email)
    response = await client.post(f"/api/v1/agent/tickets/{ticket}/claim", headers=bearer(token))
    assert response.status == 200, await response.text()
    return ticket, token
