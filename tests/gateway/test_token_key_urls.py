"""A token cannot send the gateway to fetch keys from where it likes: `jku` and `x5u` headers are never followed, and
a token signed by a key they point at is refused (keys come only from the configured OIDC_JWKS_URL)."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy.engine import Engine

from tests.gateway.agent_fixtures import Agents, agents  # noqa: F401
from tests.gateway.conftest import GatewayFactory, RasaStandIn, bearer
from tests.identity_provider import IdentityProvider, SigningKey

CUSTOMER = "subject-of-customer-one"


@pytest.fixture
async def attacker_keys(aiohttp_server: Any) -> dict[str, Any]:
    """An attacker's key set on loopback, with a count of the requests it gets."""
    key = SigningKey.generate("RSA")
    seen: dict[str, Any] = {"requests": 0, "key": key}

    async def jwks(request: web.Request) -> web.Response:
        seen["requests"] += 1
        return web.json_response({"keys": [key.public_jwk()]})

    app = web.Application()
    app.router.add_get("/jwks", jwks)
    app.router.add_get("/cert.pem", jwks)
    server = await aiohttp_server(app)
    seen["url"] = str(server.make_url("/jwks"))
    seen["x5u"] = str(server.make_url("/cert.pem"))
    return seen


@pytest.mark.parametrize("header", ["jku", "x5u"])
async def test_a_token_naming_its_own_key_url_is_refused_and_the_url_is_never_fetched(
    gateway: GatewayFactory, identity_provider: IdentityProvider, attacker_keys: dict[str, Any], rasa: RasaStandIn,
    sqlite_engine: Engine, agents: Agents, header: str,
) -> None:
    identity_provider.link_customer(sqlite_engine, CUSTOMER, 1)
    client: TestClient = await gateway("production", **identity_provider.env())
    url = attacker_keys["url"] if header == "jku" else attacker_keys["x5u"]
    forged = identity_provider.sign(identity_provider.claims(CUSTOMER), attacker_keys["key"], **{header: url})
    response = await client.post("/api/v1/chat", json={"message": "hi"}, headers=bearer(forged))
    assert (response.status, attacker_keys["requests"], rasa.received) == (401, 0, [])


async def test_the_real_key_with_a_key_url_header_is_checked_against_the_configured_keys_only(
    gateway: GatewayFactory, identity_provider: IdentityProvider, attacker_keys: dict[str, Any], rasa: RasaStandIn,
    sqlite_engine: Engine, agents: Agents,
) -> None:
    identity_provider.link_customer(sqlite_engine, CUSTOMER, 1)
    client: TestClient = await gateway("production", **identity_provider.env())
    token = identity_provider.sign(identity_provider.claims(CUSTOMER), jku=attacker_keys["url"])
    response = await client.post("/api/v1/chat", json={"message": "hi"}, headers=bearer(token))
    assert (response.status, attacker_keys["requests"]) == (200, 0)
