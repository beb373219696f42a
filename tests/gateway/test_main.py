"""`python -m assistant.gateway` says where it listens and serves the chat and its health check."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import aiohttp
from sqlalchemy.engine import Engine

from assistant.configuration import EXIT_CONFIG
from tests.builders import CustomerRecords
from tests.gateway.conftest import RASA_TOKEN, RasaStandIn, free_port
from tests.test_configuration import IDENTITY_PROVIDER, strong_secrets

ROOT = Path(__file__).resolve().parents[2]


async def _health_once_listening(url: str) -> dict:
    """The health check's body, asked again while the port is not open yet (the line comes just before it is)."""
    async with aiohttp.ClientSession() as http:
        for _ in range(60):
            try:
                async with http.get(url) as response:
                    return await response.json()
            except aiohttp.ClientConnectorError:
                await asyncio.sleep(0.5)
    raise AssertionError(f"nothing listened at {url}")


async def test_running_the_gateway_module_says_where_it_listens_and_serves_its_health_check(
    sqlite_engine: Engine, bank: list[CustomerRecords], rasa: RasaStandIn
) -> None:
    port = free_port()
    env = {**os.environ, "ASSISTANT_PROFILE": "embedded", "GATEWAY_HOST": "127.0.0.1", "GATEWAY_PORT": str(port),
           "DATABASE_URL": sqlite_engine.url.render_as_string(hide_password=False),
           "RASA_URL": rasa.url, "RASA_TOKEN": RASA_TOKEN}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "assistant.gateway", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        lines: list[str] = []
        while not any("Gateway listening" in line for line in lines):
            line = await asyncio.wait_for(process.stdout.readline(), timeout=30)
            assert line, f"the gateway exited early: {lines}"
            lines.append(line.decode())
        health = await _health_once_listening(f"http://127.0.0.1:{port}/healthz")
        assert (f"http://127.0.0.1:{port}/" in "".join(lines), health["rasa"]) == (True, "ready")
    finally:
        process.terminate()
        await process.wait()


def test_the_gateway_refuses_to_start_in_production_without_redis_and_names_redis_url() -> None:
    env = {**os.environ, **strong_secrets(), **IDENTITY_PROVIDER, "ASSISTANT_PROFILE": "production", "REDIS_URL": "",
           "DATABASE_URL": "sqlite:///:memory:"}
    started = subprocess.run([sys.executable, "-m", "assistant.gateway"], cwd=ROOT, env=env, capture_output=True,
                             text=True, timeout=120)
    assert (started.returncode, "REDIS_URL is not set" in started.stderr) == (EXIT_CONFIG, True), started.stderr
