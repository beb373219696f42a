"""POST /api/v1/proactive: HMAC-signed, fresh, never replayed, once per key, into the conversation and open chat.

Idempotency keys as Stripe's: the first complete response replayed, another request under the same key 422, a key
still being sent 409 until its lease runs out, a key left sending by a crash taken over, keys expiring."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import timedelta
from typing import Any

from aiohttp import ClientSession
from aiohttp.test_utils import TestClient
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from assistant.db import utcnow
from assistant.identity import conversation_id_for
from assistant.proactive.deliveries import KeyPolicy, accept
from assistant.gateway.keys import SETTINGS
from assistant.proactive.models import ProactiveDelivery
from assistant.proactive.notifications import trigger_entities
from assistant.proactive.requests import parse_request
from assistant.signing import sign
from assistant.settings import Settings
from tests.gateway.conftest import (
    RASA_TOKEN, GatewayFactory, RasaStandIn, bearer, customer_socket, sign_in,
)

URL = "/api/v1/proactive"


def unusual_purchase(key: str = "alert-1", customer_id: int = 1, transaction: str = "t-1-0") -> dict[str, Any]:
    return {"customer_id": customer_id, "event": "unusual_purchase", "idempotency_key": key,
            "data": {"transaction_id": transaction, "alert_id": 11, "reason": "much larger than usual"}}


async def post_signed(client: TestClient, settings: Settings, body: Any, timestamp: int | None = None,
                      secret: str | None = None) -> Any:
    raw = json.dumps(body).encode() if not isinstance(body, bytes) else body
    headers = {"Content-Type": "application/json", **sign(raw, secret or settings.proactive_secret, timestamp)}
    return await client.post(URL, data=raw, headers=headers)


async def test_a_signed_request_returns_the_notification_with_a_deep_link_into_the_chat(
    client: TestClient, settings: Settings
) -> None:
    response = await post_signed(client, settings, unusual_purchase())
    body = await response.json()
    assert response.status == 200, body
    assert body["notification"]["title"] == "Was this you?"
    assert body["notification"]["body"].startswith("£45.20 at Tesco on 19 Nov 2026")
    assert body["notification"]["deep_link"] == "lumenbank://chat?event=unusual_purchase&ref=alert-1"
    assert (body["duplicate"], body["delivered_live"]) == (False, False)


async def test_the_event_triggers_its_external_intent_in_the_customers_conversation(
    client: TestClient, rasa: RasaStandIn, settings: Settings
) -> None:
    await post_signed(client, settings, unusual_purchase())
    assert rasa.triggered == [{"sender": conversation_id_for(1, settings.conversation_secret),
                               "name": "EXTERNAL_unusual_purchase",
                               "entities": {"transaction_id": "t-1-0", "alert_reason": "much larger than usual"}}]


async def test_the_message_arrives_at_once_in_an_open_chat(client: TestClient, settings: Settings) -> None:
    socket = await customer_socket(client, 1)

    body = await (await post_signed(client, settings, unusual_purchase())).json()

    event = await socket.receive_json(timeout=2)
    assert body["delivered_live"] is True
    assert (event["type"], event["messages"][0]["text"]) == ("proactive", "Hello!")


async def test_the_message_shows_up_in_the_customers_history(client: TestClient, settings: Settings) -> None:
    await post_signed(client, settings, unusual_purchase())
    history = await (await client.get("/api/v1/chat/history", headers=bearer(await sign_in(client, 1)))).json()
    assert [(m["from"], m.get("proactive")) for m in history["messages"]][:1] == [("bot", True)]
    assert "EXTERNAL" not in json.dumps(history)


async def test_the_same_key_twice_sends_one_message_and_replays_the_first_response(
    client: TestClient, rasa: RasaStandIn, settings: Settings
) -> None:
    await customer_socket(client, 1)  # delivered_live is true the first time: the replay must say so too
    first = await (await post_signed(client, settings, unusual_purchase(), timestamp=int(time.time()) - 5)).json()
    second = await post_signed(client, settings, unusual_purchase())
    assert len(rasa.triggered) == 1
    assert (second.status, second.headers.get("Idempotent-Replayed")) == (200, "true")
    assert await second.json() == {**first, "duplicate": True}


async def test_two_requests_with_the_same_key_at_once_send_one_message_and_the_other_is_told_to_retry(
    client: TestClient, rasa: RasaStandIn, settings: Settings
) -> None:
    rasa.delay_seconds = 0.5  # the first holds the key while Rasa answers
    now = int(time.time())
    responses = await asyncio.gather(post_signed(client, settings, unusual_purchase(), timestamp=now),
                                     post_signed(client, settings, unusual_purchase(), timestamp=now - 1))
    assert len(rasa.triggered) == 1
    assert sorted(response.status for response in responses) == [200, 409]


def hold_key(engine: Engine, settings: Settings, body: dict[str, Any]) -> None:
    """Leave a key as an attempt that died after taking it leaves it: `sending`, under a lease, no response."""
    accept(engine, parse_request(body), "sha256=crashed-attempt", int(time.time()), settings.chat_deep_link,
           KeyPolicy.of(settings))


def age(engine: Engine, key: str, **values: Any) -> None:
    """Write a key's row as the passing of time would have left it."""
    with Session(engine) as db:
        db.exec(update(ProactiveDelivery).where(ProactiveDelivery.idempotency_key == key).values(**values))
        db.commit()


