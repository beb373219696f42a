"""Reading what a client sent: the JSON body and the chat message."""

from __future__ import annotations

import json
import re
from typing import Any

from aiohttp import web

from assistant.gateway.errors import ApiError


# ASCII digits only (str.isdigit also takes "²", which int() refuses), and few enough to fit a database integer.
_WHOLE_NUMBER = re.compile(r"[0-9]{1,18}")


def whole_number(raw: str) -> int | None:
    """A whole number written in a path or query (at least 0, below 10**18), or None for anything else."""
    return int(raw) if _WHOLE_NUMBER.fullmatch(raw) else None


async def json_object(request: web.Request) -> dict[str, Any]:
    """The request body as a JSON object, or a 400 saying what is wrong with it."""
    return parse_json_object(await request.read())


def parse_json_object(raw: bytes) -> dict[str, Any]:
    """Raw body bytes as a JSON object, or a 400 saying what is wrong with them."""
    try:
        body = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ApiError(400, "invalid_json", "The request body is not valid JSON.") from exc
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_body", "The request body must be a JSON object.")
    return body


def chat_message(body: dict[str, Any], max_chars: int) -> str:
    """What to send to Rasa: the button payload if one was given, else the typed message; validated."""
    payload = body.get("payload")
    message = payload if payload is not None else body.get("message")
    field = "payload" if payload is not None else "message"
    if message is None:
        raise ApiError(400, "invalid_body", 'The request must have a "message" string.')
    if not isinstance(message, str):
        raise ApiError(400, "invalid_body", f'"{field}" must be a string.')
    if not message.strip():
        raise ApiError(400, "empty_message", "The message is empty. Please type something.")
    if len(message) > max_chars:
        raise ApiError(
            413, "message_too_long",
            f"Messages can be at most {max_chars} characters; this one has {len(message)}. Please shorten it.",
        )
    return message.strip()
