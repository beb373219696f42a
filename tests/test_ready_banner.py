"""The start-up banner prints where to chat once, and only when every service's health check says ready."""

from __future__ import annotations

import asyncio
import io

import pytest
from aiohttp import web

from assistant.ready_banner import announce_when_ready
from assistant.settings import Settings


class HealthChecks:
    """The gateway's, the feed's and the push-service simulator's health checks, each as ready as a test makes it."""

    def __init__(self) -> None:
        self.gateway_ready = False

    async def gateway(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "ok", "rasa": "ready", "database": "ok",
                                  "actions": "ready" if self.gateway_ready else "warming up",
                                  "ready": self.gateway_ready})

    async def ok(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})


@pytest.fixture
async def services(aiohttp_server) -> tuple[HealthChecks, Settings]:
    checks = HealthChecks()
    ports = []
    for handler in (checks.gateway, checks.ok, checks.ok):
        app = web.Application()
        app.router.add_get("/healthz", handler)
        ports.append((await aiohttp_server(app)).port)
    return checks, Settings(gateway_host="127.0.0.1", gateway_port=ports[0], feed_host="127.0.0.1",
                            feed_port=ports[1], push_simulator_port=ports[2])


async def test_the_chat_address_is_printed_once_all_health_checks_say_ready(services) -> None:
    checks, settings = services
    out = io.StringIO()
    banner = asyncio.create_task(announce_when_ready(settings, out))
    await asyncio.sleep(0.6)  # a few of the banner's polls while the action server is still warming up
    printed_while_warming = out.getvalue()
    checks.gateway_ready = True
    await asyncio.wait_for(banner, timeout=30)
    assert (printed_while_warming, out.getvalue().count(f"http://localhost:{settings.gateway_port}/ to chat")) == (
        "", 1)
