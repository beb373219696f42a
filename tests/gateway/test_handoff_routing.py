"""While a chat is with a person, the customer's messages are still recorded by Rasa and go to the agents live."""

from __future__ import annotations

from aiohttp.test_utils import TestClient
from sqlalchemy.engine import Engine

from assistant.gateway.keys import HUB
from assistant.identity import conversation_id_for
from assistant.settings import Settings
from tests.gateway.agent_fixtures import Agents, agent_socket, agents, claimed_hand_off, hand_off  # noqa: F401
from tests.gateway.conftest import RasaStandIn, bearer, customer_socket, sign_in
from tests.gateway.test_proactive import post_signed, unusual_purchase


async def test_a_message_while_handed_off_is_recorded_by_rasa_and_answered_by_no_bot(
    client: TestClient, agents: Agents, rasa: RasaStandIn, sqlite_engine: Engine, settings: Settings
) -> None:
    ticket = hand_off(sqlite_engine, rasa, settings, 1)
    response = await client.post("/api/v1/chat", json={"message": "are you there?"},
                                 headers=bearer(await sign_in(client, 1)))
    recorded = rasa.trackers[conversation_id_for(1, settings.conversation_secret)][-1]
    assert (await response.json(), recorded["event"], recorded["text"]) == (
        {"messages": [], "handoff": {"ticket_id": ticket, "status": "queued"}}, "user", "are you there?")


async def test_a_message_while_queued_reaches_every_agent(
    client: TestClient, agents: Agents, rasa: RasaStandIn, sqlite_engine: Engine, settings: Settings
) -> None:
    ticket = hand_off(sqlite_engine, rasa, settings, 1)
    alex, sam = await agent_socket(client, "alex@lumen.example"), await agent_socket(client, "sam@lumen.example")
    await client.post("/api/v1/chat", json={"message": "hello?"}, headers=bearer(await sign_in(client, 1)))
    received = [await alex.receive_json(timeout=5), await sam.receive_json(timeout=5)]
    assert [(e["type"], e["ticket_id"], e["text"]) for e in received] == [("customer_message", ticket, "hello?")] * 2


async def test_a_message_while_assigned_reaches_only_the_assigned_agent(
    client: TestClient, agents: Agents, rasa: RasaStandIn, sqlite_engine: Engine, settings: Settings
) -> None:
    await claimed_hand_off(client, sqlite_engine, rasa, settings)
    alex, sam = await agent_socket(client, "alex@lumen.example"), await agent_socket(client, "sam@lumen.example")
    await client.post("/api/v1/chat", json={"message": "thanks for helping"}, headers=bearer(await sign_in(client, 1)))
    await client.server.app[HUB].to_agents({"type": "marker"})
    assert ((await alex.receive_json(timeout=5))["type"], (await sam.receive_json(timeout=5))["type"]) == (
        "customer_message", "marker")


async def test_the_bots_handoff_message_tells_agents_the_queue_changed(
    client: TestClient, agents: Agents, rasa: RasaStandIn, sqlite_engine: Engine, settings: Settings
) -> None:
    socket = await agent_socket(client, "sam@lumen.example")
    # What action_handoff does inside Rasa: open the ticket, pause, and say so with a handoff payload.
    hand_off(sqlite_engine, rasa, settings, 2, said="can I talk to a person")
    rasa.replies = [{"text": "A person will take over.", "custom": {"type": "handoff", "status": "queued"}}]
    rasa.trackers[conversation_id_for(2, settings.conversation_secret)].append({"event": "resume"})
    response = await client.post("/api/v1/chat", json={"message": "can I talk to a person"},
                                 headers=bearer(await sign_in(client, 2)))
    assert ((await socket.receive_json(timeout=5))["type"], (await response.json())["handoff"]["status"]) == (
        "queue_changed", "queued")


async def test_a_chat_with_the_bot_has_no_handoff_in_the_reply(client: TestClient, agents: Agents) -> None:
    response = await client.post("/api/v1/chat", json={"message": "hi"}, headers=bearer(await sign_in(client, 1)))
    assert "handoff" not in await response.json()


async def test_the_agent_socket_refuses_a_customer_token_with_4403(client: TestClient, agents: Agents) -> None:
    socket = await client.ws_connect("/api/v1/agent/ws")
    await socket.send_json({"type": "auth", "token": await sign_in(client, 1)})
    await socket.receive(timeout=5)
    assert socket.close_code == 4403


async def test_the_agent_socket_refuses_a_bad_token_with_4401(client: TestClient, agents: Agents) -> None:
    socket = await client.ws_connect("/api/v1/agent/ws")
    await socket.send_json({"type": "auth", "token": "not-a-token"})
    await socket.receive(timeout=5)
    assert socket.close_code == 4401


async def test_the_agent_socket_answers_a_ping(client: TestClient, agents: Agents) -> None:
    socket = await agent_socket(client, "alex@lumen.example")
    await socket.send_json({"type": "ping"})
    assert (await socket.receive_json(timeout=5)) == {"type": "pong"}


async def test_a_proactive_message_while_with_an_agent_reaches_the_customer_and_the_transcript(
    client: TestClient, agents: Agents, rasa: RasaStandIn, sqlite_engine: Engine, settings: Settings
) -> None:
    hand_off(sqlite_engine, rasa, settings, 1)
    socket = await customer_socket(client, 1)
    await post_signed(client, settings, unusual_purchase())
    live = await socket.receive_json(timeout=5)
    recorded = rasa.trackers[conversation_id_for(1, settings.conversation_secret)][-1]
    assert (live["type"], live["messages"][0]["text"], recorded["event"], recorded["text"]) == (
        "proactive", "Was this you? " + live["notification"]["body"], "bot", live["messages"][0]["text"])


async def test_a_proactive_message_while_with_an_agent_is_shown_to_the_assigned_agent(
    client: TestClient, agents: Agents, rasa: RasaStandIn, sqlite_engine: Engine, settings: Settings
) -> None:
    ticket, _ = await claimed_hand_off(client, sqlite_engine, rasa, settings)
    alex = await agent_socket(client, "alex@lumen.example")
    await post_signed(client, settings, unusual_purchase())
    event = await alex.receive_json(timeout=5)
    assert (event["type"], event["ticket_id"], event["text"].startswith("Was this you? £45.20 at Tesco")) == (
        "proactive", ticket, True)
