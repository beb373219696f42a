"""The agent API: the queue, claiming (one winner), transcripts, live replies recorded with the agent's id,
notes, and resolving, which hands the chat back to the bot."""

from __future__ import annotations

import asyncio

from aiohttp.test_utils import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from assistant.handoff.models import HandoffTicket, TicketStatus
from assistant.identity import conversation_id_for
from assistant.settings import Settings
from tests.gateway.agent_fixtures import Agents, agent_token, agents, claimed_hand_off, hand_off  # noqa: F401
from tests.gateway.conftest import RasaStandIn, bearer, customer_socket, sign_in


async def test_queue_lists_waiting_chats_with_reason_wait_and_customer(
    client: TestClient, agents: Agents, rasa: RasaStandIn, sqlite_engine: Engine, settings: Settings
) -> None:
    hand_off(sqlite_engine, rasa, settings, 2, reason="request_human")
    token = await agent_token(client, "alex@lumen.example")
    body = await (await client.get("/api/v1/agent/queue", headers=bearer(token))).json()
    waiting = body["queue"][0]
    assert ((waiting["reason"], waiting["customer"], waiting["status"], waiting["wait_seconds"] >= 0, body["mine"])
            == ("request_human", {"id": 2, "name": "Alex Morgan 2"}, "queued", True, []))


async def test_two_agents_claiming_at_once_get_one_200_and_one_409(
    client: TestClient, agents: Agents, rasa: RasaStandIn, sqlite_engine: Engine, settings: Settings
) -> None:
    ticket = hand_off(sqlite_engine, rasa, settings, 1)
    alex, sam = await agent_token(client, "alex@lumen.example"), await agent_token(client, "sam@lumen.example")
    responses = await asyncio.gather(*(client.post(f"/api/v1/agent/tickets/{ticket}/claim", headers=bearer(token))
                                       for token in (alex, sam)))
    assert sorted(r.status for r in responses) == [200, 409]


async def test_claimed_chat_is_assigned_to_the_agent_and_greets_the_customer_live(
    client: TestClient, agents: Agents, rasa: RasaStandIn, sqlite_engine: Engine, settings: Settings
) -> None:
    ticket = hand_off(sqlite_engine, rasa, settings, 1)
    socket = await customer_socket(client, 1)
    token = await agent_token(client, "alex@lumen.example")
    response = await client.post(f"/api/v1/agent/tickets/{ticket}/claim", headers=bearer(token))
    pushed = await socket.receive_json(timeout=5)
    assert ((await response.json())["ticket"]["agent_id"], pushed["type"], pushed["agent"]["name"]) == (
        agents.alex, "agent", "Alex")


async def test_another_agents_chat_is_404_for_an_agent(
    client: TestClient, agents: Agents, rasa: RasaStandIn, sqlite_engine: Engine, settings: Settings
) -> None:
    ticket = hand_off(sqlite_engine, rasa, settings, 1)
    alex, sam = await agent_token(client, "alex@lumen.example"), await agent_token(client, "sam@lumen.example")
    await client.post(f"/api/v1/agent/tickets/{ticket}/claim", headers=bearer(alex))
    statuses = [(await client.request(method, f"/api/v1/agent/tickets/{ticket}{suffix}", json={"text": "hi"},
                                      headers=bearer(sam))).status
                for method, suffix in [("GET", ""), ("POST", "/messages"), ("POST", "/notes"), ("POST", "/resolve")]]
    assert statuses == [404, 404, 404, 404]


async def test_agent_sees_the_queue_and_their_own_chats_only(
    client: TestClient, agents: Agents, rasa: RasaStandIn, sqlite_engine: Engine, settings: Settings
) -> None:
    first, second = hand_off(sqlite_engine, rasa, settings, 1), hand_off(sqlite_engine, rasa, settings, 2)
    alex, sam = await agent_token(client, "alex@lumen.example"), await agent_token(client, "sam@lumen.example")
    await client.post(f"/api/v1/agent/tickets/{first}/claim", headers=bearer(alex))
    alex_desk = await (await client.get("/api/v1/agent/queue", headers=bearer(alex))).json()
    sam_desk = await (await client.get("/api/v1/agent/queue", headers=bearer(sam))).json()
    assert ([t["id"] for t in alex_desk["mine"]], [t["id"] for t in alex_desk["queue"]],
            [t["id"] for t in sam_desk["mine"]], [t["id"] for t in sam_desk["queue"]]) == (
        [first], [second], [], [second])


async def test_ticket_detail_has_the_whole_transcript_from_the_tracker(
    client: TestClient, agents: Agents, rasa: RasaStandIn, sqlite_engine: Engine, settings: Settings
) -> None:
    ticket = hand_off(sqlite_engine, rasa, settings, 1, said="you charged me twice")
    token = await agent_token(client, "alex@lumen.example")
    body = await (await client.get(f"/api/v1/agent/tickets/{ticket}", headers=bearer(token))).json()
    assert [(e["from"], e["text"]) for e in body["transcript"]] == [
        ("customer", "you charged me twice"), ("bot", "A person will take over.")]


