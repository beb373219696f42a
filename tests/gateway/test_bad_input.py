"""Every malformed chat request gets its own 4xx JSON error, never a 500, and never reaches Rasa."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import jwt
import pytest
from aiohttp.test_utils import TestClient

from assistant.gateway.auth import ISSUER, issue_token
from assistant.settings import Settings
from tests.gateway.conftest import RasaStandIn, bearer, sign_in


def _expired(settings: Settings) -> str:
    return issue_token(1, settings, now=datetime.now(timezone.utc) - timedelta(seconds=settings.jwt_ttl_seconds + 60))


def _forged(settings: Settings) -> str:
    now = datetime.now(timezone.utc)
    claims = {"sub": "1", "iss": ISSUER, "iat": now, "exp": now + timedelta(hours=1)}
    return jwt.encode(claims, "not-the-gateway-secret-but-32-bytes-long", algorithm="HS256")


def _unsigned(settings: Settings) -> str:
    now = datetime.now(timezone.utc)
    claims = {"sub": "1", "iss": ISSUER, "iat": now, "exp": now + timedelta(hours=1)}
    return jwt.encode(claims, None, algorithm="none")


TOKEN_CASES = {
    "no_token": lambda settings: None,
    "not_a_jwt": lambda settings: "not-a-token",
    "expired_token": _expired,
    "forged_token": _forged,
    "unsigned_token": _unsigned,
    "nonexistent_customer": lambda settings: issue_token(999, settings),
}


@pytest.mark.parametrize("case", TOKEN_CASES)
async def test_chat_without_a_valid_token_of_a_known_customer_is_401(
    client: TestClient, settings: Settings, rasa: RasaStandIn, case: str
) -> None:
    token = TOKEN_CASES[case](settings)
    headers = bearer(token) if token else {}

    response = await client.post("/api/v1/chat", json={"message": "hi"}, headers=headers)

    assert (response.status, (await response.json())["error"]["code"], rasa.received) == (401, "unauthorized", [])


async def test_chat_with_a_non_bearer_authorization_scheme_is_401(client: TestClient, settings: Settings) -> None:
    response = await client.post("/api/v1/chat", json={"message": "hi"},
                                 headers={"Authorization": f"Basic {issue_token(1, settings)}"})
    assert response.status == 401


BODY_CASES = {
    "empty_message": ({"message": ""}, 400, "empty_message"),
    "whitespace_message": ({"message": " \n\t "}, 400, "empty_message"),
    "ten_thousand_characters": ({"message": "a" * 10_000}, 413, "message_too_long"),
    "message_not_a_string": ({"message": 42}, 400, "invalid_body"),
    "no_message": ({"text": "hi"}, 400, "invalid_body"),
    "json_array": (["hi"], 400, "invalid_body"),
    "json_string": ("hi", 400, "invalid_body"),
}


@pytest.mark.parametrize("case", BODY_CASES)
async def test_chat_with_a_malformed_body_is_a_4xx_json_error_and_rasa_hears_nothing(
    client: TestClient, rasa: RasaStandIn, case: str
) -> None:
    body, status, code = BODY_CASES[case]
    token = await sign_in(client, 1)

    response = await client.post("/api/v1/chat", json=body, headers=bearer(token))

    assert (response.status, (await response.json())["error"]["code"], rasa.received) == (status, code, [])


async def test_chat_with_invalid_json_is_400(client: TestClient, rasa: RasaStandIn) -> None:
    token = await sign_in(client, 1)
    response = await client.post("/api/v1/chat", data=b'{"message": "hi"', headers={
        **bearer(token), "Content-Type": "application/json"})
    assert (response.status, (await response.json())["error"]["code"], rasa.received) == (400, "invalid_json", [])


async def test_chat_with_a_body_that_is_not_utf8_is_400(client: TestClient) -> None:
    token = await sign_in(client, 1)
    response = await client.post("/api/v1/chat", data=b'{"message": "\xff\xfe"}', headers=bearer(token))
    assert response.status == 400


async def test_message_of_exactly_the_limit_is_forwarded(
    client: TestClient, rasa: RasaStandIn, settings: Settings
) -> None:
    token = await sign_in(client, 1)
    response = await client.post("/api/v1/chat", json={"message": "a" * settings.max_message_chars},
                                 headers=bearer(token))
    assert (response.status, len(rasa.received)) == (200, 1)


async def test_a_body_larger_than_any_chat_message_is_413_json(client: TestClient, rasa: RasaStandIn) -> None:
    token = await sign_in(client, 1)
    response = await client.post("/api/v1/chat", json={"message": "a" * 200_000}, headers=bearer(token))
    assert (response.status, (await response.json())["error"]["code"], rasa.received) == (
        413, "request_too_large", [])


async def test_too_long_message_error_says_the_limit(client: TestClient, settings: Settings) -> None:
    token = await sign_in(client, 1)
    response = await client.post("/api/v1/chat", json={"message": "a" * 10_000}, headers=bearer(token))
    assert f"at most {settings.max_message_chars} characters" in (await response.json())["error"]["message"]


async def test_unknown_path_is_404_json(client: TestClient) -> None:
    response = await client.get("/api/v1/nothing-here")
    assert (response.status, (await response.json())["error"]["code"]) == (404, "not_found")


async def test_wrong_method_is_405_json(client: TestClient) -> None:
    response = await client.get("/api/v1/chat")
    assert (response.status, (await response.json())["error"]["code"]) == (405, "method_not_allowed")


async def test_an_oversized_body_sent_without_a_length_is_413_json(client: TestClient, rasa: RasaStandIn) -> None:
    token = await sign_in(client, 1)

    async def chunks():
        yield b'{"message": "'
        for _ in range(100):
            yield b"a" * 2_000
        yield b'"}'

    response = await client.post("/api/v1/chat", data=chunks(), headers={
        **bearer(token), "Content-Type": "application/json"})
    assert (response.status, (await response.json())["error"]["code"], rasa.received) == (
        413, "request_too_large", [])
