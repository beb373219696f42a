"""The agent API shows the churn risk and its reasons on a handed-off chat, or that it was not scored."""

from __future__ import annotations

from aiohttp.test_utils import TestClient
from sqlalchemy.engine import Engine

from assistant.db import session_scope
from assistant.handoff.churn import NOT_TRAINED, OPENED_BEFORE
from assistant.handoff.models import TicketChurnRisk
from assistant.settings import Settings
from tests.gateway.agent_fixtures import Agents, agent_token, agents, hand_off  # noqa: F401
from tests.gateway.conftest import RasaStandIn, bearer

REASONS = ["your balance has fallen for three months", "you have been moving money to your own account at another bank"]


def keep_churn(engine: Engine, ticket_id: int, **values) -> None:
    with session_scope(engine) as session:
        session.add(TicketChurnRisk(ticket_id=ticket_id, **values))


async def ticket_detail(client: TestClient, ticket_id: int) -> dict:
    token = await agent_token(client, "alex@lumen.example")
    response = await client.get(f"/api/v1/agent/tickets/{ticket_id}", headers=bearer(token))
    assert response.status == 200
    return (await response.json())["ticket"]


async def test_ticket_detail_shows_the_churn_risk_and_its_reasons(
    client: TestClient, agents: Agents, rasa: RasaStandIn, sqlite_engine: Engine, settings: Settings
) -> None:
    ticket = hand_off(sqlite_engine, rasa, settings, 1)
    keep_churn(sqlite_engine, ticket, scored=True, risk=0.62, at_risk=True, reasons=REASONS, model_version="f2-abc")
    assert (await ticket_detail(client, ticket))["churn"] == {
        "status": "scored", "risk": 0.62, "at_risk": True, "reasons": REASONS, "note": ""}


async def test_ticket_detail_says_when_the_churn_model_was_not_trained(
    client: TestClient, agents: Agents, rasa: RasaStandIn, sqlite_engine: Engine, settings: Settings
) -> None:
    ticket = hand_off(sqlite_engine, rasa, settings, 1)
    keep_churn(sqlite_engine, ticket, scored=False, note=NOT_TRAINED)
    assert (await ticket_detail(client, ticket))["churn"] == {
        "status": "not_scored", "risk": None, "at_risk": False, "reasons": [], "note": NOT_TRAINED}


async def test_a_ticket_opened_before_churn_scoring_is_not_scored(
    client: TestClient, agents: Agents, rasa: RasaStandIn, sqlite_engine: Engine, settings: Settings
) -> None:
    ticket = hand_off(sqlite_engine, rasa, settings, 1)
    churn = (await ticket_detail(client, ticket))["churn"]
    assert (churn["status"], churn["note"]) == ("not_scored", OPENED_BEFORE)


async def test_the_queue_lists_each_chats_churn_state(
    client: TestClient, agents: Agents, rasa: RasaStandIn, sqlite_engine: Engine, settings: Settings
) -> None:
    ticket = hand_off(sqlite_engine, rasa, settings, 1)
    keep_churn(sqlite_engine, ticket, scored=True, risk=0.12, at_risk=False, reasons=[])
    token = await agent_token(client, "alex@lumen.example")
    queue = await (await client.get("/api/v1/agent/queue", headers=bearer(token))).json()
    assert [(t["id"], t["churn"]["status"], t["churn"]["risk"]) for t in queue["queue"]] == [(ticket, "scored", 0.12)]
