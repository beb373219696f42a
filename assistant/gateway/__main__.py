"""Run the gateway: `python -m assistant.gateway` serves the chat API and page on the configured address."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator

from aiohttp import web

from assistant.configuration import EXIT_CONFIG, require_valid_configuration
from assistant.gateway.app import init_app
from assistant.gateway.keys import RASA, SETTINGS
from assistant.log_redaction import configure_logging
from assistant.ratelimit.store import missing_store

POLL_SECONDS = 2.0


def _announce(app: web.Application) -> None:
    settings = app[SETTINGS]
    host = "localhost" if settings.gateway_host in {"127.0.0.1", "0.0.0.0", "::"} else settings.gateway_host
    print(f"The assistant is ready: open http://{host}:{settings.gateway_port}/ to chat.", flush=True)
    if settings.demo_sign_in_enabled:
        print("Demo sign-in: pick one of the demo customers (ids 1, 2 or 3) on that page.", flush=True)


async def announce_when_ready(app: web.Application) -> AsyncIterator[None]:
    """Print the chat address once Rasa has loaded its model (it takes a while)."""

    async def wait_for_rasa() -> None:
        while not await app[RASA].is_ready():
            await asyncio.sleep(POLL_SECONDS)
        _announce(app)

    task = asyncio.create_task(wait_for_rasa())
    yield
    task.cancel()


def main() -> None:
    """Serve until interrupted."""
    settings = require_valid_configuration("The gateway")
    if problem := missing_store(settings):
        print(f"The gateway refuses to start with the {settings.profile!r} profile:\n  - {problem}",
              file=sys.stderr, flush=True)
        raise SystemExit(EXIT_CONFIG)
    configure_logging(settings.log_level)
    app = init_app(settings)
    app.cleanup_ctx.append(announce_when_ready)
    print(f"Gateway listening on http://{settings.gateway_host}:{settings.gateway_port}/ "
          f"(waiting for Rasa at {settings.rasa_url})", flush=True)
    web.run_app(app, host=settings.gateway_host, port=settings.gateway_port, print=None)


if __name__ == "__main__":
    main()
