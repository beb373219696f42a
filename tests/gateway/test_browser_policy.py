"""Security headers on every gateway response, and CORS only for the origins CORS_ALLOWED_ORIGINS names."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient

from assistant.gateway.browser_policy import SECURITY_HEADERS
from tests.gateway.conftest import GatewayFactory

PREFLIGHT = {"Origin": "https://app.lumen.example", "Access-Control-Request-Method": "POST",
             "Access-Control-Request-Headers": "authorization, content-type"}


@pytest.mark.parametrize("path", ["/", "/console", "/static/chat.js", "/api/v1/openapi.json", "/healthz",
                                  "/api/v1/chat/history", "/no-such-page"])
async def test_every_response_carries_the_security_headers(client: TestClient, path: str) -> None:
    response = await client.get(path)
    assert {name: response.headers.get(name) for name in SECURITY_HEADERS} == SECURITY_HEADERS


async def test_the_websocket_upgrade_carries_the_security_headers(client: TestClient) -> None:
    upgrade = await client.get("/api/v1/chat/ws", headers={
        "Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="})
    assert (upgrade.status, upgrade.headers.get("X-Frame-Options")) == (101, "DENY")


async def test_the_content_security_policy_allows_no_inline_script_and_no_framing(client: TestClient) -> None:
    policy = (await client.get("/")).headers["Content-Security-Policy"]
    assert ("'unsafe-inline'" not in policy, "frame-ancestors 'none'" in policy) == (True, True)


async def test_strict_transport_security_is_sent_in_production_only(gateway: GatewayFactory) -> None:
    embedded, production = await gateway(), await gateway("production")
    sent = [(await client.get("/healthz")).headers.get("Strict-Transport-Security") is not None
            for client in (embedded, production)]
    assert sent == [False, True]


async def test_no_cors_headers_by_default_even_for_a_preflight(client: TestClient) -> None:
    preflight = await client.options("/api/v1/chat", headers=PREFLIGHT)
    simple = await client.get("/api/v1/openapi.json", headers={"Origin": PREFLIGHT["Origin"]})
    assert [r.headers.get("Access-Control-Allow-Origin") for r in (preflight, simple)] == [None, None]


async def test_a_configured_origin_gets_cors_and_its_preflight_answered(gateway: GatewayFactory) -> None:
    client = await gateway(CORS_ALLOWED_ORIGINS="https://app.lumen.example, https://web.lumen.example")
    preflight = await client.options("/api/v1/chat", headers=PREFLIGHT)
    simple = await client.get("/api/v1/openapi.json", headers={"Origin": PREFLIGHT["Origin"]})
    assert [(r.status, r.headers.get("Access-Control-Allow-Origin")) for r in (preflight, simple)] == [
        (204, "https://app.lumen.example"), (200, "https://app.lumen.example")]


async def test_an_origin_not_configured_gets_no_cors(gateway: GatewayFactory) -> None:
    client = await gateway(CORS_ALLOWED_ORIGINS="https://app.lumen.example")
    preflight = await client.options("/api/v1/chat", headers={**PREFLIGHT, "Origin": "https://evil.example"})
    assert (preflight.status, preflight.headers.get("Access-Control-Allow-Origin")) == (405, None)
