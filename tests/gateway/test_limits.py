"""What one client may consume over HTTP: chat messages per customer, sign-ins per IP, failed sign-ins per account.

Refusals are 429 with Retry-After and the gateway's error body; sign-in refusals come before the password hash.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from aiohttp.test_utils import TestClient

from assistant.chat_client import ChatClient
from assistant.gateway.auth import issue_token
from assistant.gateway.keys import SETTINGS
from assistant.handoff import passwords
from tests.databases import REDIS_URL
from tests.gateway.agent_fixtures import PASSWORD, Agents, agents  # noqa: F401
from tests.gateway.conftest import GatewayFactory, bearer, sign_in
from tests.gateway.test_openapi import assert_documented

ALEX = "alex@lumen.example"
# Lockout on the third failure with no back-off before it, so a test can fail three times in a row.
LOCK_ON_THIRD = {"SIGN_IN_LOCKOUT_FAILURES": "3", "SIGN_IN_FREE_FAILURES": "5", "SIGN_IN_LOCKOUT_SECONDS": "900"}


@pytest.fixture
def password_hashes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Counts the scrypt derivations run from now on (the real derivation, called through and counted)."""
    calls: list[str] = []
    real = passwords._derive

    def counted(password: str, *args: object) -> bytes:
        calls.append("scrypt")
        return real(password, *args)

    monkeypatch.setattr(passwords, "_derive", counted)
    yield calls


async def say(client: TestClient, token: str, message: str = "hi"):
    return await client.post("/api/v1/chat", json={"message": message}, headers=bearer(token))


async def agent_sign_in(client: TestClient, password: str, email: str = ALEX, **headers: str):
    return await client.post("/api/v1/agent/auth", json={"email": email, "password": password}, headers=headers)


async def test_a_message_past_the_customers_rate_is_429_with_retry_after_and_the_error_body(
    gateway: GatewayFactory,
) -> None:
    client = await gateway(CHAT_MESSAGES_PER_MINUTE="1", CHAT_MESSAGE_BURST="2")
    token = await sign_in(client, 1)
    statuses = [(await say(client, token)).status for _ in range(2)]
    refused = await say(client, token)
    assert (statuses, refused.status, refused.headers["Retry-After"]) == ([200, 200], 429, "60")
    body = await refused.json()
    assert body["error"]["code"] == "too_many_messages" and "60 seconds" in body["error"]["message"]
    assert_documented("/api/v1/chat", "post", 429, body)


async def test_a_page_of_an_allowed_origin_may_read_retry_after(gateway: GatewayFactory) -> None:
    origin = "https://app.lumen.example"
    client = await gateway(CORS_ALLOWED_ORIGINS=origin, CHAT_MESSAGES_PER_MINUTE="1", CHAT_MESSAGE_BURST="1")
    token = await sign_in(client, 1)
    await say(client, token)
    refused = await client.post("/api/v1/chat", json={"message": "hi"}, headers={**bearer(token), "Origin": origin})
    assert (refused.status, refused.headers.get("Access-Control-Expose-Headers")) == (429, "Retry-After")


async def test_one_customers_message_rate_leaves_other_customers_alone(gateway: GatewayFactory) -> None:
    client = await gateway(CHAT_MESSAGES_PER_MINUTE="1", CHAT_MESSAGE_BURST="1")
    first, second = await sign_in(client, 1), await sign_in(client, 2)
    await say(client, first)
    assert ((await say(client, first)).status, (await say(client, second)).status) == (429, 200)


async def test_a_rate_of_zero_switches_the_message_limit_off(gateway: GatewayFactory) -> None:
    client = await gateway(CHAT_MESSAGES_PER_MINUTE="0", CHAT_MESSAGE_BURST="1")
    token = await sign_in(client, 1)
    assert {(await say(client, token)).status for _ in range(5)} == {200}


async def test_starting_a_new_session_takes_from_the_same_allowance(gateway: GatewayFactory) -> None:
    client = await gateway(CHAT_MESSAGES_PER_MINUTE="1", CHAT_MESSAGE_BURST="1")
    token = await sign_in(client, 1)
    await say(client, token)
    response = await client.post("/api/v1/chat/session", headers=bearer(token))
    assert (response.status, response.headers.get("Retry-After")) == (429, "60")


async def test_a_refused_message_never_reaches_the_assistant(gateway: GatewayFactory, rasa) -> None:
    client = await gateway(CHAT_MESSAGES_PER_MINUTE="1", CHAT_MESSAGE_BURST="1")
    token = await sign_in(client, 1)
    await say(client, token, "first")
    await say(client, token, "second")
    assert [body["message"] for body in rasa.received] == ["first"]


async def test_the_chat_client_waits_out_the_message_rate_and_counts_the_wait(gateway: GatewayFactory) -> None:
    client = await gateway(CHAT_MESSAGES_PER_MINUTE="60", CHAT_MESSAGE_BURST="1")

    def chat_twice() -> ChatClient:
        chat = ChatClient(str(client.make_url("")), 1)
        chat.say("hi")
        chat.say("hi again")
        return chat

    chat = await asyncio.to_thread(chat_twice)
    assert chat.waited_seconds == 1


async def test_two_gateways_on_one_redis_share_a_customers_message_rate(gateway: GatewayFactory) -> None:
    shared = {"REDIS_URL": REDIS_URL, "CHAT_MESSAGES_PER_MINUTE": "1", "CHAT_MESSAGE_BURST": "2"}
    first, second = await gateway(**shared), await gateway(**shared)
    token = issue_token(1, first.server.app[SETTINGS])
    statuses = [(await say(gateway_client, token)).status for gateway_client in (first, second, first, second)]
    assert statuses == [200, 200, 429, 429]


