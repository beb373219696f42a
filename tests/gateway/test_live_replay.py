"""Sequenced live messages: every event pushed to a customer's chat is numbered and stored first, and a socket that
reconnects with the last number it saw gets what came after it, once each and in order."""

from __future__ import annotations

import asyncio

from aiohttp import ClientWebSocketResponse, web
from aiohttp.test_utils import TestClient
from sqlalchemy.engine import Engine

from assistant.gateway import socket_protocol
from assistant.gateway.hub import Hub
from assistant.gateway.keys import HUB
from assistant.gateway.live import publish
from assistant.settings import Settings
from tests.gateway.agent_fixtures import Agents, agents, claimed_hand_off  # noqa: F401
from tests.gateway.conftest import RasaStandIn, bearer, customer_socket, sign_in

WS = "/api/v1/chat/ws"


async def _connect(client: TestClient, token: str, **auth: object) -> ClientWebSocketResponse:
    socket = await client.ws_connect(WS)
    await socket.send_json({"type": "auth", "token": token, **auth})
    return socket


async def _frames_until_quiet(socket: ClientWebSocketResponse, quiet: float = 0.3) -> list[dict]:
    frames = []
    while True:
        try:
            frames.append(await socket.receive_json(timeout=quiet))
        except asyncio.TimeoutError:
            return frames


async def test_each_agent_message_pushed_carries_the_next_sequence_number(
        client: TestClient, sqlite_engine: Engine, rasa: RasaStandIn, settings: Settings, agents: Agents) -> None:
    socket = await customer_socket(client, 1)
    ticket, token = await claimed_hand_off(client, sqlite_engine, rasa, settings)
    await client.post(f"/api/v1/agent/tickets/{ticket}/messages", json={"text": "Let me look."}, headers=bearer(token))

    frames = [await socket.receive_json(timeout=2), await socket.receive_json(timeout=2)]

    assert [(frame["type"], frame["seq"]) for frame in frames] == [("agent", 1), ("agent", 2)]


async def test_a_reconnecting_socket_gets_what_came_after_its_last_seq_once_and_in_order(
        client: TestClient, sqlite_engine: Engine, rasa: RasaStandIn, settings: Settings, agents: Agents) -> None:
    ticket, token = await claimed_hand_off(client, sqlite_engine, rasa, settings)  # the greeting is seq 1
    for text in ("First.", "Second."):
        await client.post(f"/api/v1/agent/tickets/{ticket}/messages", json={"text": text}, headers=bearer(token))

    socket = await _connect(client, await sign_in(client, 1), last_seq=1)
    frames = await _frames_until_quiet(socket)

    assert [(f["type"], f.get("seq"), f.get("messages")) for f in frames] == [
        ("ready", None, None), ("agent", 2, [{"text": "First."}]), ("agent", 3, [{"text": "Second."}])]


async def test_the_ready_frame_says_the_latest_seq_and_a_socket_without_last_seq_gets_no_replay(
        client: TestClient) -> None:
    for text in ("one", "two"):
        await publish(client.server.app, 1, {"type": "bot", "messages": [{"text": text}]})

    socket = await _connect(client, await sign_in(client, 1))

    assert await _frames_until_quiet(socket) == [{"type": "ready", "last_seq": 2}]


async def test_sequences_are_per_conversation(client: TestClient) -> None:
    await publish(client.server.app, 1, {"type": "bot", "messages": [{"text": "for 1"}]})
    await publish(client.server.app, 2, {"type": "bot", "messages": [{"text": "for 2"}]})

    socket = await _connect(client, await sign_in(client, 2), last_seq=0)

    assert [f.get("seq") for f in await _frames_until_quiet(socket)] == [None, 1]


async def test_a_last_seq_that_is_not_a_whole_number_closes_the_socket_with_4400(client: TestClient) -> None:
    socket = await _connect(client, await sign_in(client, 1), last_seq="7")
    await socket.receive(timeout=2)
    assert socket.close_code == socket_protocol.CLOSE_BAD_FRAME


async def test_an_event_held_while_catching_up_and_also_missed_is_sent_once_in_order(aiohttp_client) -> None:
    hub = Hub()
    sent: list[dict] = []

    async def handler(request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        hub.add_customer(1, socket, catching_up=True)
        # Live events published while the socket reads what it missed from the database.
        await hub.to_customer(1, {"type": "agent", "seq": 3})
        await hub.to_customer(1, {"type": "agent", "seq": 4})
        await hub.catch_up(1, socket, [{"type": "agent", "seq": 2}, {"type": "agent", "seq": 3}])
        await hub.to_customer(1, {"type": "agent", "seq": 4})
        await socket.close()
        return socket

    app = web.Application()
    app.router.add_get("/ws", handler)
    client = await aiohttp_client(app)
    async with client.ws_connect("/ws") as socket:
        async for message in socket:
            sent.append(message.json())

    assert [event["seq"] for event in sent] == [2, 3, 4]
