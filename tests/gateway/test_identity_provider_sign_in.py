"""Production sign-in: access tokens from the bank's identity provider, checked against its JWKS on loopback.

The customer is the token's subject linked to a bank customer, never a number taken from the token.
"""

from __future__ import annotations

import pytest
from aiohttp import WSMsgType
from aiohttp.test_utils import TestClient
from sqlalchemy.engine import Engine

from assistant.gateway.auth import issue_agent_token, issue_token
from assistant.gateway.keys import SETTINGS
from assistant.identity import conversation_id_for
from tests.gateway.agent_fixtures import PASSWORD, Agents, agents  # noqa: F401
from tests.gateway.conftest import GatewayFactory, RasaStandIn, bearer
from tests.identity_provider import IdentityProvider

CUSTOMER = "f3a1c2d4-customer-one"
AGENT = "9b8e-agent-alex"
REFUSED = ["expired", "not_yet_valid", "wrong_issuer", "wrong_audience", "alg_none", "hs256_with_public_key",
           "unknown_key"]


@pytest.fixture
async def bank_gateway(gateway: GatewayFactory, identity_provider: IdentityProvider, sqlite_engine: Engine,
                       agents: Agents) -> TestClient:
    """The production gateway trusting the loopback provider; CUSTOMER is customer 1, AGENT is agent Alex."""
    identity_provider.link_customer(sqlite_engine, CUSTOMER, 1)
    identity_provider.link_agent(sqlite_engine, AGENT, agents.alex)
    return await gateway("production", **identity_provider.env())


async def _chat(client: TestClient, token: str) -> tuple[int, dict]:
    response = await client.post("/api/v1/chat", json={"message": "hi"}, headers=bearer(token))
    return response.status, await response.json()


async def test_a_customer_signed_in_with_an_rsa_token_chats_as_the_linked_customer(
    bank_gateway: TestClient, identity_provider: IdentityProvider, rasa: RasaStandIn
) -> None:
    status, _ = await _chat(bank_gateway, identity_provider.customer_token(CUSTOMER))
    assert (status, rasa.received[-1]["sender"]) == (200, conversation_id_for(1, _conversation_secret(bank_gateway)))


def _conversation_secret(client: TestClient) -> str:
    return client.server.app[SETTINGS].conversation_secret


async def test_an_ec_signed_token_is_accepted_too(bank_gateway: TestClient, identity_provider: IdentityProvider) -> None:
    ec_key = next(key for key in identity_provider.keys if key.algorithm == "ES256")
    status, _ = await _chat(bank_gateway, identity_provider.customer_token(CUSTOMER, key=ec_key))
    assert status == 200


@pytest.mark.parametrize("kind", REFUSED)
async def test_a_bad_token_from_the_provider_is_refused_with_401(
    bank_gateway: TestClient, identity_provider: IdentityProvider, rasa: RasaStandIn, kind: str
) -> None:
    status, body = await _chat(bank_gateway, identity_provider.refused_tokens(CUSTOMER)[kind])
    assert (status, body["error"]["code"], rasa.received) == (401, "unauthorized", [])


async def test_the_refusals_say_what_is_wrong(bank_gateway: TestClient, identity_provider: IdentityProvider) -> None:
    messages = {kind: (await _chat(bank_gateway, token))[1]["error"]["message"]
                for kind, token in identity_provider.refused_tokens(CUSTOMER).items()}
    assert ("expired" in messages["expired"], "not valid yet" in messages["not_yet_valid"],
            "another service" in messages["wrong_audience"]) == (True, True, True)


async def test_a_valid_token_whose_subject_is_linked_to_no_customer_is_403(
    bank_gateway: TestClient, identity_provider: IdentityProvider, rasa: RasaStandIn
) -> None:
    status, body = await _chat(bank_gateway, identity_provider.customer_token("someone-else"))
    assert (status, body["error"]["code"], rasa.received) == (403, "identity_not_linked", [])


async def test_a_subject_that_looks_like_a_customer_id_is_not_taken_as_one(
    bank_gateway: TestClient, identity_provider: IdentityProvider
) -> None:
    status, body = await _chat(bank_gateway, identity_provider.customer_token("2"))
    assert (status, body["error"]["code"]) == (403, "identity_not_linked")


