"""Talks to Rasa's REST channel and status endpoint; turns its failures into errors a customer can read."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks/rest/webhook"
STATUS_TIMEOUT_SECONDS = 2.0


class RasaUnavailable(Exception):
    """Rasa could not be reached, or answered with an error."""


class RasaTimeout(Exception):
    """Rasa took longer than the configured timeout to answer."""


class RasaClient:
    """A client of one Rasa server, sharing the gateway's HTTP session."""

    def __init__(
        self, http: aiohttp.ClientSession, base_url: str, token: str, timeout_seconds: float, attempts: int = 3
    ) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self.attempts = attempts

    async def send(self, sender: str, message: str) -> list[dict[str, Any]]:
        """Deliver one customer message and return the bot's replies, normalised."""
        # Retry only when no connection was made: a request that reached Rasa may have run actions,
        # and sending it again could, say, repeat a confirmation.
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(aiohttp.ClientConnectorError),
            stop=stop_after_attempt(self.attempts),
            wait=wait_exponential(multiplier=0.2, max=2),
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    return await self._post(sender, message)
        except aiohttp.ClientConnectorError as exc:
            log.warning("Rasa unreachable at %s: %s", self.base_url, exc)
            raise RasaUnavailable("the assistant is not reachable") from exc
        except asyncio.TimeoutError as exc:
            log.warning("Rasa did not answer within %.1f s", self.timeout.total or 0)
            raise RasaTimeout("the assistant took too long to answer") from exc
        except aiohttp.ClientError as exc:
            log.warning("Rasa request failed: %s", exc)
            raise RasaUnavailable("the assistant could not answer") from exc
        raise RasaUnavailable("the assistant could not answer")  # pragma: no cover - tenacity always returns or raises

    async def _post(self, sender: str, message: str) -> list[dict[str, Any]]:
        async with self.http.post(
            self.base_url + WEBHOOK_PATH,
            params={"token": self.token},
            json={"sender": sender, "message": message},
            timeout=self.timeout,
        ) as response:
            if response.status != 200:
                log.warning("Rasa answered HTTP %s", response.status)
                raise RasaUnavailable(f"the assistant answered with HTTP {response.status}")
            body = await response.json(content_type=None)
        if not isinstance(body, list):
            raise RasaUnavailable("the assistant sent an answer the gateway does not understand")
        return normalise_messages(body)

    async def is_ready(self) -> bool:
        """True when Rasa answers its status endpoint, which it does only once a model is loaded."""
        try:
            async with self.http.get(
                self.base_url + "/status",
                params={"token": self.token},
                timeout=aiohttp.ClientTimeout(total=STATUS_TIMEOUT_SECONDS),
            ) as response:
                return response.status == 200
        except (aiohttp.ClientError, asyncio.TimeoutError):
            return False


def _button(raw: Any) -> dict[str, str] | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("payload"), str) or not raw["payload"]:
        return None
    title = raw.get("title")
    return {"title": title if isinstance(title, str) and title else raw["payload"], "payload": raw["payload"]}


def normalise_messages(raw_messages: list[Any]) -> list[dict[str, Any]]:
    """Rasa's collector output as the chat API's messages: text, buttons, custom (and image), nothing else."""
    messages = []
    for raw in raw_messages:
        if not isinstance(raw, dict):
            continue
        message: dict[str, Any] = {}
        if isinstance(raw.get("text"), str) and raw["text"].strip():
            message["text"] = raw["text"]
        buttons = [button for button in map(_button, raw.get("buttons") or []) if button]
        if buttons:
            message["buttons"] = buttons
        if isinstance(raw.get("custom"), dict):
            message["custom"] = raw["custom"]
        if isinstance(raw.get("image"), str) and raw["image"]:
            message["image"] = raw["image"]
        if message:
            messages.append(message)
    return messages
