"""The feed's application factory: settings and sources, the database and its inbox (drained here or by workers)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from aiohttp import web
from sqlalchemy.exc import DBAPIError

from assistant.alerts.pipeline import make_pool
from assistant.alerts.records import RecordLimits
from assistant.db import create_schema, make_engine
from assistant.feed.drain import DrainPolicy, InboxDrain
from assistant.feed.keys import DRAIN, ENGINE, LIMITS, SETTINGS, SOURCES, WAKEUP
from assistant.feed.wakeup import LocalWakeup, make_wakeup
from assistant.feed.routes import setup_routes
from assistant.gateway.browser_policy import SECURITY_HEADERS
from assistant.gateway.database import database_outages
from assistant.gateway.middlewares import json_errors, size_limit_middleware
from assistant.settings import Settings, get_settings

log = logging.getLogger(__name__)
# 500 records of at most a few hundred bytes each, with room to spare.
MAX_BODY_BYTES = 1024 * 1024


async def database_engine(app: web.Application) -> AsyncIterator[None]:
    """Open the bank database engine for the app's lifetime (creating the inbox's tables if they are new)."""
    engine = make_engine(app[SETTINGS].database_url, app[SETTINGS])
    try:
        create_schema(engine)
    except DBAPIError as exc:  # the database is away: start anyway, answering 503 until it is back
        log.warning("feed: cannot check the inbox's tables now (%s)", exc.__class__.__name__)
    app[ENGINE] = engine
    yield
    engine.dispose()


async def inbox(app: web.Application) -> AsyncIterator[None]:
    """The inbox's record limits and the wake-up of its workers; with FEED_IN_PROCESS_DRAIN, a drain in this
    process too (from the inbox, so a crash loses nothing)."""
    settings = app[SETTINGS]
    app[LIMITS] = RecordLimits.from_settings(settings)
    app[WAKEUP] = LocalWakeup() if settings.feed_in_process_drain else make_wakeup(settings.amqp_url,
                                                                                   settings.amqp_wakeup_queue)
    drainer = None
    if settings.feed_in_process_drain:
        app[DRAIN] = InboxDrain(app[ENGINE], make_pool(settings), app[LIMITS], DrainPolicy.from_settings(settings))
        drainer = asyncio.create_task(app[DRAIN].run_forever(settings.feed_inbox_interval_seconds, app[WAKEUP]))
    yield
    if drainer is not None:
        drainer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await drainer
    await app[WAKEUP].close()


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
    app.cleanup_ctx.extend([database_engine, inbox])
    setup_routes(app)
    app.middlewares.extend([json_errors, database_outages, size_limit_middleware(MAX_BODY_BYTES)])
    app.on_response_prepare.append(add_security_headers)
    return app
