"""`python -m assistant.alerts deliver --forever` waits for the push service to report ready before it sends."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from aiohttp import web
from sqlalchemy.engine import Engine

from tests.alerts.outbox_fixtures import PushService, queue_alerts
from assistant.local_stack import APP_PYTHON, ROOT

WAITING = "waiting for the push service"


async def _until(condition, what: str, seconds: float = 60.0) -> None:
    for _ in range(int(seconds * 10)):
        if condition():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"gave up waiting for {what}")


async def test_the_outbox_sends_nothing_until_the_push_service_is_ready_and_says_it_waits_once(
        sqlite_engine: Engine, aiohttp_server, tmp_path: Path) -> None:
    queue_alerts(sqlite_engine, 2)
    push, ready = PushService(), asyncio.Event()

    async def healthz(request: web.Request) -> web.Response:
        if ready.is_set():
            return web.json_response({"status": "ok"})
        return web.json_response({"status": "waiting for the gateway"}, status=503)

    app = push.app()
    app.router.add_get("/healthz", healthz)
    server = await aiohttp_server(app)
    log_path = tmp_path / "outbox.log"
    env = {**os.environ, "ASSISTANT_PROFILE": "embedded", "WAIT_FOR_READY": "1", "LOG_LEVEL": "INFO",
           "DATABASE_URL": sqlite_engine.url.render_as_string(hide_password=False)}
    with open(log_path, "wb") as log:
        worker = await asyncio.create_subprocess_exec(
            str(APP_PYTHON), "-m", "assistant.alerts", "deliver", "--forever", "--interval", "0.1",
            "--url", str(server.make_url("/push")), cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        await _until(lambda: WAITING in log_path.read_text(), "the worker to start waiting")
        await asyncio.sleep(1.0)  # several of its polls, each answered 503
        sent_while_not_ready = push.calls
        ready.set()
        await _until(lambda: len(push.received) == 2, "both alerts to be delivered")
    finally:
        worker.terminate()
        await worker.wait()
    assert (sent_while_not_ready, log_path.read_text().count(WAITING)) == (0, 1)
