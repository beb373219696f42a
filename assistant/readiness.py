"""Waiting for a service to report ready: poll its health endpoint with back-off, saying so once, not per poll."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from tenacity import AsyncRetrying, retry_if_result, wait_exponential

log = logging.getLogger(__name__)

Health = tuple[int, dict[str, Any]]
# Short: a service that takes longer than this to say how it is counts as not ready yet.
POLL_TIMEOUT = aiohttp.ClientTimeout(total=2)


def health_url(service_url: str, path: str = "/healthz") -> str:
    """The health endpoint on the same origin as `service_url` (a webhook, an API endpoint)."""
    parts = urlsplit(service_url)
    return f"{parts.scheme}://{parts.netloc}{path}"


def answers_ok(health: Health) -> bool:
    """Ready when the service answers 200 with status "ok"."""
    status, body = health
    return status == 200 and body.get("status") == "ok"


def gateway_ready(health: Health) -> bool:
    """Ready when the gateway says everything behind it is (its database, Rasa and the action server)."""
    status, body = health
    return status == 200 and body.get("ready") is True


async def fetch_health(http: aiohttp.ClientSession, url: str) -> Health | None:
    """The health endpoint's status and JSON body, or None when nothing answers sensibly."""
    try:
        async with http.get(url, timeout=POLL_TIMEOUT) as response:
            body = await response.json(content_type=None)
            return response.status, body if isinstance(body, dict) else {}
    except (aiohttp.ClientError, asyncio.TimeoutError, json.JSONDecodeError, UnicodeDecodeError):
        return None


async def is_ready(http: aiohttp.ClientSession, url: str, ready: Callable[[Health], bool] = answers_ok) -> bool:
    """Whether the service at `url` reports ready right now."""
    health = await fetch_health(http, url)
    return health is not None and ready(health)


async def wait_until_ready(http: aiohttp.ClientSession, url: str, name: str,
                           ready: Callable[[Health], bool] = answers_ok, first_wait: float = 0.25,
                           max_wait: float = 2.0) -> float:
    """Return once `name` at `url` reports ready (the seconds waited); one log line on waiting, one on ready."""
    started = time.monotonic()
    waiting_said: list[bool] = []

    def say_waiting(state: Any) -> None:
        if not waiting_said:
            log.info("waiting for %s to be ready (%s)", name, url)
            waiting_said.append(True)

    retrying = AsyncRetrying(retry=retry_if_result(lambda answered: not answered), before_sleep=say_waiting,
                             wait=wait_exponential(multiplier=first_wait, max=max_wait))
    await retrying(is_ready, http, url, ready)
    waited = time.monotonic() - started
    if waiting_said:
        log.info("%s is ready (waited %.1f s)", name, waited)
    return waited
