"""The feed while the bank's PostgreSQL refuses connections: a batch is answered 503 with the clear message and
Retry-After (the gateway's outage answer, assistant/gateway/database.py), never a 500."""

from __future__ import annotations

from assistant.gateway.database import RETRY_AFTER_SECONDS, UNAVAILABLE_MESSAGE
from tests.faults.harness import free_port
from tests.feed.conftest import FeedFactory, post_signed, record


async def test_a_batch_while_the_bank_database_refuses_connections_is_503_with_retry_after(feed: FeedFactory) -> None:
    client = await feed(DATABASE_URL=f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/bank")
    response = await post_signed(client, [record()])
    assert (response.status, response.headers.get("Retry-After"), await response.json()) == (
        503, str(RETRY_AFTER_SECONDS), {"error": {"code": "database_unavailable", "message": UNAVAILABLE_MESSAGE}})
