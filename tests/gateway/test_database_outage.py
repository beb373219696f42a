"""When the bank database cannot be opened, clients get a 503 JSON error and the health check says so."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient

from assistant.gateway.auth import issue_token
from assistant.gateway.keys import SETTINGS
from tests.gateway.conftest import GatewayFactory, RasaStandIn, bearer


@pytest.fixture
async def unreadable_bank(gateway: GatewayFactory, tmp_path: Path) -> TestClient:
    """The gateway pointed at a database path that is a directory, which SQLite cannot open."""
    (tmp_path / "bank-is-a-directory").mkdir()
    return await gateway(DATABASE_URL=f"sqlite:///{tmp_path / 'bank-is-a-directory'}")


async def test_chat_when_the_database_is_unavailable_is_503_json_without_internals(
    unreadable_bank: TestClient, rasa: RasaStandIn
) -> None:
    token = issue_token(1, unreadable_bank.server.app[SETTINGS])
    response = await unreadable_bank.post("/api/v1/chat", json={"message": "hi"}, headers=bearer(token))
    body = await response.text()
    assert (response.status, "database_unavailable" in body, "sqlite" in body.lower(), rasa.received) == (
        503, True, False, [])


async def test_demo_sign_in_when_the_database_is_unavailable_is_503(unreadable_bank: TestClient) -> None:
    response = await unreadable_bank.post("/api/v1/auth/demo", json={"customer_id": 1})
    assert (response.status, (await response.json())["error"]["code"]) == (503, "database_unavailable")


async def test_healthz_reports_the_database_unavailable(unreadable_bank: TestClient) -> None:
    response = await unreadable_bank.get("/healthz")
    assert (response.status, await response.json()) == (
        503, {"status": "error", "rasa": "ready", "database": "unavailable"})
