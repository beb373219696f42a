"""The push-service simulator's app factory and its one webhook.

At start-up it waits for the gateway to report ready (Rasa and the action server warmed up) and answers its own
health check 503 until then, so the outbox waits for both instead of delivering into the gateway's 503s.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web

from assistant.event_kinds import EVENTS
from assistant.readiness import gateway_ready, health_url, wait_until_ready
from assistant.settings import Settings, get_settings
from assistant.signing import sign

log = logging.getLogger(__name__)
SETTINGS = web.AppKey("settings", Settings)
HTTP = web.AppKey("http", aiohttp.ClientSession)
GATEWAY_READY = web.AppKey("gateway_ready", asyncio.Event)
_TIMEOUT = aiohttp.ClientTimeout(total=10)


def _problem(body: object) -> str | None:
    """What is wrong with a delivery's body, if anything."""
    if not isinstance(body, dict):
        return "the body must be a JSON object"
    if isinstance(body.get("customer_id"), bool) or not isinstance(body.get("customer_id"), int):
        return '"customer_id" must be a whole number'
    if body.get("event") not in EVENTS:
        return f'"event" must be one of {", ".join(EVENTS)}'
    if not isinstance(body.get("data"), dict):
        return '"data" must be an object'
    if not isinstance(body.get("idempotency_key"), str) or not body["idempotency_key"]:
        return '"idempotency_key" must be a non-empty string'
    return None


async def push(request: web.Request) -> web.Response:
    """Take one delivery and forward it, signed, to the gateway; the gateway's refusal (4xx) is passed on, so the
    outbox dead-letters it rather than retrying forever, and 502 when the gateway was unreachable or failed."""
    raw = await request.read()
    try:
        body = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        body = None
    problem = _problem(body)
    if problem:
        return web.json_response({"error": {"code": "invalid_body", "message": problem}}, status=400)
    settings = request.app[SETTINGS]
    try:
        async with request.app[HTTP].post(settings.proactive_url, data=raw, timeout=_TIMEOUT,
                                          headers={"Content-Type": "application/json",
                                                   **sign(raw, settings.proactive_secret)}) as answer:
            status = answer.status
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        log.warning("gateway unreachable for %s: %s", body["idempotency_key"], exc)
        return web.json_response({"status": "gateway_unreachable"}, status=502)
    # 401/403 mean our own signing is misconfigured, which is ours to fix, not the delivery's fault: 502, retried.
    if 400 <= status < 500 and status not in (401, 403):
        log.warning("gateway refused %s with %s", body["idempotency_key"], status)
        return web.json_response({"status": "gateway_refused", "gateway_status": status}, status=status)
    if status >= 300:
        log.warning("gateway answered %s for %s", status, body["idempotency_key"])
        return web.json_response({"status": "gateway_refused", "gateway_status": status}, status=502)
    return web.json_response({"status": "forwarded"}, status=202)


async def healthz(request: web.Request) -> web.Response:
    """The simulator is up and, once the gateway has reported ready, ready to forward."""
    if not request.app[GATEWAY_READY].is_set():
        return web.json_response({"status": "waiting for the gateway", "role": "push-service simulator"}, status=503)
    return web.json_response({"status": "ok", "role": "push-service simulator"})


async def http_session(app: web.Application) -> AsyncIterator[None]:
    """One HTTP session to the gateway for the app's lifetime, and the wait for the gateway to be ready."""
    settings = app[SETTINGS]
    app[GATEWAY_READY] = asyncio.Event()

    async def wait_for_gateway() -> None:
        if settings.wait_for_ready:
            await wait_until_ready(app[HTTP], health_url(settings.proactive_url), "the gateway", gateway_ready)
        app[GATEWAY_READY].set()

    async with aiohttp.ClientSession() as http:
        app[HTTP] = http
        waiting = asyncio.create_task(wait_for_gateway())
        yield
        waiting.cancel()


def init_app(settings: Settings | None = None) -> web.Application:
    """Assemble the simulator (settings default to the environment's)."""
    app = web.Application(client_max_size=64 * 1024)
    app[SETTINGS] = settings or get_settings()
    app.cleanup_ctx.append(http_session)
    app.router.add_post("/push", push)
    app.router.add_get("/healthz", healthz)
    return app
