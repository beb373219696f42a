"""The feed's application factory: settings and sources, the database, the transaction queue and its consumer."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from aiohttp import web

from assistant.alerts.pipeline import IngestionPipeline, make_pool
from assistant.alerts.queues import consume_forever, make_queue
from assistant.alerts.records import RecordLimits
from assistant.db import make_engine
from assistant.feed.keys import ENGINE, PIPELINE, QUEUE, SETTINGS, SOURCES
from assistant.feed.routes import setup_routes
from assistant.gateway.browser_policy import SECURITY_HEADERS
from assistant.gateway.database import database_outages
from assistant.gateway.middlewares import json_errors, size_limit_middleware
from assistant.settings import Settings, get_settings

# 500 records of at most a few hundred bytes each, with room to spare.
MAX_BODY_BYTES = 1024 * 1024


async def database_engine(app: web.Application) -> AsyncIterator[None]:
    """Open the bank database engine for the app's lifetime."""
    engine = make_engine(app[SETTINGS].database_url, app[SETTINGS])
    app[ENGINE] = engine
    yield
    engine.dispose()


async def transaction_pipeline(app: web.Application) -> AsyncIterator[None]:
    """Open the transaction queue and consume it into ingestion for the app's lifetime."""
    settings = app[SETTINGS]
    queue = make_queue(settings.amqp_url, settings.amqp_queue)
    app[QUEUE] = queue
    app[PIPELINE] = IngestionPipeline(app[ENGINE], make_pool(settings), RecordLimits.from_settings(settings))
    consumer = asyncio.create_task(consume_forever(queue, app[PIPELINE].handle))
    yield
    consumer.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await consumer
    await queue.close()


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """The gateway's security headers on every response: nothing here is for a browser, or to be cached."""
    response.headers.update(SECURITY_HEADERS)
    response.headers["Cache-Control"] = "no-store"


def init_app(settings: Settings | None = None) -> web.Application:
    """Assemble the feed application (settings default to the environment's)."""
    settings = settings or get_settings()
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app[SETTINGS] = settings
    app[SOURCES] = settings.feed_sources
    app.cleanup_ctx.extend([database_engine, transaction_pipeline])
    setup_routes(app)
    app.middlewares.extend([json_errors, database_outages, size_limit_middleware(MAX_BODY_BYTES)])
    app.on_response_prepare.append(add_security_headers)
    return app
