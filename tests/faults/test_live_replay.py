"""A gateway SIGKILLed while a customer's websocket is open: an agent replies while the customer is disconnected, the
gateway restarts, and the customer's client reconnects from the last sequence it saw and gets the reply exactly once.

Real processes: the gateway (`python -m assistant.gateway`) on a real PostgreSQL database, killed with SIGKILL. Rasa
is the gateway tests' stand-in (tests/gateway/conftest.py), served from this process: the chat is with a person, so
Rasa only records the agent's messages. The customer's client is `assistant.chat_client.LiveChannel`.
"""

from __future__ import annotations

import asyncio
import json
import os
import urllib.request
from pathlib import Path

from sqlmodel import Session

from assistant.bank.models import DemoPersona
from assistant.chat_client import ChatClient
from assistant.db import create_schema, make_engine, session_scope
from assistant.handoff.agents import add_agent
from assistant.live.models import LiveMessage
from assistant.settings import Settings
from tests.builders import build_customer
from tests.databases import fresh_postgres_url
from tests.faults.harness import BackgroundApp, Services, free_port
from tests.gateway.agent_fixtures import hand_off
from tests.gateway.conftest import RASA_CHANNEL_SECRET, RASA_TOKEN, RasaStandIn, rasa_app

CONVERSATION_SECRET = "fault-test-conversation-secret-32b"
PASSWORD = "fault-test-agent-password"
MISSED = "Your refund is on its way."


def post(url: str, body: dict, token: str | None = None) -> dict:
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_a_client_reconnecting_to_a_restarted_gateway_gets_the_agent_reply_it_missed_once(tmp_path: Path) -> None:
    for database_url in fresh_postgres_url():
        engine = make_engine(database_url)
        create_schema(engine)
        with Session(engine) as db:
            build_customer(db, 1)
            db.add(DemoPersona(customer_id=1))
            db.commit()
        with session_scope(engine) as session:
            add_agent(session, "alex@lumen.example", "Alex", PASSWORD)
        rasa = RasaStandIn()
        served = BackgroundApp(rasa_app(rasa))
        ticket = hand_off(engine, rasa, Settings(conversation_secret=CONVERSATION_SECRET), 1)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        services = Services(tmp_path, {
            **os.environ, "ASSISTANT_PROFILE": "embedded", "DATABASE_URL": database_url,
            "RASA_URL": served.url, "RASA_TOKEN": RASA_TOKEN, "RASA_CHANNEL_SECRET": RASA_CHANNEL_SECRET,
            "CONVERSATION_SECRET": CONVERSATION_SECRET, "JWT_SECRET": "fault-test-jwt-secret-of-32-bytes!!",
            "GATEWAY_HOST": "127.0.0.1", "GATEWAY_PORT": str(port),
        })
        try:
            gateway = services.python("gateway", ["assistant.gateway"], ready_url=f"{url}/healthz")
            received, duplicates = asyncio.run(_kill_reply_and_reconnect(url, ticket, gateway))
        finally:
            services.stop_all()
            served.close()
        with Session(engine) as db:
            stored = db.query(LiveMessage).count()
        engine.dispose()

        assert received == [(1, "agent", "Hello, this is Alex from Lumen Bank. I've read our chat so far and I'm "
                                         "here to help."), (2, "agent", MISSED)]
        assert (duplicates, stored) == (0, 2)
        print(f"\nagent messages sent: 2 (1 while disconnected); stored: {stored}; received: {len(received)}; "
              f"duplicates seen: {duplicates}")


async def _kill_reply_and_reconnect(url: str, ticket: int, gateway) -> tuple[list[tuple[int, str, str]], int]:
    customer = ChatClient(url, 1, timeout=10)
    agent = post(f"{url}/api/v1/agent/auth", {"email": "alex@lumen.example", "password": PASSWORD})["token"]
    live = customer.live()
    received: list[tuple[int, str, str]] = []
    try:
        await live.connect()
        post(f"{url}/api/v1/agent/tickets/{ticket}/claim", {}, agent)  # the agent's greeting, seq 1
        greeting = await live.receive(timeout=5)
        received.append((greeting["seq"], greeting["type"], greeting["messages"][0]["text"]))

        gateway.kill()
        try:
            while await live.receive(timeout=5) is not None:
                pass
        except ConnectionError:
            pass  # the socket died with the gateway
        gateway.start()
        post(f"{url}/api/v1/agent/tickets/{ticket}/messages", {"text": MISSED}, agent)  # nobody is connected
        await live.connect()
        while (event := await live.receive(timeout=1.0)) is not None:
            received.append((event["seq"], event["type"], event["messages"][0]["text"]))
        return received, live.duplicates
    finally:
        await live.close()
