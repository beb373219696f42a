"""Waiting for a service: its health check polled with back-off until it reports ready, with one waiting line."""

from __future__ import annotations

import logging

import aiohttp
import pytest
from aiohttp import web

from assistant.readiness import gateway_ready, health_url, wait_until_ready


class Warming:
    """A service whose health check answers 503 "warming up" for the first `cold_answers` calls, then 200 "ok"."""

    def __init__(self, cold_answers: int) -> None:
        self.cold_answers = cold_answers
        self.calls = 0

    async def health(self, request: web.Request) -> web.Response:
        self.calls += 1
        if self.calls <= self.cold_answers:
            return web.json_response({"status": "warming up"}, status=503)
        return web.json_response({"status": "ok"})


@pytest.fixture
async def warming(aiohttp_server) -> tuple[Warming, str]:
    service = Warming(cold_answers=3)
    app = web.Application()
    app.router.add_get("/healthz", service.health)
    server = await aiohttp_server(app)
    return service, str(server.make_url("/healthz"))


async def test_the_wait_ends_only_when_the_service_says_ok(warming) -> None:
    service, url = warming
    async with aiohttp.ClientSession() as http:
        await wait_until_ready(http, url, "the warming service", first_wait=0.01, max_wait=0.02)
    assert service.calls == 4  # three 503s, then the 200


async def test_waiting_is_logged_once_however_many_times_the_service_is_asked(
        warming, caplog: pytest.LogCaptureFixture) -> None:
    _, url = warming
    with caplog.at_level(logging.INFO, logger="assistant.readiness"):
        async with aiohttp.ClientSession() as http:
            await wait_until_ready(http, url, "the warming service", first_wait=0.01, max_wait=0.02)
    assert [r.getMessage().split(" (")[0] for r in caplog.records] == [
        "waiting for the warming service to be ready", "the warming service is ready"]


def test_the_health_check_is_found_beside_a_webhook() -> None:
    assert health_url("http://127.0.0.1:8090/push") == "http://127.0.0.1:8090/healthz"


def test_the_gateway_is_ready_only_when_it_says_so_not_merely_when_it_answers() -> None:
    assert (gateway_ready((200, {"status": "ok", "rasa": "ready", "actions": "warming up", "ready": False})),
            gateway_ready((200, {"status": "ok", "ready": True}))) == (False, True)
