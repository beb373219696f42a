"""`python -m assistant.feed` serves the feed on its own port; `send` posts a file signed as a source."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.builders import CustomerRecords
from tests.feed.conftest import SOURCES, record
from tests.gateway.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]


def _env(engine: Engine, port: int, **extra: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "FEED_HOST": "127.0.0.1", "FEED_PORT": str(port), "FEED_URL": f"http://127.0.0.1:{port}",
            "FEED_SOURCES": ",".join(f"{name}:{secret}" for name, secret in SOURCES.items()),
            "ALERT_THRESHOLD": "6.0", **extra}


@pytest.fixture
async def running_feed(sqlite_engine: Engine, bank: list[CustomerRecords]) -> AsyncIterator[dict[str, str]]:
    """The feed as its own process on a free port; yields its environment."""
    env = _env(sqlite_engine, free_port())
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", "assistant.feed", cwd=ROOT, env=env,
                                                   stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)
    try:
        line = await asyncio.wait_for(process.stdout.readline(), timeout=30)
        assert f"listening on http://127.0.0.1:{env['FEED_PORT']}/" in line.decode()
        yield env
    finally:
        process.terminate()
        await process.wait()


async def test_the_feed_process_takes_a_file_sent_signed_as_a_source(running_feed: dict[str, str],
                                                                     tmp_path: Path) -> None:
    batch = tmp_path / "batch.json"
    batch.write_text(json.dumps({"transactions": [record("core-cli-1")]}))
    for _ in range(50):  # the listener binds its port just after announcing it
        sent = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "assistant.feed", "send", str(batch),
                                                        "--source", "cards"],
                                       cwd=ROOT, env=running_feed, capture_output=True, text=True, timeout=60)
        if "Cannot reach the feed" not in sent.stderr:
            break
        await asyncio.sleep(0.2)
    assert sent.returncode == 0, sent.stderr
    assert json.loads(sent.stdout) == {"accepted": ["core-cli-1"], "duplicates": [], "rejected": [],
                                       "counts": {"accepted": 1, "duplicates": 0, "rejected": 0}}


def test_the_feed_refuses_to_start_with_a_malformed_feed_sources(sqlite_engine: Engine) -> None:
    run = subprocess.run([sys.executable, "-m", "assistant.feed"], cwd=ROOT, capture_output=True, text=True,
                         env=_env(sqlite_engine, free_port(), FEED_SOURCES="core-banking"), timeout=60)
    assert run.returncode == 2
    assert "FEED_SOURCES entry 1 is not `name:secret`" in run.stderr