async def test_a_key_being_sent_is_409_with_the_seconds_left_on_its_lease(
    client: TestClient, rasa: RasaStandIn, settings: Settings, sqlite_engine: Engine
) -> None:
    hold_key(sqlite_engine, settings, unusual_purchase())
    response = await post_signed(client, settings, unusual_purchase())
    body = await response.json()
    assert (response.status, body["error"]["code"], rasa.triggered) == (409, "request_in_progress", [])
    assert 1 <= int(response.headers["Retry-After"]) <= settings.proactive_key_lease_seconds


async def test_a_key_left_sending_by_a_crash_is_sent_once_by_the_retry_after_its_lease(
    client: TestClient, rasa: RasaStandIn, settings: Settings, sqlite_engine: Engine
) -> None:
    hold_key(sqlite_engine, settings, unusual_purchase())
    age(sqlite_engine, "alert-1", lease_until=utcnow() - timedelta(seconds=1))

    retried = await post_signed(client, settings, unusual_purchase(), timestamp=int(time.time()) - 5)
    again = await post_signed(client, settings, unusual_purchase())

    history = await (await client.get("/api/v1/chat/history", headers=bearer(await sign_in(client, 1)))).json()
    greetings = [m for m in history["messages"] if m.get("proactive") and m.get("text") == "Hello!"]
    assert (retried.status, (await retried.json())["duplicate"], (await again.json())["duplicate"]) == (200, False, True)
    assert (len(rasa.triggered), len(greetings)) == (1, 1)


async def test_a_key_left_by_an_attempt_that_died_after_rasa_took_the_message_is_not_sent_twice(
    client: TestClient, rasa: RasaStandIn, settings: Settings, sqlite_engine: Engine
) -> None:
    hold_key(sqlite_engine, settings, unusual_purchase())
    async with ClientSession() as http:  # what the dead attempt had done: Rasa took the intent
        await http.post(f"{rasa.url}/conversations/{conversation_id_for(1, settings.conversation_secret)}"
                        f"/trigger_intent", params={"token": RASA_TOKEN},
                        json={"name": "EXTERNAL_unusual_purchase", "entities": trigger_entities(parse_request(
                            unusual_purchase()))})
    age(sqlite_engine, "alert-1", lease_until=utcnow() - timedelta(seconds=1))

    retried = await post_signed(client, settings, unusual_purchase())

    assert (retried.status, (await retried.json())["duplicate"], len(rasa.triggered)) == (200, False, 1)


async def test_a_retry_after_rasa_timed_out_but_took_the_message_does_not_send_it_twice(
    gateway: GatewayFactory, rasa: RasaStandIn
) -> None:
    client = await gateway(RASA_TIMEOUT_SECONDS="0.2")
    settings = client.server.app[SETTINGS]
    rasa.delay_seconds = 1.0  # Rasa records the message, then answers too late
    timed_out = await post_signed(client, settings, unusual_purchase(), timestamp=int(time.time()) - 5)
    rasa.delay_seconds = 0.0

    retried = await post_signed(client, settings, unusual_purchase())

    assert (timed_out.status, retried.status, len(rasa.triggered)) == (503, 200, 1)


async def test_the_same_key_with_another_transaction_is_422_and_sends_nothing(
    client: TestClient, rasa: RasaStandIn, settings: Settings
) -> None:
    await post_signed(client, settings, unusual_purchase())
    response = await post_signed(client, settings, unusual_purchase(transaction="t-1-1"))
    body = await response.json()
    assert (response.status, body["error"]["code"], len(rasa.triggered)) == (422, "idempotency_key_reused", 1)
    assert "different request" in body["error"]["message"]


async def test_an_expired_key_may_be_used_anew(
    client: TestClient, rasa: RasaStandIn, settings: Settings, sqlite_engine: Engine
) -> None:
    await post_signed(client, settings, unusual_purchase())
    age(sqlite_engine, "alert-1", created_at=utcnow() - timedelta(seconds=settings.proactive_key_ttl_seconds + 1))

    reused = await post_signed(client, settings, unusual_purchase(transaction="t-1-1"))

    assert (reused.status, (await reused.json())["duplicate"], len(rasa.triggered)) == (200, False, 2)


async def test_a_replayed_request_is_401_and_sends_nothing(
    client: TestClient, rasa: RasaStandIn, settings: Settings
) -> None:
    raw = json.dumps(unusual_purchase()).encode()
    headers = {"Content-Type": "application/json", **sign(raw, settings.proactive_secret)}
    await client.post(URL, data=raw, headers=headers)

    replay = await client.post(URL, data=raw, headers=headers)

    assert (replay.status, (await replay.json())["error"]["code"]) == (401, "replayed_request")
    assert len(rasa.triggered) == 1


