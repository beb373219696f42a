"""Chat forwarding: the customer's signed conversation id, Rasa's replies normalised, Rasa's failures as JSON."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from assistant.gateway.rasa_client import normalise_messages
from assistant.identity import conversation_id_for, customer_id_from
from assistant.settings import Settings
from tests.gateway.conftest import GatewayFactory, RasaStandIn, bearer, free_port, sign_in


async def test_chat_sends_rasa_the_conversation_id_of_the_token_subject_not_the_body(
    client: TestClient, rasa: RasaStandIn, settings: Settings
) -> None:
    token = await sign_in(client, 1)
    spoofed = conversation_id_for(2, settings.conversation_secret)

    response = await client.post("/api/v1/chat", json={"message": "hi", "sender": spoofed, "customer_id": 2},
                                 headers=bearer(token))

    assert response.status == 200, await response.text()
    assert [(body["sender"], body["message"]) for body in rasa.received] == [
        (conversation_id_for(1, settings.conversation_secret), "hi")]


async def test_chat_conversation_id_verifies_as_the_signed_in_customer(
    client: TestClient, rasa: RasaStandIn, settings: Settings
) -> None:
    token = await sign_in(client, 2)
    await client.post("/api/v1/chat", json={"message": "balance"}, headers=bearer(token))
    assert customer_id_from(rasa.received[0]["sender"], settings.conversation_secret) == 2


async def test_the_same_words_sent_twice_at_once_are_two_messages_not_a_replay(client: TestClient,
                                                                              rasa: RasaStandIn) -> None:
    token = await sign_in(client, 1)
    for _ in range(2):
        await client.post("/api/v1/chat", json={"message": "yes"}, headers=bearer(token))
    assert (len({body["message_id"] for body in rasa.received}), rasa.refused) == (2, [])


async def test_a_gateway_with_another_channel_secret_is_refused_by_rasa(gateway: GatewayFactory,
                                                                          rasa: RasaStandIn) -> None:
    client = await gateway(RASA_CHANNEL_SECRET="not-the-channel-secret")
    response = await client.post("/api/v1/chat", json={"message": "hi"}, headers=bearer(await sign_in(client, 1)))
    assert (response.status, rasa.refused, rasa.received) == (503, ["bad_signature"], [])


async def test_chat_returns_rasa_replies_as_text_buttons_and_custom_without_recipient(
    client: TestClient,
) -> None:
    token = await sign_in(client, 1)
    response = await client.post("/api/v1/chat", json={"message": "hi"}, headers=bearer(token))
    assert await response.json() == {"messages": [
        {"text": "Hello!"},
        {"text": "Send £25 to Mum?", "buttons": [{"title": "Yes", "payload": "/affirm"},
                                                 {"title": "No", "payload": "/deny"}]},
        {"custom": {"type": "transactions", "items": [
            {"date": "2026-11-19", "merchant": "Tesco", "category": "groceries", "amount": "-45.20", "currency": "GBP"},
        ]}},
    ]}


async def test_chat_sends_a_button_payload_in_place_of_the_message(client: TestClient, rasa: RasaStandIn) -> None:
    token = await sign_in(client, 1)
    await client.post("/api/v1/chat", json={"message": "send £25 to mum"}, headers=bearer(token))
    await client.post("/api/v1/chat", json={"message": "Yes", "payload": "/affirm"}, headers=bearer(token))
    assert rasa.received[-1]["message"] == "/affirm"


async def test_chat_trims_surrounding_whitespace_before_forwarding(client: TestClient, rasa: RasaStandIn) -> None:
    token = await sign_in(client, 1)
    await client.post("/api/v1/chat", json={"message": "  what's my balance?\n"}, headers=bearer(token))
    assert rasa.received[0]["message"] == "what's my balance?"


def test_normalise_messages_drops_empty_text_invalid_buttons_and_non_objects() -> None:
    raw = [
        "not a message",
        {"recipient_id": "x", "text": "   "},
        {"recipient_id": "x", "text": "Pick one", "buttons": [{"title": "Savings", "payload": "/inform"},
                                                               {"title": "No payload"}, "junk"]},
        {"recipient_id": "x", "buttons": [{"payload": "/affirm"}]},
    ]
    assert normalise_messages(raw) == [
        {"text": "Pick one", "buttons": [{"title": "Savings", "payload": "/inform"}]},
        {"buttons": [{"title": "/affirm", "payload": "/affirm"}]},
    ]


async def test_chat_when_rasa_is_down_is_503_json(gateway: GatewayFactory) -> None:
    client = await gateway(RASA_URL=f"http://127.0.0.1:{free_port()}")
    token = await sign_in(client, 1)

    response = await client.post("/api/v1/chat", json={"message": "hi"}, headers=bearer(token))

    assert response.status == 503
    assert (await response.json())["error"]["code"] == "assistant_unavailable"


async def test_chat_when_rasa_is_too_slow_is_504_json(gateway: GatewayFactory, rasa: RasaStandIn) -> None:
    rasa.delay_seconds = 2.0
    client = await gateway(RASA_TIMEOUT_SECONDS="0.3")
    token = await sign_in(client, 1)

    response = await client.post("/api/v1/chat", json={"message": "hi"}, headers=bearer(token))

    assert response.status == 504
    assert (await response.json())["error"]["code"] == "assistant_timeout"


async def test_chat_when_rasa_fails_is_503_json_and_not_retried(client: TestClient, rasa: RasaStandIn) -> None:
    rasa.status = 500
    token = await sign_in(client, 1)

    response = await client.post("/api/v1/chat", json={"message": "send £5 to Mum"}, headers=bearer(token))

    assert (response.status, (await response.json())["error"]["code"], len(rasa.received)) == (
        503, "assistant_unavailable", 1)
