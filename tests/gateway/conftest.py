"""Fixtures for gateway tests: the real app from its factory, a seeded SQLite bank, and a Rasa stand-in."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import ClientWebSocketResponse, web
from aiohttp.test_utils import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from assistant.bank.models import DemoPersona
from assistant.gateway.app import init_app
from assistant.gateway.keys import SETTINGS
from assistant.settings import Settings, get_settings
from assistant.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, SeenSignatures, SignatureRejected, verify
from tests.builders import CustomerRecords, build_customer
from tests.databases import REDIS_URL
from tests.identity_provider import identity_provider  # noqa: F401  (a fixture for every gateway test)

RASA_TOKEN = "test-rasa-token-of-at-least-32-bytes"
RASA_CHANNEL_SECRET = "test-rasa-channel-secret-of-32-bytes"


@dataclass
class RasaStandIn:
    """Answers like Rasa's signed input channel and conversation API, records every request and keeps a tracker per
    sender; a message not signed with RASA_CHANNEL_SECRET is refused as the real channel refuses it."""

    received: list[dict[str, Any]] = field(default_factory=list)
    triggered: list[dict[str, Any]] = field(default_factory=list)
    trackers: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)
    replies: list[dict[str, Any]] = field(default_factory=list)
    status: int = 200
    delay_seconds: float = 0.0
    model_loaded: bool = True
    url: str = ""
    seen: SeenSignatures = field(default_factory=SeenSignatures)  # as the real channel: a replay is refused

    async def webhook(self, request: web.Request) -> web.Response:
        raw = await request.read()
        try:
            verify(raw, request.headers.get(TIMESTAMP_HEADER), request.headers.get(SIGNATURE_HEADER),
                   RASA_CHANNEL_SECRET, seen=self.seen)
        except SignatureRejected as refused:
            self.refused.append(refused.code)
            return web.json_response({"error": {"code": refused.code}}, status=401)
        body = await request.json()
        self.received.append(body)
        await asyncio.sleep(self.delay_seconds)
        if self.status != 200:
            return web.json_response({"status": "failure"}, status=self.status)
        events = self.trackers.setdefault(body["sender"], [])
        events.append({"event": "user", "text": body["message"], "timestamp": time.time()})
        if _paused(events):  # a paused conversation records the message and predicts nothing
            return web.json_response([])
        events.extend(_bot_events(self.replies))
        # Rasa's collector addresses each message to the sender and drops keys whose value is None.
        return web.json_response([{"recipient_id": body["sender"], **reply} for reply in self.replies])

    async def trigger_intent(self, request: web.Request) -> web.Response:
        if request.query.get("token") != RASA_TOKEN:
            return web.json_response({"status": "failure", "reason": "NotAuthenticated"}, status=401)
        body = await request.json()
        sender = request.match_info["conversation_id"]
        self.triggered.append({"sender": sender, **body})
        if self.status != 200:
            return web.json_response({"status": "failure"}, status=self.status)
        events = self.trackers.setdefault(sender, [])
        # As Rasa's UserUttered.create_external records it: the intent and the entities in parse_data.
        entities = [{"entity": name, "value": value} for name, value in (body.get("entities") or {}).items()]
        events.append({"event": "user", "text": f"EXTERNAL: {body['name']}", "timestamp": time.time(),
                       "parse_data": {"intent": {"name": body["name"]}, "entities": entities}})
        replies = [] if _paused(events) else self.replies  # a paused conversation records the intent only
        events.extend(_bot_events(replies))
        await asyncio.sleep(self.delay_seconds)  # Rasa has recorded the conversation before it answers
        return web.json_response({"tracker": {"sender_id": sender, "events": events},
                                  "messages": [{"recipient_id": sender, **reply} for reply in replies]})

    async def tracker(self, request: web.Request) -> web.Response:
        if request.query.get("token") != RASA_TOKEN:
            return web.json_response({"status": "failure", "reason": "NotAuthenticated"}, status=401)
        sender = request.match_info["conversation_id"]
        return web.json_response({"sender_id": sender, "events": self.trackers.get(sender, [])})

    async def append_events(self, request: web.Request) -> web.Response:
        if request.query.get("token") != RASA_TOKEN:
            return web.json_response({"status": "failure", "reason": "NotAuthenticated"}, status=401)
        if self.status != 200:
            return web.json_response({"status": "failure"}, status=self.status)
        body = await request.json()
        sender = request.match_info["conversation_id"]
        events = self.trackers.setdefault(sender, [])
        events.extend({"timestamp": time.time(), **event} for event in (body if isinstance(body, list) else [body]))
        return web.json_response({"sender_id": sender, "events": events, "paused": _paused(events)})

    async def status_endpoint(self, request: web.Request) -> web.Response:
        if request.query.get("token") != RASA_TOKEN:
            return web.json_response({"status": "failure", "reason": "NotAuthenticated"}, status=401)
        if not self.model_loaded:
            return web.json_response({"status": "failure", "reason": "Conflict"}, status=409)
        return web.json_response({"model_file": "assistant.tar.gz", "model_id": "test"})


def _paused(events: list[dict[str, Any]]) -> bool:
    """Whether the last pause or resume event of a tracker was a pause."""
    switches = [event["event"] for event in events if event.get("event") in {"pause", "resume"}]
    return bool(switches) and switches[-1] == "pause"


def _bot_events(replies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Replies as Rasa records them: a bot event with the text, and buttons and custom under data."""
    return [{"event": "bot", "text": reply.get("text"), "timestamp": time.time(),
             "data": {"buttons": reply.get("buttons"), "custom": reply.get("custom")}, "metadata": {}}
            for reply in replies]


