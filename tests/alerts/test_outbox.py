"""Outbox delivery: at least once, with the idempotency key, retrying while the push service is down."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from datetime import timedelta

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from assistant.alerts.models import AlertKind, OutboxMessage
from assistant.alerts.outbox import IDEMPOTENCY_HEADER, OutboxDelivery
from assistant.alerts.raising import raise_alert
from assistant.db import utcnow
from tests.builders import build_customer


@dataclass
class PushService:
    """A local webhook that answers 503 to its first `failures` deliveries, then 200; records what arrived."""

    failures: int = 0
    received: list[tuple[str, dict]] = field(default_factory=list)
    calls: int = 0

    async def push(self, request: web.Request) -> web.Response:
        self.calls += 1
        if self.calls <= self.failures:
            return web.json_response({"status": "unavailable"}, status=503)
        self.received.append((request.headers[IDEMPOTENCY_HEADER], await request.json()))
        return web.json_response({"status": "ok"}, status=202)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/push", self.push)
        return app


@pytest.fixture
def pending(sqlite_engine: Engine) -> Engine:
    """A bank with one customer and one alert waiting in the outbox."""
    with Session(sqlite_engine) as session:
        records = build_customer(session, 1)
        raise_alert(session, records.customer.id, AlertKind.unusual_purchase, "unusual_purchase:core-1",
                    "first purchase in Brazil", {"transaction_id": "core-1"})
        session.commit()
    return sqlite_engine


def _message(engine: Engine) -> OutboxMessage:
    with Session(engine) as session:
        return session.exec(select(OutboxMessage)).one()


async def test_outbox_retries_while_the_webhook_answers_503_and_delivers_when_it_recovers(pending, aiohttp_server):
    service = PushService(failures=2)
    server = await aiohttp_server(service.app())
    async with aiohttp.ClientSession() as http:
        delivery = OutboxDelivery(pending, http, str(server.make_url("/push")), attempts=3, first_wait=0.01)
        report = await delivery.deliver_due()
    message = _message(pending)
    assert (report.delivered, report.failed, service.calls) == (1, 0, 3)
    assert message.delivered_at is not None and message.attempts == 3
    assert service.received == [(message.idempotency_key, message.payload)]


async def test_outbox_keeps_the_message_while_nothing_listens_and_delivers_once_the_webhook_is_back(pending):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/push"
    async with aiohttp.ClientSession() as http:
        delivery = OutboxDelivery(pending, http, url, attempts=2, first_wait=0.01)
        down = await delivery.deliver_due()
        waiting = _message(pending)
        assert (down.delivered, down.failed) == (0, 1)
        assert waiting.delivered_at is None and "unreachable" in waiting.last_error
        assert (await delivery.deliver_due()).failed == 0  # not due again until its backoff has passed

        service = PushService()
        server = TestServer(service.app(), port=port)
        await server.start_server()
        try:
            back = await delivery.deliver_due(now=utcnow() + timedelta(minutes=11))
        finally:
            await server.close()
    assert back.delivered == 1
    assert _message(pending).delivered_at is not None
    assert [key for key, _ in service.received] == [waiting.idempotency_key]


async def test_a_delivered_message_is_not_sent_again(pending, aiohttp_server):
    service = PushService()
    server = await aiohttp_server(service.app())
    async with aiohttp.ClientSession() as http:
        delivery = OutboxDelivery(pending, http, str(server.make_url("/push")), first_wait=0.01)
        await delivery.deliver_due()
        again = await delivery.deliver_due(now=utcnow() + timedelta(hours=1))
    assert (again.delivered, again.failed, service.calls) == (0, 0, 1)
