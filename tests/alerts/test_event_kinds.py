"""Every kind of event the bank raises can be delivered: a retention offer goes from the outbox through the push
simulator to a proactive endpoint validating with the proactive API's own parser."""

from __future__ import annotations

import json

import aiohttp
from aiohttp import web
from sqlalchemy.engine import Engine
from sqlmodel import Session

from assistant.alerts.outbox import OutboxDelivery
from assistant.models.retention import ChurnRisk, RetentionOffer
from assistant.models.retention_outbox import queue_retention_offer
from assistant.proactive.requests import InvalidProactiveRequest, parse_request
from assistant.push_simulator.app import init_app
from assistant.settings import Settings
from tests.alerts.outbox_fixtures import messages
from tests.builders import build_customer

RISK = ChurnRisk(0.7, True, ["your balance has fallen for three months"], ["months_balance_fell"])
SAVER = RetentionOffer("product", "Easy Saver", "An easy-access savings account.", "easy_saver",
                       ["you keep a large balance in your current account"])


async def test_a_retention_offer_is_delivered_through_the_push_simulator(sqlite_engine: Engine, aiohttp_server):
    with Session(sqlite_engine) as session:
        customer = build_customer(session, 1).customer
        queue_retention_offer(session, customer.id, SAVER, RISK)
        session.commit()
    parsed = []

    async def proactive(request: web.Request) -> web.Response:
        try:
            parsed.append(parse_request(json.loads(await request.read())))
        except InvalidProactiveRequest as problem:
            return web.json_response({"error": str(problem)}, status=400)
        return web.json_response({"status": "delivered"})

    gateway = web.Application()
    gateway.router.add_post("/api/v1/proactive", proactive)
    gateway_server = await aiohttp_server(gateway)
    simulator = await aiohttp_server(init_app(Settings(proactive_url=str(gateway_server.make_url("/api/v1/proactive")),
                                                       proactive_secret="test-secret")))
    async with aiohttp.ClientSession() as http:
        report = await OutboxDelivery(sqlite_engine, http, str(simulator.make_url("/push"))).deliver_due()
    [message] = messages(sqlite_engine)
    assert (report.delivered, report.dead_lettered) == (1, 0) and message.delivered_at is not None
    assert [(r.event, r.data["product_code"]) for r in parsed] == [("offer", "easy_saver")]