def free_port() -> int:
    """A local TCP port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def bank(sqlite_engine: Engine) -> list[CustomerRecords]:
    """Two customers (ids 1 and 2), both demo personas, in a fresh SQLite bank."""
    with Session(sqlite_engine, expire_on_commit=False) as db:
        customers = [build_customer(db, 1), build_customer(db, 2)]
        db.add_all([DemoPersona(customer_id=1), DemoPersona(customer_id=2)])
        db.commit()
        return customers


def rasa_app(stand_in: RasaStandIn) -> web.Application:
    """The stand-in's routes: the signed input channel, the status and the conversation API."""
    app = web.Application()
    app.router.add_post("/webhooks/lumen/webhook", stand_in.webhook)
    app.router.add_get("/status", stand_in.status_endpoint)
    app.router.add_post("/conversations/{conversation_id}/trigger_intent", stand_in.trigger_intent)
    app.router.add_get("/conversations/{conversation_id}/tracker", stand_in.tracker)
    app.router.add_post("/conversations/{conversation_id}/tracker/events", stand_in.append_events)
    return app


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
    server = await aiohttp_server(rasa_app(stand_in))
    stand_in.url = str(server.make_url("")).rstrip("/")
    return stand_in


GatewayFactory = Callable[..., Awaitable[TestClient]]


@pytest.fixture
def gateway(
    aiohttp_client, sqlite_engine: Engine, bank: list[CustomerRecords], rasa: RasaStandIn,
    monkeypatch: pytest.MonkeyPatch, redis_prefix: str,
) -> Iterator[GatewayFactory]:
    """Start the gateway from its factory with a profile and environment; returns a test client.

    The production profile keeps its limits in the local Redis (which it requires), under this test's own prefix.
    """

    async def start(profile: str = "embedded", **env: str) -> TestClient:
        values = {
            "ASSISTANT_PROFILE": profile,
            "DATABASE_URL": sqlite_engine.url.render_as_string(hide_password=False),
            "RASA_URL": rasa.url,
            "RASA_TOKEN": RASA_TOKEN,
            "RASA_CHANNEL_SECRET": RASA_CHANNEL_SECRET,
            "JWT_SECRET": "gateway-test-jwt-secret-of-32-bytes!",
            "CONVERSATION_SECRET": "gateway-test-conversation-secret",
            "RATE_LIMIT_PREFIX": redis_prefix,
            # No action server: the gateway says so in its health check, whatever listens on the default port.
            "ACTION_HEALTH_URL": f"http://127.0.0.1:{free_port()}/health",
            **({"REDIS_URL": REDIS_URL} if profile == "production" else {}),
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


async def ready_socket(client: TestClient, path: str, token: str) -> ClientWebSocketResponse:
    """A live-channel socket at `path`, signed in with `token` and past its ready frame."""
    channel = await client.ws_connect(path)
    await channel.send_json({"type": "auth", "token": token})
    assert (await channel.receive_json(timeout=5))["type"] == "ready"
    return channel


async def customer_socket(client: TestClient, customer_id: int) -> ClientWebSocketResponse:
    """The customer's live channel, signed in and ready."""
    return await ready_socket(client, "/api/v1/chat/ws", await sign_in(client, customer_id))
