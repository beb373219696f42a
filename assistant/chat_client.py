"""A small client of the gateway's customer chat API, for scripts, smoke checks and end-to-end tests."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

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


def texts(messages: list[dict]) -> str:
    """All the text the bot sent, joined, for assertions on wording."""
    return "\n".join(m.get("text") or "" for m in messages)


def button_payloads(messages: list[dict]) -> list[str]:
    """Every button payload the bot offered."""
    return [b["payload"] for m in messages for b in m.get("buttons") or []]


def custom_payloads(messages: list[dict], kind: str) -> list[dict]:
    """The custom payloads of one type (e.g. "transactions", "spending_chart")."""
    return [m["custom"] for m in messages if (m.get("custom") or {}).get("type") == kind]
