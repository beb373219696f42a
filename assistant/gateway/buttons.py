"""Customers cannot speak for the bank: a `/intent{entities}` message is taken only as a button the bot offered.

Rasa reads any message starting with "/" as an intent with entities, skipping language understanding. Typed by a
customer, `/EXTERNAL_unusual_purchase{"transaction_id": ...}` would play the fraud alert that only the push service
may trigger, and `/deny_purchase` would answer a question nobody asked. So such a message is sent to Rasa only
when it is exactly the payload of a button the bot offered in its latest turn, read from the conversation's
tracker (the record), and never when it names an `EXTERNAL_` intent; anything else is refused with a clear 400.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from assistant.gateway.errors import ApiError

PAYLOAD_PREFIX = "/"
EXTERNAL_INTENT_PREFIX = "EXTERNAL_"
NOT_OFFERED = ("That reply is not one of the buttons I offered just now, so I haven't acted on it. Please choose "
               "one of the buttons shown, or type your message in words.")


def is_payload(message: str) -> bool:
    """Whether Rasa would read this message as an intent payload rather than as words."""
    return message.lstrip().startswith(PAYLOAD_PREFIX)


def intent_of(payload: str) -> str:
    """The intent a payload names: `/inform{"x": 1}` -> `inform` (Rasa's own reading: up to `{` or `@`)."""
    name = payload.lstrip().removeprefix(PAYLOAD_PREFIX)
    for stop in ("{", "@"):
        name = name.split(stop, 1)[0]
    return name.strip()


def offered_payloads(events: list[dict[str, Any]]) -> set[str]:
    """The button payloads of the bot's latest turn: every bot message since the latest user event."""
    offered: set[str] = set()
    for event in reversed(events):
        kind = event.get("event")
        if kind == "user":
            break
        if kind != "bot" or not isinstance(event.get("data"), dict):
            continue
        for button in event["data"].get("buttons") or []:
            if isinstance(button, dict) and isinstance(button.get("payload"), str):
                offered.add(button["payload"].strip())
    return offered


async def require_offered(message: str, tracker_events: Callable[[], Awaitable[list[dict[str, Any]]]]) -> None:
    """Let a payload through only if the bot just offered it as a button; 400 `button_not_offered` otherwise.

    `tracker_events` reads the conversation's events from Rasa; it is called only for payloads, so words cost
    no extra round trip.
    """
    if not is_payload(message):
        return
    if intent_of(message).startswith(EXTERNAL_INTENT_PREFIX) or message.strip() not in offered_payloads(
            await tracker_events()):
        raise ApiError(400, "button_not_offered", NOT_OFFERED)
