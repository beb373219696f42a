"""The application factory: settings, the database engine and HTTP session, routes and middlewares."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web

from assistant.db import make_engine
from assistant.gateway.auth import TokenVerifier
from assistant.gateway.browser_policy import setup_browser_policy
from assistant.gateway.hub import Hub
from assistant.gateway.keys import ARTICLES, ENGINE, HTTP, HUB, RASA, SETTINGS, TOKENS
from assistant.gateway.limits import limit_store
from assistant.gateway.middlewares import setup_middlewares
from assistant.gateway.rasa_client import RasaClient
from assistant.gateway.routes import setup_routes
from assistant.gateway.suggestions import ArticleSuggester
from assistant.settings import Settings, get_settings

# A message of max_message_chars characters is at most 4 bytes each in UTF-8 (6 when JSON-escaped),
# plus the JSON around it; anything larger is not a chat message.
_BODY_OVERHEAD_BYTES = 4096


async def database_engine(app: web.Application) -> AsyncIterator[None]:
    """Open the bank database engine for the app's lifetime."""
    engine = make_engine(app[SETTINGS].database_url, app[SETTINGS])
    app[ENGINE] = engine
    yield
    engine.dispose()


async def rasa_session(app: web.Application) -> AsyncIterator[None]:
    """One HTTP session (connection pool) to Rasa for the app's lifetime."""
    settings = app[SETTINGS]
    async with aiohttp.ClientSession() as http:
        app[HTTP] = http
        app[RASA] = RasaClient(http, settings.rasa_url, settings.rasa_token, settings.rasa_channel_secret,
                               settings.rasa_timeout_seconds)
        yield


async def live_hub(app: web.Application) -> AsyncIterator[None]:
    """The open customer and agent websockets, held for the app's lifetime."""
    limits = app[SETTINGS].limits
    app[HUB] = Hub(limits.sockets_per_customer, limits.sockets_per_agent)
    yield


async def close_sockets(app: web.Application) -> None:
    """Close every open websocket first on shutdown, so their handlers end instead of holding the server."""
    await app[HUB].close_all()


def init_app(settings: Settings | None = None) -> web.Application:
    """Assemble the gateway application (settings default to the environment's)."""
    settings = settings or get_settings()
    max_body_bytes = settings.max_message_chars * 6 + _BODY_OVERHEAD_BYTES
    app = web.Application(client_max_size=max_body_bytes)
    app[SETTINGS] = settings
    app[TOKENS] = TokenVerifier(settings)
    app[ARTICLES] = ArticleSuggester(settings.build_dir / "knowledge" / "index")
    app.cleanup_ctx.extend([database_engine, rasa_session, live_hub, limit_store])
    app.on_shutdown.append(close_sockets)
    setup_routes(app)
    setup_middlewares(app, max_body_bytes)
    setup_browser_policy(app)
    return app
