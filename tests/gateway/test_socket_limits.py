"""What one client may consume over websockets: frame size, frames per customer, open sockets per customer and agent."""

from __future__ import annotations

import asyncio

from aiohttp import ClientWebSocketResponse, WSMsgType
from aiohttp.test_utils import TestClient

from assistant.gateway import socket_protocol
from tests.gateway.agent_fixtures import Agents, agent_socket, agents  # noqa: F401
from assistant.gateway.auth import issue_token
from assistant.gateway.keys import SETTINGS
from tests.gateway.conftest import GatewayFactory, customer_socket, ready_socket, sign_in

POLICY_VIOLATION, MESSAGE_TOO_BIG, TRY_AGAIN_LATER = 1008, 1009, 1013


async def closed_with(channel: ClientWebSocketResponse) -> int | None:
    """The close code the server sent (waits for the close frame)."""
    message = await channel.receive(timeout=5)
    assert message.type in (WSMsgType.CLOSE, WSMsgType.CLOSED), message
    # The close frame's own code: the client's close_code can read 1006 when the server drops the connection
    # before the client's reply to the close frame is written.
    return message.data if message.type == WSMsgType.CLOSE else channel.close_code


async def still_open(channel: ClientWebSocketResponse) -> bool:
    """The socket answers a ping frame."""
    await channel.send_json({"type": "ping"})
    return (await channel.receive_json(timeout=5))["type"] == "pong"


async def test_a_frame_over_the_size_cap_closes_the_socket_with_1009(gateway: GatewayFactory) -> None:
    client = await gateway(WEBSOCKET_MAX_FRAME_BYTES="1024")
    channel = await customer_socket(client, 1)
    await channel.send_str("x" * 1025)
    assert await closed_with(channel) == MESSAGE_TOO_BIG


async def test_an_oversized_first_frame_is_closed_before_any_sign_in(gateway: GatewayFactory) -> None:
    client = await gateway(WEBSOCKET_MAX_FRAME_BYTES="1024")
    channel = await client.ws_connect("/api/v1/chat/ws")
    await channel.send_json({"type": "auth", "token": "x" * 2048})
    assert await closed_with(channel) == MESSAGE_TOO_BIG


async def test_a_frame_within_the_size_cap_is_served(gateway: GatewayFactory) -> None:
    client = await gateway(WEBSOCKET_MAX_FRAME_BYTES="1024")
    channel = await customer_socket(client, 1)
    await channel.send_json({"type": "ping", "padding": "x" * 900})
    assert (await channel.receive_json(timeout=5))["type"] == "pong"


async def test_a_frame_past_the_customers_rate_gets_an_error_frame_with_the_wait(gateway: GatewayFactory) -> None:
    client = await gateway(CHAT_MESSAGES_PER_MINUTE="1", CHAT_MESSAGE_BURST="1")
    channel = await customer_socket(client, 1)
    assert await still_open(channel)
    await channel.send_json({"type": "ping"})
    refused = await channel.receive_json(timeout=5)
    assert (refused["type"], refused["code"], refused["retry_after"]) == ("error", "too_many_messages", 60)


async def test_a_frame_sent_before_the_wait_is_over_closes_the_socket_with_1008(gateway: GatewayFactory) -> None:
    client = await gateway(CHAT_MESSAGES_PER_MINUTE="1", CHAT_MESSAGE_BURST="1")
    channel = await customer_socket(client, 1)
    for _ in range(2):
        await channel.send_json({"type": "ping"})
        await channel.receive_json(timeout=5)
    await channel.send_json({"type": "ping"})
    assert await closed_with(channel) == POLICY_VIOLATION


async def test_a_frame_that_cannot_be_checked_closes_the_socket_with_1013(gateway: GatewayFactory) -> None:
    client = await gateway(REDIS_URL="redis://127.0.0.1:9/0")  # nothing listens there
    channel = await ready_socket(client, "/api/v1/chat/ws", issue_token(1, client.server.app[SETTINGS]))
    await channel.send_json({"type": "ping"})
    assert await closed_with(channel) == TRY_AGAIN_LATER


async def test_socket_frames_and_chat_messages_share_the_customers_rate(gateway: GatewayFactory) -> None:
    client = await gateway(CHAT_MESSAGES_PER_MINUTE="1", CHAT_MESSAGE_BURST="1")
    channel = await customer_socket(client, 1)
    assert await still_open(channel)
    response = await client.post("/api/v1/chat", json={"message": "hi"},
                                 headers={"Authorization": f"Bearer {await sign_in(client, 1)}"})
    assert response.status == 429


async def test_a_customer_past_the_socket_cap_has_the_oldest_closed_with_4429(gateway: GatewayFactory) -> None:
    client = await gateway(SOCKETS_PER_CUSTOMER="2")
    oldest = await customer_socket(client, 1)
    newer = [await customer_socket(client, 1) for _ in range(2)]
    assert await closed_with(oldest) == socket_protocol.CLOSE_TOO_MANY_SOCKETS
    assert [await still_open(channel) for channel in newer] == [True, True]


async def test_the_socket_cap_is_per_customer(gateway: GatewayFactory) -> None:
    client = await gateway(SOCKETS_PER_CUSTOMER="1")
    first = await customer_socket(client, 1)
    await customer_socket(client, 2)
    await asyncio.sleep(0.1)
    assert await still_open(first)


async def test_an_agent_past_the_socket_cap_has_the_oldest_closed_with_4429(
    gateway: GatewayFactory, agents: Agents,
) -> None:
    client = await gateway(SOCKETS_PER_AGENT="1")
    oldest = await agent_socket(client, "alex@lumen.example")
    newest = await agent_socket(client, "alex@lumen.example")
    assert await closed_with(oldest) == socket_protocol.CLOSE_TOO_MANY_SOCKETS
    assert await still_open(newest)
