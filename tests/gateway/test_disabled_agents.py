"""A disabled agent is refused at once: on every request, at password sign-in, and on an open console socket."""

from __future__ import annotations

import pytest
from aiohttp import WSMsgType
from aiohttp.test_utils import TestClient
from sqlalchemy.engine import Engine

from assistant.bank.audit import operator_actor
from assistant.db import session_scope
from assistant.handoff.agents import disable_agent, enable_agent
from tests.gateway.agent_fixtures import PASSWORD, Agents, agent_token, agents  # noqa: F401
from tests.gateway.conftest import GatewayFactory, bearer, ready_socket
from tests.identity_provider import IdentityProvider

QUEUE = "/api/v1/agent/queue"


def _disable(engine: Engine, agent_id: int) -> None:
    with session_scope(engine) as session:
        disable_agent(session, agent_id, operator_actor())


@pytest.fixture
async def console(gateway: GatewayFactory) -> TestClient:
    """The embedded gateway, re-checking open consoles every 0.1 s."""
    return await gateway(AGENT_RECHECK_SECONDS="0.1")


async def test_a_disabled_agents_token_is_refused_on_the_next_request(console: TestClient, agents: Agents,
                                                                      sqlite_engine: Engine) -> None:
    token = await agent_token(console, "alex@lumen.example")
    before = (await console.get(QUEUE, headers=bearer(token))).status
    _disable(sqlite_engine, agents.alex)
    after = await console.get(QUEUE, headers=bearer(token))
    assert (before, after.status, (await after.json())["error"]["code"]) == (200, 403, "agent_disabled")


async def test_a_disabled_agent_cannot_sign_in_with_their_password(console: TestClient, agents: Agents,
                                                                   sqlite_engine: Engine) -> None:
    _disable(sqlite_engine, agents.alex)
    response = await console.post("/api/v1/agent/auth", json={"email": "alex@lumen.example", "password": PASSWORD})
    assert (response.status, (await response.json())["error"]["code"]) == (403, "agent_disabled")


async def test_a_re_enabled_agent_is_let_back_in(console: TestClient, agents: Agents, sqlite_engine: Engine) -> None:
    token = await agent_token(console, "alex@lumen.example")
    _disable(sqlite_engine, agents.alex)
    with session_scope(sqlite_engine) as session:
        enable_agent(session, agents.alex, operator_actor())
    assert (await console.get(QUEUE, headers=bearer(token))).status == 200


async def test_disabling_one_agent_leaves_the_others_signed_in(console: TestClient, agents: Agents,
                                                              sqlite_engine: Engine) -> None:
    token = await agent_token(console, "sam@lumen.example")
    _disable(sqlite_engine, agents.alex)
    assert (await console.get(QUEUE, headers=bearer(token))).status == 200


async def test_an_open_console_of_a_disabled_agent_is_closed_with_4403(console: TestClient, agents: Agents,
                                                                       sqlite_engine: Engine) -> None:
    socket = await ready_socket(console, "/api/v1/agent/ws", await agent_token(console, "alex@lumen.example"))
    _disable(sqlite_engine, agents.alex)
    message = await socket.receive(timeout=5)
    assert (message.type, socket.close_code) == (WSMsgType.CLOSE, 4403)


async def test_a_disabled_agent_cannot_open_a_console(console: TestClient, agents: Agents,
                                                      sqlite_engine: Engine) -> None:
    token = await agent_token(console, "alex@lumen.example")
    _disable(sqlite_engine, agents.alex)
    socket = await console.ws_connect("/api/v1/agent/ws")
    await socket.send_json({"type": "auth", "token": token})
    message = await socket.receive(timeout=5)
    assert (message.type, socket.close_code) == (WSMsgType.CLOSE, 4403)


async def test_an_open_console_stays_open_while_its_agent_is_enabled(console: TestClient, agents: Agents) -> None:
    socket = await ready_socket(console, "/api/v1/agent/ws", await agent_token(console, "alex@lumen.example"))
    with pytest.raises(TimeoutError):
        await socket.receive(timeout=0.5)  # several re-checks pass and nothing is sent
    await socket.send_json({"type": "ping"})
    assert await socket.receive_json(timeout=2) == {"type": "pong"}


async def test_a_disabled_agent_signed_in_with_the_identity_provider_is_refused_at_once(
    gateway: GatewayFactory, identity_provider: IdentityProvider, agents: Agents, sqlite_engine: Engine
) -> None:
    identity_provider.link_agent(sqlite_engine, "sub-alex", agents.alex)
    client = await gateway("production", **identity_provider.env(AGENT_RECHECK_SECONDS="0.1"))
    token = identity_provider.agent_token("sub-alex")
    socket = await ready_socket(client, "/api/v1/agent/ws", token)
    _disable(sqlite_engine, agents.alex)
    response = await client.get(QUEUE, headers=bearer(token))
    message = await socket.receive(timeout=5)
    assert (response.status, message.type, socket.close_code) == (403, WSMsgType.CLOSE, 4403)
