"""The OpenAPI document: valid OpenAPI 3.1, served by the gateway, naming exactly the app's routes, and true to
real responses (they validate against the documented schemas)."""

from __future__ import annotations

import json
import time
from typing import Any

from aiohttp.test_utils import TestClient
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi
from sqlalchemy.engine import Engine

from assistant.gateway.openapi import openapi_document
from assistant.signing import sign
from assistant.settings import Settings
from tests.gateway.agent_fixtures import Agents, agent_token, agents, hand_off  # noqa: F401
from tests.gateway.conftest import GatewayFactory, RasaStandIn, bearer, sign_in

METHODS = {"get", "post", "put", "patch", "delete"}


def documented_operations() -> set[tuple[str, str]]:
    return {(path, method.upper()) for path, item in openapi_document()["paths"].items()
            for method in item if method in METHODS}


def routed_operations(client: TestClient) -> set[tuple[str, str]]:
    # aiohttp adds HEAD to every GET route by itself; it is not a separate endpoint.
    return {(route.resource.canonical, route.method) for route in client.server.app.router.routes()
            if route.method != "HEAD"}


def assert_valid(schema: dict[str, Any], instance: Any) -> None:
    """The instance validates against a schema of the document."""
    # Keep the components next to the schema so its "#/components/..." references resolve.
    Draft202012Validator({**schema, "components": openapi_document()["components"]},
                         format_checker=Draft202012Validator.FORMAT_CHECKER).validate(instance)


def assert_documented(path: str, method: str, status: int, body: Any) -> None:
    """The body validates against the schema documented for this operation and status."""
    document = openapi_document()
    response = document["paths"][path][method]["responses"][str(status)]
    if "$ref" in response:
        response = document["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
    assert_valid(response["content"]["application/json"]["schema"], body)


def test_the_document_is_valid_openapi_3_1() -> None:
    validate_openapi(openapi_document())


async def test_the_document_names_every_route_of_the_gateway_and_nothing_else(client: TestClient) -> None:
    assert documented_operations() == routed_operations(client)


async def test_the_production_document_names_every_production_route_and_no_demo_path(gateway: GatewayFactory) -> None:
    client = await gateway("production")
    served = await (await client.get("/api/v1/openapi.json")).json()
    documented = {(path, method.upper()) for path, item in served["paths"].items() for method in item if method in METHODS}
    assert documented == routed_operations(client)


async def test_the_gateway_serves_the_document_as_json(client: TestClient) -> None:
    response = await client.get("/api/v1/openapi.json")
    assert (response.status, await response.json()) == (200, json.loads(json.dumps(openapi_document())))


async def test_customer_responses_match_their_documented_schemas(client: TestClient) -> None:
    token = await sign_in(client, 1)
    signed_in = await client.post("/api/v1/auth/demo", json={"customer_id": 1})
    assert_documented("/api/v1/auth/demo", "post", 200, await signed_in.json())
    personas = await client.get("/api/v1/demo/customers")
    assert_documented("/api/v1/demo/customers", "get", 200, await personas.json())
    chat = await client.post("/api/v1/chat", json={"message": "hi"}, headers=bearer(token))
    assert_documented("/api/v1/chat", "post", 200, await chat.json())
    empty = await client.post("/api/v1/chat", json={"message": "  "}, headers=bearer(token))
    assert_documented("/api/v1/chat", "post", 400, await empty.json())
    forged = await client.post("/api/v1/chat", json={"message": "/deny_purchase"}, headers=bearer(token))
    assert_documented("/api/v1/chat", "post", forged.status, await forged.json())
    session = await client.post("/api/v1/chat/session", headers=bearer(token))
    assert_documented("/api/v1/chat/session", "post", 200, await session.json())
    history = await client.get("/api/v1/chat/history", headers=bearer(token))
    assert_documented("/api/v1/chat/history", "get", 200, await history.json())
    unsigned = await client.get("/api/v1/chat/history")
    assert_documented("/api/v1/chat/history", "get", 401, await unsigned.json())
    health = await client.get("/healthz")
    assert_documented("/healthz", "get", 200, await health.json())


async def test_proactive_responses_match_their_documented_schemas(client: TestClient, settings: Settings) -> None:
    body = {"customer_id": 1, "event": "upcoming_bill", "idempotency_key": "doc-1",
            "data": {"merchant": "British Gas", "amount": "84.00", "due_date": "2026-12-01", "alert_id": None,
                     "reason": "due in 3 days"}}
    assert_valid(openapi_document()["components"]["schemas"]["ProactiveRequest"], body)
    raw = json.dumps(body).encode()
    sent = await client.post("/api/v1/proactive", data=raw, headers=sign(raw, settings.proactive_secret))
    assert_documented("/api/v1/proactive", "post", 200, await sent.json())
    stale = await client.post("/api/v1/proactive", data=raw,
                              headers=sign(raw, settings.proactive_secret, int(time.time()) - 600))
    assert_documented("/api/v1/proactive", "post", 401, await stale.json())


async def test_agent_responses_match_their_documented_schemas(
    client: TestClient, agents: Agents, sqlite_engine: Engine, rasa: RasaStandIn, settings: Settings
) -> None:
    ticket_id = hand_off(sqlite_engine, rasa, settings, 1)
    token = await agent_token(client, "alex@lumen.example")
    queue = await client.get("/api/v1/agent/queue", headers=bearer(token))
    assert_documented("/api/v1/agent/queue", "get", 200, await queue.json())
    claim = await client.post(f"/api/v1/agent/tickets/{ticket_id}/claim", headers=bearer(token))
    assert_documented("/api/v1/agent/tickets/{ticket_id}/claim", "post", 200, await claim.json())
    detail = await client.get(f"/api/v1/agent/tickets/{ticket_id}", headers=bearer(token))
    assert_documented("/api/v1/agent/tickets/{ticket_id}", "get", 200, await detail.json())
    customer = await client.get("/api/v1/agent/queue", headers=bearer(await sign_in(client, 1)))
    assert_documented("/api/v1/agent/queue", "get", customer.status, await customer.json())
