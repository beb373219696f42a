"""GET /api/v1/chat/history: the signed-in customer's own conversation from the tracker, paged, JSON errors."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from assistant.identity import conversation_id_for
from assistant.settings import Settings
from tests.gateway.conftest import GatewayFactory, RasaStandIn, bearer, free_port, sign_in

HISTORY = "/api/v1/chat/history"


async def test_history_returns_the_conversation_so_far_in_order(client: TestClient) -> None:
    token = await sign_in(client, 1)
    await client.post("/api/v1/chat", json={"message": "hi"}, headers=bearer(token))

    response = await client.get(HISTORY, headers=bearer(token))

    body = await response.json()
    assert response.status == 200
    assert [(m["from"], m.get("text")) for m in body["messages"]] == [
        ("customer", "hi"), ("bot", "Hello!"), ("bot", "Send £25 to Mum?"), ("bot", None)]
    assert body["messages"][2]["buttons"][0] == {"title": "Yes", "payload": "/affirm"}
    assert body["messages"][3]["custom"]["type"] == "transactions"


async def test_history_reads_only_the_signed_in_customers_conversation(
    client: TestClient, rasa: RasaStandIn, settings: Settings
) -> None:
    rasa.trackers[conversation_id_for(2, settings.conversation_secret)] = [
        {"event": "user", "text": "customer two's secret", "timestamp": 1.0}]
    token = await sign_in(client, 1)

    body = await (await client.get(HISTORY, headers=bearer(token))).json()

    assert body == {"messages": [], "has_more": False, "next_before": None}


async def test_history_pages_back_with_limit_and_before(client: TestClient) -> None:
    token = await sign_in(client, 1)
    for text in ("one", "two"):
        await client.post("/api/v1/chat", json={"message": text}, headers=bearer(token))

    latest = await (await client.get(HISTORY, params={"limit": "4"}, headers=bearer(token))).json()
    earlier = await (await client.get(HISTORY, params={"before": str(latest["next_before"])},
                                      headers=bearer(token))).json()

    assert [m.get("text") for m in latest["messages"]][0] == "two"
    assert [m.get("text") for m in earlier["messages"]][0] == "one"
    assert earlier["has_more"] is False


async def test_history_without_a_token_is_401(client: TestClient) -> None:
    response = await client.get(HISTORY)
    assert (response.status, (await response.json())["error"]["code"]) == (401, "unauthorized")


async def test_history_with_a_limit_over_the_cap_is_400(client: TestClient) -> None:
    token = await sign_in(client, 1)
    response = await client.get(HISTORY, params={"limit": "201"}, headers=bearer(token))
    assert (response.status, (await response.json())["error"]["code"]) == (400, "invalid_query")


async def test_history_with_a_cursor_that_is_not_a_number_is_400(client: TestClient) -> None:
    token = await sign_in(client, 1)
    response = await client.get(HISTORY, params={"before": "yesterday"}, headers=bearer(token))
    assert response.status == 400


async def test_history_when_rasa_is_down_is_503_json(gateway: GatewayFactory) -> None:
    client = await gateway(RASA_URL=f"http://127.0.0.1:{free_port()}")
    token = await sign_in(client, 1)
    response = await client.get(HISTORY, headers=bearer(token))
    assert (response.status, (await response.json())["error"]["code"]) == (503, "assistant_unavailable")
