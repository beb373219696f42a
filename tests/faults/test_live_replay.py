"""A gateway SIGKILLed while a customer's websocket is open: an agent replies while the customer is disconnected, the
gateway restarts, and the customer's client reconnects from the last sequence it saw and gets the reply exactly once.

Real processes: the gateway (`python -m assistant.gateway`) on a real PostgreSQL database, killed with SIGKILL. Rasa
is the gateway tests' stand-in (tests/gateway/conftest.py), served from this process: the chat is with a person, so
Rasa only records the agent's messages. The customer's client is `assistant.chat_client.LiveChannel`, and then the
web chat itself in headless Chromium (its live.js resumes the channel instead of reloading the history).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from assistant.chat_client import ChatClient
from assistant.db import session_scope
from assistant.handoff.agents import add_agent
from assistant.live.models import LiveMessage
from assistant.settings import Settings
from tests.faults.gateway_process import CONVERSATION_SECRET, gateway_env, one_customer_bank
from tests.faults.harness import ROOT, BackgroundApp, ServiceProcess, Services, free_port
from tests.gateway.agent_fixtures import hand_off
from tests.gateway.conftest import RasaStandIn, rasa_app

PASSWORD = "fault-test-agent-password"
MISSED = "Your refund is on its way."
GREETING = "Hello, this is Alex from Lumen Bank. I've read our chat so far and I'm here to help."


def post(url: str, body: dict, token: str | None = None) -> dict:
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


@dataclass
class HandedOff:
    """The gateway process, the chat it serves (handed off to agent Alex, not yet claimed) and the bank database."""

    gateway: ServiceProcess
    url: str
    ticket: int
    engine: Engine


@pytest.fixture
def handed_off(tmp_path: Path) -> Iterator[HandedOff]:
    with one_customer_bank() as (database_url, engine):
        with session_scope(engine) as session:
            add_agent(session, "alex@lumen.example", "Alex", PASSWORD)
        rasa = RasaStandIn()
        served = BackgroundApp(rasa_app(rasa))
        ticket = hand_off(engine, rasa, Settings(conversation_secret=CONVERSATION_SECRET), 1)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        services = Services(tmp_path, gateway_env(database_url, served.url, port))
        try:
            gateway = services.python("gateway", ["assistant.gateway"], ready_url=f"{url}/healthz")
            yield HandedOff(gateway, url, ticket, engine)
        finally:
            services.stop_all()
            served.close()


def stored_live_messages(engine: Engine) -> int:
    with Session(engine) as db:
        return db.query(LiveMessage).count()


def agent_sign_in(url: str) -> str:
    return post(f"{url}/api/v1/agent/auth", {"email": "alex@lumen.example", "password": PASSWORD})["token"]


def test_a_client_reconnecting_to_a_restarted_gateway_gets_the_agent_reply_it_missed_once(
        handed_off: HandedOff) -> None:
    received, duplicates = asyncio.run(_kill_reply_and_reconnect(handed_off.url, handed_off.ticket,
                                                                 handed_off.gateway))
    stored = stored_live_messages(handed_off.engine)

    assert received == [(1, "agent", GREETING), (2, "agent", MISSED)]
    assert (duplicates, stored) == (0, 2)
    print(f"\nagent messages sent: 2 (1 while disconnected); stored: {stored}; received: {len(received)}; "
          f"duplicates seen: {duplicates}")


@pytest.mark.browser
def test_the_web_chat_reconnects_to_a_restarted_gateway_and_shows_the_missed_reply_once(
        handed_off: HandedOff) -> None:
    from playwright.sync_api import expect, sync_playwright

    from tests.e2e.conftest import CHROMIUM_FLAGS

    url, ticket = handed_off.url, handed_off.ticket
    chromium = subprocess.run([str(ROOT / "scripts" / "ensure-chromium")], capture_output=True, text=True, check=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium.stdout.strip(), args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page()
            page.goto(url + "/")
            page.locator("#personas button.persona").first.click()
            expect(page.locator("body[data-live=on]")).to_have_count(1, timeout=10_000)
            agent = agent_sign_in(url)
            post(f"{url}/api/v1/agent/tickets/{ticket}/claim", {}, agent)
            expect(page.locator("li.from-agent")).to_have_count(1, timeout=10_000)
            # Marks the page as it is: reloading the history instead of resuming the channel would rebuild it.
            page.evaluate("document.querySelector('li.from-agent').dataset.kept = 'yes'")

            handed_off.gateway.kill()
            expect(page.locator("body[data-live=off]")).to_have_count(1, timeout=10_000)
            handed_off.gateway.start()
            post(f"{url}/api/v1/agent/tickets/{ticket}/messages", {"text": MISSED}, agent)
            expect(page.locator("body[data-live=on]")).to_have_count(1, timeout=30_000)
            missed = page.locator("li.from-agent", has_text=MISSED)
            expect(missed).to_have_count(1, timeout=10_000)
            page.wait_for_timeout(1000)  # a duplicate would arrive with the replay, at once
            shown = page.locator("li.from-agent").count()
            resumed = page.locator("li.from-agent[data-kept=yes]").count() == 1
        finally:
            browser.close()
    assert (shown, resumed) == (2, True)
    print(f"\nweb chat: 2 agent messages shown (1 sent while disconnected), duplicates: {shown - 2}")


async def _kill_reply_and_reconnect(url: str, ticket: int, gateway: ServiceProcess) -> tuple[list[tuple[int, str, str]], int]:
    customer = ChatClient(url, 1, timeout=10)
    agent = agent_sign_in(url)
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
