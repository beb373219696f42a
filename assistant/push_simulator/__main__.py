"""Run the push-service simulator: `python -m assistant.push_simulator` (embedded profile)."""

from __future__ import annotations

from aiohttp import web

from assistant.configuration import require_valid_configuration
from assistant.log_redaction import configure_logging
from assistant.push_simulator.app import init_app


def main() -> None:
    """Serve the simulator on 127.0.0.1:PUSH_SIMULATOR_PORT."""
    settings = require_valid_configuration("The push-service simulator")
    configure_logging(settings.log_level)
    web.run_app(init_app(settings), host="127.0.0.1", port=settings.push_simulator_port, print=None)


if __name__ == "__main__":
    main()
