"""Pushing a message to a customer's chat: numbered and stored first (assistant/live), then sent to open sockets."""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web

from assistant.gateway.conversations import reference_of, sender_of
from assistant.gateway.database import read
from assistant.gateway.errors import ApiError
from assistant.gateway.keys import ENGINE, HUB
from assistant.live import sequence

log = logging.getLogger(__name__)


def conversation_of(app: web.Application, customer_id: int) -> str:
    """The reference the live messages of the customer's conversation are stored under."""
    return reference_of(app, sender_of(app, customer_id))


async def publish(app: web.Application, customer_id: int, frame: dict[str, Any]) -> int:
    """Store the frame as the conversation's next live message, then send it; how many sockets received it.

    If the database cannot number it, the frame is still sent, without `seq`: the message is already in the tracker
    (the conversation's record, which the history endpoint reads), so a client that misses it loses nothing.
    """
    try:
        frame = await read(sequence.record, app[ENGINE], conversation_of(app, customer_id), frame)
    except (ApiError, sequence.SequenceContended):
        log.warning("a live message for a conversation could not be numbered; sent without a sequence")
    return await app[HUB].to_customer(customer_id, frame)


async def missed(app: web.Application, customer_id: int, last_seq: int | None) -> tuple[int, list[dict[str, Any]]]:
    """The conversation's latest sequence number, and the messages after `last_seq` (none when it is None)."""
    conversation = conversation_of(app, customer_id)
    latest = await read(sequence.latest_seq, app[ENGINE], conversation)
    if last_seq is None or last_seq >= latest:
        return latest, []
    return latest, await read(sequence.after, app[ENGINE], conversation, last_seq)
