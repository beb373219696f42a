"""A gateway SIGKILLed while it holds a proactive idempotency key: the push service's retry against the restarted
gateway sends the fraud check once the key's lease has run out, into the conversation exactly once, whether the
gateway died before Rasa took the message or after.

Real processes: the gateway (`python -m assistant.gateway`) on a real PostgreSQL database, killed with SIGKILL. Rasa
is the gateway tests' stand-in (tests/gateway/conftest.py), served from this process behind the harness's TCP proxy:
the proxy black-holes the first attempt (the gateway dies before Rasa has it), or the stand-in records the message
and is slow to answer (the gateway dies after Rasa has it, before it stored its response).
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from assistant.proactive.models import ProactiveDelivery
from assistant.signing import sign
from tests.faults.gateway_process import gateway_env, one_customer_bank
from tests.faults.harness import BackgroundApp, ServiceProcess, Services, TcpProxy, free_port, wait_for
from tests.gateway.conftest import RasaStandIn, rasa_app

SECRET = "fault-test-proactive-secret-of-32-bytes"
KEY = "alert-fault-1"
BODY = {"customer_id": 1, "event": "unusual_purchase", "idempotency_key": KEY,
        "data": {"transaction_id": "t-1-0", "alert_id": 1, "reason": "much larger than usual"}}


@dataclass
class Stack:
    """The gateway process, the Rasa stand-in it talks to through the proxy, and the bank database."""

    gateway: ServiceProcess
    url: str
    rasa: RasaStandIn
    proxy: TcpProxy
    engine: Engine


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    with one_customer_bank(demo_persona=False) as (database_url, engine):
        rasa = RasaStandIn(replies=[{"text": "Was this you?"}])
        served = BackgroundApp(rasa_app(rasa))
        proxy = TcpProxy("127.0.0.1", served.port)
        port = free_port()
        services = Services(tmp_path, gateway_env(database_url, f"http://{proxy.address}", port,
                                                  PROACTIVE_SECRET=SECRET, PROACTIVE_KEY_LEASE_SECONDS="1"))
        gateway = services.python("gateway", ["assistant.gateway"], ready_url=f"http://127.0.0.1:{port}/healthz")
        try:
            yield Stack(gateway, f"http://127.0.0.1:{port}/api/v1/proactive", rasa, proxy, engine)
        finally:
            services.stop_all()
            proxy.close()
            served.close()


def post_signed(url: str, body: dict[str, Any], timeout: float = 10,
                spelling: int = 0) -> tuple[int, dict[str, Any], dict[str, str]]:
    """POST a freshly signed request, as the push service signs each attempt; status, body and headers.

    `spelling` indents the JSON differently: the same request, other bytes, so another signature even within the
    same second (the key compares the canonical request, not the bytes)."""
    raw = json.dumps(body, indent=spelling or None).encode()
    request = urllib.request.Request(url, data=raw, method="POST",
                                     headers={"Content-Type": "application/json", **sign(raw, SECRET)})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read()), dict(response.headers)
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read()), dict(refused.headers)


def key_status(engine: Engine) -> str | None:
    with Session(engine) as db:
        delivery = db.get(ProactiveDelivery, KEY)
        return None if delivery is None else delivery.status


def retry_like_the_push_service(url: str, attempts: int = 10) -> list[int]:
    """Retry until the gateway answers other than 409, waiting Retry-After between; the statuses seen."""
    statuses = []
    for attempt in range(attempts):
        status, _body, headers = post_signed(url, BODY, spelling=attempt + 1)
        statuses.append(status)
        if status != 409:
            break
        time.sleep(int(headers["Retry-After"]))
    return statuses


def kill_gateway_mid_request(stack: Stack, after_rasa_took_it: bool) -> None:
    """Send the first attempt and SIGKILL the gateway while it waits for Rasa, holding the key."""
    if after_rasa_took_it:
        stack.rasa.delay_seconds = 3  # Rasa records the message, then is slow to answer (past the kill)
    else:
        stack.proxy.set_mode("blackhole")  # the attempt reaches Rasa's socket but never Rasa
    with ThreadPoolExecutor(max_workers=1) as pool:
        first = pool.submit(post_signed, stack.url, BODY, 60)
        wait_for(lambda: key_status(stack.engine) == "sending" and len(stack.rasa.triggered) == int(after_rasa_took_it),
                 10, "the gateway to take the key and call Rasa")
        stack.gateway.kill()
        with pytest.raises((ConnectionError, urllib.error.URLError)):
            first.result(10)
    stack.rasa.delay_seconds = 0
    stack.proxy.set_mode("pass")


@pytest.mark.parametrize("after_rasa_took_it", [False, True], ids=["before-rasa-took-it", "after-rasa-took-it"])
def test_a_gateway_killed_holding_a_key_leaves_it_to_the_retry_which_sends_the_fraud_check_once(
    stack: Stack, after_rasa_took_it: bool
) -> None:
    kill_gateway_mid_request(stack, after_rasa_took_it)
    stack.gateway.start()

    statuses = retry_like_the_push_service(stack.url)
    replay_status, replay, replay_headers = post_signed(stack.url, BODY, spelling=99)

    conversation = [event for events in stack.rasa.trackers.values() for event in events
                    if event.get("text") == "EXTERNAL: EXTERNAL_unusual_purchase"]
    assert statuses[-1] == 200 and set(statuses[:-1]) <= {409}, statuses
    assert (replay_status, replay["duplicate"], replay_headers.get("Idempotent-Replayed")) == (200, True, "true")
    assert (len(stack.rasa.triggered), len(conversation), key_status(stack.engine)) == (1, 1, "sent")
    print(f"\nattempts: 1 killed + {len(statuses)} retries ({statuses}) + 1 replay; "
          f"messages in the conversation: {len(conversation)}; duplicates: {len(conversation) - 1}")
