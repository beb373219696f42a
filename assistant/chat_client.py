"""A small client of the gateway's customer chat API, for scripts, smoke checks and end-to-end tests."""

from __future__ import annotations

import asyncio
import json
import random
import time
import urllib.error
import urllib.request
from typing import Any

import aiohttp

RATE_LIMIT_RETRIES = 5


class ChatClient:
    """A customer of the gateway: chats over HTTP with a token from the bank's sign-in, or else the demo sign-in."""

    def __init__(self, gateway_url: str, customer_id: int, timeout: float = 60.0, token: str | None = None) -> None:
        self.gateway_url = gateway_url.rstrip("/")
        self.customer_id = customer_id
        self.timeout = timeout
        # Seconds spent waiting out the gateway's limits (429 Retry-After), so timings can leave them out.
        self.waited_seconds = 0.0
        # Demo sign-in serves only the demo personas (and does not exist in production): anyone else brings a token.
        self.token = token or self._post("/api/v1/auth/demo", {"customer_id": customer_id})["token"]

    def _post(self, path: str, body: dict, token: str | None = None) -> dict:
        """POST a JSON body; past one of the gateway's limits, wait as long as its Retry-After says and send again."""
        for _ in range(RATE_LIMIT_RETRIES):
            try:
                return self._post_once(path, body, token)
            except urllib.error.HTTPError as refused:
                if refused.code != 429:
                    raise
                wait = float(refused.headers.get("Retry-After") or 1)
                self.waited_seconds += wait
                time.sleep(wait)
        return self._post_once(path, body, token)

    def _post_once(self, path: str, body: dict, token: str | None) -> dict:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(
            self.gateway_url + path, data=json.dumps(body).encode(), method="POST", headers=headers
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            return json.loads(response.read())

    def say(self, message: str) -> list[dict]:
        """Send one message (text or a button payload) and return the bot's replies."""
        return self._post("/api/v1/chat", {"message": message}, token=self.token)["messages"]

    def new_session(self) -> list[dict]:
        """Start a new conversation session and return the bot's replies (none, or a greeting)."""
        return self._post("/api/v1/chat/session", {}, token=self.token)["messages"]

    def history(self, limit: int = 50) -> list[dict]:
        """The conversation so far (customer, bot and agent messages), oldest first."""
        request = urllib.request.Request(f"{self.gateway_url}/api/v1/chat/history?limit={limit}",
                                         headers={"Authorization": f"Bearer {self.token}"})
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            return json.loads(response.read())["messages"]

    def live(self) -> "LiveChannel":
        """The customer's live channel (websocket), not yet connected."""
        return LiveChannel(self.gateway_url, self.token)


class LiveChannel:
    """The customer's websocket: remembers the last `seq` it received, asks for what came after it when it
    reconnects, and drops an event whose `seq` it has already seen (assistant/gateway/realtime.py)."""

    def __init__(self, gateway_url: str, token: str, max_delay_seconds: float = 5.0) -> None:
        self.url = gateway_url.replace("http", "ws", 1) + "/api/v1/chat/ws"
        self.token = token
        self.max_delay_seconds = max_delay_seconds
        self.last_seq: int | None = None
        self.duplicates = 0
        self._seen: set[int] = set()
        self._session: aiohttp.ClientSession | None = None
        self._socket: aiohttp.ClientWebSocketResponse | None = None

    async def connect(self, timeout: float = 30.0) -> dict[str, Any]:
        """Open (or reopen) the socket, retrying with exponential back-off and jitter; the ready frame."""
        self._session = self._session or aiohttp.ClientSession()
        deadline = time.monotonic() + timeout
        failures = 0
        while True:
            try:
                return await self._open()
            except (aiohttp.ClientError, OSError, ConnectionError):
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(min(self.max_delay_seconds, 0.2 * 2 ** failures) * (0.5 + random.random() / 2))
                failures += 1

    async def _open(self) -> dict[str, Any]:
        self._socket = await self._session.ws_connect(self.url)
        auth: dict[str, Any] = {"type": "auth", "token": self.token}
        if self.last_seq is not None:
            auth["last_seq"] = self.last_seq
        await self._socket.send_json(auth)
        ready = await self._socket.receive()
        if ready.type != aiohttp.WSMsgType.TEXT:
            raise ConnectionError(f"the live channel closed before it was ready ({self._socket.close_code})")
        frame = json.loads(ready.data)
        if self.last_seq is None and isinstance(frame.get("last_seq"), int):
            self.last_seq = frame["last_seq"]
        return frame

    async def receive(self, timeout: float) -> dict[str, Any] | None:
        """The next event not seen before; None when nothing comes within `timeout` seconds.

        ConnectionError when the socket has closed (call `connect` to resume from the last seq)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while (left := deadline - loop.time()) > 0:
            try:
                message = await self._socket.receive(timeout=left)
            except asyncio.TimeoutError:
                return None
            if message.type != aiohttp.WSMsgType.TEXT:
                raise ConnectionError(f"the live channel closed ({self._socket.close_code})")
            event = json.loads(message.data)
            if event.get("type") in {"pong", "error"}:
                continue
            seq = event.get("seq")
            if isinstance(seq, int):
                if seq in self._seen:
                    self.duplicates += 1
                    continue
                self._seen.add(seq)
                self.last_seq = max(seq, self.last_seq or 0)
            return event
        return None

    async def close(self) -> None:
        """Close the socket and its HTTP session."""
        if self._socket is not None:
            await self._socket.close()
        if self._session is not None:
            await self._session.close()


def texts(messages: list[dict]) -> str:
    """All the text the bot sent, joined, for assertions on wording."""
    return "\n".join(m.get("text") or "" for m in messages)


def button_payloads(messages: list[dict]) -> list[str]:
    """Every button payload the bot offered."""
    return [b["payload"] for m in messages for b in m.get("buttons") or []]


def custom_payloads(messages: list[dict], kind: str) -> list[dict]:
    """The custom payloads of one type (e.g. "transactions", "spending_chart")."""
    return [m["custom"] for m in messages if (m.get("custom") or {}).get("type") == kind]
