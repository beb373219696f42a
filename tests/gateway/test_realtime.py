"""The customer websocket: signs in with its first frame, refuses anyone else, and carries pushed events."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import jwt
import pytest
from aiohttp import WSMsgType, web
from aiohttp.test_utils import TestClient

from assistant.gateway import socket_protocol
from assistant.gateway.auth import ISSUER, issue_token
from assistant.gateway.keys import HUB
from assistant.settings import Settings
from tests.gateway.conftest import GatewayFactory, sign_in

WS = "/api/v1/chat/ws"


async def _connect(client: TestClient, token: str) -> web.WebSocketResponse:
    socket = await client.ws_connect(WS)
    await socket.send_json({"type": "auth", "token": token})
    return socket


async def test_a_signed_in_customer_gets_ready_and_then_the_events_pushed_to_them(client: TestClient) -> None:
    socket = await _connect(client, await sign_in(client, 1))
    assert await socket.receive_json(timeout=2) == {"type": "ready", "last_seq": 0}

    delivered = await client.server.app[HUB].to_customer(1, {"type": "agent", "messages": [{"text": "Hi, I'm Sam"}]})

    assert delivered == 1
    assert await socket.receive_json(timeout=2) == {"type": "agent", "messages": [{"text": "Hi, I'm Sam"}]}


async def test_events_for_another_customer_do_not_reach_the_socket(client: TestClient) -> None:
    socket = await _connect(client, await sign_in(client, 1))
    await socket.receive_json(timeout=2)

    assert await client.server.app[HUB].to_customer(2, {"type": "bot", "messages": [{"text": "secret"}]}) == 0
    await socket.send_json({"type": "ping"})
    assert await socket.receive_json(timeout=2) == {"type": "pong"}


async def test_the_hub_forgets_a_socket_the_customer_closed(client: TestClient) -> None:
    socket = await _connect(client, await sign_in(client, 1))
    await socket.receive_json(timeout=2)
    await socket.close()
    for _ in range(50):
        if not client.server.app[HUB].customer_online(1):
            break
        await asyncio.sleep(0.02)
    assert not client.server.app[HUB].customer_online(1)


async def test_a_forged_token_is_closed_with_4401(client: TestClient) -> None:
    forged = issue_token(1, Settings(jwt_secret="not-the-gateway-secret-of-32-bytes"))
    socket = await _connect(client, forged)
    message = await socket.receive(timeout=2)
    assert (message.type, socket.close_code) == (WSMsgType.CLOSE, socket_protocol.CLOSE_UNAUTHORIZED)


async def test_an_expired_token_is_closed_with_4401_saying_it_expired(client: TestClient, settings: Settings) -> None:
    expired = issue_token(1, settings, now=datetime.now(timezone.utc) - timedelta(hours=2))
    socket = await _connect(client, expired)
    message = await socket.receive(timeout=2)
    assert (socket.close_code, "expired" in message.extra) == (socket_protocol.CLOSE_UNAUTHORIZED, True)


async def test_an_agent_token_is_closed_with_4403(client: TestClient, settings: Settings) -> None:
    now = datetime.now(timezone.utc)
    agent = jwt.encode({"sub": "1", "role": "agent", "iss": ISSUER, "iat": now, "exp": now + timedelta(hours=1)},
                       settings.jwt_secret, algorithm="HS256")
    socket = await _connect(client, agent)
    await socket.receive(timeout=2)
    assert socket.close_code == socket_protocol.CLOSE_FORBIDDEN


async def test_a_token_for_a_customer_who_does_not_exist_is_closed_with_4401(
    client: TestClient, settings: Settings
) -> None:
    socket = await _connect(client, issue_token(999, settings))
    await socket.receive(timeout=2)
    assert socket.close_code == socket_protocol.CLOSE_UNAUTHORIZED


async def test_a_first_frame_that_is_not_an_auth_frame_is_closed_with_4400(client: TestClient) -> None:
    socket = await client.ws_connect(WS)
    await socket.send_str("hello")
    await socket.receive(timeout=2)
    assert socket.close_code == socket_protocol.CLOSE_BAD_FRAME


async def test_a_socket_that_never_signs_in_is_closed_with_4408(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(socket_protocol, "AUTH_TIMEOUT_SECONDS", 0.2)
    socket = await client.ws_connect(WS)
    await socket.receive(timeout=2)
    assert socket.close_code == socket_protocol.CLOSE_AUTH_TIMEOUT


async def test_a_chat_message_sent_over_the_socket_is_answered_with_where_to_send_it(client: TestClient) -> None:
    socket = await _connect(client, await sign_in(client, 1))
    await socket.receive_json(timeout=2)
    await socket.send_json({"type": "message", "text": "hi"})
    assert (await socket.receive_json(timeout=2))["code"] == "unsupported_frame"


async def test_open_sockets_are_closed_when_the_gateway_shuts_down(client: TestClient) -> None:
    socket = await _connect(client, await sign_in(client, 1))
    await socket.receive_json(timeout=2)

    await client.server.app.shutdown()

    message = await socket.receive(timeout=2)
    assert (message.type, socket.close_code) == (WSMsgType.CLOSE, 1001)


async def test_every_script_the_chat_page_loads_is_served_as_javascript(client: TestClient) -> None:
    page = await (await client.get("/")).text()
    scripts = ["widgets.js", "live.js", "chat.js"]
    responses = [await client.get(f"/static/{name}") for name in scripts]
    assert all(f'src="/static/{name}"' in page for name in scripts)
    assert [(r.status, r.content_type) for r in responses] == [(200, "text/javascript")] * 3


async def test_the_socket_is_closed_with_4401_when_its_sign_in_expires(gateway: GatewayFactory) -> None:
    client = await gateway(JWT_TTL_SECONDS="1")
    socket = await _connect(client, await sign_in(client, 1))
    assert await socket.receive_json(timeout=2) == {"type": "ready", "last_seq": 0}

    message = await socket.receive(timeout=5)

    assert (message.type, socket.close_code, "expired" in message.extra) == (
        WSMsgType.CLOSE, socket_protocol.CLOSE_UNAUTHORIZED, True)
