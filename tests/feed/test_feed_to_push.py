"""The whole alert loop: feed -> queue -> scoring -> outbox -> push-service simulator -> signed proactive event."""

from __future__ import annotations

import json

import aiohttp
from aiohttp import web
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from assistant.alerts.models import Alert
from assistant.alerts.outbox import OutboxDelivery
from assistant.push_simulator.app import init_app as init_push_simulator
from assistant.settings import Settings
from assistant.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from tests.alerts.conftest import add_card_history
from tests.builders import CustomerRecords
from tests.feed.conftest import FeedFactory, apply_inbox, post_signed

SECRET = "loop-test-proactive-secret"
SUSPICIOUS = {"transaction_id": "core-900", "customer_id": 1, "account_id": 1, "card_id": 1,
              "booked_at": "2026-11-20T03:12:00Z", "amount": "-2480.00", "currency": "GBP",
              "merchant": "Luxe Watches London", "category": "jewellery", "channel": "card_present", "country": "GB"}


async def test_suspicious_feed_transaction_reaches_the_proactive_endpoint_signed(
        feed: FeedFactory, bank: list[CustomerRecords], sqlite_engine: Engine, aiohttp_server):
    with Session(sqlite_engine, expire_on_commit=False) as session:
        add_card_history(session, bank[0])
    # The card history is dated around 2026-11-20, so the booking window reaches back far enough for it.
    client = await feed(ALERT_THRESHOLD="4.46", FEED_MAX_AGE_DAYS="36500")
    response = await post_signed(client, [SUSPICIOUS])
    assert response.status == 202
    await apply_inbox(client)
    with Session(sqlite_engine) as session:
        alert = session.exec(select(Alert)).one()

    received: list[tuple[dict, bytes]] = []

    async def proactive(request: web.Request) -> web.Response:
        received.append((dict(request.headers), await request.read()))
        return web.json_response({"status": "delivered"})

    stand_in = web.Application()
    stand_in.router.add_post("/api/v1/proactive", proactive)
    proactive_server = await aiohttp_server(stand_in)
    simulator = await aiohttp_server(init_push_simulator(
        Settings(proactive_url=str(proactive_server.make_url("/api/v1/proactive")), proactive_secret=SECRET)))
    async with aiohttp.ClientSession() as http:
        report = await OutboxDelivery(sqlite_engine, http, str(simulator.make_url("/push"))).deliver_due()

    assert report.delivered == 1
    headers, body = received[0]
    assert verify(body, headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER], SECRET)
    event = json.loads(body)
    assert (event["customer_id"], event["event"]) == (1, "unusual_purchase")
    assert event["data"] == {"transaction_id": "core-900", "alert_id": alert.id, "reason": alert.reason}
