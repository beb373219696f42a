"""The feed's OpenAPI document: valid OpenAPI 3.1, served by the feed, naming exactly its routes, and true to real
responses (they validate against the documented schemas)."""

from __future__ import annotations

import json
from typing import Any

from aiohttp.test_utils import TestClient
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi

from assistant.feed.openapi import openapi_document
from tests.feed.conftest import post_signed, record

METHODS = {"get", "post", "put", "patch", "delete"}


def _documented(path: str, method: str, status: int, body: Any) -> None:
    """The body validates against the schema documented for this operation and status."""
    document = openapi_document()
    schema = document["paths"][path][method]["responses"][str(status)]["content"]["application/json"]["schema"]
    Draft202012Validator({**schema, "components": document["components"]},
                         format_checker=Draft202012Validator.FORMAT_CHECKER).validate(body)


def test_the_document_is_valid_openapi_3_1() -> None:
    validate_openapi(openapi_document())


async def test_the_document_names_every_route_of_the_feed_and_nothing_else(client: TestClient) -> None:
    documented = {(path, method.upper()) for path, item in openapi_document()["paths"].items()
                  for method in item if method in METHODS}
    # aiohttp adds HEAD to every GET route by itself; it is not a separate endpoint.
    routed = {(route.resource.canonical, route.method) for route in client.server.app.router.routes()
              if route.method != "HEAD"}
    assert documented == routed


async def test_the_feed_serves_the_document_as_json(client: TestClient) -> None:
    response = await client.get("/api/v1/openapi.json")
    assert (response.status, await response.json()) == (200, json.loads(json.dumps(openapi_document())))


def test_the_documented_record_schema_accepts_a_record_the_feed_accepts() -> None:
    schema = openapi_document()["components"]["schemas"]["FeedRecord"]
    Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(record())


async def test_the_feeds_responses_match_their_documented_schemas(client: TestClient) -> None:
    path = "/api/v1/transactions"
    accepted = await post_signed(client, [record(), record("core-bad", currency="ZZZ"), "not a record"])
    _documented(path, "post", 202, await accepted.json())
    not_a_batch = await post_signed(client, [], body=b'{"transactions": []}')
    _documented(path, "post", 400, await not_a_batch.json())
    not_json = await post_signed(client, [], body=b"{")
    _documented(path, "post", 400, await not_json.json())
    unknown = await post_signed(client, [record()], source="nobody")
    _documented(path, "post", 401, await unknown.json())
    too_many = await post_signed(client, [record(f"core-{n}") for n in range(501)])
    _documented(path, "post", 413, await too_many.json())
    health = await client.get("/healthz")
    _documented("/healthz", "get", 200, await health.json())
    assert [r.status for r in (accepted, not_a_batch, not_json, unknown, too_many, health)] == [
        202, 400, 400, 401, 413, 200]
