"""Running the gateway's few database reads off the event loop, with outages reported as 503."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from assistant.gateway.errors import ApiError

log = logging.getLogger(__name__)

T = TypeVar("T")


async def read(query: Callable[..., T], engine: Engine, *args: object) -> T:
    """Run a blocking query function `query(engine, *args)` in a worker thread."""
    try:
        return await asyncio.to_thread(query, engine, *args)
    except DBAPIError as exc:
        log.error("database unavailable: %s", exc.__class__.__name__, exc_info=True)
        raise ApiError(503, "database_unavailable",
                       "The bank's records are unavailable right now. Please try again in a moment.") from exc
