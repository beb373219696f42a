"""`python -m assistant.ready_banner`: print where to chat once every service `make run` starts reports ready.

The gateway's health check covers Rasa, the action server (warmed up) and the database; the feed and the
push-service simulator answer their own. The banner then stays idle: honcho stops everything when a process ends.
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass
from typing import Callable, TextIO

import aiohttp

from assistant.configuration import require_valid_configuration
from assistant.log_redaction import configure_logging
from assistant.readiness import Health, answers_ok, gateway_ready, wait_until_ready
from assistant.settings import Settings


@dataclass(frozen=True)
class Service:
    """One service whose health check must say ready before the chat address is given."""

    name: str
    health_url: str
    ready: Callable[[Health], bool] = answers_ok


def _local(host: str) -> str:
    """The address to reach a service listening on `host` from this machine."""
    return "127.0.0.1" if host in {"0.0.0.0", "::", ""} else host


def services(settings: Settings) -> list[Service]:
    """What `make run` starts that has a health check."""
    return [
        Service("the gateway (with Rasa and the action server)",
                f"http://{_local(settings.gateway_host)}:{settings.gateway_port}/healthz", gateway_ready),
        Service("the core-banking feed", f"http://{_local(settings.feed_host)}:{settings.feed_port}/healthz"),
        Service("the push-service simulator", f"http://127.0.0.1:{settings.push_simulator_port}/healthz"),
    ]


def chat_address(settings: Settings) -> str:
    """The web chat's address as a person types it in a browser on this machine."""
    host = "localhost" if settings.gateway_host in {"127.0.0.1", "0.0.0.0", "::"} else settings.gateway_host
    return f"http://{host}:{settings.gateway_port}/"


async def announce_when_ready(settings: Settings, out: TextIO = sys.stdout) -> float:
    """Wait for every service to report ready, then print where to chat once; returns the seconds waited."""
    async with aiohttp.ClientSession() as http:
        waited = await asyncio.gather(*(wait_until_ready(http, service.health_url, service.name, service.ready)
                                        for service in services(settings)))
    print(f"The assistant is ready: open {chat_address(settings)} to chat.", file=out, flush=True)
    if settings.demo_sign_in_enabled:
        print("Demo sign-in: pick one of the demo customers (ids 1, 2 or 3) on that page.", file=out, flush=True)
    return max(waited)


def main() -> None:
    """Announce the chat address when everything is ready, then idle until stopped."""
    settings = require_valid_configuration("The start-up banner")
    configure_logging(settings.log_level)

    async def run() -> None:
        await announce_when_ready(settings)
        await asyncio.Event().wait()  # stay up: honcho ends every process when one exits

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