async def test_a_linked_customer_reads_only_their_own_conversation(
    bank_gateway: TestClient, identity_provider: IdentityProvider, rasa: RasaStandIn
) -> None:
    secret = _conversation_secret(bank_gateway)
    rasa.trackers[conversation_id_for(1, secret)] = [{"event": "user", "text": "mine", "timestamp": 1.0}]
    rasa.trackers[conversation_id_for(2, secret)] = [{"event": "user", "text": "customer two's", "timestamp": 1.0}]
    response = await bank_gateway.get("/api/v1/chat/history", headers=bearer(identity_provider.customer_token(CUSTOMER)))
    assert [m["text"] for m in (await response.json())["messages"]] == ["mine"]


async def test_a_rotated_key_is_picked_up_without_a_restart(
    bank_gateway: TestClient, identity_provider: IdentityProvider
) -> None:
    before = await _chat(bank_gateway, identity_provider.customer_token(CUSTOMER))
    new_key = identity_provider.rotate("EC")
    after = await _chat(bank_gateway, identity_provider.customer_token(CUSTOMER, key=new_key))
    assert (before[0], after[0], identity_provider.jwks_requests) == (200, 200, 2)


async def test_after_a_rotation_a_token_signed_with_the_retired_key_is_refused(
    bank_gateway: TestClient, identity_provider: IdentityProvider
) -> None:
    retired = identity_provider.signing_key
    await _chat(bank_gateway, identity_provider.customer_token(CUSTOMER))
    new_key = identity_provider.rotate("RSA")
    await _chat(bank_gateway, identity_provider.customer_token(CUSTOMER, key=new_key))
    status, _ = await _chat(bank_gateway, identity_provider.customer_token(CUSTOMER, key=retired))
    assert status == 401


async def test_the_keys_are_fetched_once_and_cached(bank_gateway: TestClient,
                                                    identity_provider: IdentityProvider) -> None:
    for _ in range(3):
        await _chat(bank_gateway, identity_provider.customer_token(CUSTOMER))
    assert identity_provider.jwks_requests == 1


async def test_tokens_naming_unknown_keys_refetch_the_keys_at_most_once_a_refresh_interval(
    gateway: GatewayFactory, identity_provider: IdentityProvider, sqlite_engine: Engine
) -> None:
    client = await gateway("production", **identity_provider.env(OIDC_JWKS_REFRESH_SECONDS="60"))
    statuses = [(await _chat(client, identity_provider.unknown_key_token(CUSTOMER)))[0] for _ in range(5)]
    assert (statuses, identity_provider.jwks_requests) == ([401] * 5, 1)


async def test_when_the_provider_cannot_be_reached_sign_in_is_503(
    bank_gateway: TestClient, identity_provider: IdentityProvider
) -> None:
    identity_provider.available = False
    status, body = await _chat(bank_gateway, identity_provider.customer_token(CUSTOMER))
    assert (status, body["error"]["code"]) == (503, "identity_provider_unavailable")


async def test_when_the_provider_publishes_no_usable_key_sign_in_is_503(
    bank_gateway: TestClient, identity_provider: IdentityProvider
) -> None:
    token = identity_provider.customer_token(CUSTOMER)
    identity_provider.keys = []
    status, body = await _chat(bank_gateway, token)
    assert (status, body["error"]["code"]) == (503, "identity_provider_unavailable")


async def test_tokens_the_gateway_issues_are_refused_in_production(bank_gateway: TestClient) -> None:
    token = issue_token(1, bank_gateway.server.app[SETTINGS])  # signed with the gateway's real key
    assert (await _chat(bank_gateway, token))[0] == 401


async def test_an_agent_with_the_role_reaches_the_agent_queue(
    bank_gateway: TestClient, identity_provider: IdentityProvider
) -> None:
    response = await bank_gateway.get("/api/v1/agent/queue", headers=bearer(identity_provider.agent_token(AGENT)))
    assert response.status == 200


async def test_a_token_without_the_agent_role_is_403_on_agent_routes(
    bank_gateway: TestClient, identity_provider: IdentityProvider
) -> None:
    response = await bank_gateway.get("/api/v1/agent/queue", headers=bearer(identity_provider.customer_token(AGENT)))
    assert (response.status, (await response.json())["error"]["code"]) == (403, "forbidden")


