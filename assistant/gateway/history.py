"""GET /api/v1/chat/history: the signed-in customer's conversation so far, read from Rasa's tracker store."""

from __future__ import annotations

from aiohttp import web

from assistant.gateway.conversations import sender_of
from assistant.gateway.errors import ApiError
from assistant.gateway.inputs import whole_number
from assistant.gateway.keys import RASA, SETTINGS
from assistant.gateway.rasa_errors import from_rasa
from assistant.gateway.signed_in import signed_in_customer
from assistant.gateway.transcript import page, transcript

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def _whole_number(request: web.Request, name: str, default: int | None, low: int, high: int | None) -> int | None:
    raw = request.query.get(name)
    if raw is None:
        return default
    value = whole_number(raw)
    if value is None or value < low or (high is not None and value > high):
        upper = f" and at most {high}" if high is not None else ""
        raise ApiError(400, "invalid_query", f'"{name}" must be a whole number of at least {low}{upper}.')
    return value


async def chat_history(request: web.Request) -> web.Response:
    """The customer's messages, the bot's and agents' replies, oldest first; page back with `before`."""
    customer = await signed_in_customer(request)
    limit = _whole_number(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    before = _whole_number(request, "before", None, 0, None)
    sender = sender_of(request.app, customer.id)
    events = await from_rasa(request.app[RASA].tracker_events(sender),
                             "The conversation is taking too long to load. Please try again in a moment.",
                             "The conversation cannot be loaded right now. Please try again in a moment.")
    return web.json_response(page(transcript(events), limit or DEFAULT_LIMIT, before).as_json())
