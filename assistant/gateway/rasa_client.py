"""Talks to Rasa's signed input channel, conversation API and status endpoint; turns its failures into errors a customer can read."""

from __future__ import annotations

import asyncio
import json as jsonlib
import logging
import uuid
from typing import Any
from urllib.parse import quote

import aiohttp
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from assistant.signing import sign

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks/lumen/webhook"  # dialogue/channels.py
STATUS_TIMEOUT_SECONDS = 2.0


class RasaUnavailable(Exception):
    """Rasa could not be reached, or answered with an error."""


class RasaTimeout(Exception):
    """Rasa took longer than the configured timeout to answer."""


class RasaClient:
    """A client of one Rasa server, sharing the gateway's HTTP session."""

    def __init__(
        self, http: aiohttp.ClientSession, base_url: str, token: str, channel_secret: str, timeout_seconds: float,
        attempts: int = 3,
    ) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.channel_secret = channel_secret
        self.timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self.attempts = attempts

    async def send(self, sender: str, message: str) -> list[dict[str, Any]]:
        """Deliver one customer message and return the bot's replies, normalised."""
        # Each message its own id: the channel refuses a signed body it has seen, and the same words sent twice in
        # one second (a "yes" typed again) would otherwise be the same body under the same timestamp.
        payload = {"sender": sender, "message": message, "message_id": uuid.uuid4().hex}
        body = await self._request("POST", WEBHOOK_PATH, json=payload, signed=True)
        if not isinstance(body, list):
            raise RasaUnavailable("the assistant sent an answer the gateway does not understand")
        return normalise_messages(body)

    async def trigger_intent(self, sender: str, intent: str, entities: dict[str, Any]) -> list[dict[str, Any]]:
        """Trigger an intent from outside the conversation (EXTERNAL_...) and return the bot's replies, normalised."""
        body = await self._request("POST", f"/conversations/{quote(sender, safe='')}/trigger_intent",
                                   json={"name": intent, "entities": entities})
        if not isinstance(body, dict) or not isinstance(body.get("messages", []), list):
            raise RasaUnavailable("the assistant sent an answer the gateway does not understand")
        return normalise_messages(body.get("messages", []))

    async def tracker_events(self, sender: str) -> list[dict[str, Any]]:
        """Every event of the conversation's tracker (the record of the conversation), oldest first."""
        body = await self._request("GET", f"/conversations/{quote(sender, safe='')}/tracker",
                                   params={"include_events": "ALL"})
        if not isinstance(body, dict) or not isinstance(body.get("events") or [], list):
            raise RasaUnavailable("the assistant sent a conversation the gateway does not understand")
        return [event for event in body.get("events") or [] if isinstance(event, dict)]

    async def append_events(self, sender: str, events: list[dict[str, Any]]) -> None:
        """Append events to the conversation's tracker (an agent's message, a resume) without running the bot."""
        body = await self._request("POST", f"/conversations/{quote(sender, safe='')}/tracker/events", json=events)
        if not isinstance(body, dict):
            raise RasaUnavailable("the assistant sent an answer the gateway does not understand")

    async def _request(self, method: str, path: str, json: Any = None, params: dict[str, str] | None = None,
                       signed: bool = False) -> Any:
        """One call to Rasa's API (or, signed, to its input channel): its JSON body, or RasaUnavailable / RasaTimeout."""
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
                    return await self._call(method, path, json, params or {}, signed)
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

    async def _call(self, method: str, path: str, json: Any, params: dict[str, str], signed: bool) -> Any:
        if signed:
            # The channel takes the signature instead of the API token; each attempt is signed afresh, as the
            # channel refuses a signature it has seen.
            raw = jsonlib.dumps(json).encode()
            arguments: dict[str, Any] = {"data": raw, "headers": {"Content-Type": "application/json",
                                                                  **sign(raw, self.channel_secret)}}
        else:
            arguments = {"params": {**params, "token": self.token}, "json": json}
        async with self.http.request(method, self.base_url + path, timeout=self.timeout, **arguments) as response:
            if response.status != 200:
                log.warning("Rasa answered HTTP %s to %s %s", response.status, method, path.split("?")[0])
                raise RasaUnavailable(f"the assistant answered with HTTP {response.status}")
            try:
                return await response.json(content_type=None)
            except ValueError as exc:
                raise RasaUnavailable("the assistant sent an answer the gateway does not understand") from exc

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
