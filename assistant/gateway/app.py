"""The application factory: settings, the database engine and HTTP session, routes and middlewares."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web

from assistant.db import make_engine
from assistant.gateway.keys import ENGINE, HTTP, RASA, SETTINGS
from assistant.gateway.middlewares import setup_middlewares
from assistant.gateway.rasa_client import RasaClient
from assistant.gateway.routes import setup_routes
from assistant.settings import Settings, get_settings

# A message of max_message_chars characters is at most 4 bytes each in UTF-8 (6 when JSON-escaped),
# plus the JSON around it; anything larger is not a chat message.
_BODY_OVERHEAD_BYTES = 4096


async def database_engine(app: web.Application) -> AsyncIterator[None]:
    """Open the bank database engine for the app's lifetime."""
    engine = make_engine(app[SETTINGS].database_url)
    app[ENGINE] = engine
    yield
    engine.dispose()


async def rasa_session(app: web.Application) -> AsyncIterator[None]:
    """One HTTP session (connection pool) to Rasa for the app's lifetime."""
    settings = app[SETTINGS]
    async with aiohttp.ClientSession() as http:
        app[HTTP] = http
        app[RASA] = RasaClient(http, settings.rasa_url, settings.rasa_token, settings.rasa_timeout_seconds)
        yield


def init_app(settings: Settings | None = None) -> web.Application:
    """Assemble the gateway application (settings default to the environment's)."""
    settings = settings or get_settings()
    max_body_bytes = settings.max_message_chars * 6 + _BODY_OVERHEAD_BYTES
    app = web.Application(client_max_size=max_body_bytes)
    app[SETTINGS] = settings
    app.cleanup_ctx.extend([database_engine, rasa_session])
    setup_routes(app)
    setup_middlewares(app, max_body_bytes)
    return app
