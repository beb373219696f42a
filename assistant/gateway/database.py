"""Database outages as the HTTP apps answer them: the gateway's reads run off the event loop with a time limit, and
one middleware (the gateway's and the feed's) turns a connection that failed, reset or timed out into a 503 with
Retry-After, so a client retries instead of seeing a 500 or waiting without end."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from aiohttp import web
from sqlalchemy.engine import Engine

from assistant.db import call_timeout_seconds, database_unreachable
from assistant.gateway.errors import ApiError

log = logging.getLogger(__name__)

T = TypeVar("T")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

DATABASE_UNAVAILABLE = "database_unavailable"
UNAVAILABLE_MESSAGE = "The bank's records are unavailable right now. Please try again in a moment."
# A connection the network reset is replaced on the next checkout (pool_pre_ping), so a retry a few seconds on
# usually succeeds; a longer outage answers 503 again, with the same advice.
RETRY_AFTER_SECONDS = 5


def unavailable() -> ApiError:
    """The 503 every database outage is answered with, in the apps' one error shape."""
    return ApiError(503, DATABASE_UNAVAILABLE, UNAVAILABLE_MESSAGE, {"Retry-After": str(RETRY_AFTER_SECONDS)})


def _log_outage(exc: BaseException, where: str) -> None:
    # The error's class only: its text can hold the statement, and a customer's request is no business of the log.
    cause = exc.__cause__ or exc
    log.warning("database unreachable during %s: %s (%s)", where, exc.__class__.__name__, cause.__class__.__name__)


async def read(query: Callable[..., T], engine: Engine, *args: object) -> T:
    """Run a blocking query function `query(engine, *args)` in a worker thread; an outage, or a call that outlasts
    the engine's timeouts (a hung connection), is the 503 of `unavailable()`."""
    try:
        return await asyncio.wait_for(asyncio.to_thread(query, engine, *args), call_timeout_seconds(engine))
    except asyncio.TimeoutError as exc:
        # The worker thread stays blocked until the connection is cut; the client is not kept waiting for it.
        _log_outage(exc, getattr(query, "__name__", "a database call"))
        raise unavailable() from exc
    except Exception as exc:
        if not database_unreachable(exc):
            raise
        _log_outage(exc, getattr(query, "__name__", "a database call"))
        raise unavailable() from exc


@web.middleware
async def database_outages(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Answer a request whose database connection failed, reset or timed out with the outage 503 (logged once,
    by route, never by the path's values); other errors pass on to the error middleware."""
    try:
        return await handler(request)
    except Exception as exc:
        if not database_unreachable(exc):
            raise
        route = request.match_info.route.resource
        _log_outage(exc, f"{request.method} {route.canonical if route is not None else 'an unknown route'}")
        raise unavailable() from exc
