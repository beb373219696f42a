"""Sign-in tokens and the demo sign-in: issued only in the embedded profile, verified on every chat."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import jwt
import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from assistant.gateway.auth import ISSUER, InvalidToken, TokenVerifier, bearer_token, issue_token
from assistant.settings import Settings
from tests.builders import build_customer
from tests.gateway.conftest import GatewayFactory, bearer


def verify_token(token: str, settings: Settings) -> int:
    """The customer id a gateway-issued customer token names."""
    sign_in = TokenVerifier(settings).verify_blocking(token)
    assert sign_in.role == "customer"
    return int(sign_in.subject)


@pytest.fixture
def token_settings() -> Settings:
    """Settings with a known secret and a one-hour token lifetime."""
    return Settings(jwt_secret="token-test-secret-that-is-32-bytes", jwt_ttl_seconds=3600)


def test_token_round_trips_to_its_customer(token_settings: Settings) -> None:
    assert verify_token(issue_token(42, token_settings), token_settings) == 42


def test_token_claims_name_the_customer_as_a_string_subject(token_settings: Settings) -> None:
    claims = jwt.decode(issue_token(42, token_settings), token_settings.jwt_secret, algorithms=["HS256"],
                        issuer=ISSUER)
    assert (claims["sub"], claims["exp"] - claims["iat"]) == ("42", 3600)


def test_expired_token_is_refused(token_settings: Settings) -> None:
    old = issue_token(42, token_settings, now=datetime.now(timezone.utc) - timedelta(hours=2))
    with pytest.raises(InvalidToken, match="expired"):
        verify_token(old, token_settings)


def test_token_signed_with_another_secret_is_refused(token_settings: Settings) -> None:
    other = Settings(jwt_secret="some-other-secret-also-32-bytes-long", jwt_ttl_seconds=3600)
    with pytest.raises(InvalidToken):
        verify_token(issue_token(42, other), token_settings)


def test_token_from_another_issuer_is_refused(token_settings: Settings) -> None:
    now = datetime.now(timezone.utc)
    token = jwt.encode({"sub": "42", "iss": "elsewhere", "iat": now, "exp": now + timedelta(hours=1)},
                       token_settings.jwt_secret, algorithm="HS256")
    with pytest.raises(InvalidToken):
        verify_token(token, token_settings)


def test_token_without_expiry_is_refused(token_settings: Settings) -> None:
    token = jwt.encode({"sub": "42", "iss": ISSUER, "iat": datetime.now(timezone.utc)},
                       token_settings.jwt_secret, algorithm="HS256")
    with pytest.raises(InvalidToken):
        verify_token(token, token_settings)


def test_token_whose_subject_is_not_a_customer_id_is_refused(token_settings: Settings) -> None:
    now = datetime.now(timezone.utc)
    token = jwt.encode({"sub": "admin", "iss": ISSUER, "iat": now, "exp": now + timedelta(hours=1)},
                       token_settings.jwt_secret, algorithm="HS256")
    with pytest.raises(InvalidToken):
        verify_token(token, token_settings)


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer   ", "Token abc"])
def test_authorization_header_without_a_bearer_token_is_refused(header: str | None) -> None:
    with pytest.raises(InvalidToken):
        bearer_token(header)


async def test_demo_sign_in_returns_a_token_for_the_customer_and_their_name(
    client: TestClient, settings: Settings
) -> None:
    response = await client.post("/api/v1/auth/demo", json={"customer_id": 2})
    body = await response.json()
    assert (verify_token(body["token"], settings), body["customer"]) == (2, {"id": 2, "name": "Alex Morgan 2"})


async def test_demo_sign_in_token_lets_the_customer_chat(client: TestClient) -> None:
    token = (await (await client.post("/api/v1/auth/demo", json={"customer_id": 1})).json())["token"]
    response = await client.post("/api/v1/chat", json={"message": "hi"}, headers=bearer(token))
    assert response.status == 200


async def test_demo_sign_in_as_a_customer_who_is_not_a_demo_persona_is_refused(
    client: TestClient, sqlite_engine: Engine
) -> None:
    with Session(sqlite_engine) as db:
        build_customer(db, 3)
        db.commit()
    response = await client.post("/api/v1/auth/demo", json={"customer_id": 3})
    assert (response.status, (await response.json())["error"]["code"]) == (403, "not_a_demo_persona")


async def test_demo_sign_in_for_an_unknown_customer_is_refused_as_for_any_non_persona(client: TestClient) -> None:
    response = await client.post("/api/v1/auth/demo", json={"customer_id": 999})
    assert (response.status, (await response.json())["error"]["message"]) == (
        403, "Demo sign-in is only for the demo customers; customer 999 is not one of them.")


@pytest.mark.parametrize("body", [{}, {"customer_id": "1"}, {"customer_id": True}, {"customer_id": 1.5}, [1]])
async def test_demo_sign_in_without_a_whole_number_customer_id_is_400(client: TestClient, body: object) -> None:
    response = await client.post("/api/v1/auth/demo", json=body)
    assert response.status == 400


async def test_demo_sign_in_is_404_in_the_production_profile(gateway: GatewayFactory) -> None:
    client = await gateway("production")
    response = await client.post("/api/v1/auth/demo", json={"customer_id": 1})
    assert (response.status, (await response.json())["error"]["code"]) == (404, "not_found")


async def test_the_demo_customers_listed_are_the_personas_only(client: TestClient, sqlite_engine: Engine) -> None:
    with Session(sqlite_engine) as db:
        build_customer(db, 3)
        db.commit()
    response = await client.get("/api/v1/demo/customers")
    assert [(c["id"], c["name"]) for c in (await response.json())["customers"]] == [
        (1, "Alex Morgan 1"), (2, "Alex Morgan 2")]


async def test_demo_customers_are_404_in_the_production_profile(gateway: GatewayFactory) -> None:
    client = await gateway("production")
    response = await client.get("/api/v1/demo/customers")
    assert response.status == 404


async def test_the_production_gateway_routes_no_demo_path_at_all(gateway: GatewayFactory) -> None:
    client = await gateway("production")
    paths = {route.resource.canonical for route in client.server.app.router.routes()}
    assert paths & {"/api/v1/auth/demo", "/api/v1/demo/customers"} == set()
