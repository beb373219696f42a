"""Run the gateway: `python -m assistant.gateway` serves the chat API and page on the configured address."""

from __future__ import annotations

import sys

from aiohttp import web

from assistant.configuration import EXIT_CONFIG, require_valid_configuration
from assistant.gateway.app import init_app
from assistant.log_redaction import configure_logging
from assistant.ratelimit.store import missing_store


def main() -> None:
    """Serve until interrupted."""
    settings = require_valid_configuration("The gateway")
    if problem := missing_store(settings):
        print(f"The gateway refuses to start with the {settings.profile!r} profile:\n  - {problem}",
              file=sys.stderr, flush=True)
        raise SystemExit(EXIT_CONFIG)
    configure_logging(settings.log_level)
    app = init_app(settings)
    # Where to chat is printed by `python -m assistant.ready_banner`, once this, Rasa and the action server are ready.
    print(f"Gateway listening on http://{settings.gateway_host}:{settings.gateway_port}/ "
          f"(GET /healthz says when Rasa at {settings.rasa_url} and the action server are ready)", flush=True)
    web.run_app(app, host=settings.gateway_host, port=settings.gateway_port, print=None)


if __name__ == "__main__":
    main()
