"""Fixtures for gateway tests: the real app from its factory, a seeded SQLite bank, and a Rasa REST stand-in."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from assistant.gateway.app import init_app
from assistant.gateway.keys import SETTINGS
from assistant.settings import Settings, get_settings
from tests.builders import CustomerRecords, build_customer

RASA_TOKEN = "test-rasa-token"


@dataclass
class RasaStandIn:
    """Answers like Rasa's REST channel and records every request it received."""

    received: list[dict[str, Any]] = field(default_factory=list)
    tokens: list[str | None] = field(default_factory=list)
    replies: list[dict[str, Any]] = field(default_factory=list)
    status: int = 200
    delay_seconds: float = 0.0
    model_loaded: bool = True
    url: str = ""

    async def webhook(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append(body)
        self.tokens.append(request.query.get("token"))
        await asyncio.sleep(self.delay_seconds)
        if self.status != 200:
            return web.json_response({"status": "failure"}, status=self.status)
        # Rasa's collector addresses each message to the sender and drops keys whose value is None.
        return web.json_response([{"recipient_id": body["sender"], **reply} for reply in self.replies])

    async def status_endpoint(self, request: web.Request) -> web.Response:
        if request.query.get("token") != RASA_TOKEN:
            return web.json_response({"status": "failure", "reason": "NotAuthenticated"}, status=401)
        if not self.model_loaded:
            return web.json_response({"status": "failure", "reason": "Conflict"}, status=409)
        return web.json_response({"model_file": "assistant.tar.gz", "model_id": "test"})


def free_port() -> int:
    """A local TCP port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def bank(sqlite_engine: Engine) -> list[CustomerRecords]:
    """Two customers (ids 1 and 2) in a fresh SQLite bank."""
    with Session(sqlite_engine, expire_on_commit=False) as db:
        return [build_customer(db, 1), build_customer(db, 2)]


@pytest.fixture
async def rasa(aiohttp_server) -> RasaStandIn:
    """A running Rasa stand-in with a greeting, a Yes/No question and a custom payload as replies."""
    stand_in = RasaStandIn(replies=[
        {"text": "Hello!"},
        {"text": "Send £25 to Mum?", "buttons": [{"title": "Yes", "payload": "/affirm"},
                                                 {"title": "No", "payload": "/deny"}]},
        {"custom": {"type": "transactions", "items": [
            {"date": "2026-11-19", "merchant": "Tesco", "category": "groceries", "amount": "-45.20", "currency": "GBP"},
        ]}},
    ])
    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", stand_in.webhook)
    app.router.add_get("/status", stand_in.status_endpoint)
    server = await aiohttp_server(app)
    stand_in.url = str(server.make_url("")).rstrip("/")
    return stand_in


GatewayFactory = Callable[..., Awaitable[TestClient]]


@pytest.fixture
def gateway(
    aiohttp_client, sqlite_engine: Engine, bank: list[CustomerRecords], rasa: RasaStandIn,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[GatewayFactory]:
    """Start the gateway from its factory with a profile and environment; returns a test client."""

    async def start(profile: str = "embedded", **env: str) -> TestClient:
        values = {
            "ASSISTANT_PROFILE": profile,
            "DATABASE_URL": sqlite_engine.url.render_as_string(hide_password=False),
            "RASA_URL": rasa.url,
            "RASA_TOKEN": RASA_TOKEN,
            "JWT_SECRET": "gateway-test-jwt-secret-of-32-bytes!",
            "CONVERSATION_SECRET": "gateway-test-conversation-secret",
            **env,
        }
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        return await aiohttp_client(init_app())

    yield start
    get_settings.cache_clear()


@pytest.fixture
async def client(gateway: GatewayFactory) -> TestClient:
    """The gateway in the embedded profile, talking to the Rasa stand-in."""
    return await gateway()


@pytest.fixture
def settings(client: TestClient) -> Settings:
    """The settings the running gateway was built with."""
    return client.server.app[SETTINGS]


async def sign_in(client: TestClient, customer_id: int) -> str:
    """A token from the demo sign-in."""
    response = await client.post("/api/v1/auth/demo", json={"customer_id": customer_id})
    assert response.status == 200, await response.text()
    return (await response.json())["token"]


def bearer(token: str) -> dict[str, str]:
    """The Authorization header for a token."""
    return {"Authorization": f"Bearer {token}"}