async def test_agent_reply_is_recorded_in_the_tracker_with_the_agents_id_and_pushed_to_the_customer(
    client: TestClient, agents: Agents, rasa: RasaStandIn, sqlite_engine: Engine, settings: Settings
) -> None:
    ticket, token = await claimed_hand_off(client, sqlite_engine, rasa, settings)
    socket = await customer_socket(client, 1)
    response = await client.post(f"/api/v1/agent/tickets/{ticket}/messages", json={"text": "Refund on its way."},
                                 headers=bearer(token))
    pushed = await socket.receive_json(timeout=5)
    recorded = rasa.trackers[conversation_id_for(1, settings.conversation_secret)][-1]
    assert (response.status, recorded["event"], recorded["text"], recorded["metadata"]["agent_id"],
            pushed["messages"]) == (200, "bot", "Refund on its way.", str(agents.alex),
                                    [{"text": "Refund on its way."}])


async def test_agent_reply_shows_in_the_customers_history_as_the_agents(
    client: TestClient, agents: Agents, rasa: RasaStandIn, sqlite_engine: Engine, settings: Settings
) -> None:
    ticket, token = await claimed_hand_off(client, sqlite_engine, rasa, settings)
    await client.post(f"/api/v1/agent/tickets/{ticket}/messages", json={"text": "Done."}, headers=bearer(token))
    history = await (await client.get("/api/v1/chat/history", headers=bearer(await sign_in(client, 1)))).json()
    last = history["messages"][-1]
    assert (last["from"], last["agent_name"], last["text"]) == ("agent", "Alex", "Done.")


async def test_replying_before_claiming_is_409(
    client: TestClient, agents: Agents, rasa: RasaStandIn, sqlite_engine: Engine, settings: Settings
) -> None:
    ticket = hand_off(sqlite_engine, rasa, settings, 1)
    token = await agent_token(client, "alex@lumen.example")
    response = await client.post(f"/api/v1/agent/tickets/{ticket}/messages", json={"text": "hi"},
                                 headers=bearer(token))
    assert (response.status, (await response.json())["error"]["code"]) == (409, "not_assigned")


async def test_an_empty_reply_is_400_and_records_nothing(
    client: TestClient, agents: Agents, rasa: RasaStandIn, sqlite_engine: Engine, settings: Settings
) -> None:
    ticket, token = await claimed_hand_off(client, sqlite_engine, rasa, settings)
    before = len(rasa.trackers[conversation_id_for(1, settings.conversation_secret)])
    response = await client.post(f"/api/v1/agent/tickets/{ticket}/messages", json={"text": "  "},
                                 headers=bearer(token))
    assert (response.status, len(rasa.trackers[conversation_id_for(1, settings.conversation_secret)])) == (
        400, before)


async def test_notes_are_listed_on_the_ticket_and_never_reach_the_tracker(
    client: TestClient, agents: Agents, rasa: RasaStandIn, sqlite_engine: Engine, settings: Settings
) -> None:
    ticket, token = await claimed_hand_off(client, sqlite_engine, rasa, settings)
    created = await client.post(f"/api/v1/agent/tickets/{ticket}/notes", json={"text": "VIP customer"},
                                headers=bearer(token))
    detail = await (await client.get(f"/api/v1/agent/tickets/{ticket}", headers=bearer(token))).json()
    tracker_texts = [e.get("text") for e in rasa.trackers[conversation_id_for(1, settings.conversation_secret)]]
    assert (created.status, [n["text"] for n in detail["notes"]], "VIP customer" in tracker_texts) == (
        201, ["VIP customer"], False)


async def test_resolving_resumes_the_conversation_triggers_the_handback_and_closes_the_ticket(
    client: TestClient, agents: Agents, rasa: RasaStandIn, sqlite_engine: Engine, settings: Settings
) -> None:
    ticket, token = await claimed_hand_off(client, sqlite_engine, rasa, settings)
    socket = await customer_socket(client, 1)
    response = await client.post(f"/api/v1/agent/tickets/{ticket}/resolve", headers=bearer(token))
    pushed = await socket.receive_json(timeout=5)
    conversation = conversation_id_for(1, settings.conversation_secret)
    with Session(sqlite_engine) as session:
        status = session.get(HandoffTicket, ticket).status
    assert (response.status, status, [t["name"] for t in rasa.triggered], pushed["type"],
            [e["event"] for e in rasa.trackers[conversation] if e["event"] in {"pause", "resume"}]) == (
        200, TicketStatus.resolved, ["EXTERNAL_handback"], "handback", ["pause", "resume"])


async def test_resolve_when_rasa_fails_keeps_the_chat_with_the_agent(
    client: TestClient, agents: Agents, rasa: RasaStandIn, sqlite_engine: Engine, settings: Settings
) -> None:
    ticket, token = await claimed_hand_off(client, sqlite_engine, rasa, settings)
    rasa.status = 500
    response = await client.post(f"/api/v1/agent/tickets/{ticket}/resolve", headers=bearer(token))
    with Session(sqlite_engine) as session:
        status = session.get(HandoffTicket, ticket).status
    assert (response.status, status) == (503, TicketStatus.assigned)


async def test_a_ticket_id_that_is_not_a_number_is_404(client: TestClient, agents: Agents) -> None:
    token = await agent_token(client, "alex@lumen.example")
    response = await client.get("/api/v1/agent/tickets/abc", headers=bearer(token))
    assert response.status == 404
