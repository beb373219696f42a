"""Only a configured source, signing this exact body just now and once, may post to the feed."""

from __future__ import annotations

import time

from aiohttp.test_utils import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from assistant.bank.models import Transaction
from tests.feed.conftest import SOURCES, post_signed, record


def _booked(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return list(session.exec(select(Transaction.external_id).where(Transaction.external_id.like("core-%"))))


async def _refusal(response) -> tuple[int, str]:
    return response.status, (await response.json())["error"]["code"]


async def test_a_source_not_in_feed_sources_is_refused(client: TestClient, sqlite_engine: Engine) -> None:
    response = await post_signed(client, [record()], source="someone-else", secret="someone-elses-own-secret")
    assert await _refusal(response) == (401, "unknown_source")
    assert _booked(sqlite_engine) == []


async def test_a_request_naming_no_source_is_refused(client: TestClient) -> None:
    response = await client.post("/api/v1/transactions", json={"transactions": [record()]})
    assert await _refusal(response) == (401, "missing_source")


async def test_a_body_signed_with_another_sources_secret_is_refused(client: TestClient) -> None:
    response = await post_signed(client, [record()], source="core-banking", secret=SOURCES["cards"])
    assert await _refusal(response) == (401, "bad_signature")


async def test_an_unsigned_request_from_a_known_source_is_refused(client: TestClient) -> None:
    response = await client.post("/api/v1/transactions", json={"transactions": [record()]},
                                 headers={"X-Lumen-Feed-Source": "core-banking"})
    assert await _refusal(response) == (401, "missing_signature")


async def test_the_same_signed_request_sent_again_is_refused_as_a_replay(client: TestClient) -> None:
    now, sent = int(time.time()), [record()]
    first = await post_signed(client, sent, timestamp=now)
    again = await post_signed(client, sent, timestamp=now)
    assert first.status == 202
    assert await _refusal(again) == (401, "replayed_request")


async def test_a_request_signed_more_than_five_minutes_ago_is_refused(client: TestClient) -> None:
    response = await post_signed(client, [record()], timestamp=int(time.time()) - 301)
    assert await _refusal(response) == (401, "stale_request")


async def test_each_source_signs_with_its_own_secret(client: TestClient) -> None:
    response = await post_signed(client, [record("core-cards-1")], source="cards")
    assert response.status == 202
