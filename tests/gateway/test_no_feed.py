"""The core-banking feed is not on the customer port: the gateway neither routes nor documents it."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from assistant.gateway.openapi import openapi_document
from tests.feed.conftest import record


async def test_the_gateway_does_not_serve_post_transactions(client: TestClient) -> None:
    response = await client.post("/api/v1/transactions", json={"transactions": [record()]},
                                 headers={"Authorization": "Bearer dev-feed-key-change-me"})
    assert response.status == 404


def test_the_gateways_openapi_document_has_no_feed_endpoint() -> None:
    assert not [path for path in openapi_document()["paths"] if "transactions" in path]
