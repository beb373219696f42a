"""Run the action server: `python -m actions.server` checks the configuration, then serves rasa-sdk's endpoint.

It answers GET /health with 503 "warming up" until the knowledge index, the embedding model and the churn and
offer models are loaded and have each answered once (assistant/warmup.py), so a customer's first question never
pays for loading them; then 200 "ok", naming any part that could not load.

Only Rasa may call it: every request but the health check must carry `Authorization: Bearer <ACTION_SERVER_TOKEN>`
(Rasa sends it from the action endpoint's headers in endpoints*.yml), or it is answered 401 and no action runs.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from functools import partial

from rasa_sdk import utils
from rasa_sdk.endpoint import create_app_for_serve
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic.worker.loader import AppLoader

from actions.outage import GuardedActionExecutor
from assistant.configuration import require_valid_configuration
from assistant.log_redaction import install_log_redaction
from assistant.settings import get_settings
from assistant.warmup import WarmUp, warm_up

log = logging.getLogger(__name__)

ACTIONS_PACKAGE = "actions"
HEALTH_PATH = "/health"
OPEN_PATHS = frozenset({HEALTH_PATH})  # says whether the server is ready and nothing else, for process supervisors


def _presented_token(request: Request) -> str:
    scheme, _, token = (request.headers.get("Authorization") or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def health_answer(warmed: WarmUp | None) -> HTTPResponse:
    """503 while the warm-up runs; then 200, with the parts that could not load (their actions say so)."""
    if warmed is None:
        return response.json({"status": "warming up"}, status=503)
    return response.json({"status": "ok", "unavailable": sorted(warmed.unavailable)}, status=200)


async def _warm(app: Sanic) -> None:
    # In a thread: loading takes seconds, and /health must answer "warming up" meanwhile.
    app.ctx.warm_up = await asyncio.to_thread(warm_up)
    log.info("Action server ready after a %.1f s warm-up", app.ctx.warm_up.seconds)


def create_action_app(token: str) -> Sanic:
    """rasa-sdk's action endpoint with the actions registered (each guarded against database outages: outage.py),
    answering only requests that carry `token`."""
    install_log_redaction()  # in each Sanic worker process too
    # Sanic spawns its workers: without this, their own lines (the warm-up's) would come out unformatted.
    utils.configure_colored_logging(logging.getLevelName(get_settings().log_level))
    executor = GuardedActionExecutor()
    executor.register_package(ACTIONS_PACKAGE)
    app = create_app_for_serve(executor, cors_origins=None)  # no CORS: no browser ever calls it
    app.ctx.warm_up = None

    async def start_warm_up(started: Sanic) -> None:
        started.add_task(_warm(started))  # each worker process warms its own caches

    async def answer_health(request: Request) -> HTTPResponse | None:
        # Answered here, before rasa-sdk's own /health, which says "ok" as soon as the port is open.
        return health_answer(request.app.ctx.warm_up) if request.path == HEALTH_PATH else None

    async def require_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS:
            return None
        if not hmac.compare_digest(_presented_token(request).encode(), token.encode()):
            log.warning("refused a call to %s without the action server token", request.path)
            return response.json({"error": "This server answers only the assistant's dialogue engine.",
                                  "code": "unauthorized"}, status=401)
        return None

    app.register_listener(start_warm_up, "after_server_start")
    app.register_middleware(answer_health, "request")
    app.register_middleware(require_token, "request")
    return app


def main() -> None:
    """Serve the actions on ACTION_HOST:ACTION_PORT until interrupted."""
    settings = require_valid_configuration("The action server")
    install_log_redaction()
    level = logging.getLevelName(settings.log_level)
    utils.configure_colored_logging(level)
    utils.update_sanic_log_level()
    # Each Sanic worker builds its own app from this factory; the token travels in the pickled factory, never on a
    # command line.
    loader = AppLoader(factory=partial(create_action_app, settings.action_server_token))
    app = loader.load()
    app.prepare(host=settings.action_host, port=settings.action_port, workers=utils.number_of_sanic_workers())
    log.info("Action server listening on http://%s:%s", settings.action_host, settings.action_port)
    Sanic.serve(primary=app, app_loader=loader)


if __name__ == "__main__":
    main()