async def test_the_limits_store_being_down_refuses_messages_with_503(gateway: GatewayFactory) -> None:
    client = await gateway(REDIS_URL="redis://127.0.0.1:9/0")
    token = issue_token(1, client.server.app[SETTINGS])
    response = await say(client, token)
    assert (response.status, (await response.json())["error"]["code"]) == (503, "limits_unavailable")


async def test_the_sign_in_lockout_holds_against_the_right_password_without_hashing_it(
    gateway: GatewayFactory, agents: Agents, password_hashes: list[str],
) -> None:
    client = await gateway(**LOCK_ON_THIRD)
    failures = [(await agent_sign_in(client, "wrong password")).status for _ in range(3)]
    hashed_while_failing = len(password_hashes)
    password_hashes.clear()
    locked = await agent_sign_in(client, PASSWORD)
    assert (failures, locked.status, (await locked.json())["error"]["code"]) == ([401] * 3, 429, "sign_in_locked")
    assert (locked.headers["Retry-After"], hashed_while_failing, password_hashes) == ("900", 3, [])


async def test_a_lockout_is_for_that_account_only(gateway: GatewayFactory, agents: Agents) -> None:
    client = await gateway(**LOCK_ON_THIRD)
    for _ in range(3):
        await agent_sign_in(client, "wrong password")
    assert (await agent_sign_in(client, PASSWORD, email="sam@lumen.example")).status == 200


async def test_an_unknown_email_is_locked_out_like_a_real_one(gateway: GatewayFactory, agents: Agents) -> None:
    client = await gateway(**LOCK_ON_THIRD)
    statuses = [(await agent_sign_in(client, "guess", email="nobody@lumen.example")).status for _ in range(4)]
    assert statuses == [401, 401, 401, 429]  # the lockout says nothing about whether the account exists


async def test_failures_past_the_free_ones_back_off_exponentially(gateway: GatewayFactory, agents: Agents) -> None:
    client = await gateway(SIGN_IN_FREE_FAILURES="1", SIGN_IN_BACKOFF_SECONDS="30")
    first, second = await agent_sign_in(client, "wrong"), await agent_sign_in(client, "wrong")
    waiting = await agent_sign_in(client, PASSWORD)
    assert (first.status, second.status, waiting.status, waiting.headers["Retry-After"]) == (401, 401, 429, "30")


async def test_a_successful_sign_in_forgets_the_accounts_failures(gateway: GatewayFactory, agents: Agents) -> None:
    client = await gateway(**LOCK_ON_THIRD)
    for password in ("wrong", "wrong", PASSWORD, "wrong", "wrong"):
        await agent_sign_in(client, password)
    assert (await agent_sign_in(client, PASSWORD)).status == 200


async def test_one_ip_is_limited_in_sign_in_attempts_whatever_the_email(
    gateway: GatewayFactory, agents: Agents,
) -> None:
    client = await gateway(SIGN_INS_PER_MINUTE="1", SIGN_IN_BURST="2")
    emails = ["a@lumen.example", "b@lumen.example", ALEX]
    responses = [await agent_sign_in(client, "guess", email=email) for email in emails]
    refused = responses[-1]
    assert ([r.status for r in responses], (await refused.json())["error"]["code"]) == (
        [401, 401, 429], "too_many_sign_ins")
    assert refused.headers["Retry-After"] == "60"
    assert_documented("/api/v1/agent/auth", "post", 429, await refused.json())


async def test_one_ip_is_locked_out_after_its_failures_across_accounts(gateway: GatewayFactory, agents: Agents) -> None:
    client = await gateway(SIGN_IN_IP_LOCKOUT_FAILURES="3", SIGN_IN_FREE_FAILURES="5")
    for index in range(3):
        await agent_sign_in(client, "guess", email=f"user{index}@lumen.example")
    assert (await agent_sign_in(client, PASSWORD)).status == 429


async def test_demo_sign_in_is_limited_per_ip(gateway: GatewayFactory) -> None:
    client = await gateway(SIGN_INS_PER_MINUTE="1", SIGN_IN_BURST="2")
    statuses = [(await client.post("/api/v1/auth/demo", json={"customer_id": 1})).status for _ in range(3)]
    assert statuses == [200, 200, 429]


async def test_forwarded_for_is_ignored_unless_proxies_are_trusted(gateway: GatewayFactory, agents: Agents) -> None:
    client = await gateway(SIGN_INS_PER_MINUTE="1", SIGN_IN_BURST="1")
    first = await agent_sign_in(client, "guess", **{"X-Forwarded-For": "198.51.100.1"})
    spoofed = await agent_sign_in(client, "guess", **{"X-Forwarded-For": "198.51.100.2"})
    assert (first.status, spoofed.status) == (401, 429)


async def test_behind_trusted_proxies_the_client_is_the_forwarded_address_they_appended(
    gateway: GatewayFactory, agents: Agents,
) -> None:
    client = await gateway(SIGN_INS_PER_MINUTE="1", SIGN_IN_BURST="1", TRUSTED_PROXY_HOPS="1")
    # The leftmost entry is the client's own claim; only the last one, appended by our proxy, counts.
    first = await agent_sign_in(client, "guess", **{"X-Forwarded-For": "203.0.113.9, 198.51.100.1"})
    same_client = await agent_sign_in(client, "guess", **{"X-Forwarded-For": "203.0.113.8, 198.51.100.1"})
    other_client = await agent_sign_in(client, "guess", **{"X-Forwarded-For": "198.51.100.2"})
    assert (first.status, same_client.status, other_client.status) == (401, 429, 401)
