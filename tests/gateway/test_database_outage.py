"""When the bank database cannot be opened, reached or answers too slowly, clients get a 503 JSON error with
Retry-After (never a 500 or a wait without end) and the health check says so."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from assistant.gateway.auth import issue_token
from assistant.gateway.database import RETRY_AFTER_SECONDS, UNAVAILABLE_MESSAGE, database_outages
from assistant.gateway.middlewares import json_errors
from assistant.gateway.keys import SETTINGS
from tests.faults.harness import TcpProxy, free_port
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
        503, {"status": "error", "rasa": "ready", "actions": "unavailable", "database": "unavailable", "ready": False})


@pytest.fixture
def postgres_down() -> Iterator[str]:
    """A PostgreSQL URL on a loopback port nobody listens on: every connection is refused."""
    yield f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/bank"


@pytest.fixture
def postgres_hung() -> Iterator[str]:
    """A PostgreSQL URL behind a proxy that accepts connections and never answers (a hung middlebox)."""
    proxy = TcpProxy("127.0.0.1", 5432)
    proxy.set_mode("blackhole")
    yield f"postgresql+psycopg://postgres@{proxy.address}/postgres"
    proxy.close()


async def test_an_unreachable_postgresql_is_503_with_retry_after_and_the_clear_message(
    gateway: GatewayFactory, postgres_down: str
) -> None:
    client = await gateway(DATABASE_URL=postgres_down)
    response = await client.post("/api/v1/auth/demo", json={"customer_id": 1})
    assert (response.status, response.headers.get("Retry-After"), await response.json()) == (
        503, str(RETRY_AFTER_SECONDS), {"error": {"code": "database_unavailable", "message": UNAVAILABLE_MESSAGE}})


async def test_a_hung_postgresql_is_503_within_the_timeouts_not_a_wait_without_end(
    gateway: GatewayFactory, postgres_hung: str
) -> None:
    client = await gateway(DATABASE_URL=postgres_hung, DATABASE_CONNECT_TIMEOUT_SECONDS="2",
                           DATABASE_STATEMENT_TIMEOUT_SECONDS="1", DATABASE_POOL_TIMEOUT_SECONDS="1")
    started = time.monotonic()
    response = await client.post("/api/v1/auth/demo", json={"customer_id": 1})
    waited = time.monotonic() - started
    assert (response.status, response.headers.get("Retry-After"), waited < 6) == (503, str(RETRY_AFTER_SECONDS), True)


async def test_the_middleware_answers_a_connection_failure_503_and_other_database_errors_500(aiohttp_client) -> None:
    def fail_with(error: Exception):
        async def handler(_request: web.Request) -> web.Response:
            raise error
        return handler

    app = web.Application(middlewares=[json_errors, database_outages])
    app.router.add_get("/reset", fail_with(OperationalError("SELECT 1", {}, ConnectionResetError())))
    app.router.add_get("/pool", fail_with(PoolTimeout("QueuePool limit reached")))
    app.router.add_get("/constraint", fail_with(IntegrityError("INSERT", {}, ValueError("duplicate key"))))
    client = await aiohttp_client(app)
    statuses = [(await client.get(path)).status for path in ("/reset", "/pool", "/constraint")]
    assert statuses == [503, 503, 500]