async def test_an_agent_token_is_403_on_the_customer_chat(
    bank_gateway: TestClient, identity_provider: IdentityProvider
) -> None:
    status, body = await _chat(bank_gateway, identity_provider.agent_token(AGENT))
    assert (status, body["error"]["code"]) == (403, "forbidden")


async def test_an_agent_role_for_a_subject_linked_to_no_agent_is_403(
    bank_gateway: TestClient, identity_provider: IdentityProvider
) -> None:
    response = await bank_gateway.get("/api/v1/agent/queue",
                                      headers=bearer(identity_provider.agent_token("not-an-agent")))
    assert (response.status, (await response.json())["error"]["code"]) == (403, "identity_not_linked")


@pytest.mark.parametrize("kind", REFUSED)
async def test_a_bad_agent_token_is_refused_with_401(
    bank_gateway: TestClient, identity_provider: IdentityProvider, kind: str
) -> None:
    response = await bank_gateway.get("/api/v1/agent/queue",
                                      headers=bearer(identity_provider.refused_tokens(AGENT, agent=True)[kind]))
    assert response.status == 401


async def test_the_agent_role_can_sit_in_a_nested_claim(
    gateway: GatewayFactory, identity_provider: IdentityProvider, sqlite_engine: Engine, agents: Agents
) -> None:
    identity_provider.link_agent(sqlite_engine, AGENT, agents.alex)
    client = await gateway("production", **identity_provider.env(OIDC_AGENT_ROLE_CLAIM="realm_access.roles"))
    token = identity_provider.token(AGENT, realm_access={"roles": ["support-agent"]})
    assert (await client.get("/api/v1/agent/queue", headers=bearer(token))).status == 200


async def test_agent_password_sign_in_is_not_offered_in_production_by_default(bank_gateway: TestClient) -> None:
    response = await bank_gateway.post("/api/v1/agent/auth", json={"email": "alex@lumen.example", "password": PASSWORD})
    assert response.status == 404


async def test_agent_password_tokens_are_refused_in_production_by_default(bank_gateway: TestClient,
                                                                          agents: Agents) -> None:
    token = issue_agent_token(agents.alex, "Alex", bank_gateway.server.app[SETTINGS])
    assert (await bank_gateway.get("/api/v1/agent/queue", headers=bearer(token))).status == 401


async def test_a_bank_that_keeps_password_sign_in_lets_agents_use_it_in_production(
    gateway: GatewayFactory, identity_provider: IdentityProvider, agents: Agents
) -> None:
    client = await gateway("production", **identity_provider.env(AGENT_PASSWORD_SIGN_IN="1"))
    signed_in = await client.post("/api/v1/agent/auth", json={"email": "alex@lumen.example", "password": PASSWORD})
    token = (await signed_in.json())["token"]
    assert (await client.get("/api/v1/agent/queue", headers=bearer(token))).status == 200


async def test_the_customer_socket_signs_in_with_a_provider_token(
    bank_gateway: TestClient, identity_provider: IdentityProvider
) -> None:
    socket = await bank_gateway.ws_connect("/api/v1/chat/ws")
    await socket.send_json({"type": "auth", "token": identity_provider.customer_token(CUSTOMER)})
    assert await socket.receive_json(timeout=5) == {"type": "ready", "last_seq": 0}


@pytest.mark.parametrize("token_of, code", [
    (lambda provider: provider.expired_token(CUSTOMER), 4401),
    (lambda provider: provider.alg_none_token(CUSTOMER), 4401),
    (lambda provider: provider.customer_token("someone-else"), 4403),
    (lambda provider: provider.agent_token(AGENT), 4403),
])
async def test_the_customer_socket_refuses_bad_or_unlinked_provider_tokens(
    bank_gateway: TestClient, identity_provider: IdentityProvider, token_of, code: int
) -> None:
    socket = await bank_gateway.ws_connect("/api/v1/chat/ws")
    await socket.send_json({"type": "auth", "token": token_of(identity_provider)})
    message = await socket.receive(timeout=5)
    assert (message.type, socket.close_code) == (WSMsgType.CLOSE, code)
