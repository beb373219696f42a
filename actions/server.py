"""Run the action server: `python -m actions.server` checks the configuration, then serves rasa-sdk's endpoint.

Only Rasa may call it: every request but the health check must carry `Authorization: Bearer <ACTION_SERVER_TOKEN>`
(Rasa sends it from the action endpoint's headers in endpoints*.yml), or it is answered 401 and no action runs.
"""

from __future__ import annotations

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

log = logging.getLogger(__name__)

ACTIONS_PACKAGE = "actions"
OPEN_PATHS = frozenset({"/health"})  # says "ok" and nothing else, for process supervisors


def _presented_token(request: Request) -> str:
    scheme, _, token = (request.headers.get("Authorization") or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def create_action_app(token: str) -> Sanic:
    """rasa-sdk's action endpoint with the actions registered (each guarded against database outages: outage.py),
    answering only requests that carry `token`."""
    install_log_redaction()  # in each Sanic worker process too
    executor = GuardedActionExecutor()
    executor.register_package(ACTIONS_PACKAGE)
    app = create_app_for_serve(executor, cors_origins=None)  # no CORS: no browser ever calls it

    async def require_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS:
            return None
        if not hmac.compare_digest(_presented_token(request).encode(), token.encode()):
            log.warning("refused a call to %s without the action server token", request.path)
            return response.json({"error": "This server answers only the assistant's dialogue engine.",
                                  "code": "unauthorized"}, status=401)
        return None

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
