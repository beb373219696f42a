"""The core-banking feed: POST /api/v1/transactions, authenticated by FEED_API_KEY, onto the transaction queue."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
from collections.abc import AsyncIterator

from aiohttp import web

from assistant.alerts.ingestion import validate
from assistant.alerts.pipeline import IngestionPipeline, make_pool
from assistant.alerts.queues import QueueUnavailable, TransactionQueue, consume_forever, make_queue
from assistant.gateway.errors import ApiError
from assistant.gateway.inputs import json_object
from assistant.gateway.keys import ENGINE, SETTINGS

QUEUE = web.AppKey("transaction_queue", TransactionQueue)
PIPELINE = web.AppKey("ingestion_pipeline", IngestionPipeline)
MAX_RECORDS = 500


def _authorised(request: web.Request) -> None:
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    expected = request.app[SETTINGS].feed_api_key
    if scheme.lower() != "bearer" or not hmac.compare_digest(key.strip().encode(), expected.encode()):
        raise ApiError(401, "unauthorized", "The feed key is missing or wrong.")


async def post_transactions(request: web.Request) -> web.Response:
    """Accept a batch of booked transactions: malformed records are refused one by one with a reason."""
    _authorised(request)
    records = (await json_object(request)).get("transactions")
    if not isinstance(records, list) or not records:
        raise ApiError(400, "invalid_body", 'The body must be {"transactions": [ ...one or more records... ]}.')
    if len(records) > MAX_RECORDS:
        raise ApiError(413, "too_many_records", f"Send at most {MAX_RECORDS} records per request.")
    good, rejected = validate(records)
    if good:
        # Booking is idempotent on the transaction id, so a batch sent twice is booked once.
        try:
            await request.app[QUEUE].publish([record.to_json() for _, record in good])
        except QueueUnavailable as exc:
            raise ApiError(503, "feed_unavailable",
                           "Transactions cannot be queued right now; nothing was taken. Please resend.") from exc
    return web.json_response({"accepted": [record.transaction_id for _, record in good],
                              "rejected": [rejection.as_json() for rejection in rejected]}, status=202)


async def transaction_pipeline(app: web.Application) -> AsyncIterator[None]:
    """Open the transaction queue and consume it into ingestion for the app's lifetime."""
    settings = app[SETTINGS]
    queue = make_queue(settings.amqp_url, settings.amqp_queue)
    app[QUEUE] = queue
    app[PIPELINE] = IngestionPipeline(app[ENGINE], make_pool(settings))
    consumer = asyncio.create_task(consume_forever(queue, app[PIPELINE].handle))
    yield
    consumer.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await consumer
    await queue.close()


def setup_feed(app: web.Application) -> None:
    """Register the feed endpoint and its queue consumer."""
    app.router.add_post("/api/v1/transactions", post_transactions)
    app.cleanup_ctx.append(transaction_pipeline)
