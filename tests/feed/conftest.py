"""Fixtures for feed tests: the real feed app from its factory over a seeded SQLite bank, and signed posts to it."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from assistant.alerts.pipeline import make_pool
from assistant.feed.app import init_app
from assistant.feed.client import signed_headers
from assistant.feed.drain import DrainReport, InboxDrain
from assistant.feed.keys import ENGINE, LIMITS, SETTINGS
from assistant.settings import get_settings
from tests.builders import CustomerRecords, build_customer

SOURCES = {"core-banking": "core-banking-test-secret-of-32-bytes!", "cards": "cards-processor-test-secret-32-bytes"}


def recent(hours_ago: float = 2.0) -> str:
    """A booking time this many hours ago, as the feed sends it."""
    return (datetime.now(timezone.utc) - timedelta(hours=hours_ago)).replace(microsecond=0).isoformat()


def record(transaction_id: str = "core-100", **changes: Any) -> dict[str, Any]:
    """A well-formed £23.40 card payment by customer 1 on their current account, booked two hours ago."""
    return {"transaction_id": transaction_id, "customer_id": 1, "account_id": 1, "card_id": 1,
            "booked_at": recent(), "amount": "-23.40", "currency": "GBP", "merchant": "Tesco",
            "category": "groceries", "channel": "card_present", "country": "GB", **changes}


@pytest.fixture
def bank(sqlite_engine: Engine) -> list[CustomerRecords]:
    """Two customers (ids 1 and 2) in a fresh SQLite bank."""
    with Session(sqlite_engine, expire_on_commit=False) as db:
        return [build_customer(db, 1), build_customer(db, 2)]


FeedFactory = Callable[..., Awaitable[TestClient]]


@pytest.fixture
def feed(aiohttp_client, sqlite_engine: Engine, bank: list[CustomerRecords],
         monkeypatch: pytest.MonkeyPatch) -> Iterator[FeedFactory]:
    """Start the feed from its factory with the test sources and environment; returns a test client."""

    async def start(**env: str) -> TestClient:
        values = {"DATABASE_URL": sqlite_engine.url.render_as_string(hide_password=False),
                  "FEED_SOURCES": ",".join(f"{name}:{secret}" for name, secret in SOURCES.items()),
                  "ALERT_THRESHOLD": "6.0", **env}
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        return await aiohttp_client(init_app())

    yield start
    get_settings.cache_clear()


@pytest.fixture
async def client(feed: FeedFactory) -> TestClient:
    """The feed with two sources, over the two-customer bank."""
    return await feed()


async def post_signed(client: TestClient, records: list[Any], source: str = "core-banking",
                      secret: str | None = None, timestamp: int | None = None,
                      body: bytes | None = None) -> ClientResponse:
    """POST records to the feed signed as `source` (with its own secret unless another is given)."""
    raw = body if body is not None else json.dumps({"transactions": records}).encode()
    headers = signed_headers(raw, source, secret or SOURCES.get(source, "no-such-secret"), timestamp)
    return await client.post("/api/v1/transactions", data=raw, headers=headers)


async def apply_inbox(client: TestClient) -> DrainReport:
    """Apply what the feed's inbox holds, as its worker (`python -m assistant.feed work`) does."""
    app = client.server.app
    return await InboxDrain(app[ENGINE], make_pool(app[SETTINGS]), app[LIMITS]).drain()
