"""Run the action server: `python -m actions.server` checks the configuration, then serves rasa-sdk's endpoint."""

from __future__ import annotations

import logging
import os

from rasa_sdk.__main__ import main_from_args
from rasa_sdk.endpoint import create_argument_parser

from assistant.configuration import require_valid_configuration


def main() -> None:
    """Serve the actions on ACTION_HOST:ACTION_PORT until interrupted (no CORS: only Rasa calls it)."""
    settings = require_valid_configuration("The action server")
    # rasa-sdk reads its address from SANIC_HOST and would listen on every interface without it.
    os.environ["SANIC_HOST"] = settings.action_host
    args = create_argument_parser().parse_args(["--actions", "actions", "--port", str(settings.action_port)])
    args.loglevel = logging.getLevelName(settings.log_level)
    main_from_args(args)


if __name__ == "__main__":
    main()
