"""The feed's endpoints: POST /api/v1/transactions, its OpenAPI document and a health check."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from sqlalchemy import text
from sqlalchemy.engine import Engine

from assistant.feed.auth import signed_source
from assistant.feed.inbox import receive
from assistant.feed.keys import ENGINE, LIMITS, WAKEUP
from assistant.feed.openapi import openapi_document
from assistant.gateway.errors import ApiError
from assistant.gateway.inputs import parse_json_object

log = logging.getLogger(__name__)
MAX_RECORDS = 500


async def post_transactions(request: web.Request) -> web.Response:
    """Take a signed batch of booked transactions into the inbox; 202 once it is committed there, saying which
    records were new, which the inbox already had, and which were refused (each kept as a dead letter)."""
    raw = await request.read()
    source = await signed_source(request, raw)
    records = parse_json_object(raw).get("transactions")
    if not isinstance(records, list) or not records:
        raise ApiError(400, "invalid_body", 'The body must be {"transactions": [ ...one or more records... ]}.')
    if len(records) > MAX_RECORDS:
        raise ApiError(413, "too_many_records", f"Send at most {MAX_RECORDS} records per request.")
    # A database outage here is the outage 503 (assistant.gateway.database.database_outages): nothing was taken.
    receipt = await asyncio.to_thread(receive, request.app[ENGINE], records, source, request.app[LIMITS])
    if receipt.accepted:
        await request.app[WAKEUP].notify()
    return web.json_response(receipt.as_json(), status=202)


def _database_ok(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:  # any driver error means the same thing here: not usable
        log.warning("database health check failed")
        return False


async def healthz(request: web.Request) -> web.Response:
    """The feed is up and the bank database answers."""
    ok = await asyncio.to_thread(_database_ok, request.app[ENGINE])
    return web.json_response({"status": "ok" if ok else "error", "database": "ok" if ok else "unavailable"},
                             status=200 if ok else 503)


async def openapi_json(request: web.Request) -> web.Response:
    """The feed's OpenAPI document."""
    return web.json_response(openapi_document())
