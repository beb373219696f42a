"""The push-service simulator forwards each delivery to the gateway's proactive endpoint, signed."""

from __future__ import annotations

import asyncio
import json
import socket

import pytest
from aiohttp import web

from assistant.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from assistant.push_simulator.app import init_app
from assistant.settings import Settings

SECRET = "test-proactive-secret"
DELIVERY = {"customer_id": 1, "event": "unusual_purchase", "idempotency_key": "alert-abc",
            "data": {"transaction_id": "core-1", "alert_id": 7, "reason": "first purchase in Brazil"}}


@pytest.fixture
async def gateway(aiohttp_server):
    """A stand-in for the gateway's /api/v1/proactive that records what it was sent."""
    received: list[tuple[dict, bytes]] = []

    async def proactive(request: web.Request) -> web.Response:
        received.append((dict(request.headers), await request.read()))
        return web.json_response({"status": "delivered"})

    app = web.Application()
    app.router.add_post("/api/v1/proactive", proactive)
    server = await aiohttp_server(app)
    return server, received


def _settings(url: str) -> Settings:
    return Settings(proactive_url=url, proactive_secret=SECRET)


async def test_delivery_is_forwarded_with_a_signature_over_the_raw_body(aiohttp_client, gateway):
    server, received = gateway
    client = await aiohttp_client(init_app(_settings(str(server.make_url("/api/v1/proactive")))))
    response = await client.post("/push", data=json.dumps(DELIVERY).encode())
    assert response.status == 202
    headers, body = received[0]
    assert json.loads(body) == DELIVERY
    assert verify(body, headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER], SECRET)


async def test_gateway_down_answers_502_so_the_outbox_retries(aiohttp_client):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = await aiohttp_client(init_app(_settings(f"http://127.0.0.1:{port}/api/v1/proactive")))
    response = await client.post("/push", json=DELIVERY)
    assert response.status == 502


async def test_malformed_delivery_is_refused_with_a_reason(aiohttp_client, gateway):
    server, received = gateway
    client = await aiohttp_client(init_app(_settings(str(server.make_url("/api/v1/proactive")))))
    response = await client.post("/push", json={**DELIVERY, "event": "lottery_win"})
    assert response.status == 400
    assert '"event"' in (await response.json())["error"]["message"]
    assert received == []



@pytest.mark.parametrize("status, relayed", [(422, 422), (400, 400), (401, 502), (500, 502)])
async def test_a_gateway_refusal_is_passed_on_and_its_failures_and_our_signing_faults_are_502(
        aiohttp_client, aiohttp_server, status, relayed):
    async def proactive(request: web.Request) -> web.Response:
        return web.json_response({"error": {"code": "x"}}, status=status)

    app = web.Application()
    app.router.add_post("/api/v1/proactive", proactive)
    server = await aiohttp_server(app)
    client = await aiohttp_client(init_app(_settings(str(server.make_url("/api/v1/proactive")))))
    response = await client.post("/push", json=DELIVERY)
    assert response.status == relayed


async def _health_status(client) -> int:
    return (await client.get("/healthz")).status


async def test_the_simulator_reports_ready_only_once_the_gateway_does(aiohttp_client, aiohttp_server):
    gateway_health = {"status": "ok", "rasa": "ready", "actions": "warming up", "ready": False}

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response(gateway_health)

    stand_in = web.Application()
    stand_in.router.add_get("/healthz", healthz)
    server = await aiohttp_server(stand_in)
    settings = Settings(proactive_url=str(server.make_url("/api/v1/proactive")), proactive_secret=SECRET,
                        wait_for_ready_choice="1")
    client = await aiohttp_client(init_app(settings))
    before = await _health_status(client)
    gateway_health.update(actions="ready", ready=True)
    for _ in range(100):  # the simulator polls with back-off; give it a few of its polls
        if await _health_status(client) == 200:
            break
        await asyncio.sleep(0.1)
    assert (before, await _health_status(client)) == (503, 200)
