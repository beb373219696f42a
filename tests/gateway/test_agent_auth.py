"""Agent sign-in and the line between roles: customer tokens reach no agent endpoint, agent tokens no customer one."""

from __future__ import annotations

import jwt
import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy.engine import Engine

from assistant.gateway.auth import AGENT_ROLE, ISSUER, issue_agent_token
from assistant.settings import Settings
from tests.gateway.agent_fixtures import PASSWORD, Agents, agent_token, agents, hand_off  # noqa: F401
from tests.gateway.conftest import RasaStandIn, bearer, sign_in

AGENT_ENDPOINTS = [
    ("GET", "/api/v1/agent/queue"),
    ("GET", "/api/v1/agent/tickets/{ticket}"),
    ("POST", "/api/v1/agent/tickets/{ticket}/claim"),
    ("POST", "/api/v1/agent/tickets/{ticket}/messages"),
    ("POST", "/api/v1/agent/tickets/{ticket}/notes"),
    ("GET", "/api/v1/agent/tickets/{ticket}/suggestions"),
    ("POST", "/api/v1/agent/tickets/{ticket}/resolve"),
]


async def test_agent_sign_in_returns_a_token_with_the_agent_role_and_id(
    client: TestClient, agents: Agents, settings: Settings
) -> None:
    response = await client.post("/api/v1/agent/auth", json={"email": "Alex@Lumen.example", "password": PASSWORD})
    body = await response.json()
    claims = jwt.decode(body["token"], settings.jwt_secret, algorithms=["HS256"], issuer=ISSUER)
    assert (claims["role"], claims["sub"], body["agent"]) == (AGENT_ROLE, str(agents.alex),
                                                             {"id": agents.alex, "name": "Alex"})


async def test_agent_sign_in_with_a_wrong_password_is_401(client: TestClient, agents: Agents) -> None:
    response = await client.post("/api/v1/agent/auth", json={"email": "alex@lumen.example", "password": "nope"})
    assert (response.status, (await response.json())["error"]["code"]) == (401, "invalid_credentials")


@pytest.mark.parametrize("body", [{}, {"email": "alex@lumen.example"}, {"email": 3, "password": PASSWORD},
                                  {"email": "alex@lumen.example", "password": ""}])
async def test_agent_sign_in_without_an_email_and_password_is_400(client: TestClient, agents: Agents,
                                                                  body: dict) -> None:
    response = await client.post("/api/v1/agent/auth", json=body)
    assert response.status == 400


@pytest.mark.parametrize("method, path", AGENT_ENDPOINTS)
async def test_a_customer_token_is_refused_by_every_agent_endpoint_with_403(
    client: TestClient, agents: Agents, rasa: RasaStandIn, sqlite_engine: Engine, settings: Settings,
    method: str, path: str,
) -> None:
    ticket = hand_off(sqlite_engine, rasa, settings, 1)
    token = await sign_in(client, 1)
    response = await client.request(method, path.format(ticket=ticket), json={"text": "hi"}, headers=bearer(token))
    assert (response.status, (await response.json())["error"]["code"]) == (403, "forbidden")


@pytest.mark.parametrize("method, path", AGENT_ENDPOINTS)
async def test_every_agent_endpoint_without_a_token_is_401(
    client: TestClient, agents: Agents, method: str, path: str
) -> None:
    response = await client.request(method, path.format(ticket=1), json={"text": "hi"})
    assert response.status == 401


async def test_an_agent_token_is_refused_by_the_customer_chat(client: TestClient, agents: Agents) -> None:
    token = await agent_token(client, "alex@lumen.example")
    response = await client.post("/api/v1/chat", json={"message": "hi"}, headers=bearer(token))
    assert response.status in {401, 403}


async def test_an_agent_token_for_an_agent_who_no_longer_exists_is_401(client: TestClient, agents: Agents,
                                                                       settings: Settings) -> None:
    token = issue_agent_token(999, "Ghost", settings)
    response = await client.get("/api/v1/agent/queue", headers=bearer(token))
    assert response.status == 401


async def test_an_agent_token_signed_with_another_key_is_401(client: TestClient, agents: Agents) -> None:
    token = issue_agent_token(agents.alex, "Alex",
                              Settings(jwt_secret="another-secret-of-at-least-32-bytes", jwt_ttl_seconds=60))
    response = await client.get("/api/v1/agent/queue", headers=bearer(token))
    assert response.status == 401