async def test_a_wrong_signature_is_401(client: TestClient, rasa: RasaStandIn, settings: Settings) -> None:
    response = await post_signed(client, settings, unusual_purchase(), secret="not-the-proactive-secret")
    assert (response.status, (await response.json())["error"]["code"]) == (401, "bad_signature")
    assert rasa.triggered == []


async def test_a_body_changed_after_signing_is_401(client: TestClient, settings: Settings) -> None:
    headers = sign(json.dumps(unusual_purchase()).encode(), settings.proactive_secret)
    response = await client.post(URL, data=json.dumps(unusual_purchase(customer_id=2)), headers=headers)
    assert (await response.json())["error"]["code"] == "bad_signature"


async def test_an_unsigned_request_is_401(client: TestClient) -> None:
    response = await client.post(URL, json=unusual_purchase())
    assert (response.status, (await response.json())["error"]["code"]) == (401, "missing_signature")


async def test_a_request_older_than_five_minutes_is_401(client: TestClient, settings: Settings) -> None:
    response = await post_signed(client, settings, unusual_purchase(), timestamp=int(time.time()) - 301)
    assert (response.status, (await response.json())["error"]["code"]) == (401, "stale_request")


async def test_a_request_dated_over_a_minute_ahead_is_401(client: TestClient, settings: Settings) -> None:
    response = await post_signed(client, settings, unusual_purchase(), timestamp=int(time.time()) + 90)
    assert (response.status, (await response.json())["error"]["code"]) == (401, "future_request")


async def test_a_signed_body_that_is_not_json_is_400(client: TestClient, settings: Settings) -> None:
    response = await post_signed(client, settings, b"{not json")
    assert (response.status, (await response.json())["error"]["code"]) == (400, "invalid_json")


async def test_an_unknown_event_type_is_400_saying_which_are_known(
    client: TestClient, rasa: RasaStandIn, settings: Settings
) -> None:
    response = await post_signed(client, settings, {**unusual_purchase(), "event": "lottery_win"})
    body = await response.json()
    assert (response.status, "unusual_purchase" in body["error"]["message"], rasa.triggered) == (400, True, [])


async def test_a_bill_with_an_amount_that_is_not_money_is_400(client: TestClient, settings: Settings) -> None:
    bill = {"customer_id": 1, "event": "upcoming_bill", "idempotency_key": "bill-1",
            "data": {"merchant": "British Gas", "amount": 84.0, "due_date": "2026-12-01", "alert_id": None,
                     "reason": "due in 3 days"}}
    response = await post_signed(client, settings, bill)
    assert (response.status, "data.amount" in (await response.json())["error"]["message"]) == (400, True)


async def test_an_unknown_customer_is_404(client: TestClient, settings: Settings) -> None:
    response = await post_signed(client, settings, unusual_purchase(customer_id=999))
    assert (response.status, (await response.json())["error"]["code"]) == (404, "unknown_customer")


async def test_another_customers_transaction_is_404_and_sends_nothing(
    client: TestClient, rasa: RasaStandIn, settings: Settings
) -> None:
    response = await post_signed(client, settings, unusual_purchase(transaction="t-2-0"))
    assert (response.status, rasa.triggered) == (404, [])


async def test_a_key_reused_for_another_customer_is_422(client: TestClient, settings: Settings) -> None:
    await post_signed(client, settings, unusual_purchase())
    response = await post_signed(client, settings, unusual_purchase(customer_id=2, transaction="t-2-0"))
    assert (response.status, (await response.json())["error"]["code"]) == (422, "idempotency_key_reused")


async def test_when_rasa_fails_nothing_is_recorded_and_the_same_request_can_be_retried(
    client: TestClient, rasa: RasaStandIn, settings: Settings
) -> None:
    raw = json.dumps(unusual_purchase()).encode()
    headers = {"Content-Type": "application/json", **sign(raw, settings.proactive_secret)}
    rasa.status = 500
    failed = await client.post(URL, data=raw, headers=headers)
    rasa.status = 200

    retried = await client.post(URL, data=raw, headers=headers)

    assert (failed.status, retried.status, (await retried.json())["duplicate"]) == (503, 200, False)


async def test_each_event_type_gets_its_own_notification(client: TestClient, settings: Settings) -> None:
    events = [
        ("upcoming_bill", {"merchant": "British Gas", "amount": "84", "due_date": "2026-12-01", "reason": "soon"},
         "Bill due soon", "British Gas will take £84.00 on 1 Dec"),
        ("low_balance", {"account_id": 1, "reason": "below £50"}, "Low balance", "Your Everyday Current Account is at £2,450.67"),
        ("offer", {"product_code": "cash_isa", "reason": "saver"}, "For you: Cash ISA", "Tax-free savings"),
    ]
    for event, data, title, body_start in events:
        response = await post_signed(client, settings, {"customer_id": 1, "event": event, "data": data,
                                                        "idempotency_key": f"k-{event}"})
        notification = (await response.json())["notification"]
        assert (notification["title"], notification["body"].startswith(body_start)) == (title, True), notification
