"""A short summary of a conversation for the agent who takes it over: the customer's last messages."""

from __future__ import annotations

from collections.abc import Sequence

MAX_MESSAGES = 5
MAX_MESSAGE_CHARS = 160


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def summarise(customer_messages: Sequence[str], max_messages: int = MAX_MESSAGES,
              max_chars: int = MAX_MESSAGE_CHARS) -> str:
    """The customer's last few typed messages, oldest first, each shortened; button payloads are left out."""
    typed = [m for m in customer_messages if m and m.strip() and not m.strip().startswith("/")]
    recent = [_shorten(m, max_chars) for m in typed[-max_messages:]]
    if not recent:
        return "The customer has not typed anything yet."
    return "Customer's last messages: " + " | ".join(f"“{m}”" for m in recent)
